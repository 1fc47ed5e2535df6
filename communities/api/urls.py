from rest_framework.routers import DefaultRouter

from communities.api import views

router = DefaultRouter()
router.register("regions", views.RegionViewSet)
router.register("estates", views.EstateViewSet)
router.register("buildings", views.BuildingViewSet)
router.register("stairwells", views.StairwellViewSet)
router.register("households", views.HouseholdViewSet)
urlpatterns = router.urls
