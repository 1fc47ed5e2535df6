from django.urls import path

from consultations import (
    ballot_views,
    electorate_views,
    exports,
    link_views,
    resident_views,
    views,
)

app_name = "consultations"
urlpatterns = [
    path("", views.ConsultationListView.as_view(), name="list"),
    path("new/", views.ConsultationCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ConsultationDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ConsultationUpdateView.as_view(), name="edit"),
    path("<int:pk>/preview/", views.PreviewView.as_view(), name="preview"),
    path("<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("<int:pk>/turnout/", views.TurnoutView.as_view(), name="turnout"),
    path("<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
    path("<int:pk>/do/<str:action>/", views.consultation_transition, name="transition"),
    path(
        "<int:pk>/electorate/refreeze/",
        electorate_views.RefreezeView.as_view(),
        name="electorate-refreeze",
    ),
    path("<int:pk>/questions/add/", views.QuestionFormView.as_view(), name="question-add"),
    path(
        "<int:pk>/questions/<int:question_pk>/",
        views.QuestionFormView.as_view(),
        name="question-edit",
    ),
    path(
        "<int:pk>/questions/<int:question_pk>/delete/",
        views.question_delete,
        name="question-delete",
    ),
    path("<int:pk>/attachments/add/", views.AttachmentAddView.as_view(), name="attachment-add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/ballots/enter/", ballot_views.BallotEnterView.as_view(), name="ballot-enter"),
    path("<int:pk>/ballots.xlsx", exports.ballots_export, name="export"),
    path(
        "<int:pk>/objections/<int:objection_pk>/answer/",
        views.objection_answer,
        name="objection-answer",
    ),
    path("<int:pk>/ideas/", views.IdeasView.as_view(), name="ideas"),
    path("links/", link_views.LinksView.as_view(), name="links"),
    path("links/<int:household_pk>/revoke/", link_views.link_revoke, name="link-revoke"),
    path("links/<int:household_pk>/reissue/", link_views.link_reissue, name="link-reissue"),
    path("links/<int:household_pk>/qr/", link_views.link_qr, name="link-qr"),
    # Residents: no account, a session for one dwelling opened by its printed link.
    path("r/<str:token>/", resident_views.resident_enter, name="resident-enter"),
    path("resident/", resident_views.resident_home, name="resident-home"),
    path("resident/<int:pk>/", resident_views.resident_consultation, name="resident-consultation"),
    path("resident/leave/", resident_views.resident_leave, name="resident-leave"),
]
