from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
