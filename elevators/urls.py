from django.urls import path

from elevators import form_views, resident_views, views

app_name = "elevators"
urlpatterns = [
    path("", views.RetrofitListView.as_view(), name="list"),
    path("new/", form_views.RetrofitCreateView.as_view(), name="create"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("schemes/", views.SchemeListView.as_view(), name="schemes"),
    path("schemes/new/", form_views.SchemeFormView.as_view(), name="scheme-create"),
    path("schemes/<int:pk>/", form_views.SchemeFormView.as_view(), name="scheme-edit"),
    path("policies/new/", form_views.PolicyFormView.as_view(), name="policy-create"),
    path("policies/<int:pk>/", form_views.PolicyFormView.as_view(), name="policy-edit"),
    path("<int:pk>/", views.RetrofitDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", form_views.RetrofitEditView.as_view(), name="edit"),
    path("<int:pk>/status/", form_views.TransitionView.as_view(), name="transition"),
    path("<int:pk>/consent/", form_views.ConsentStartView.as_view(), name="consent"),
    path("<int:pk>/costs/new/", form_views.CostLineView.as_view(), name="cost-create"),
    path("<int:pk>/costs/<int:item>/", form_views.CostLineView.as_view(), name="cost-edit"),
    path("<int:pk>/costs/<int:item>/delete/", form_views.cost_line_delete, name="cost-delete"),
    path("<int:pk>/final-cost/", form_views.FinalCostView.as_view(), name="final-cost"),
    path("<int:pk>/shares/compute/", form_views.RecomputeView.as_view(), name="compute"),
    path("<int:pk>/shares.xlsx", views.ShareTableExportView.as_view(), name="export"),
    path("<int:pk>/declines/new/", form_views.DeclineView.as_view(), name="decline"),
    path("<int:pk>/declines/<int:item>/rejoin/", form_views.RejoinView.as_view(), name="rejoin"),
    path("<int:pk>/payments/new/", form_views.PaymentView.as_view(), name="payment-create"),
    path("<int:pk>/dwellings/<int:household>/", views.DwellingView.as_view(), name="dwelling"),
    path("<int:pk>/dwellings/<int:household>/plan/", form_views.PlanView.as_view(), name="plan"),
    # Residents: the dwelling of the consultations app's link session.
    path("resident/", resident_views.resident_share, name="resident"),
]
