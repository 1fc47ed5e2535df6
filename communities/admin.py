"""Django admin for superusers: every registry model with its change history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from communities.models import Building, Estate, Household, Membership, Owner, Region, Stairwell


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "level", "parent", "code", "path")
    list_filter = ("level",)
    search_fields = ("name", "code")
    raw_id_fields = ("parent",)


class BuildingInline(admin.TabularInline):
    model = Building
    extra = 0
    show_change_link = True


@admin.register(Estate)
class EstateAdmin(SimpleHistoryAdmin):
    list_display = ("name", "community", "address", "year_built", "management_type")
    list_filter = ("management_type",)
    search_fields = ("name", "address", "community__name")
    list_select_related = ("community",)
    raw_id_fields = ("community",)
    inlines = [BuildingInline]


class StairwellInline(admin.TabularInline):
    model = Stairwell
    extra = 0
    show_change_link = True


@admin.register(Building)
class BuildingAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "estate", "number", "floors", "year_built")
    search_fields = ("estate__name", "number")
    list_select_related = ("estate",)
    raw_id_fields = ("estate",)
    inlines = [StairwellInline]


@admin.register(Stairwell)
class StairwellAdmin(SimpleHistoryAdmin):
    list_display = ("number", "building", "floors", "has_elevator")
    list_filter = ("has_elevator",)
    search_fields = ("building__estate__name",)
    list_select_related = ("building__estate",)
    raw_id_fields = ("building",)


class OwnerInline(admin.TabularInline):
    model = Owner
    extra = 0


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = (
        "room_number",
        "stairwell",
        "floor",
        "floor_area",
        "ownership_type",
        "occupants",
    )
    list_filter = ("ownership_type",)
    search_fields = ("room_number", "stairwell__building__estate__name")
    list_select_related = ("stairwell__building__estate",)
    raw_id_fields = ("stairwell",)
    inlines = [OwnerInline]


@admin.register(Owner)
class OwnerAdmin(SimpleHistoryAdmin):
    list_display = ("name", "phone", "household", "is_primary")
    search_fields = ("name", "phone")
    list_select_related = ("household__stairwell__building__estate",)
    raw_id_fields = ("household",)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "region", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "region__name")
    list_select_related = ("user", "region")
    raw_id_fields = ("user", "region")
