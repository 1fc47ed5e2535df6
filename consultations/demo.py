"""Demo consultations: an open elevator vote (major matter) on a 日晖六村 stairwell, a closed
willingness survey in publicity at 日晖二村, and a satisfaction rating at 江南新村; some
ballots online and on paper; and one dwelling's resident link printed to stdout.
Deterministic (fixed seed); skips what is already there or an estate that is missing."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from communities import demo as registry_demo
from communities.models import Estate, Household, Stairwell
from consultations import links, services
from consultations.ballots import answers_validate, ballot_cast
from consultations.models import Answer, Ballot, Consultation, Question

ELEVATOR = "1号楼1单元加装电梯表决"
SURVEY = "日晖二村综合改造意愿征询"
SATISFACTION = "江南新村改造满意度测评"


def _estate(name, stdout):
    estate = Estate.objects.filter(name=name).first()
    if estate is None:
        stdout.write(f"  consultations: estate {name} is missing; skipped.")
    return estate


def _decision_answers(consultation, rng, weights):
    question = consultation.questions.get(is_decision=True)
    choices = {c.meaning: c.pk for c in question.choices.all()}
    meaning = rng.choices(["yes", "no", "abstain"], weights=weights)[0]
    return {question.pk: choices[meaning]}


def _cast_many(consultation, households, rng, answers_for, clerk, now):
    for household in households:
        paper = clerk is not None and rng.random() < 0.3
        ballot_cast(
            consultation=consultation,
            household=household,
            answers=answers_for(),
            channel=Ballot.Channel.PAPER if paper else Ballot.Channel.ONLINE,
            entered_by=clerk if paper else None,
            now=now,
        )


def _bulk_ballots(consultation, households, rng, answers_for, clerk, cast_at):
    """Closed consultations' ballots in two bulk inserts; answers checked by the same rules
    as ballot_cast (one ballot per dwelling, so none replaces another)."""
    questions = list(consultation.questions.prefetch_related("choices"))
    ballots, answer_rows = [], []
    for household in households:
        paper = clerk is not None and rng.random() < 0.3
        ballots.append(
            Ballot(
                consultation=consultation,
                household=household,
                cast_at=cast_at,
                is_current=True,
                channel=Ballot.Channel.PAPER if paper else Ballot.Channel.ONLINE,
                entered_by=clerk if paper else None,
            )
        )
        answer_rows.append(answers_validate(questions=questions, answers=answers_for()))
    Ballot.objects.bulk_create(ballots)
    for ballot, rows in zip(ballots, answer_rows, strict=True):
        for row in rows:
            row.ballot = ballot
    Answer.objects.bulk_create(row for rows in answer_rows for row in rows)


def seed_demo(*, stdout) -> None:
    rng = random.Random(2026)
    now = timezone.now()
    clerk = get_user_model().objects.filter(username="grid").first()
    creator = get_user_model().objects.filter(username="xietu").first()

    # 1. Open owner decision: elevator retrofit on a 日晖六村 stairwell (major matter).
    estate = _estate("日晖六村", stdout)
    if estate and not Consultation.objects.filter(estate=estate, title=ELEVATOR).exists():
        stairwell = (
            Stairwell.objects.filter(building__estate=estate)
            .order_by("building__number", "number")
            .first()
        )
        if stairwell is None:
            stdout.write("  consultations: 日晖六村 has no stairwell; skipped the elevator vote.")
        else:
            c = services.consultation_create(
                estate=estate,
                stairwell=stairwell,
                title=ELEVATOR,
                kind=Consultation.Kind.DECISION,
                decision_rule=Consultation.Rule.MAJOR,
                created_by=creator,
                description="拟在本单元北侧加装一部电梯，总造价约60万元，按造价40%给予财政补贴"
                "（每台最高28万元）约24万元，其余由本单元业主按楼层系数分摊。请于截止前表决。",
                opens_at=now - timedelta(days=3),
                closes_at=now + timedelta(days=11),
            )
            services.consultation_open(consultation=c, now=now)
            households = list(
                Household.objects.filter(stairwell=stairwell).order_by("floor", "room_number")
            )
            voters = households[2 : 2 + len(households) // 2]  # ground floor has not voted yet
            _cast_many(c, voters, rng, lambda: _decision_answers(c, rng, [8, 1, 1]), clerk, now)
            stdout.write(f"  consultations: {ELEVATOR} (open, {len(voters)} ballots)")
            # One dwelling's printed link, for trying the resident pages.
            household = households[0]
            _, token = links.access_link_issue(household=household, issued_by=creator, now=now)
            stdout.write(
                f"  consultations: resident link for {household}: "
                f"{registry_demo.site_url()}/consultations/r/{token}/"
            )

    # 2. Willingness survey at 日晖二村: closed and in publicity.
    estate = _estate("日晖二村", stdout)
    if estate and not Consultation.objects.filter(estate=estate, title=SURVEY).exists():
        start = now - timedelta(days=20)
        c = services.consultation_create(
            estate=estate,
            title=SURVEY,
            kind=Consultation.Kind.SURVEY,
            decision_rule=Consultation.Rule.ORDINARY,
            created_by=creator,
            description="小区拟纳入2025年老旧小区综合改造计划（屋面防水、管网更新、道路修缮）。",
            opens_at=start,
            closes_at=start + timedelta(days=10),
            publicity_days=7,
        )
        services.question_save(
            consultation=c,
            text="您最希望改造哪些项目？（最多选3项）",
            type=Question.Type.MULTIPLE,
            choices=["屋面防水", "雨污分流", "道路修缮", "加装电梯", "停车位", "适老化设施"],
            min_choices=1,
            max_choices=3,
        )
        services.question_save(
            consultation=c, text="其他意见和建议（金点子）", type=Question.Type.TEXT, required=False
        )
        services.consultation_open(consultation=c, now=start)
        plan_q = c.questions.get(type=Question.Type.MULTIPLE)
        plan_ids = list(plan_q.choices.values_list("pk", flat=True))
        ideas_q = c.questions.get(type=Question.Type.TEXT)
        ideas = ["楼道加装扶手", "增设电动车充电桩", "", "", "垃圾房移位"]

        def answers():
            result = _decision_answers(c, rng, [8, 1, 1])
            result[plan_q.pk] = rng.sample(plan_ids, rng.randint(1, 3))
            result[ideas_q.pk] = rng.choice(ideas)
            return result

        households = list(
            Household.objects.filter(stairwell__building__estate=estate).order_by("pk")
        )
        voters = [h for h in households if rng.random() < 0.8]
        _bulk_ballots(c, voters, rng, answers, clerk, start + timedelta(days=2))
        services.consultation_close(consultation=c, now=start + timedelta(days=10))
        Answer.objects.filter(
            ballot__consultation=c, text__in=["楼道加装扶手", "垃圾房移位"]
        ).update(moderation=Answer.Moderation.APPROVED)
        services.consultation_publish(
            consultation=c,
            now=now - timedelta(days=2),
            notice="日晖二村综合改造意愿征询已结束，结果如下，公示7天。如有异议，请在公示期内提出。",
        )
        stdout.write(f"  consultations: {SURVEY} (in publicity, {len(voters)} ballots)")

    # 3. Satisfaction rating at 江南新村, closed.
    estate = _estate("江南新村", stdout)
    if estate and not Consultation.objects.filter(estate=estate, title=SATISFACTION).exists():
        start = now - timedelta(days=30)
        c = services.consultation_create(
            estate=estate,
            title=SATISFACTION,
            kind=Consultation.Kind.SATISFACTION,
            created_by=creator,
            opens_at=start,
            closes_at=start + timedelta(days=14),
        )
        aspects = ["屋面防水", "道路与绿化", "施工文明", "总体满意度"]
        for aspect in aspects:
            services.question_save(consultation=c, text=aspect, type=Question.Type.RATING)
        services.consultation_open(consultation=c, now=start)
        questions = list(c.questions.all())
        households = list(
            Household.objects.filter(stairwell__building__estate=estate).order_by("pk")
        )
        voters = [h for h in households if rng.random() < 0.7]
        _bulk_ballots(
            c,
            voters,
            rng,
            lambda: {q.pk: rng.choices([5, 4, 3, 2], [5, 4, 1, 0.5])[0] for q in questions},
            clerk,
            start + timedelta(days=1),
        )
        services.consultation_close(consultation=c, now=start + timedelta(days=14))
        stdout.write(f"  consultations: {SATISFACTION} (closed, {len(voters)} ballots)")
