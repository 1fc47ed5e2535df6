from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from renovation.token_views import ApiTokenListView, api_token_revoke
from renovation.views import HomeView, kept_upload_view

# Each app owns `<app>/urls.py` (pages, app_name = "<app>") and `<app>/api/urls.py`
# (a router's urls, mounted under /api/v1/).
APPS = ["communities", "projects", "consultations", "elevators", "inspections", "bulletins"]

api_patterns = [path("", include(f"{app}.api.urls")) for app in APPS]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    # Browsers (and the admin and API docs pages) ask for /favicon.ico by themselves.
    path("favicon.ico", RedirectView.as_view(url=static_url("favicon.ico"), permanent=True)),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/api-tokens/", ApiTokenListView.as_view(), name="api-tokens"),
    path("accounts/api-tokens/revoke/", api_token_revoke, name="api-token-revoke"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("uploads/kept/", kept_upload_view, name="kept-upload"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    *[path(f"{app}/", include(f"{app}.urls")) for app in APPS],
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
