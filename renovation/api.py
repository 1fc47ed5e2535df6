"""The base of every API viewset: authentication, role permission, scoping, filters and
pagination live here, so a plain CRUD viewset is `queryset`, `serializer_class`,
`filterset_class`. A service's ValidationError needs no try/except in a view: the exception
handler in `renovation.drf` turns it into a 400 keyed by field."""

from rest_framework import serializers, viewsets

from renovation import access


class ScopedQuerysetMixin:
    """Limits `queryset` to the caller's part of the tree; out of scope is 404."""

    def get_queryset(self):
        return access.scope_queryset(self.request.user, super().get_queryset())


class ScopedModelViewSet(ScopedQuerysetMixin, viewsets.ModelViewSet):
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    write_perm = access.MANAGE


class ScopedReadOnlyViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A relation that accepts only objects the caller may write to (`perm`, default manage):
    an out-of-scope id reads as "does not exist", exactly like a wrong id."""

    def __init__(self, *args, perm=access.MANAGE, **kwargs):
        self.perm = perm
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return access.scope_queryset(request.user, queryset, self.perm)
