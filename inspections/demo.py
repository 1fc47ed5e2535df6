"""Demo data: inspection points over the demo estates in every stage of the workflow (some
overdue, one case filed and enforced), with photos, and a few patrols by the grid worker
`grid`. Deterministic; an estate that already has points, or is missing, is skipped."""

import io
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from communities.models import Estate
from inspections import services
from inspections.categories import seed_categories
from inspections.models import Category, Point, Status
from renovation import dates

S = Status

# estate, staff user who records there (falls back to admin)
ESTATES = [
    ("日晖六村", "grid"),
    ("日晖二村", "xietu"),
    ("江南新村", "xietu"),
    ("东安一村", "admin"),
    ("石羊路21号院", "donghu"),
    ("东怡街79号院", "donghu"),
    ("东兴苑", "donghu"),
    ("曙光街18号院", "admin"),
    ("市委家属院小区", "admin"),
    ("迎宾小区", "admin"),
]

# Who closes (销号) the points a user recorded: always a second person.
CLOSERS = {"grid": "rihui6", "admin": "xietu"}

# category, location, area m², responsible party, steps after "found", found days ago
POINTS = [
    (
        "rooftop_addition",
        "{b}号楼顶",
        "32.50",
        "{b}号楼601室业主",
        [S.NOTICE_SERVED, S.DEMOLITION_AGREED, S.DEMOLISHED, S.VERIFIED, S.CLOSED],
        70,
    ),
    ("yard_enclosure", "{b}号楼一层东侧院落", "18.00", "{b}号楼101室业主", [S.NOTICE_SERVED], 40),
    (
        "flying_lead_charging",
        "{b}号楼2单元门口",
        None,
        "2单元住户",
        [S.NOTICE_SERVED, S.RECTIFIED_BY_PARTY, S.VERIFIED],
        25,
    ),
    ("blocked_fire_passage", "{b}号楼北侧消防通道", None, "物业", [S.NOTICE_SERVED], 2),
    (
        "balcony_extension",
        "{b}号楼3单元阳台",
        "6.40",
        "{b}号楼302室业主",
        [S.NOTICE_SERVED, S.OVERDUE, S.INTERVIEWED, S.CASE_FILED, S.ENFORCED],
        60,
    ),
    ("disorder_pile", "自行车棚旁", None, "", [], 1),
    ("gas", "{b}号楼1单元燃气表箱", None, "燃气公司", [S.NOTICE_SERVED, S.RECTIFIED_BY_PARTY], 12),
    (
        "shop_conversion",
        "沿街{b}号楼底商",
        "24.00",
        "{b}号楼102室业主",
        [S.NOTICE_SERVED, S.DEMOLITION_AGREED],
        30,
    ),
]

NOTES = {
    S.NOTICE_SERVED: "已当面送达整改告知书。",
    S.DEMOLITION_AGREED: "业主签署帮拆委托书。",
    S.DEMOLISHED: "已组织拆除，现场清理完毕。",
    S.RECTIFIED_BY_PARTY: "责任人自行整改完成。",
    S.VERIFIED: "复查合格，附整改后照片。",
    S.CLOSED: "销号。",
    S.OVERDUE: "逾期未整改。",
    S.INTERVIEWED: "约谈责任人，告知法律后果。",
    S.CASE_FILED: "移交城管执法立案。",
    S.ENFORCED: "依法强制拆除。",
}


def _photo(name: str, color: tuple[int, int, int]) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, format="JPEG", quality=70)
    return ContentFile(buffer.getvalue(), name=name)


def _at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _near(estate, n: int) -> dict:
    """A spot within about 120 m of the estate's location (a point is somewhere in the
    estate, not on its centre), the same on every run; nothing when the estate has none."""
    if estate.latitude is None:
        return {}
    rng = random.Random(f"huanxin-demo-point:{estate.name}:{n}")
    return {
        "latitude": estate.latitude + Decimal(rng.randint(-110, 110)) / 100000,
        "longitude": estate.longitude + Decimal(rng.randint(-130, 130)) / 100000,
    }


def seed_demo(*, stdout) -> None:
    seed_categories(Category)
    categories = {c.code: c for c in Category.objects.all()}
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["grid", "rihui6", "xietu", "donghu", "admin"]
        )
    }
    estates = {e.name: e for e in Estate.objects.filter(name__in=[name for name, _ in ESTATES])}
    today = dates.today()
    created = 0
    for index, (estate_name, username) in enumerate(ESTATES):
        estate = estates.get(estate_name)
        actor = users.get(username) or users.get("admin")
        closer = users.get(CLOSERS.get(actor.username, "admin")) if actor else None
        if estate is None or actor is None or closer is None:
            stdout.write(
                f"  inspections: skipping {estate_name} (estate or user {username} missing)"
            )
            continue
        if Point.objects.filter(estate=estate).exists():
            stdout.write(f"  inspections: {estate_name} already has points")
            continue
        buildings = list(estate.buildings.order_by("number")[:3])
        # Each estate gets a different slice of the plan, so the statistics differ per estate.
        plan = POINTS if index == 0 else [p for i, p in enumerate(POINTS) if (i + index) % 3 != 0]
        patrol = services.patrol_record(
            worker=actor,
            estate=estate,
            note="例行巡查：排查违建和安全隐患",
            started_at=_at(today - timedelta(days=max(p[5] for p in plan))),
        )
        for n, (code, location, area, party, steps, days_ago) in enumerate(plan):
            building = buildings[n % len(buildings)] if buildings else None
            number = building.number if building else str(n + 1)
            day = today - timedelta(days=days_ago)
            point = services.point_create(
                actor=actor,
                estate=estate,
                building=building,
                category=categories[code],
                location=location.format(b=number),
                area=Decimal(area) if area else None,
                responsible_party=party.format(b=number),
                priority=3 if code in ("gas", "blocked_fire_passage") else 2,
                description="网格巡查发现。",
                photos=[_photo(f"before-{estate.pk}-{n}.jpg", (150, 90, 60))],
                patrol=patrol if days_ago == max(p[5] for p in plan) else None,
                now=_at(day),
                **_near(estate, n),
            )
            for target in steps:
                day = day + timedelta(days=2)
                if target == S.OVERDUE:
                    day = max(day, point.deadline + timedelta(days=1))
                extra = {}
                if target == S.CASE_FILED:
                    extra["case_number"] = f"城管立字〔{day.year}〕第{estate.pk:03d}{n:02d}号"
                if target in (S.VERIFIED, S.DEMOLISHED, S.RECTIFIED_BY_PARTY):
                    extra["photos"] = [_photo(f"after-{estate.pk}-{n}-{target}.jpg", (90, 160, 90))]
                services.point_transition(
                    point=point,
                    actor=closer if target == S.CLOSED else actor,
                    to_status=target,
                    note=NOTES[target],
                    now=_at(day),
                    today=day,
                    **extra,
                )
            created += 1
        services.patrol_record(
            worker=actor,
            estate=estate,
            points=Point.objects.filter(estate=estate).exclude(status=S.CLOSED),
            note="复查整改情况",
            started_at=_at(today - timedelta(days=1)),
        )
    marked = services.points_mark_overdue(today=today)
    stdout.write(f"  inspections: {created} points, {marked} marked overdue")
