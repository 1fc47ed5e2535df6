from rest_framework.routers import DefaultRouter

from elevators.api import statistics, views

router = DefaultRouter()
router.register("elevator-retrofits", views.RetrofitViewSet, basename="elevator-retrofit")
router.register("elevator-schemes", views.SharingSchemeViewSet, basename="elevator-scheme")
router.register(
    "elevator-subsidy-policies", views.SubsidyPolicyViewSet, basename="elevator-subsidy-policy"
)
router.register("elevator-shares", views.ShareViewSet, basename="elevator-share")
router.register("elevator-payments", views.PaymentViewSet, basename="elevator-payment")
router.register("elevator-statistics", views.StatisticsViewSet, basename="elevator-statistics")
router.register("elevator-arrears", views.ArrearsViewSet, basename="elevator-arrears")
urlpatterns = router.urls + statistics.urls
