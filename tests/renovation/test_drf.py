"""The API's exception handler: a service's ValidationError is a 400 keyed by field."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404

from renovation.drf import exception_handler


def test_a_service_error_naming_fields_comes_back_under_those_fields():
    error = ValidationError({"floors": ["Too few."], NON_FIELD_ERRORS: ["Not here."]})
    response = exception_handler(error, {})
    assert response.status_code == 400
    assert response.data == {"floors": ["Too few."], "non_field_errors": ["Not here."]}


def test_a_service_error_naming_no_field_comes_back_as_non_field_errors():
    response = exception_handler(ValidationError("Only a draft can be opened."), {})
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Only a draft can be opened."]}


def test_other_exceptions_keep_drfs_handling():
    assert exception_handler(Http404(), {}).status_code == 404
    assert exception_handler(ZeroDivisionError(), {}) is None
