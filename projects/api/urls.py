from rest_framework.routers import DefaultRouter

from . import statistics, views

router = DefaultRouter()
router.register("programmes", views.ProgrammeViewSet, basename="projects-programme")
router.register("projects", views.ProjectViewSet, basename="projects-project")
router.register("progress-reports", views.ProgressReportViewSet, basename="projects-report")
router.register("complaints", views.ComplaintViewSet, basename="projects-complaint")
urlpatterns = router.urls + statistics.urls
