"""Admin: subsidy policies and sharing schemes are editable here (the shipped ones only here);
retrofits, share tables and payments are read-only records — they change only through
elevators.services and elevators.share_services, which keep the shares exact and versioned."""

from django.contrib import admin

from elevators.models import (
    CostLine,
    Payment,
    Retrofit,
    RetrofitStep,
    SchemeFloor,
    Share,
    ShareVersion,
    SharingScheme,
    SubsidyPolicy,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InUseMixin:
    """A policy or scheme that a retrofit uses is not deleted (PROTECT would refuse anyway)."""

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (
            obj is not None and obj.retrofits.exists()
        )


@admin.register(SubsidyPolicy)
class SubsidyPolicyAdmin(InUseMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "amount", "percent", "cap", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


class SchemeFloorInline(admin.TabularInline):
    model = SchemeFloor
    extra = 0


@admin.register(SharingScheme)
class SharingSchemeAdmin(InUseMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "area_weighted",
        "require_no_objection",
        "compensation_per_dwelling",
        "region",
        "is_active",
    ]
    list_filter = ["area_weighted", "is_active"]
    search_fields = ["name"]
    inlines = [SchemeFloorInline]


class StepInline(ReadOnlyInline):
    model = RetrofitStep
    fields = ["on", "from_status", "to_status", "actor", "consultation", "note"]
    readonly_fields = fields


class CostLineInline(ReadOnlyInline):
    model = CostLine
    fields = ["kind", "description", "amount"]
    readonly_fields = fields


@admin.register(Retrofit)
class RetrofitAdmin(ReadOnlyAdmin):
    list_display = ["pk", "stairwell", "status", "estimated_cost", "final_cost", "subsidy"]
    list_filter = ["status"]
    list_select_related = ["stairwell__building__estate"]
    search_fields = ["stairwell__building__estate__name", "builder", "permit_number"]
    inlines = [CostLineInline, StepInline]


class ShareInline(ReadOnlyInline):
    model = Share
    fields = ["household", "kind", "floor", "floor_area", "coefficient", "weight", "amount"]
    readonly_fields = fields


@admin.register(ShareVersion)
class ShareVersionAdmin(ReadOnlyAdmin):
    list_display = ["retrofit", "number", "is_current", "effective_on", "reason_kind"]
    list_filter = ["is_current", "reason_kind"]
    list_select_related = ["retrofit__stairwell__building__estate"]
    inlines = [ShareInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["retrofit", "household", "amount", "paid_on", "method", "reference"]
    list_filter = ["method"]
    list_select_related = ["retrofit__stairwell__building__estate", "household"]
    search_fields = ["reference"]
