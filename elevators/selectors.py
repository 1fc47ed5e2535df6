"""What the elevators app reads: scoped retrofits for the pages and the API, a retrofit's consent
figures, the stairwell's share table and one dwelling's statement (share, schedule, payments —
what the PDF statements are drawn from), arrears, and the aggregates the bureau reads (the
statistics API and the weekly bulletins call `retrofit_statistics`).

Everything that sums is SQL; the number of queries does not grow with the number of rows."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from communities.models import Household, Owner, Region
from consultations.tally import tally_compute
from elevators.models import (
    Decline,
    Instalment,
    InstalmentPlan,
    Payment,
    Retrofit,
    Share,
    ShareVersion,
)
from elevators.models.retrofits import ACTIVE, PAST_CONSENT
from elevators.share_services import weights_draft
from elevators.sharing import Claimant, allocate_fen, from_fen, schedule_rows, to_fen
from renovation import access, dates

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def _money(expression):
    return Coalesce(expression, Value(ZERO), output_field=MONEY)


def _sum_subquery(queryset: QuerySet, group: str, expression) -> Subquery:
    """SUM(expression) over `queryset` (already correlated with OuterRef) as a subquery."""
    return Subquery(
        queryset.order_by().values(group).annotate(total=Sum(expression)).values("total")[:1],
        output_field=MONEY,
    )


def overdue_q(*, today: date) -> Q:
    return Q(status__in=ACTIVE, due_on__lt=today)


def retrofits_visible(*, user, perm: str = access.VIEW) -> QuerySet:
    return access.scope_queryset(
        user,
        Retrofit.objects.select_related(
            "stairwell__building__estate__community",
            "scheme",
            "subsidy_policy",
            "consultation",
        ),
        perm,
    )


def retrofits_with_figures(*, retrofits: QuerySet, today: date) -> QuerySet:
    """Each retrofit with what its residents share (current table) and have paid, and whether
    its next step is overdue."""
    paid = _sum_subquery(Payment.objects.filter(retrofit=OuterRef("pk")), "retrofit", "amount")
    shared = Subquery(
        ShareVersion.objects.filter(retrofit=OuterRef("pk"), is_current=True).values(
            "amount_shared"
        )[:1],
        output_field=MONEY,
    )
    return retrofits.annotate(
        paid_total=_money(paid),
        shared_total=shared,
        # Coalesce: without a due date the comparison is NULL, and the retrofit is not overdue.
        is_overdue=Coalesce(
            ExpressionWrapper(overdue_q(today=today), output_field=BooleanField()), Value(False)
        ),
    )


# ---------------------------------------------------------------------------------------------
# Consent
# ---------------------------------------------------------------------------------------------


def retrofit_consent_figures(*, retrofit: Retrofit) -> dict | None:
    """The consent vote's figures against the thresholds. While voting is open only the two
    participation figures are shown: what dwellings chose stays hidden until it closes."""
    consultation = retrofit.consultation
    if consultation is None:
        return None
    tally = tally_compute(consultation=consultation)
    visible = consultation.results_visible
    return {
        "consultation": consultation,
        "tally": tally,
        "results_visible": visible,
        "checks": tally.checks if visible else tally.checks[:2],
        "hidden_checks": 0 if visible else max(len(tally.checks) - 2, 0),
        "passed": consultation.passed,
    }


# ---------------------------------------------------------------------------------------------
# The share table and one dwelling's statement
# ---------------------------------------------------------------------------------------------


def share_versions(*, retrofit: Retrofit) -> list[ShareVersion]:
    return list(retrofit.versions.select_related("created_by", "scheme").order_by("-number"))


def share_version(*, retrofit: Retrofit, number: int | None = None) -> ShareVersion | None:
    """Version `number` of the retrofit's share table, or the current one; None if there is
    no such version."""
    versions = retrofit.versions.select_related("scheme", "created_by")
    if number is None:
        return versions.filter(is_current=True).first()
    return versions.filter(number=number).first()


@dataclass
class ShareTable:
    retrofit: Retrofit
    version: ShareVersion | None
    rows: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    running_error: str = ""


def _owner_name(household: Household, personal: bool) -> str:
    owners = list(household.owners.all())
    if not owners:
        return ""
    name = owners[0].name
    return name if personal else access.mask_name(name)


def share_table(
    *,
    retrofit: Retrofit,
    version: ShareVersion | None = None,
    personal: bool = False,
    today: date | None = None,
) -> ShareTable:
    """The stairwell's share table (the current version unless one is given): per dwelling its
    floor, area, coefficient, weight, share and compensation; for the current version also its
    scheduled total, what is due to date, paid, owed and in arrears, and its yearly running
    costs. Five queries, whatever the number of dwellings."""
    today = today or dates.today()
    version = version or share_version(retrofit=retrofit)
    table = ShareTable(retrofit=retrofit, version=version)
    if version is None:
        return table
    schedule = Instalment.objects.filter(share=OuterRef("pk"))
    payments = Payment.objects.filter(retrofit_id=retrofit.pk, household=OuterRef("household"))
    rows = list(
        version.shares.select_related("household")
        .prefetch_related(
            Prefetch("household__owners", Owner.objects.filter(is_primary=True).order_by("pk"))
        )
        .annotate(
            scheduled=_money(_sum_subquery(schedule, "share", F("principal") + F("interest"))),
            interest_total=_money(_sum_subquery(schedule, "share", "interest")),
            due_to_date=_money(
                _sum_subquery(
                    schedule.filter(due_on__lt=today), "share", F("principal") + F("interest")
                )
            ),
            paid=_money(_sum_subquery(payments, "household", "amount")),
            has_plan=Exists(
                InstalmentPlan.objects.filter(
                    retrofit_id=retrofit.pk, household=OuterRef("household")
                )
            ),
        )
        .order_by("floor", "household__room_number", "pk")
    )
    counting = version.is_current and retrofit.status in PAST_CONSENT
    for row in rows:
        row.owner = _owner_name(row.household, personal)
        row.owed = row.scheduled - row.paid
        row.refund = max(-row.owed, ZERO)
        row.arrears = max(row.due_to_date - row.paid, ZERO) if counting else ZERO
    running = running_costs_per_dwelling(retrofit=retrofit, rows=rows) if version.is_current else {}
    if isinstance(running, str):
        table.running_error, running = running, {}
    for row in rows:
        row.running = running.get(row.household_id, ZERO)
    table.rows = rows
    table.totals = {
        "amount": sum((r.amount for r in rows), ZERO),
        "compensation": sum((r.compensation for r in rows), ZERO),
        "scheduled": sum((r.scheduled for r in rows), ZERO),
        "paid": sum((r.paid for r in rows), ZERO),
        "owed": sum((r.owed for r in rows), ZERO),
        "arrears": sum((r.arrears for r in rows), ZERO),
        "running": sum((r.running for r in rows), ZERO),
        "paying": sum(1 for r in rows if r.kind == Share.Kind.PAYING),
        "declined": sum(1 for r in rows if r.kind == Share.Kind.DECLINED),
    }
    return table


def running_costs_per_dwelling(
    *, retrofit: Retrofit, rows: list[Share]
) -> dict[int, Decimal] | str:
    """Each dwelling's part of the yearly maintenance and electricity, under the running-cost
    scheme (or the cost scheme); dwellings that declined do not use the elevator and pay none.
    A message instead when the scheme cannot share them."""
    total_fen = to_fen(retrofit.annual_maintenance) + to_fen(retrofit.annual_electricity)
    if not total_fen:
        return {}
    scheme = retrofit.running_scheme or retrofit.scheme
    households = [row.household for row in rows]
    declined = {row.household_id for row in rows if row.kind == Share.Kind.DECLINED}
    try:
        lines = weights_draft(scheme=scheme, households=households, declined=declined)
    except ValidationError as exc:
        return " ".join(exc.messages)
    paying = [line for line in lines if line.kind == Share.Kind.PAYING]
    if not paying:
        return _("Under the running-cost scheme every dwelling's weight is zero.")
    shares = allocate_fen(
        total_fen,
        [
            Claimant(x.household.pk, Fraction(x.weight), x.household.floor, x.household.room_number)
            for x in paying
        ],
    )
    return {key: from_fen(fen) for key, fen in shares.items()}


@dataclass
class Statement:
    """One dwelling's elevator account: its share in the current table, the schedule with what
    each row has received (payments applied in order), and the payments."""

    retrofit: Retrofit
    household: Household
    share: Share | None
    plan: InstalmentPlan | None
    decline: Decline | None
    schedule: list = field(default_factory=list)
    payments: list = field(default_factory=list)
    scheduled: Decimal = ZERO
    paid: Decimal = ZERO
    due_to_date: Decimal = ZERO
    interest_borne_by_builder: Decimal = ZERO

    @property
    def owed(self) -> Decimal:
        return self.scheduled - self.paid

    @property
    def refund(self) -> Decimal:
        """Paid beyond the share (after a recompute lowered it): to be paid back."""
        return max(self.paid - self.scheduled, ZERO)

    @property
    def arrears(self) -> Decimal:
        if self.retrofit.status not in PAST_CONSENT:
            return ZERO
        return max(self.due_to_date - self.paid, ZERO)


def dwelling_statement(
    *, retrofit: Retrofit, household: Household, today: date | None = None
) -> Statement:
    """Everything about one dwelling's share (four queries)."""
    today = today or dates.today()
    share = (
        Share.objects.filter(
            version__retrofit=retrofit, version__is_current=True, household=household
        )
        .select_related("version")
        .prefetch_related("schedule")
        .first()
    )
    payments = list(
        Payment.objects.filter(retrofit=retrofit, household=household)
        .select_related("recorded_by")
        .order_by("paid_on", "pk")
    )
    plan = InstalmentPlan.objects.filter(retrofit=retrofit, household=household).first()
    decline = (
        Decline.objects.filter(retrofit=retrofit, household=household)
        .order_by("-declined_on", "-pk")
        .first()
    )
    statement = Statement(retrofit, household, share, plan, decline, payments=payments)
    statement.paid = sum((p.amount for p in payments), ZERO)
    left = statement.paid
    for row in share.schedule.all() if share else []:
        total = row.principal + row.interest
        received = min(total, left)
        left -= received
        row.received = received
        row.remaining = total - received
        if row.remaining == 0:
            row.state = "paid"
        elif row.due_on < today:
            row.state = "overdue"
        elif received:
            row.state = "part"
        else:
            row.state = "due"
        statement.schedule.append(row)
        statement.scheduled += total
        if row.due_on < today:
            statement.due_to_date += total
    if plan and share and plan.interest_borne_by == InstalmentPlan.InterestBorneBy.BUILDER:
        statement.interest_borne_by_builder = plan_builder_interest(plan=plan, share=share)
    return statement


def plan_builder_interest(*, plan: InstalmentPlan, share: Share) -> Decimal:
    """What the instalments would cost in interest at the plan's rate (borne by the builder)."""
    rows = schedule_rows(
        share_fen=to_fen(share.amount),
        down_payment_fen=to_fen(plan.down_payment),
        months=plan.months,
        first_due_on=plan.first_due_on,
        annual_rate=plan.annual_rate,
    )
    return from_fen(sum(r.interest_fen for r in rows))


def household_retrofit(*, household: Household) -> Retrofit | None:
    """The retrofit of the dwelling's stairwell (at most one), or None."""
    return (
        Retrofit.objects.filter(stairwell_id=household.stairwell_id)
        .select_related("stairwell__building__estate", "scheme", "consultation")
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Arrears and the bureau's aggregates
# ---------------------------------------------------------------------------------------------


def _shares_with_arrears(*, user, today: date) -> QuerySet:
    """Current shares of retrofits past consent, each with its arrears to date (SQL)."""
    schedule = Instalment.objects.filter(share=OuterRef("pk"), due_on__lt=today)
    payments = Payment.objects.filter(
        retrofit=OuterRef("version__retrofit"), household=OuterRef("household")
    )
    shares = access.scope_queryset(
        user,
        Share.objects.filter(
            version__is_current=True,
            version__retrofit__status__in=PAST_CONSENT,
            kind=Share.Kind.PAYING,
        ),
    )
    return shares.annotate(
        due=_money(_sum_subquery(schedule, "share", F("principal") + F("interest"))),
        paid=_money(_sum_subquery(payments, "household", "amount")),
    ).annotate(arrears=Greatest(F("due") - F("paid"), Value(ZERO), output_field=MONEY))


def retrofit_arrears(*, user, today: date | None = None, estate_id: int | None = None) -> dict:
    """Arrears per stairwell and per estate over the user's scope (two grouped queries)."""
    today = today or dates.today()
    shares = _shares_with_arrears(user=user, today=today).filter(arrears__gt=0)
    if estate_id:
        shares = shares.filter(version__retrofit__stairwell__building__estate_id=estate_id)
    stairwell = "version__retrofit__stairwell"
    per_stairwell = list(
        shares.values(
            "version__retrofit_id",
            f"{stairwell}__number",
            f"{stairwell}__building__number",
            f"{stairwell}__building__estate__name",
        )
        .annotate(dwellings=Count("id"), amount=Sum("arrears"))
        .order_by(
            f"{stairwell}__building__estate__name",
            f"{stairwell}__building__number",
            f"{stairwell}__number",
        )
    )
    per_estate = list(
        shares.values(f"{stairwell}__building__estate_id", f"{stairwell}__building__estate__name")
        .annotate(dwellings=Count("id"), amount=Sum("arrears"))
        .order_by(f"{stairwell}__building__estate__name")
    )
    return {
        "per_stairwell": [
            {
                "retrofit_id": r["version__retrofit_id"],
                "estate": r[f"{stairwell}__building__estate__name"],
                "building": r[f"{stairwell}__building__number"],
                "stairwell": r[f"{stairwell}__number"],
                "dwellings": r["dwellings"],
                "amount": r["amount"],
            }
            for r in per_stairwell
        ],
        "per_estate": [
            {
                "estate_id": r[f"{stairwell}__building__estate_id"],
                "estate": r[f"{stairwell}__building__estate__name"],
                "dwellings": r["dwellings"],
                "amount": r["amount"],
            }
            for r in per_estate
        ],
        "total": sum((r["amount"] for r in per_estate), ZERO),
    }


COMMUNITY = "stairwell__building__estate__community"
GROUPS = {
    "district": f"{COMMUNITY}__parent__parent",
    "subdistrict": f"{COMMUNITY}__parent",
    "community": COMMUNITY,
    "estate": "stairwell__building__estate",
}


def retrofit_statistics(
    *,
    user,
    region: Region | None = None,
    by: str = "subdistrict",
    programme=None,
    year: int | None = None,
) -> dict:
    """Retrofits by status, subsidy committed, residents' contributions (shared and paid) — in
    total and per region (`by`: district, subdistrict, community or estate) over the user's
    scope, optionally below `region`, on the estates of a `programme`'s projects, or created in
    `year` (user None: the whole city, for system jobs such as the weekly bulletins).
    Aggregates only: no names of people. Four queries."""
    if by not in GROUPS:
        raise ValueError(f"by must be one of {sorted(GROUPS)}")
    retrofits = Retrofit.objects.all()
    if user is not None:
        retrofits = access.scope_queryset(user, retrofits)
    if region is not None:
        retrofits = retrofits.filter(**{f"{COMMUNITY}__path__startswith": region.path})
    if programme is not None:
        estates = programme.projects.values("estate_id")
        retrofits = retrofits.filter(stairwell__building__estate_id__in=estates)
    if year is not None:
        retrofits = retrofits.filter(created_at__year=year)
    group = GROUPS[by]
    by_status = dict(
        retrofits.order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    committed = Q(status__in=PAST_CONSENT)
    rows = {
        r[f"{group}_id"]: {
            "region_id": r[f"{group}_id"],
            "name": r[f"{group}__name"],
            "retrofits": r["n"],
            "consent_reached": r["reached"],
            "in_service": r["in_service"],
            "subsidy_committed": r["subsidy"] or ZERO,
            "residents_share": ZERO,
            "residents_paid": ZERO,
        }
        for r in retrofits.order_by()
        .values(f"{group}_id", f"{group}__name")
        .annotate(
            n=Count("id"),
            reached=Count("id", filter=committed),
            in_service=Count("id", filter=Q(status=Retrofit.Status.IN_SERVICE)),
            subsidy=Sum("subsidy", filter=committed),
        )
    }
    prefix = "retrofit__"
    for r in (
        ShareVersion.objects.filter(is_current=True, retrofit__in=retrofits.filter(committed))
        .order_by()
        .values(f"{prefix}{group}_id")
        .annotate(total=Sum("residents_total"))
    ):
        rows[r[f"{prefix}{group}_id"]]["residents_share"] = r["total"] or ZERO
    for r in (
        Payment.objects.filter(retrofit__in=retrofits)
        .order_by()
        .values(f"{prefix}{group}_id")
        .annotate(total=Sum("amount"))
    ):
        rows[r[f"{prefix}{group}_id"]]["residents_paid"] = r["total"] or ZERO
    per_region = sorted(rows.values(), key=lambda r: (r["name"] or "", r["region_id"] or 0))
    totals = {
        key: sum((r[key] for r in per_region), ZERO if "res" in key or "sub" in key else 0)
        for key in (
            "retrofits",
            "consent_reached",
            "in_service",
            "subsidy_committed",
            "residents_share",
            "residents_paid",
        )
    }
    return {
        "by_status": [
            {"status": code, "label": label, "count": by_status.get(code, 0)}
            for code, label in Retrofit.Status.choices
        ],
        "totals": totals,
        "per_region": per_region,
        "group": by,
    }
