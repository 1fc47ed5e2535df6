"""The demo city: a deterministic registry drawn from the places in the field reports, the demo
staff accounts, and a bulk generator that scales the registry up for benchmarks.

Everything random comes from `random.Random` seeded with a fixed string per estate, so two runs
on empty databases produce the same names, floors, areas and owners."""

import io
import os
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from communities.models import Building, Estate, Household, Membership, Owner, Region, Stairwell

DEMO_PASSWORD = "huanxin2026"
CITY = "焕新市"


@dataclass(frozen=True)
class DemoEstate:
    name: str
    address: str
    latitude: str
    longitude: str
    year_built: int
    management_type: str
    property_company: str = ""
    buildings: int = 4


M = Estate.Management
# district > subdistrict > community > estates. Coordinates are near the real places the field
# reports describe (Shanghai Xuhui, Chengdu Jinjiang, Shijiazhuang Xinhua).
TREE = {
    "徐汇区": {
        "斜土街道": {
            "日晖六村居委": [
                DemoEstate(
                    "日晖六村",
                    "斜土路1175弄",
                    "31.190512",
                    "121.462231",
                    1986,
                    M.WORK_UNIT,
                    "徐房集团日晖物业",
                    buildings=5,
                ),
            ],
            "日晖二村居委": [
                DemoEstate(
                    "日晖二村",
                    "斜土路1221弄",
                    "31.189204",
                    "121.458716",
                    1982,
                    M.SELF_MANAGED,
                    buildings=4,
                ),
            ],
            "江南新村居委": [
                DemoEstate(
                    "江南新村", "斜土路1461弄", "31.187833", "121.451902", 1980, M.NONE, buildings=3
                ),
            ],
        },
        "枫林街道": {
            "东安居委": [
                DemoEstate(
                    "东安一村",
                    "东安路228弄",
                    "31.195140",
                    "121.455310",
                    1990,
                    M.PROFESSIONAL,
                    "上海徐汇物业管理有限公司",
                    buildings=4,
                ),
            ],
        },
    },
    "锦江区": {
        "东湖街道": {
            "东光社区": [
                DemoEstate(
                    "石羊路21号院",
                    "石羊路21号",
                    "30.620318",
                    "104.098532",
                    1992,
                    M.NONE,
                    buildings=2,
                ),
                DemoEstate(
                    "东怡街79号院",
                    "东怡街79号",
                    "30.623711",
                    "104.101204",
                    1996,
                    M.SELF_MANAGED,
                    buildings=3,
                ),
                DemoEstate(
                    "东兴苑",
                    "东兴路18号",
                    "30.625902",
                    "104.104418",
                    2000,
                    M.PROFESSIONAL,
                    "成都锦江东兴物业服务有限公司",
                    buildings=5,
                ),
            ],
        },
    },
    "新华区": {
        "曙光街街道": {
            "曙北社区": [
                DemoEstate(
                    "曙光街18号院",
                    "曙光街18号",
                    "38.061215",
                    "114.458307",
                    1988,
                    M.WORK_UNIT,
                    "市纺织公司房管科",
                    buildings=3,
                ),
                DemoEstate(
                    "市委家属院小区",
                    "曙光街42号",
                    "38.063480",
                    "114.461022",
                    1984,
                    M.WORK_UNIT,
                    "市委机关事务管理局",
                    buildings=4,
                ),
            ],
        },
        "光明路街道": {
            "迎宾社区": [
                DemoEstate(
                    "迎宾小区",
                    "光明路116号",
                    "38.058107",
                    "114.447935",
                    1998,
                    M.PROFESSIONAL,
                    "石家庄迎宾物业服务有限公司",
                    buildings=4,
                ),
            ],
        },
    },
}

# username, role, region name, what to say about it.
STAFF = [
    ("admin", None, None, "superuser (Django admin)"),
    ("bureau", Membership.Role.BUREAU, CITY, "city housing bureau, read-only"),
    ("xuhui", Membership.Role.DISTRICT, "徐汇区", "district staff"),
    ("xietu", Membership.Role.SUBDISTRICT, "斜土街道", "street office staff"),
    ("donghu", Membership.Role.SUBDISTRICT, "东湖街道", "street office staff"),
    ("rihui6", Membership.Role.COMMUNITY, "日晖六村居委", "community staff"),
    ("grid", Membership.Role.GRID_WORKER, "日晖六村居委", "grid worker"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰德福海燕文斌俊凤萍鹏辉林宁"
PHONE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "158",
    "159",
    "177",
    "180",
    "186",
    "187",
    "189",
]


_O = Household.Ownership
OWNERSHIP = [_O.PRIVATE.value] * 85 + [_O.PUBLIC_RENTAL.value] * 12 + [_O.OTHER.value] * 3


class Draw:
    """Fast draws from one seeded generator (the bulk city makes millions of them): every pick
    is one `random()` call, so a dwelling costs a handful of calls instead of dozens."""

    def __init__(self, seed: str):
        self.random = random.Random(seed).random

    def pick(self, options):
        return options[int(self.random() * len(options))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def owner_name(self) -> str:
        given = self.pick(GIVEN) if self.random() < 0.4 else self.pick(GIVEN) + self.pick(GIVEN)
        return self.pick(SURNAMES) + given

    def owner_phone(self) -> str:
        return self.pick(PHONE_PREFIXES) + f"{int(self.random() * 10**8):08d}"

    def area(self) -> str:
        cents = self.between(4500, 9499)  # 45.00–94.99 m²
        return f"{cents // 100}.{cents % 100:02d}"


@dataclass
class Layout:
    """What an estate holds, drawn from its own seeded generator: [(building number, floors,
    year built, [(stairwell number, has elevator, [(floor, room, area "m².cc", ownership,
    occupants, owner name, phone)])])]."""

    buildings: list

    @property
    def households(self) -> int:
        return sum(len(dwellings) for b in self.buildings for _, _, dwellings in b[3])


def estate_layout(seed: str, buildings: int, year_built: int) -> Layout:
    draw = Draw(f"huanxin-demo:{seed}")
    result = []
    for b in range(1, buildings + 1):
        floors = draw.pick((6, 6, 7))
        stairwells = []
        for s in range(1, draw.pick((2, 3, 3)) + 1):
            dwellings = [
                (
                    floor,
                    f"{floor}0{door}",
                    draw.area(),
                    draw.pick(OWNERSHIP),
                    draw.between(1, 5),
                    draw.owner_name(),
                    draw.owner_phone(),
                )
                for floor in range(1, floors + 1)
                for door in (1, 2)
            ]
            stairwells.append((str(s), draw.random() < 0.1, dwellings))
        result.append((str(b), floors, year_built + draw.pick((0, 0, 1, 2)), stairwells))
    return Layout(result)


def _region(name: str, level: int, parent: Region | None) -> Region:
    region = Region.objects.filter(name=name, parent=parent).first()
    if region is None:
        region = Region(name=name, level=level, parent=parent)
        region.save()
    return region


def create_tree() -> dict[str, Region]:
    """The administrative tree; returns regions by name."""
    regions = {CITY: _region(CITY, Region.Level.CITY, None)}
    for district, subdistricts in TREE.items():
        d = regions[district] = _region(district, Region.Level.DISTRICT, regions[CITY])
        for subdistrict, communities in subdistricts.items():
            s = regions[subdistrict] = _region(subdistrict, Region.Level.SUBDISTRICT, d)
            for community in communities:
                regions[community] = _region(community, Region.Level.COMMUNITY, s)
    return regions


def create_estate(spec: DemoEstate, community: Region) -> Estate:
    estate = Estate.objects.create(
        community=community,
        name=spec.name,
        address=spec.address,
        year_built=spec.year_built,
        management_type=spec.management_type,
        property_company=spec.property_company,
        latitude=Decimal(spec.latitude),
        longitude=Decimal(spec.longitude),
    )
    layout = estate_layout(spec.name, spec.buildings, spec.year_built)
    buildings = Building.objects.bulk_create(
        Building(estate=estate, number=number, floors=floors, year_built=year)
        for number, floors, year, _ in layout.buildings
    )
    stairwells, rows = [], []
    for building, (_, floors, _, specs) in zip(buildings, layout.buildings, strict=True):
        for number, elevator, dwellings in specs:
            stairwells.append(
                Stairwell(building=building, number=number, floors=floors, has_elevator=elevator)
            )
            rows.append(dwellings)
    Stairwell.objects.bulk_create(stairwells)
    households, owners = [], []
    for stairwell, dwellings in zip(stairwells, rows, strict=True):
        for floor, room, area, ownership, occupants, name, phone in dwellings:
            household = Household(
                stairwell=stairwell,
                floor=floor,
                room_number=room,
                floor_area=Decimal(area),
                ownership_type=ownership,
                occupants=occupants,
            )
            households.append(household)
            owners.append(Owner(household=household, name=name, phone=phone))
    Household.objects.bulk_create(households, batch_size=2000)
    Owner.objects.bulk_create(owners, batch_size=2000)
    # Each record's "created" history row, so the first edit in the demo shows old → new.
    for model, rows in ((Building, buildings), (Stairwell, stairwells), (Household, households)):
        model.history.bulk_history_create(rows, batch_size=2000)
    Owner.history.bulk_history_create(owners, batch_size=2000)
    return estate


def create_staff(regions: dict[str, Region]) -> None:
    User = get_user_model()
    # The demo password is public; hashing it once keeps the seed fast.
    password = make_password(DEMO_PASSWORD)
    for username, role, region_name, _ in STAFF:
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={"password": password, "is_staff": role is None, "is_superuser": role is None},
        )
        if role is not None:
            Membership.objects.get_or_create(user=user, region=regions[region_name], role=role)


REGISTRY_MODELS = [Region, Estate, Building, Stairwell, Household, Owner, Membership]


@transaction.atomic
def flush_registry() -> None:
    """Empty the registry and its history, with every row of other apps that refers to it
    (TRUNCATE ... CASCADE), then delete the demo accounts. Catalogues that other apps load in
    data migrations do not refer to the registry and survive."""
    tables = []
    for model in REGISTRY_MODELS:
        tables.append(model._meta.db_table)
        tables.append(model.history.model._meta.db_table)
    with connection.cursor() as cursor:
        # Deferred foreign-key checks still pending in this transaction would block TRUNCATE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    get_user_model().objects.filter(username__in=[s[0] for s in STAFF]).delete()


@transaction.atomic
def seed_demo(*, stdout) -> None:
    """The registry's part of `manage.py seed_demo`: the demo city, its estates down to owners,
    and the demo staff. Every other app's demo stands on it."""
    regions = create_tree()
    for subdistricts in TREE.values():
        for communities in subdistricts.values():
            for community, estates in communities.items():
                for spec in estates:
                    if Estate.objects.filter(community=regions[community], name=spec.name).exists():
                        continue
                    create_estate(spec, regions[community])
    create_staff(regions)
    stdout.write(
        f"Demo city: {Region.objects.count()} regions, {Estate.objects.count()} estates, "
        f"{Building.objects.count()} buildings, {Household.objects.count()} households."
    )


def has_data() -> bool:
    """Whether the registry holds anything (`seed_demo --if-empty` then leaves it alone)."""
    return Region.objects.exists()


def site_url() -> str:
    """Where `make run` serves the portal, for the links the demo prints: scripts/run.py sets
    HOST and PORT (the port it found free) for the commands it runs."""
    host = os.environ.get("HOST", "127.0.0.1")
    host = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    return f"http://{host}:{os.environ.get('PORT', '8000')}"


def staff_table() -> list[tuple[str, str, str, str]]:
    """(username, password, role, region) of the demo accounts present in the database."""
    present = set(
        get_user_model()
        .objects.filter(username__in=[s[0] for s in STAFF])
        .values_list("username", flat=True)
    )
    return [
        (username, DEMO_PASSWORD, note, region or "—")
        for username, _role, region, note in STAFF
        if username in present
    ]


# --- scaling up for benchmarks ---------------------------------------------------------------

ROADS = [
    "建设",
    "解放",
    "人民",
    "和平",
    "胜利",
    "光明",
    "幸福",
    "友谊",
    "红旗",
    "团结",
    "新华",
    "朝阳",
    "长安",
    "中山",
    "青年",
    "东风",
    "跃进",
    "文化",
    "育才",
    "兴华",
]
SUFFIXES = ["新村", "小区", "苑", "花园", "里", "家属院"]
BULK_PREFIX = "焕新"


def _reserve_ids(cursor, table: str, count: int) -> list[int]:
    """A block of `count` ids from the table's sequence, so COPY rows can reference each other."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    (sequence,) = cursor.fetchone()
    cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
    return [row[0] for row in cursor.fetchall()]


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    """COPY `rows` (tuples without NULLs or tabs) into `table`."""
    buffer = io.StringIO("".join("\t".join(map(str, row)) + "\n" for row in rows))
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


@transaction.atomic
def scale_up(*, households: int, stdout) -> int:
    """Add generated estates across the demo communities until `households` dwellings exist,
    inserting with PostgreSQL COPY. Returns how many dwellings were added."""
    have = Household.objects.count()
    if have >= households:
        return 0
    communities = list(Region.objects.filter(level=Region.Level.COMMUNITY).order_by("path"))
    if not communities:
        raise ValueError("There are no communities to add estates to; seed the demo city first.")
    index = Estate.objects.filter(name__startswith=BULK_PREFIX).count()
    # New estates sit near the community's existing ones (the demo city spans three cities).
    centres = {}
    for community_id, lat, lng in (
        Estate.objects.filter(latitude__isnull=False)
        .order_by("pk")
        .values_list("community_id", "latitude", "longitude")
    ):
        centres.setdefault(community_id, (lat, lng))
    estates, layouts = [], []
    planned = have
    while planned < households:
        rng = random.Random(f"huanxin-bulk:{index}")
        community = communities[index % len(communities)]
        lat, lng = centres.get(community.pk, (Decimal("31.190000"), Decimal("121.460000")))
        year = rng.randint(1980, 2000)
        name = f"{BULK_PREFIX}{rng.choice(ROADS)}{rng.choice(SUFFIXES)}{index + 1}"
        estates.append(
            Estate(
                community=community,
                name=name,
                address=f"{rng.choice(ROADS)}路{rng.randint(1, 999)}弄",
                year_built=year,
                management_type=rng.choice(list(Estate.Management.values)),
                latitude=lat + Decimal(rng.randrange(-2000, 2000)) / 100000,
                longitude=lng + Decimal(rng.randrange(-2000, 2000)) / 100000,
            )
        )
        layout = estate_layout(f"bulk:{index}", rng.randint(6, 14), year)
        layouts.append(layout)
        planned += layout.households
        index += 1
    Estate.objects.bulk_create(estates, batch_size=1000)

    with connection.cursor() as cursor:
        n_buildings = sum(len(lay.buildings) for lay in layouts)
        n_stairwells = sum(len(b[3]) for lay in layouts for b in lay.buildings)
        n_households = planned - have
        building_ids = iter(_reserve_ids(cursor, "communities_building", n_buildings))
        stairwell_ids = iter(_reserve_ids(cursor, "communities_stairwell", n_stairwells))
        household_ids = iter(_reserve_ids(cursor, "communities_household", n_households))
        owner_ids = iter(_reserve_ids(cursor, "communities_owner", n_households))
        buildings, stairwells, dwellings, owners = [], [], [], []
        for estate, layout in zip(estates, layouts, strict=True):
            for number, floors, year, specs in layout.buildings:
                building_id = next(building_ids)
                buildings.append((building_id, estate.pk, number, floors, year))
                for s_number, elevator, rows in specs:
                    stairwell_id = next(stairwell_ids)
                    stairwells.append(
                        (stairwell_id, building_id, s_number, floors, "t" if elevator else "f")
                    )
                    for floor, room, area, ownership, occupants, name, phone in rows:
                        household_id = next(household_ids)
                        dwellings.append(
                            (household_id, stairwell_id, floor, room, area, ownership, occupants)
                        )
                        owners.append((next(owner_ids), household_id, name, phone, "t"))
        _copy(
            cursor,
            "communities_building",
            ["id", "estate_id", "number", "floors", "year_built"],
            buildings,
        )
        _copy(
            cursor,
            "communities_stairwell",
            ["id", "building_id", "number", "floors", "has_elevator"],
            stairwells,
        )
        _copy(
            cursor,
            "communities_household",
            [
                "id",
                "stairwell_id",
                "floor",
                "room_number",
                "floor_area",
                "ownership_type",
                "occupants",
            ],
            dwellings,
        )
        _copy(
            cursor,
            "communities_owner",
            ["id", "household_id", "name", "phone", "is_primary"],
            owners,
        )
        for table in ("region", "estate", "building", "stairwell", "household", "owner"):
            cursor.execute(f"ANALYZE communities_{table}")
    stdout.write(
        f"Added {len(estates)} estates, {len(buildings)} buildings, {len(stairwells)} stairwells "
        f"and {len(dwellings)} households (now {planned})."
    )
    return len(dwellings)
