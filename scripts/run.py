"""`make run`: the portal, a Celery worker with beat, and the demo city, on one machine.

With DATABASE_URL unset the settings start an embedded PostgreSQL under var/; with REDIS_URL
unset the worker uses kombu's filesystem transport under var/celery. Ctrl-C stops everything
this script started (the embedded PostgreSQL keeps running for the next start; `make stop-db`)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")


def manage(*args):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, check=True)


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renovation.settings")
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo", "--if-empty")
    children = [
        subprocess.Popen([PY, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"], cwd=ROOT),
        subprocess.Popen(
            [
                PY,
                "-m",
                "celery",
                "-A",
                "renovation",
                "worker",
                "--beat",
                "--loglevel=INFO",
                "--concurrency=2",
                "--schedule",
                str(ROOT / "var" / "celerybeat-schedule"),
            ],
            cwd=ROOT,
        ),
    ]
    print(f"\nHuanxin is running on http://{HOST}:{PORT}/  (Ctrl-C stops it)\n", flush=True)

    def stop(signum, frame):
        raise KeyboardInterrupt

    # Explicit handlers: a shell that starts us in the background may have SIGINT ignored.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
    failed = [c for c in children if c.returncode not in (0, -signal.SIGINT, None)]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
