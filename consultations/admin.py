from django.contrib import admin

from consultations.models import AccessLink, Ballot, Consultation, Objection, Question


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "estate", "kind", "status", "opens_at", "closes_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "estate__name"]
    raw_id_fields = ["estate", "building", "stairwell", "created_by"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "consultation", "type", "position"]
    raw_id_fields = ["consultation"]


@admin.register(Ballot)
class BallotAdmin(admin.ModelAdmin):
    list_display = ["consultation", "household", "channel", "cast_at", "is_current"]
    list_filter = ["channel", "is_current"]
    raw_id_fields = ["consultation", "household", "entered_by"]


@admin.register(AccessLink)
class AccessLinkAdmin(admin.ModelAdmin):
    # The token itself is never stored; only its hash, which is useless to show.
    list_display = ["household", "issued_at", "revoked_at", "last_used_at"]
    exclude = ["token_hash"]
    raw_id_fields = ["household", "issued_by"]


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["consultation", "lodged_at", "responded_at"]
    raw_id_fields = ["consultation", "household", "responded_by"]
