from django.urls import path
from django.views.generic import RedirectView

from communities import import_views, views

app_name = "communities"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="communities:estate-list"), name="index"),
    path("estates/", views.EstateListView.as_view(), name="estate-list"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("estates/new/", views.EstateCreateView.as_view(), name="estate-create"),
    path("estates/<int:pk>/", views.EstateDetailView.as_view(), name="estate-detail"),
    path("estates/<int:pk>/edit/", views.EstateUpdateView.as_view(), name="estate-update"),
    path("estates/<int:pk>/history/", views.EstateHistoryView.as_view(), name="estate-history"),
    path(
        "estates/<int:pk>/buildings/new/",
        views.BuildingCreateView.as_view(),
        name="building-create",
    ),
    path("buildings/<int:pk>/edit/", views.BuildingUpdateView.as_view(), name="building-update"),
    path(
        "buildings/<int:pk>/stairwells/new/",
        views.StairwellCreateView.as_view(),
        name="stairwell-create",
    ),
    path("stairwells/<int:pk>/edit/", views.StairwellUpdateView.as_view(), name="stairwell-update"),
    path(
        "stairwells/<int:pk>/households/new/",
        views.HouseholdCreateView.as_view(),
        name="household-create",
    ),
    path("households/<int:pk>/edit/", views.HouseholdUpdateView.as_view(), name="household-update"),
    path("import/", import_views.ImportView.as_view(), name="import"),
    path("import/<int:pk>/", import_views.ImportJobView.as_view(), name="import-job"),
    path(
        "import/<int:pk>/progress/",
        import_views.ImportJobProgressView.as_view(),
        name="import-job-progress",
    ),
    path("import/template.xlsx", import_views.ImportTemplateView.as_view(), name="import-template"),
    path("export.xlsx", import_views.ExportView.as_view(), name="export"),
]
