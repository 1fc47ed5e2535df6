from rest_framework.routers import DefaultRouter

from inspections.api import statistics, views

router = DefaultRouter()
router.register("inspection-categories", views.CategoryViewSet, basename="inspection-category")
router.register("inspection-points", views.PointViewSet, basename="inspection-point")
router.register("inspection-patrols", views.PatrolViewSet, basename="inspection-patrol")
router.register("inspection-statistics", views.StatisticsViewSet, basename="inspection-statistics")
urlpatterns = router.urls + statistics.urls
