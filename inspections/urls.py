from django.urls import path

from inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.PointListView.as_view(), name="point-list"),
    path("map/markers/", views.point_markers_view, name="point-markers"),
    path("points/new/", views.PointCreateView.as_view(), name="point-create"),
    path("points/<int:pk>/", views.PointDetailView.as_view(), name="point-detail"),
    path("points/<int:pk>/transition/", views.point_transition_view, name="point-transition"),
    path("photos/<int:pk>/", views.photo_view, name="photo"),
    path("patrols/", views.PatrolListView.as_view(), name="patrol-list"),
    path("patrols/new/", views.PatrolCreateView.as_view(), name="patrol-create"),
    path("patrols/<int:pk>/", views.PatrolDetailView.as_view(), name="patrol-detail"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
]
