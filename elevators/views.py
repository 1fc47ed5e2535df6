"""Staff pages that read: the retrofit list, a retrofit's page (consent figures, costs, subsidy,
the share table with its versions, declines, payments), one dwelling's account, the share table
as xlsx, statistics with arrears, and the schemes and policies. The forms are in
`form_views.py`, the resident's page in `resident_views.py`."""

import io

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from communities.models import Household, Region
from elevators import scheme_services, selectors, services
from elevators.filtersets import RetrofitFilterSet
from elevators.models import Retrofit
from renovation import access, dates
from renovation.exports import safe_cell
from renovation.views import StaffMixin

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RetrofitMixin(StaffMixin):
    """A page about one retrofit: 404 outside the user's `perm` scope."""

    perm = access.VIEW

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.retrofit = access.scoped_get_or_404(
            request.user,
            selectors.retrofits_visible(user=request.user).select_related("running_scheme"),
            self.perm,
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(retrofit=self.retrofit, **kwargs)

    def household(self) -> Household:
        """The dwelling `household` of the URL, one of the retrofit's stairwell; else 404."""
        return get_object_or_404(self.retrofit.stairwell.households, pk=self.kwargs["household"])


class RetrofitListView(StaffMixin, TemplateView):
    template_name = "elevators/retrofit_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, today = self.request.user, dates.today()
        queryset = selectors.retrofits_with_figures(
            retrofits=selectors.retrofits_visible(user=user), today=today
        ).order_by(
            "stairwell__building__estate__name",
            "stairwell__building__number",
            "stairwell__number",
            "pk",
        )
        filterset = RetrofitFilterSet(self.request.GET or None, queryset=queryset, user=user)
        retrofits = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        page = Paginator(retrofits, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            filterset=filterset,
            page_obj=page,
            retrofits=page.object_list,
            can_manage=access.has_any_perm(user, access.MANAGE),
        )
        return context


class RetrofitDetailView(RetrofitMixin, TemplateView):
    template_name = "elevators/retrofit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, retrofit, today = self.request.user, self.retrofit, dates.today()
        number = self.request.GET.get("version", "")
        version = (
            selectors.share_version(retrofit=retrofit, number=int(number))
            if number.isdigit()
            else None
        )
        if number.isdigit() and version is None:
            raise Http404
        community = retrofit.stairwell.building.estate.community
        personal = access.sees_personal_data(user, community)
        context.update(
            steps=retrofit.steps.select_related("actor", "consultation"),
            cost_lines=retrofit.cost_lines.all(),
            consent=selectors.retrofit_consent_figures(retrofit=retrofit),
            table=selectors.share_table(
                retrofit=retrofit, version=version, personal=personal, today=today
            ),
            versions=selectors.share_versions(retrofit=retrofit),
            declines=retrofit.declines.select_related("household", "recorded_by"),
            payments=retrofit.payments.select_related("household", "recorded_by").order_by(
                "-paid_on", "-pk"
            )[:10],
            payment_count=retrofit.payments.count(),
            transitions=[
                (s, Retrofit.Status(s).label) for s in services.allowed_next(retrofit.status)
            ],
            consent_problem=services.consent_problem(retrofit)
            if retrofit.status == Retrofit.Status.CONSENT_VOTE
            else None,
            overdue=services.is_overdue(retrofit, today=today),
            **_ladder(retrofit),
            can_manage=access.has_perm(user, access.MANAGE, community),
            personal=personal,
            today=today,
        )
        return context


S = Retrofit.Status
LADDER = [
    S.PROPOSED,
    S.CONSENT_VOTE,
    S.CONSENT_REACHED,
    S.DESIGN,
    S.APPROVED,
    S.CONSTRUCTION,
    S.INSPECTED,
    S.IN_SERVICE,
]


def _ladder(retrofit: Retrofit) -> dict:
    """The main path with the steps already passed (a failed vote stops after the vote)."""
    status = retrofit.status
    if status == S.CONSENT_FAILED:
        done = [S.PROPOSED, S.CONSENT_VOTE]
        ladder = [*LADDER[:2], S.CONSENT_FAILED]
    else:
        done, ladder = LADDER[: LADDER.index(status)], LADDER
    return {"ladder": [(s, S(s).label) for s in ladder], "done": done}


class DwellingView(RetrofitMixin, TemplateView):
    """One dwelling's account with the retrofit: share, plan, schedule and payments."""

    template_name = "elevators/dwelling.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        household = self.household()
        community = self.retrofit.stairwell.building.estate.community
        personal = access.sees_personal_data(self.request.user, community)
        owners = list(household.owners.all())
        context.update(
            household=household,
            owners=[
                {
                    "name": o.name if personal else access.mask_name(o.name),
                    "phone": o.phone if personal else access.mask_phone(o.phone),
                }
                for o in owners
            ],
            statement=selectors.dwelling_statement(retrofit=self.retrofit, household=household),
            can_manage=access.has_perm(self.request.user, access.MANAGE, community),
        )
        return context


class ShareTableExportView(RetrofitMixin, View):
    """The share table (current, or ?version=N) as xlsx; every cell through `safe_cell`."""

    def get(self, request, pk):
        from openpyxl import Workbook

        retrofit = self.retrofit
        number = request.GET.get("version", "")
        version = selectors.share_version(
            retrofit=retrofit, number=int(number) if number.isdigit() else None
        )
        if version is None:
            raise Http404
        community = retrofit.stairwell.building.estate.community
        table = selectors.share_table(
            retrofit=retrofit,
            version=version,
            personal=access.sees_personal_data(request.user, community),
        )
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Share table"))
        head = [
            (_("Retrofit"), str(retrofit)),
            (_("Version"), version.number),
            (_("Effective from"), version.effective_on),
            (_("Reason"), f"{version.get_reason_kind_display()} {version.reason}".strip()),
            (_("Sharing scheme"), str(version.scheme)),
            (_("Cost (¥)"), version.cost),
            (_("Subsidy (¥)"), version.subsidy),
            (_("Residents' total (¥)"), version.residents_total),
            (_("Amount shared (¥)"), version.amount_shared),
        ]
        for label, value in head:
            sheet.append([safe_cell(label), safe_cell(value)])
        sheet.append([])
        columns = [
            _("Room"),
            _("Floor"),
            _("Owner"),
            _("Floor area (m²)"),
            _("Coefficient"),
            _("Weight"),
            _("Takes part"),
            _("Share (¥)"),
            _("Compensation owed (¥)"),
        ]
        if version.is_current:
            columns += [
                _("Paid (¥)"),
                _("Owed (¥)"),
                _("In arrears (¥)"),
                _("Yearly running cost (¥)"),
            ]
        sheet.append([safe_cell(c) for c in columns])
        for row in table.rows:
            cells = [
                row.household.room_number,
                row.floor,
                row.owner,
                row.floor_area,
                row.coefficient,
                row.weight,
                row.get_kind_display(),
                row.amount,
                row.compensation,
            ]
            if version.is_current:
                cells += [row.paid, row.owed, row.arrears, row.running]
            sheet.append([safe_cell(c) for c in cells])
        sheet.append(
            [
                safe_cell(c)
                for c in [
                    _("Total"),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    table.totals["amount"],
                    table.totals["compensation"],
                ]
            ]
        )
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        name = f"elevator-shares-{retrofit.pk}-v{version.number}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class StatisticsView(StaffMixin, TemplateView):
    """Retrofits by status, subsidy committed, residents' contributions per region; arrears per
    estate and stairwell."""

    template_name = "elevators/statistics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        by = self.request.GET.get("by", "subdistrict")
        if by not in selectors.GROUPS:
            by = "subdistrict"
        region = None
        region_id = self.request.GET.get("region", "")
        if region_id.isdigit():
            region = access.scoped_get_or_404(user, Region.objects.all(), pk=int(region_id))
        context.update(
            stats=selectors.retrofit_statistics(user=user, region=region, by=by),
            arrears=selectors.retrofit_arrears(user=user),
            by=by,
            region=region,
            groups=[
                ("district", _("District")),
                ("subdistrict", _("Subdistrict")),
                ("community", _("Community")),
                ("estate", _("Estate")),
            ],
        )
        return context


class SchemeListView(StaffMixin, TemplateView):
    """The sharing schemes and subsidy policies offered to the user (and those they keep)."""

    template_name = "elevators/schemes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            schemes=scheme_services.schemes_listed(user=user),
            policies=scheme_services.policies_listed(user=user),
            can_manage=access.has_any_perm(user, access.MANAGE),
        )
        return context
