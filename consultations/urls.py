from django.urls import path

from consultations import exports, resident_views, views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("new/", views.consultation_create, name="create"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/edit/", views.consultation_edit, name="edit"),
    path("<int:pk>/preview/", views.consultation_preview, name="preview"),
    path("<int:pk>/results/", views.consultation_results, name="results"),
    path("<int:pk>/turnout/", views.consultation_turnout, name="turnout"),
    path("<int:pk>/publish/", views.consultation_publish, name="publish"),
    path("<int:pk>/do/<str:action>/", views.consultation_transition, name="transition"),
    path("<int:pk>/questions/add/", views.question_edit, name="question-add"),
    path("<int:pk>/questions/<int:question_pk>/", views.question_edit, name="question-edit"),
    path(
        "<int:pk>/questions/<int:question_pk>/delete/",
        views.question_delete,
        name="question-delete",
    ),
    path("<int:pk>/attachments/add/", views.attachment_add, name="attachment-add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/ballots/enter/", views.ballot_enter, name="ballot-enter"),
    path("<int:pk>/ballots.xlsx", exports.ballots_export, name="export"),
    path(
        "<int:pk>/objections/<int:objection_pk>/answer/",
        views.objection_answer,
        name="objection-answer",
    ),
    path("<int:pk>/ideas/", views.ideas_moderate, name="ideas"),
    path("links/", views.links_page, name="links"),
    path("links/<int:household_pk>/revoke/", views.link_revoke, name="link-revoke"),
    path("links/<int:household_pk>/qr/", views.link_qr, name="link-qr"),
    # Residents: no account, a session for one dwelling opened by its printed link.
    path("r/<str:token>/", resident_views.resident_enter, name="resident-enter"),
    path("resident/", resident_views.resident_home, name="resident-home"),
    path("resident/<int:pk>/", resident_views.resident_consultation, name="resident-consultation"),
    path("resident/leave/", resident_views.resident_leave, name="resident-leave"),
]
