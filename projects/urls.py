from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.ProgrammeOverviewView.as_view(), name="overview"),
    path("programmes/new/", views.ProgrammeFormView.as_view(), name="programme-create"),
    path("programmes/<int:pk>/edit/", views.ProgrammeFormView.as_view(), name="programme-edit"),
    path("list/", views.ProjectListView.as_view(), name="list"),
    path("map/", views.BattleMapView.as_view(), name="battle-map"),
    path("map/markers/", views.battle_map_markers_view, name="battle-map-markers"),
    path("strikes/", views.StrikesView.as_view(), name="strikes"),
    path("new/", views.ProjectFormView.as_view(), name="create"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ProjectFormView.as_view(), name="edit"),
    path("<int:pk>/status/", views.TransitionView.as_view(), name="transition"),
    path("<int:pk>/acceptance/", views.AcceptanceView.as_view(), name="acceptance"),
    path("<int:pk>/works/new/", views.WorksItemFormView.as_view(), name="works-create"),
    path("<int:pk>/works/<int:item>/", views.WorksItemFormView.as_view(), name="works-edit"),
    path("<int:pk>/funding/new/", views.FundingLineFormView.as_view(), name="funding-create"),
    path("<int:pk>/funding/<int:item>/", views.FundingLineFormView.as_view(), name="funding-edit"),
    path("<int:pk>/milestones/new/", views.MilestoneFormView.as_view(), name="milestone-create"),
    path(
        "<int:pk>/milestones/<int:item>/", views.MilestoneFormView.as_view(), name="milestone-edit"
    ),
    path("<int:pk>/complaints/new/", views.ComplaintFormView.as_view(), name="complaint-create"),
    path(
        "<int:pk>/complaints/<int:item>/", views.ComplaintFormView.as_view(), name="complaint-edit"
    ),
    path(
        "<int:pk>/complaints/<int:item>/resolve/",
        views.ComplaintResolveView.as_view(),
        name="complaint-resolve",
    ),
    path("<int:pk>/reports/new/", views.ProgressReportView.as_view(), name="report-create"),
]
