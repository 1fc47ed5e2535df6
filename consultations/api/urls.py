from rest_framework.routers import DefaultRouter

from consultations.api import statistics, views

router = DefaultRouter()
router.register("consultations", views.ConsultationViewSet, basename="consultation")
router.register("consultation-questions", views.QuestionViewSet, basename="consultation-question")
urlpatterns = router.urls + statistics.urls
