"""Results: how the counted ballots of a consultation compare with its decision rule, and who
has voted so far. A newcomer asking "how is a ballot counted" starts here.

Owner decisions (民法典 第278条): participation of owners holding ≥ 2/3 of the exclusive floor area
and ≥ 2/3 of the dwellings; then ≥ 3/4 (major matters, e.g. an elevator retrofit) or more than
half (other matters) of the participating area and dwellings agree. Every threshold is compared
in exact fractions (2/3 of 9 dwellings is 6, and 6 reaches it), every count is an SQL aggregate
over the latest ballot per dwelling, and the electorate is the one frozen when voting opened
(`consultations.electorate`): its dwellings, their areas and owner votes, never the registry as
it is now. A ballot counts only if its dwelling is in that electorate, with the frozen area."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext

from consultations.models import Answer, Ballot, Consultation, Question
from consultations.selectors import consultation_households, electorate_households


@dataclass(frozen=True)
class Check:
    """One of the numbers a rule compares: numerator / denominator against a threshold."""

    label: str
    numerator: Decimal | int
    denominator: Decimal | int
    threshold: Fraction
    strict: bool  # True: must exceed the threshold; False: reaching it is enough

    @property
    def value(self) -> Fraction | None:
        if not self.denominator:
            return None
        return Fraction(self.numerator) / Fraction(self.denominator)

    @property
    def passed(self) -> bool:
        value = self.value
        if value is None:
            return False
        return value > self.threshold if self.strict else value >= self.threshold

    @property
    def percent(self) -> str:
        value = self.value
        return "—" if value is None else f"{float(value * 100):.2f}%"

    @property
    def threshold_label(self) -> str:
        op = ">" if self.strict else "≥"
        return f"{op} {self.threshold.numerator}/{self.threshold.denominator}"


@dataclass
class Tally:
    consultation: Consultation
    electorate_count: int
    electorate_area: Decimal
    participating_count: int
    participating_area: Decimal
    # When the electorate counted against was frozen (None: a draft, counted from the registry).
    electorate_frozen_at: datetime | None = None
    yes_count: int = 0
    yes_area: Decimal = Decimal("0")
    no_count: int = 0
    no_area: Decimal = Decimal("0")
    abstain_count: int = 0
    abstain_area: Decimal = Decimal("0")
    checks: list[Check] = field(default_factory=list)
    questions: list[dict] = field(default_factory=list)

    @property
    def passed(self) -> bool | None:
        if not self.checks:
            return None
        return all(check.passed for check in self.checks)


TWO_THIRDS, THREE_QUARTERS, HALF = Fraction(2, 3), Fraction(3, 4), Fraction(1, 2)


def _rule_checks(c: Consultation, t: Tally) -> list[Check]:
    rule = c.decision_rule
    checks: list[Check] = []
    if rule in (Consultation.Rule.MAJOR, Consultation.Rule.ORDINARY):
        approve, strict = (
            (THREE_QUARTERS, False) if rule == Consultation.Rule.MAJOR else (HALF, True)
        )
        checks = [
            Check(
                gettext("Participating area of all area"),
                t.participating_area,
                t.electorate_area,
                TWO_THIRDS,
                False,
            ),
            Check(
                gettext("Participating dwellings of all dwellings"),
                t.participating_count,
                t.electorate_count,
                TWO_THIRDS,
                False,
            ),
            Check(
                gettext("Agreeing area of participating area"),
                t.yes_area,
                t.participating_area,
                approve,
                strict,
            ),
            Check(
                gettext("Agreeing dwellings of participating dwellings"),
                t.yes_count,
                t.participating_count,
                approve,
                strict,
            ),
        ]
    elif rule == Consultation.Rule.SIMPLE:
        checks = [
            Check(
                gettext("Agreeing ballots of ballots cast"),
                t.yes_count,
                t.participating_count,
                HALF,
                True,
            )
        ]
    if checks and c.require_no_objection:
        checks.append(
            Check(
                gettext("Dwellings disagreeing (none allowed)"),
                t.participating_count - t.no_count,
                t.participating_count,
                Fraction(1),
                False,
            )
        )
    return checks


def _electorate(c: Consultation) -> tuple[int, Decimal, datetime | None]:
    """Owner votes and area of the frozen electorate, as its latest freeze recorded them (one
    query). A draft has none yet: the registry's dwellings of the scope stand in (one more)."""
    freeze = c.freezes.order_by("-pk").values_list("owner_votes", "floor_area", "frozen_at").first()
    if freeze is not None:
        return freeze
    registry = consultation_households(consultation=c).aggregate(
        n=Count("id"), area=Sum("floor_area")
    )
    return registry["n"] or 0, registry["area"] or Decimal("0"), None


def tally_compute(*, consultation: Consultation) -> Tally:
    """Count the counted (latest) ballots of the frozen electorate's dwellings in SQL
    aggregates, weighted by the frozen areas and owner votes, and compare them with the
    consultation's decision rule in exact fractions. A fixed number of queries."""
    c = consultation
    electorate_count, electorate_area, frozen_at = _electorate(c)
    # The ballot's dwelling joined to its entry in this consultation's frozen electorate: a
    # dwelling outside it (added to the registry later, or removed by a re-freeze) counts nothing.
    counted = Ballot.objects.filter(
        consultation=c, is_current=True, household__electorate_entries__consultation=c
    )
    votes, area = (
        "household__electorate_entries__owner_votes",
        "household__electorate_entries__floor_area",
    )
    questions = list(c.questions.prefetch_related("choices"))
    decision = next((q for q in questions if q.is_decision), None)
    meaning = (
        Subquery(
            Answer.objects.filter(ballot=OuterRef("pk"), question=decision).values(
                "choice__meaning"
            )[:1]
        )
        if decision
        else None
    )
    aggregates = {"n": Sum(votes), "area": Sum(area)}
    if meaning is not None:
        counted = counted.annotate(meaning=meaning)
        for code in ("yes", "no", "abstain"):
            aggregates[f"{code}_n"] = Sum(votes, filter=Q(meaning=code))
            aggregates[f"{code}_area"] = Sum(area, filter=Q(meaning=code))
    totals = counted.aggregate(**aggregates)
    zero = Decimal("0")
    tally = Tally(
        consultation=c,
        electorate_count=electorate_count,
        electorate_area=electorate_area,
        electorate_frozen_at=frozen_at,
        participating_count=totals["n"] or 0,
        participating_area=totals["area"] or zero,
        yes_count=totals.get("yes_n") or 0,
        yes_area=totals.get("yes_area") or zero,
        no_count=totals.get("no_n") or 0,
        no_area=totals.get("no_area") or zero,
        abstain_count=totals.get("abstain_n") or 0,
        abstain_area=totals.get("abstain_area") or zero,
    )
    tally.checks = _rule_checks(c, tally)
    tally.questions = _question_results(c, tally.participating_count, questions)
    return tally


def _question_results(c: Consultation, ballots: int, questions: list[Question]) -> list[dict]:
    """Per question: choice counts, rating average and satisfaction rate (ratings ≥ 4), the
    number of written answers — one grouped query over the counted ballots of the frozen
    electorate, whatever the number of ballots."""
    per_question: dict[int, dict] = {}
    choice_counts: dict[int, int] = {}
    grouped = (
        Answer.objects.filter(
            ballot__consultation=c,
            ballot__is_current=True,
            ballot__household__electorate_entries__consultation=c,
        )
        .values_list("question_id", "choice_id")
        .annotate(
            n=Count("id"),
            rated=Count("id", filter=Q(rating__isnull=False)),
            satisfied=Count("id", filter=Q(rating__gte=4)),
            rating_sum=Sum("rating"),
            texts=Count("id", filter=~Q(text="")),
        )
        .order_by()
    )
    for question_id, choice_id, n, rated, satisfied, rating_sum, texts in grouped:
        if choice_id is not None:
            choice_counts[choice_id] = n
        stats = per_question.setdefault(
            question_id, {"rated": 0, "satisfied": 0, "sum": 0, "texts": 0}
        )
        stats["rated"] += rated
        stats["satisfied"] += satisfied
        stats["sum"] += rating_sum or 0
        stats["texts"] += texts
    results = []
    for q in questions:
        stats = per_question.get(q.pk, {"rated": 0, "satisfied": 0, "sum": 0, "texts": 0})
        entry = {"question": q, "type": q.type, "choices": [], "ballots": ballots}
        if q.type in (Question.Type.SINGLE, Question.Type.MULTIPLE):
            for choice in q.choices.all():
                n = choice_counts.get(choice.pk, 0)
                entry["choices"].append(
                    {
                        "choice": choice,
                        "count": n,
                        "percent": round(100 * n / ballots) if ballots else 0,
                    }
                )
        elif q.type == Question.Type.RATING:
            rated = stats["rated"]
            rate = Fraction(stats["satisfied"], rated) if rated else None
            entry.update(
                rated=rated,
                satisfied=stats["satisfied"],
                average=(
                    (Decimal(stats["sum"]) / rated).quantize(Decimal("0.01")) if rated else None
                ),
                satisfaction_rate=rate,
                satisfaction_percent=(f"{float(rate * 100):.1f}%" if rate is not None else "—"),
            )
        else:
            entry["texts"] = stats["texts"]
        results.append(entry)
    return results


def turnout_compute(*, consultation: Consultation) -> dict:
    """Turnout by building and floor over the frozen electorate (the registry's dwellings for a
    draft): who has a counted ballot, never what it says. Two queries."""
    counted = Q(ballots__consultation=consultation, ballots__is_current=True)
    rows = list(
        electorate_households(consultation=consultation)
        .values("stairwell__building__number", "stairwell__number", "floor")
        .annotate(
            total=Count("id", distinct=True),
            voted=Count("ballots", filter=counted, distinct=True),
        )
        .order_by("stairwell__building__number", "stairwell__number", "floor")
    )
    by_channel = dict(
        Ballot.objects.filter(
            consultation=consultation,
            is_current=True,
            household__electorate_entries__consultation=consultation,
        )
        .values_list("channel")
        .annotate(n=Count("id"))
    )
    total = sum(r["total"] for r in rows)
    voted = sum(r["voted"] for r in rows)
    for row in rows:
        row["percent"] = round(100 * row["voted"] / row["total"]) if row["total"] else 0
    return {
        "rows": rows,
        "total": total,
        "voted": voted,
        "percent": round(100 * voted / total) if total else 0,
        "by_channel": [
            {"channel": label, "code": code, "count": by_channel.get(code, 0)}
            for code, label in Ballot.Channel.choices
        ],
    }
