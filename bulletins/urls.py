from django.urls import path

from bulletins import views

app_name = "bulletins"
urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
]
