"""Demo retrofits at several stages, drawn from the field reports:

- 东怡街79号院 3栋2单元 (锦江区东湖街道): the city's first elevator paid by instalments —
  "信用分期，零预付": no down payment, the residents repay the principal monthly and the builder
  bears the interest; in service since August. One dwelling declined and joined again.
- 东怡街79号院, the estate's second elevator ("基本修建完成"): under construction. The report
  names 7栋2单元; the demo estate has three buildings, so it stands on 2栋2单元.
- 日晖六村 (徐汇区斜土街道): the owners' vote is open — the consultations demo's
  "1号楼1单元加装电梯表决" when that stairwell has no elevator yet, else a vote of its own —
  40% subsidy capped at ¥280,000; and another stairwell just proposed.
- 市委家属院小区 (新华区): one stairwell in design after its vote passed ("我们这栋3楼以上的
  住户……"), another whose vote failed.

Deterministic: fixed dates relative to today; does nothing when retrofits exist, and skips an
estate that is missing. Everything goes through the services, as staff would do it."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from communities.models import Household, Stairwell
from consultations import ballots, links
from consultations import services as consultation_services
from consultations.models import Consultation
from elevators import cost_services, payment_services, services, share_services
from elevators.catalogue import POLICIES, SCHEMES, seed_catalogue
from elevators.models import (
    CostLine,
    Payment,
    Retrofit,
    SchemeFloor,
    Share,
    ShareVersion,
    SharingScheme,
    SubsidyPolicy,
)
from elevators.sharing import add_months

D = Decimal
S = Retrofit.Status
Reason = ShareVersion.Reason

COSTS = [  # kind, description, share of the total
    (CostLine.Kind.EQUIPMENT, "电梯设备（载重800kg，7站）", D("0.62")),
    (CostLine.Kind.CIVIL_WORKS, "井道、基坑与连廊土建", D("0.20")),
    (CostLine.Kind.PIPE_RELOCATION, "燃气、给排水管线迁移", D("0.07")),
    (CostLine.Kind.DESIGN, "施工图设计", D("0.03")),
    (CostLine.Kind.SUPERVISION, "工程监理", D("0.02")),
    (CostLine.Kind.INSPECTION, "特种设备检验", D("0.01")),
    (CostLine.Kind.OTHER, "其他（临时设施、不可预见费）", D("0.05")),
]


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def _stairwell(estate_name, building, number, stdout):
    """That stairwell, or (when it already has an elevator) the estate's first one without;
    None when the estate is missing or the stairwell already has its retrofit."""
    free = Stairwell.objects.filter(
        building__estate__name=estate_name, has_elevator=False, elevator_retrofits__isnull=True
    ).select_related("building__estate")
    wanted = Stairwell.objects.filter(
        building__estate__name=estate_name, building__number=building, number=number
    ).first()
    if wanted is None and not Stairwell.objects.filter(building__estate__name=estate_name).exists():
        stdout.write(f"  elevators: {estate_name} is missing; skipped.")
        return None
    if wanted is not None and Retrofit.objects.filter(stairwell=wanted).exists():
        stdout.write(f"  elevators: {estate_name} {building}-{number} already has one; skipped.")
        return None
    if wanted is not None and not wanted.has_elevator:
        return free.get(pk=wanted.pk)
    return free.order_by("building__number", "number").first()


def _scheme(stairwell, *, weighted=True):
    """A shipped scheme with one coefficient per floor of this stairwell."""
    for name, coefficients, area_weighted, no_objection, *_ in SCHEMES:
        if len(coefficients) == stairwell.floors and area_weighted == weighted and not no_objection:
            return SharingScheme.objects.get(name=name)
    for name, coefficients, *_ in SCHEMES:
        if len(coefficients) == stairwell.floors:
            return SharingScheme.objects.get(name=name)
    return SharingScheme.objects.filter(floors__floor=stairwell.floors).first()


def _policy(index):
    return SubsidyPolicy.objects.get(name=POLICIES[index][0])


def _create(user, stairwell, *, scheme, policy, total, on, builder="", note=""):
    retrofit = services.retrofit_create(
        user=user,
        stairwell=stairwell,
        scheme=scheme,
        subsidy_policy=policy,
        builder=builder,
        note=note,
        on=on,
    )
    left = total
    for i, (kind, description, part) in enumerate(COSTS):
        amount = left if i == len(COSTS) - 1 else (total * part).quantize(D("1"))
        left -= amount
        cost_services.cost_line_save(
            retrofit=retrofit,
            line=CostLine(kind=kind, description=description, amount=amount),
            actor=user,
        )
    retrofit.refresh_from_db()
    return retrofit


def _at(day):
    """Nine in the morning of `day`, local time."""
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _households(stairwell):
    return list(Household.objects.filter(stairwell=stairwell).order_by("floor", "room_number"))


def _vote(retrofit, user, *, start, agree):
    """Run the consent vote that opened at `start` to a decided result: `agree(household)` says
    how each dwelling votes (None: does not vote)."""
    retrofit = services.retrofit_consent_start(
        retrofit=retrofit,
        actor=user,
        opens_at=start,
        closes_at=start + timedelta(days=10),
        on=timezone.localdate(start),
    )
    c = retrofit.consultation
    consultation_services.consultation_open(consultation=c, now=start)
    question = c.questions.get(is_decision=True)
    choices = {ch.meaning: ch.pk for ch in question.choices.all()}
    for household in _households(retrofit.stairwell):
        meaning = agree(household)
        if meaning:
            ballots.ballot_cast(
                consultation=c,
                household=household,
                answers={question.pk: choices[meaning]},
                channel="online",
                now=start + timedelta(days=1),
            )
    consultation_services.consultation_close(consultation=c, now=start + timedelta(days=10))
    consultation_services.consultation_publish(
        consultation=c,
        notice="本单元加装电梯表决已结束，结果公示7天，如有异议请在公示期内提出。",
        days=7,
        now=start + timedelta(days=11),
    )
    consultation_services.consultation_decide(consultation=c, now=start + timedelta(days=19))
    retrofit.refresh_from_db()
    return retrofit


def _walk(retrofit, user, steps):
    """Apply (status, date, note[, permit]) steps in order."""
    for status, on, note, *permit in steps:
        retrofit = services.retrofit_transition(
            retrofit=retrofit,
            to_status=status,
            actor=user,
            on=on,
            note=note,
            permit_number=permit[0] if permit else None,
        )
    return retrofit


def _plans_and_payments(retrofit, *, first_due, months, rate, today, behind=()):
    """Every paying dwelling on `months` instalments from `first_due` (no down payment, the
    builder bears the interest); each pays what fell due, except `behind` (room numbers),
    which stopped paying three months ago."""
    shares = Share.objects.filter(
        version__retrofit=retrofit, version__is_current=True, kind=Share.Kind.PAYING
    ).select_related("household")
    for share in shares:
        payment_services.plan_save(
            retrofit=retrofit,
            household=share.household,
            down_payment=D("0"),
            months=months,
            first_due_on=first_due,
            interest_borne_by="builder",
            annual_rate=rate,
        )
    for share in shares:
        stop = add_months(today, -3) if share.household.room_number in behind else today
        for row in share.schedule.filter(due_on__lt=stop).order_by("number"):
            payment_services.payment_record(
                retrofit=retrofit,
                household=share.household,
                amount=row.principal + row.interest,
                paid_on=row.due_on,
                method=Payment.Method.LOAN if row.number % 2 else Payment.Method.MOBILE,
                reference=f"DY{retrofit.pk:03d}-{share.household.room_number}-{row.number:02d}",
            )


def seed_demo(*, stdout) -> None:
    if Retrofit.objects.exists():
        stdout.write("  elevators: retrofits exist already; skipped.")
        return
    # The shipped policies and schemes (migration 0002), in case they were emptied since.
    seed_catalogue(SubsidyPolicy, SharingScheme, SchemeFloor)
    today = timezone.localdate()
    now = timezone.now()
    admin = _user("admin")

    # 1. 东怡街79号院 3栋2单元: in service since August, instalments with zero down payment.
    donghu = _user("donghu") or admin
    stairwell = _stairwell("东怡街79号院", "3", "2", stdout)
    if stairwell:
        start = today - timedelta(days=420)
        r = _create(
            donghu,
            stairwell,
            scheme=_scheme(stairwell),
            policy=_policy(0),
            total=D("650000"),
            on=start,
            builder="成都锦江电梯安装工程有限公司",
            note="全市首台采用“信用分期，零预付”模式加装的电梯：居民只承担分期贷款本金，"
            "建设方承担每期利息。",
        )
        share_services.share_table_compute(
            retrofit=r, reason_kind=Reason.INITIAL, actor=donghu, on=start
        )
        households = _households(stairwell)
        objector = households[2]  # a 2nd-floor dwelling, first against, later back in
        share_services.decline_record(
            retrofit=r,
            household=objector,
            on=start + timedelta(days=5),
            reason="担心采光和噪音，暂不参与。",
            actor=donghu,
        )
        vote_start = _at(start + timedelta(days=20))
        r = _vote(
            r,
            donghu,
            start=vote_start,
            agree=lambda h: "no" if h.pk == objector.pk else "yes",
        )
        decided = timezone.localdate(r.consultation.decided_at)
        r = _walk(
            r,
            donghu,
            [
                (S.CONSENT_REACHED, decided, "表决通过，公示期满无异议。"),
                (S.DESIGN, decided + timedelta(days=7), "委托设计院出具施工图。"),
                (
                    S.APPROVED,
                    decided + timedelta(days=60),
                    "规划与特种设备备案完成。",
                    "锦规建〔2024〕0317号",
                ),
            ],
        )
        share_services.rejoin_record(
            retrofit=r,
            household=objector,
            on=decided + timedelta(days=70),
            note="看到样板电梯后同意参与。",
            actor=donghu,
        )
        r = _walk(
            r,
            donghu,
            [
                (S.CONSTRUCTION, decided + timedelta(days=90), "夏季施工黄金期进场。"),
                (S.INSPECTED, today - timedelta(days=75), "特种设备检验合格。"),
            ],
        )
        cost_services.final_cost_set(
            retrofit=r, final_cost=D("638400"), actor=donghu, note="结算审定。"
        )
        r = _walk(r, donghu, [(S.IN_SERVICE, today - timedelta(days=70), "投入使用，刷卡乘梯。")])
        services.retrofit_update(
            user=donghu,
            retrofit=r,
            data={"annual_maintenance": D("9600"), "annual_electricity": D("3000")},
        )
        _plans_and_payments(
            r,
            first_due=decided + timedelta(days=90),
            months=24,
            rate=D("4.35"),
            today=today,
            behind=(households[-1].room_number,),
        )
        stdout.write(f"  elevators: {r} (in service, instalments)")
        _, token = links.access_link_issue(household=households[-1], issued_by=donghu)
        stdout.write(
            f"  elevators: resident link for {households[-1]} (its elevator share): "
            f"http://127.0.0.1:8000/consultations/r/{token}/"
        )

    # 2. 东怡街79号院 2栋2单元: the second elevator, construction nearly done.
    stairwell = _stairwell("东怡街79号院", "2", "2", stdout)
    if stairwell:
        start = today - timedelta(days=300)
        r = _create(
            donghu,
            stairwell,
            scheme=_scheme(stairwell),
            policy=_policy(0),
            total=D("620000"),
            on=start,
            builder="成都锦江电梯安装工程有限公司",
        )
        share_services.share_table_compute(
            retrofit=r, reason_kind=Reason.INITIAL, actor=donghu, on=start
        )
        vote_start = _at(start + timedelta(days=15))
        r = _vote(r, donghu, start=vote_start, agree=lambda h: "yes" if h.floor > 1 else None)
        decided = timezone.localdate(r.consultation.decided_at)
        r = _walk(
            r,
            donghu,
            [
                (S.CONSENT_REACHED, decided, ""),
                (S.DESIGN, decided + timedelta(days=10), ""),
                (S.APPROVED, decided + timedelta(days=50), "", "锦规建〔2025〕0088号"),
                (S.CONSTRUCTION, today - timedelta(days=60), "基本修建完成，待检验。"),
            ],
        )
        services.retrofit_update(
            user=donghu, retrofit=r, data={"due_on": today + timedelta(days=20)}
        )
        _plans_and_payments(
            r, first_due=today - timedelta(days=60), months=24, rate=D("4.35"), today=today
        )
        stdout.write(f"  elevators: {r} (under construction)")

    # 3. 日晖六村 1号楼1单元: the owners' vote is open (the consultations demo's vote).
    xietu = _user("xietu") or admin
    stairwell = _stairwell("日晖六村", "1", "1", stdout)
    if stairwell:
        r = _create(
            xietu,
            stairwell,
            scheme=_scheme(stairwell, weighted=False),
            policy=_policy(1),
            total=D("600000"),
            on=today - timedelta(days=30),
            note="单元北侧加装，平层入户。",
        )
        share_services.share_table_compute(
            retrofit=r,
            reason_kind=Reason.INITIAL,
            reason="表决前公布各户分摊额。",
            actor=xietu,
            on=today - timedelta(days=10),
        )
        # The consultations demo's open vote, when it is on this stairwell; else a new one.
        vote = Consultation.objects.filter(
            stairwell=stairwell, kind=Consultation.Kind.DECISION, status="open"
        ).first()
        if vote is not None:
            services.retrofit_consent_start(retrofit=r, actor=xietu, consultation=vote)
        else:
            r = services.retrofit_consent_start(
                retrofit=r,
                actor=xietu,
                opens_at=now - timedelta(days=3),
                closes_at=now + timedelta(days=11),
            )
            consultation_services.consultation_open(consultation=r.consultation)
            households = _households(stairwell)
            question = r.consultation.questions.get(is_decision=True)
            yes = question.choices.get(meaning="yes").pk
            for household in households[2 : 2 + len(households) // 2]:
                ballots.ballot_cast(
                    consultation=r.consultation,
                    household=household,
                    answers={question.pk: yes},
                    channel="online",
                )
        services.retrofit_update(
            user=xietu, retrofit=r, data={"due_on": today + timedelta(days=30)}
        )
        stdout.write(f"  elevators: {r} (consent vote)")

    # 4. 日晖六村, another stairwell: just proposed, cost estimate in.
    stairwell = _stairwell("日晖六村", "2", "1", stdout)
    if stairwell:
        r = _create(
            xietu,
            stairwell,
            scheme=_scheme(stairwell, weighted=False),
            policy=_policy(1),
            total=D("720000"),
            on=today - timedelta(days=5),
        )
        stdout.write(f"  elevators: {r} (proposed)")

    # 5. 市委家属院小区: one stairwell in design, one whose vote failed.
    stairwell = _stairwell("市委家属院小区", "1", "1", stdout)
    if stairwell:
        start = today - timedelta(days=120)
        r = _create(
            admin,
            stairwell,
            scheme=_scheme(stairwell),
            policy=_policy(2),
            total=D("580000"),
            on=start,
            note="6层住户反映上下楼困难，“3楼以上的住户出行都能得到很好的改善”。",
        )
        share_services.share_table_compute(
            retrofit=r, reason_kind=Reason.INITIAL, actor=admin, on=start
        )
        vote_start = _at(start + timedelta(days=10))
        r = _vote(r, admin, start=vote_start, agree=lambda h: "yes" if h.floor > 1 else None)
        decided = timezone.localdate(r.consultation.decided_at)
        r = _walk(
            r,
            admin,
            [(S.CONSENT_REACHED, decided, ""), (S.DESIGN, decided + timedelta(days=5), "")],
        )
        services.retrofit_update(
            user=admin,
            retrofit=r,
            data={
                "due_on": today - timedelta(days=3),
                "payment_due_on": today + timedelta(days=90),
            },
        )
        stdout.write(f"  elevators: {r} (design, overdue)")

    stairwell = _stairwell("市委家属院小区", "2", "1", stdout)
    if stairwell:
        start = today - timedelta(days=90)
        r = _create(
            admin,
            stairwell,
            scheme=_scheme(stairwell),
            policy=_policy(2),
            total=D("560000"),
            on=start,
        )
        vote_start = _at(start + timedelta(days=10))
        r = _vote(
            r,
            admin,
            start=vote_start,
            agree=lambda h: "yes" if h.floor > 3 else ("no" if h.floor < 3 else None),
        )
        r = _walk(r, admin, [(S.CONSENT_FAILED, timezone.localdate(r.consultation.decided_at), "")])
        stdout.write(f"  elevators: {r} (consent failed)")
