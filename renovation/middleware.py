from django.conf import settings
from django.http import Http404
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.views.defaults import page_not_found


class DefaultLanguageMiddleware(LocaleMiddleware):
    """Chinese unless the user picked English with the switch: pages take their language from
    the language cookie only, not from the browser's Accept-Language (street-office PCs and
    residents' phones often report English even for Chinese readers). The API still honours
    Accept-Language, which is how machine clients ask."""

    def process_request(self, request):
        if request.path.startswith("/api/"):
            # Machine clients say what they want in Accept-Language.
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NotFoundPageMiddleware:
    """With DEBUG on (`make run` serves the demo that way), an unknown address still shows the
    portal's own 404 page in the portal's language, not Django's English debug page listing
    the URL patterns. With DEBUG off Django's own handler renders the same template. The API
    keeps its JSON errors."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _applies(self, request) -> bool:
        return settings.DEBUG and not request.path.startswith("/api/")

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and getattr(request, "resolver_match", None) is None  # no page at this address
            and self._applies(request)
        ):
            return page_not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and self._applies(request):
            return page_not_found(request, exception)
        return None
