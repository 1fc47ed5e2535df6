"""Admin: the category list is editable; points, steps, photos and patrols are read-only
records (the workflow moves only through inspections.services). Nothing can be deleted."""

from django.contrib import admin

from inspections.models import Category, Patrol, PatrolVisit, Photo, Point, Step


class NoDeleteAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ReadOnlyAdmin(NoDeleteAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(NoDeleteAdmin):
    list_display = ["name", "code", "group", "default_deadline_days", "is_active", "order"]
    list_filter = ["group", "is_active"]
    list_editable = ["default_deadline_days", "is_active", "order"]


class StepInline(admin.TabularInline):
    model = Step
    fields = ["at", "from_status", "to_status", "actor", "deadline", "case_number", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Point)
class PointAdmin(ReadOnlyAdmin):
    list_display = ["pk", "estate", "category", "location", "status", "deadline", "found_at"]
    list_filter = ["status", "category__group", "category"]
    list_select_related = ["estate", "category"]
    search_fields = ["location", "responsible_party", "case_number", "estate__name"]
    date_hierarchy = "found_at"
    inlines = [StepInline]


@admin.register(Step)
class StepAdmin(ReadOnlyAdmin):
    list_display = ["point", "from_status", "to_status", "actor", "at"]
    list_select_related = ["point__estate", "point__category", "actor"]
    list_filter = ["to_status"]


@admin.register(Photo)
class PhotoAdmin(ReadOnlyAdmin):
    list_display = ["pk", "point", "kind", "uploaded_at"]
    list_select_related = ["point__estate", "point__category"]


class PatrolVisitInline(admin.TabularInline):
    model = PatrolVisit
    readonly_fields = ["point", "finding", "note"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Patrol)
class PatrolAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "estate", "worker"]
    list_select_related = ["estate", "worker"]
    inlines = [PatrolVisitInline]
