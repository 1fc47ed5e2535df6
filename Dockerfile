FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
        fonts-wqy-zenhei libpango-1.0-0 libpangoft2-1.0-0 gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
ENV DJANGO_SETTINGS_MODULE=renovation.settings PYTHONUNBUFFERED=1
RUN DEBUG=true DATABASE_URL=sqlite:///tmp/build.db python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "renovation.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4"]
