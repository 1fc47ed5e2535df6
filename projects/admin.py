from django.contrib import admin

from .models import (
    Complaint,
    FundingLine,
    Milestone,
    Programme,
    ProgressReport,
    Project,
    Strike,
    WorksItem,
    WorksType,
)


@admin.register(WorksType)
class WorksTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "category", "default_unit", "sort_order", "is_active"]
    list_filter = ["category", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "region", "target_estates", "satisfaction_threshold"]


class WorksItemInline(admin.TabularInline):
    model = WorksItem
    extra = 0


class FundingLineInline(admin.TabularInline):
    model = FundingLine
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["estate", "programme", "status", "official_name", "planned_completion_date"]
    list_filter = ["status", "programme"]
    list_select_related = ["estate", "programme"]
    search_fields = ["estate__name", "official_name"]
    inlines = [WorksItemInline, FundingLineInline, MilestoneInline]
    readonly_fields = ["status", "resume_status", "completed_on"]


admin.site.register([Complaint, ProgressReport, Strike])
