"""Demo data: the programme "2024年综合改造一期" over the demo city, with a project in every
status, works, funding (one with a gap), milestones (some overdue), progress reports with a
photo, and complaints (one open for weeks). Deterministic; skips what is already there."""

import datetime
import io
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from PIL import Image

from communities.models import Estate, Region
from renovation import dates

from . import services
from .models import (
    Complaint,
    FundingLine,
    Milestone,
    Programme,
    ProgressEntry,
    ProgressPhoto,
    ProgressReport,
    Project,
    WorksItem,
    WorksType,
)

PROGRAMME = "2024年综合改造一期"
S = Project.Status

# estate, status, official (name, phone), days since start, overdue milestones?
PLAN = [
    ("日晖六村", S.UNDER_CONSTRUCTION, ("王建国", "13900001111"), 200, True),
    ("日晖二村", S.ACCEPTING, ("王建国", "13900001111"), 320, False),
    ("江南新村", S.COMPLETED, ("王建国", "13900001111"), 420, False),
    ("东安一村", S.DESIGNING, ("李明", "13900002222"), 90, True),
    ("石羊路21号院", S.CONSULTING, ("张华", "13900003333"), 20, False),
    ("东怡街79号院", S.PLANNED, ("张华", "13900003333"), -30, False),
    ("东兴苑", S.SUSPENDED, ("刘强", "13900004444"), 150, True),
    ("曙光街18号院", S.UNDER_CONSTRUCTION, ("陈静", "13900005555"), 180, True),
    ("市委家属院小区", S.COMPLETED, ("陈静", "13900005555"), 400, False),
    ("迎宾小区", S.DESIGNING, ("赵磊", "13900006666"), 60, False),
]

WORKS = [  # code, quantity, unit price (CNY)
    ("water_pipes", Decimal("800"), Decimal("260")),
    ("rain_sewage", Decimal("600"), Decimal("420")),
    ("roofs", Decimal("3200"), Decimal("95")),
    ("facades", Decimal("5400"), Decimal("130")),
    ("overhead_wires", Decimal("900"), Decimal("150")),
    ("greening", Decimal("1500"), Decimal("80")),
    ("ev_charging", Decimal("20"), Decimal("6500")),
    ("access_cameras", Decimal("6"), Decimal("18000")),
]
# The catalogue rows the demo uses, in case the seeded catalogue was emptied (migration 0002).
CATALOGUE = {
    "water_pipes": ("供水管网改造", "basic", "m"),
    "rain_sewage": ("雨污分流", "basic", "m"),
    "roofs": ("屋面及防水修缮", "basic", "m2"),
    "facades": ("外立面及保温", "basic", "m2"),
    "overhead_wires": ("架空线规整（入地）", "basic", "m"),
    "greening": ("绿化提升", "improvement", "m2"),
    "ev_charging": ("电动车充电设施", "improvement", "pcs"),
    "access_cameras": ("门禁及视频监控", "improvement", "sets"),
}

SHARES = [  # funding source, share of the works budget
    (FundingLine.Source.CENTRAL, Decimal("0.40")),
    (FundingLine.Source.MUNICIPAL, Decimal("0.25")),
    (FundingLine.Source.DISTRICT, Decimal("0.20")),
    (FundingLine.Source.UTILITY, Decimal("0.05")),
    (FundingLine.Source.RESIDENTS, Decimal("0.10")),
]

MILESTONES = [  # name, days after start
    ("居民意见征询完成", 30),
    ("设计方案批复", 75),
    ("施工进场", 110),
    ("主体工程完工", 250),
    ("竣工验收", 330),
]
# How far along each status is: milestones done.
DONE = {
    S.PLANNED: 0,
    S.CONSULTING: 0,
    S.DESIGNING: 1,
    S.UNDER_CONSTRUCTION: 3,
    S.ACCEPTING: 4,
    S.COMPLETED: 5,
    S.SUSPENDED: 2,
}
PROGRESS = {
    S.PLANNED: 0,
    S.CONSULTING: 0,
    S.DESIGNING: 0,
    S.UNDER_CONSTRUCTION: 55,
    S.ACCEPTING: 100,
    S.COMPLETED: 100,
    S.SUSPENDED: 20,
}


def _photo(colour) -> ContentFile:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, format="JPEG", quality=80)
    return ContentFile(out.getvalue(), name="site.jpg")


def seed_demo(*, stdout) -> None:
    if Programme.objects.filter(name=PROGRAMME).exists():
        stdout.write(f"projects: programme {PROGRAMME} already there, skipped")
        return
    city = Region.objects.filter(level=Region.Level.CITY, name="焕新市").first()
    if city is None:
        stdout.write("projects: demo city 焕新市 not found, skipped")
        return
    estates = {
        e.name: e
        for e in Estate.objects.filter(name__in=[row[0] for row in PLAN]).annotate(
            n_buildings=Count("buildings", distinct=True),
            n_households=Count("buildings__stairwells__households", distinct=True),
        )
    }
    types = {
        code: WorksType.objects.get_or_create(
            code=code, defaults={"name": name, "category": category, "default_unit": unit}
        )[0]
        for code, (name, category, unit) in CATALOGUE.items()
    }
    today = dates.today()
    with transaction.atomic():
        programme = Programme.objects.create(
            name=PROGRAMME,
            year=2024,
            region=city,
            target_estates=len(PLAN),
            target_households=sum(e.n_households for e in estates.values()) or 1000,
            target_investment=Decimal("30000000.00"),
            satisfaction_threshold=Decimal("80.00"),
        )
        for index, (name, status, (official, phone), age, overdue) in enumerate(PLAN):
            estate = estates.get(name)
            if estate is None:
                stdout.write(f"projects: estate {name} not found, skipped")
                continue
            _seed_project(
                programme, estate, index, status, official, phone, age, overdue, types, today
            )
        recorded = services.strikes_record(today=today)
    stdout.write(
        f"projects: programme {PROGRAMME} with {programme.projects.count()} projects, "
        f"{recorded} strikes"
    )


def _seed_project(programme, estate, index, status, official, phone, age, overdue, types, today):
    start = today - datetime.timedelta(days=age)
    done = DONE[status]
    completed = status == S.COMPLETED
    accepted = status in (S.ACCEPTING, S.COMPLETED)
    project = Project.objects.create(
        programme=programme,
        estate=estate,
        status=status,
        suspension_reason="部分居民对加装电梯方案有异议，暂停施工待协调"
        if status == S.SUSPENDED
        else "",
        resume_status=S.UNDER_CONSTRUCTION if status == S.SUSPENDED else "",
        buildings_covered=estate.n_buildings,
        households_covered=estate.n_households,
        official_name=official,
        official_phone=phone,
        contractor="焕新建工集团有限公司" if index % 2 == 0 else "城建市政工程有限公司",
        designer="市城市规划设计研究院",
        supervisor="诚信工程监理有限公司",
        start_date=start,
        planned_completion_date=start + datetime.timedelta(days=360),
        completed_on=today - datetime.timedelta(days=20) if completed else None,
        acceptance_date=today - datetime.timedelta(days=30) if accepted else None,
        acceptance_result=Project.AcceptanceResult.PASSED if accepted else "",
        satisfaction_rate=Decimal("92.50")
        if completed
        else (Decimal("85.00") if accepted else None),
    )
    progress = PROGRESS[status]
    chosen = [WORKS[(index + k) % len(WORKS)] for k in range(5)]
    items = WorksItem.objects.bulk_create(
        WorksItem(
            project=project,
            works_type=types[code],
            quantity=qty,
            unit=types[code].default_unit,
            budget=(qty * price).quantize(Decimal("0.01")),
            progress=min(100, progress + (k * 10 if 0 < progress < 100 else 0)),
        )
        for k, (code, qty, price) in enumerate(chosen)
    )
    budget = sum(item.budget for item in items)
    households = max(estate.n_households, 1)
    # 曙光街18号院's district money has not come through: its funding falls short (a gap).
    short = estate.name == "曙光街18号院"
    FundingLine.objects.bulk_create(
        FundingLine(
            project=project,
            source=source,
            amount=(
                budget * share * (Decimal("0.5") if short and source == "district" else 1)
            ).quantize(Decimal("0.01")),
            per_household=(budget * share / households).quantize(Decimal("0.01"))
            if source == FundingLine.Source.RESIDENTS
            else None,
        )
        for source, share in SHARES
    )
    Milestone.objects.bulk_create(
        Milestone(
            project=project,
            name=label,
            sort_order=k,
            planned_date=start + datetime.timedelta(days=offset),
            actual_date=(start + datetime.timedelta(days=offset + (7 if k == 1 else -2)))
            if k < done
            else None,
        )
        for k, (label, offset) in enumerate(MILESTONES)
    )
    if overdue:
        Milestone.objects.create(
            project=project,
            name="管线迁改完成",
            sort_order=9,
            planned_date=today - datetime.timedelta(days=12 + index),
        )
    if progress:
        report = ProgressReport.objects.create(
            project=project,
            report_date=today - datetime.timedelta(days=3),
            note="本周完成外墙保温及雨污管道铺设，现场文明施工。",
        )
        ProgressEntry.objects.bulk_create(
            ProgressEntry(report=report, works_item=item, progress=item.progress) for item in items
        )
        ProgressPhoto.objects.create(report=report, image=_photo((120 + index * 10, 140, 160)))
    if status in (S.UNDER_CONSTRUCTION, S.SUSPENDED, S.ACCEPTING):
        Complaint.objects.bulk_create(
            [
                Complaint(
                    project=project,
                    received_on=today - datetime.timedelta(days=21),
                    channel=Complaint.Channel.HOTLINE,
                    category=Complaint.Category.NOISE,
                    text="夜间施工噪音扰民，影响老人休息。",
                ),
                Complaint(
                    project=project,
                    received_on=today - datetime.timedelta(days=40),
                    channel=Complaint.Channel.LETTERS,
                    category=Complaint.Category.QUALITY,
                    text="楼道墙面粉刷后起皮。",
                    resolved_on=today - datetime.timedelta(days=33),
                    reply="已安排施工单位返工重刷，居民确认满意。",
                ),
            ]
        )
