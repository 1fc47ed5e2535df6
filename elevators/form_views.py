"""Staff forms: create and edit a retrofit, move it along its workflow, start its consent vote,
cost lines and the final cost, recompute the share table, declines and re-joins, instalment
plans, payments, and the schemes and policies. Each is a class-based page on
`renovation.views.ServiceFormMixin`: it parses the form, calls one service and puts the
service's message beside the field it names. Removing a cost line is a POST-only action, so a
function view on `staff_view`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from elevators import (
    cost_services,
    forms,
    payment_services,
    scheme_services,
    selectors,
    services,
    share_services,
)
from elevators.models import (
    CostLine,
    InstalmentPlan,
    Retrofit,
    ShareVersion,
    SharingScheme,
    SubsidyPolicy,
)
from elevators.views import RetrofitMixin
from renovation import access, dates
from renovation.views import PermRequiredMixin, ServiceFormMixin, staff_view


class ServiceFormView(ServiceFormMixin, FormView):
    """An elevators form page: `save(form)` calls one service (`ServiceFormMixin`); the page
    shows `title` and a Cancel link back to where the form leads."""

    template_name = "elevators/form.html"
    title = ""
    anchor = ""
    success_message = gettext_lazy("Saved.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, back=self.get_success_url(), **kwargs)


class RetrofitFormView(RetrofitMixin, ServiceFormView):
    perm = access.MANAGE

    def get_success_url(self):
        url = reverse("elevators:detail", args=[self.retrofit.pk])
        return f"{url}#{self.anchor}" if self.anchor else url


class RetrofitCreateView(PermRequiredMixin, ServiceFormView):
    form_class = forms.RetrofitCreateForm
    title = gettext_lazy("New elevator retrofit")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        stairwell = self.request.GET.get("stairwell", "")
        return {"stairwell": stairwell} if stairwell.isdigit() else {}

    def save(self, form):
        self.retrofit = services.retrofit_create(user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        if getattr(self, "retrofit", None):
            return reverse("elevators:detail", args=[self.retrofit.pk]) + "#costs"
        return reverse("elevators:list")


class RetrofitEditView(RetrofitFormView):
    form_class = forms.RetrofitForm
    title = gettext_lazy("Edit retrofit")

    def get_form_kwargs(self):
        # A copy: the form must not change the retrofit the service compares against.
        instance = Retrofit.objects.get(pk=self.retrofit.pk)
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": instance}

    def save(self, form):
        services.retrofit_update(
            user=self.request.user, retrofit=self.retrofit, data=form.cleaned_data
        )


class TransitionView(RetrofitFormView):
    form_class = forms.TransitionForm
    title = gettext_lazy("Change status")
    anchor = "status"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "allowed": services.allowed_next(self.retrofit.status)}

    def get_initial(self):
        wanted = self.request.GET.get("to", "")
        return {
            "on": dates.today(),
            "to_status": wanted,
            "permit_number": self.retrofit.permit_number,
        }

    def save(self, form):
        return services.retrofit_transition(
            retrofit=self.retrofit, actor=self.request.user, **form.cleaned_data
        )

    def get_success_message(self, retrofit):
        return _("The retrofit is now at “%(s)s”.") % {"s": retrofit.get_status_display()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            consent_problem=services.consent_problem(self.retrofit), **kwargs
        )


class ConsentStartView(RetrofitFormView):
    form_class = forms.ConsentForm
    title = gettext_lazy("Start the consent vote")
    success_message = gettext_lazy(
        "The consent vote is created as a draft of the stairwell's owners; open it from its page."
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "retrofit": self.retrofit}

    def get_initial(self):
        from datetime import datetime, time, timedelta

        from django.utils import timezone

        start = timezone.make_aware(datetime.combine(dates.today() + timedelta(days=1), time(8)))
        return {
            "title": services.consent_title(self.retrofit),
            "description": services.consent_description(self.retrofit),
            "opens_at": start,
            "closes_at": start + timedelta(days=14, hours=12),
            "publicity_days": 7,
        }

    def save(self, form):
        data = form.cleaned_data
        services.retrofit_consent_start(
            retrofit=self.retrofit,
            actor=self.request.user,
            consultation=data["consultation"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            title=data["title"],
            description=data["description"],
            publicity_days=data["publicity_days"],
        )

    def get_success_url(self):
        self.retrofit.refresh_from_db()
        if self.retrofit.consultation_id:
            return reverse("consultations:detail", args=[self.retrofit.consultation_id])
        return super().get_success_url()


class CostLineView(RetrofitFormView):
    form_class = forms.CostLineForm
    title = gettext_lazy("Cost line")
    anchor = "costs"

    def dispatch(self, request, *args, **kwargs):
        self.line = None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        if "item" in self.kwargs:
            self.line = get_object_or_404(self.retrofit.cost_lines, pk=self.kwargs["item"])
        return {
            **super().get_form_kwargs(),
            "instance": self.line or CostLine(retrofit=self.retrofit),
        }

    def save(self, form):
        cost_services.cost_line_save(
            retrofit=self.retrofit, line=form.instance, actor=self.request.user
        )


@staff_view
@require_POST
def cost_line_delete(request, pk, item):
    retrofit = access.scoped_get_or_404(
        request.user, selectors.retrofits_visible(user=request.user), access.MANAGE, pk=pk
    )
    line = get_object_or_404(retrofit.cost_lines, pk=item)
    try:
        cost_services.cost_line_delete(line=line, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Cost line removed."))
    return redirect(reverse("elevators:detail", args=[retrofit.pk]) + "#costs")


class FinalCostView(RetrofitFormView):
    form_class = forms.FinalCostForm
    title = gettext_lazy("Final cost")
    anchor = "costs"

    def get_initial(self):
        return {"final_cost": self.retrofit.final_cost}

    def save(self, form):
        cost_services.final_cost_set(
            retrofit=self.retrofit, actor=self.request.user, **form.cleaned_data
        )


class RecomputeView(RetrofitFormView):
    form_class = forms.RecomputeForm
    title = gettext_lazy("Compute the share table")
    anchor = "shares"
    success_message = gettext_lazy("A new version of the share table is now current.")

    def save(self, form):
        first = not self.retrofit.versions.exists()
        share_services.share_table_compute(
            retrofit=self.retrofit,
            actor=self.request.user,
            reason_kind=ShareVersion.Reason.INITIAL if first else ShareVersion.Reason.RECOMPUTED,
            reason=form.cleaned_data["reason"],
        )


class DeclineView(RetrofitFormView):
    form_class = forms.DeclineForm
    title = gettext_lazy("A dwelling declines")
    anchor = "declines"
    success_message = gettext_lazy("Recorded; the other dwellings' shares were recomputed.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "retrofit": self.retrofit}

    def get_initial(self):
        household = self.request.GET.get("household", "")
        return {
            "declined_on": dates.today(),
            "household": household if household.isdigit() else None,
        }

    def save(self, form):
        data = form.cleaned_data
        share_services.decline_record(
            retrofit=self.retrofit,
            household=data["household"],
            on=data["declined_on"],
            reason=data["reason"],
            actor=self.request.user,
        )


class RejoinView(RetrofitFormView):
    form_class = forms.RejoinForm
    title = gettext_lazy("A dwelling joins again")
    anchor = "declines"
    success_message = gettext_lazy("Recorded; the dwelling pays its share from that date.")

    def get_initial(self):
        return {"rejoined_on": dates.today()}

    def get_context_data(self, **kwargs):
        decline = get_object_or_404(self.retrofit.declines, pk=self.kwargs["item"])
        return super().get_context_data(subject=decline.household, **kwargs)

    def save(self, form):
        decline = get_object_or_404(self.retrofit.declines, pk=self.kwargs["item"])
        share_services.rejoin_record(
            retrofit=self.retrofit,
            household=decline.household,
            on=form.cleaned_data["rejoined_on"],
            note=form.cleaned_data["note"],
            actor=self.request.user,
        )


class PlanView(RetrofitFormView):
    form_class = forms.PlanForm
    title = gettext_lazy("Instalment plan")
    success_message = gettext_lazy("Plan saved; the schedule was rewritten.")

    def get_success_url(self):
        return reverse("elevators:dwelling", args=[self.retrofit.pk, self.kwargs["household"]])

    def get_form_kwargs(self):
        plan = self.retrofit.plans.filter(household=self.household()).first()
        instance = plan or InstalmentPlan(
            retrofit=self.retrofit,
            household=self.household(),
            first_due_on=self.retrofit.payment_due_on or dates.today(),
        )
        return {**super().get_form_kwargs(), "instance": instance}

    def get_context_data(self, **kwargs):
        household = self.household()
        share = payment_services.dwelling_share(retrofit=self.retrofit, household=household)
        subject = str(household)
        if share is not None:
            subject = _("%(dwelling)s · share ¥%(amount)s") % {
                "dwelling": household,
                "amount": share.amount,
            }
        return super().get_context_data(subject=subject, **kwargs)

    def save(self, form):
        payment_services.plan_save(
            retrofit=self.retrofit, household=self.household(), **form.cleaned_data
        )


class PaymentView(RetrofitFormView):
    form_class = forms.PaymentForm
    title = gettext_lazy("Record a payment")
    anchor = "payments"
    success_message = gettext_lazy("Payment recorded.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "retrofit": self.retrofit}

    def get_initial(self):
        household = self.request.GET.get("household", "")
        return {"paid_on": dates.today(), "household": household if household.isdigit() else None}

    def save(self, form):
        self.payment = payment_services.payment_record(
            retrofit=self.retrofit, actor=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        payment = getattr(self, "payment", None)
        if payment is not None:
            return reverse("elevators:dwelling", args=[self.retrofit.pk, payment.household_id])
        return super().get_success_url()


class ReferenceFormView(PermRequiredMixin, ServiceFormView):
    """Create (or, given pk, edit; given ?copy=pk, copy) a policy or a scheme."""

    model = None

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        if request.user.is_authenticated and "pk" in kwargs:
            self.object = get_object_or_404(
                scheme_services.references_offered(
                    user=request.user, references=self.model.objects.all()
                ),
                pk=kwargs["pk"],
            )
            if not scheme_services.may_edit_reference(request.user, self.object):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def source(self):
        copy = self.request.GET.get("copy", "")
        if self.object is None and copy.isdigit():
            return get_object_or_404(
                scheme_services.references_offered(
                    user=self.request.user, references=self.model.objects.all()
                ),
                pk=copy,
            )
        return None

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "user": self.request.user}
        kwargs["instance"] = self.object or self.model()
        return kwargs

    def get_success_url(self):
        return reverse("elevators:schemes")


class PolicyFormView(ReferenceFormView):
    model = SubsidyPolicy
    form_class = forms.PolicyForm
    title = gettext_lazy("Subsidy policy")

    def get_initial(self):
        source = self.source()
        if source is None:
            return {}
        return {
            "name": _("%(name)s (copy)") % {"name": source.name},
            **{f: getattr(source, f) for f in ("kind", "amount", "percent", "cap", "note")},
        }

    def save(self, form):
        scheme_services.policy_save(user=self.request.user, policy=form.instance)


class SchemeFormView(ReferenceFormView):
    model = SharingScheme
    form_class = forms.SchemeForm
    title = gettext_lazy("Sharing scheme")

    def get_initial(self):
        source = self.source()
        if source is None:
            return {}
        fields = (
            "area_weighted",
            "require_no_objection",
            "compensation_per_dwelling",
            "compensation_funding",
            "note",
        )
        return {
            "name": _("%(name)s (copy)") % {"name": source.name},
            "coefficients": ", ".join(
                f"{c.normalize():f}"
                for c in source.floors.order_by("floor").values_list("coefficient", flat=True)
            ),
            **{f: getattr(source, f) for f in fields},
        }

    def save(self, form):
        scheme_services.scheme_save(
            user=self.request.user, scheme=form.instance, coefficients=form.coefficient_list()
        )
