"""The subsidy policies and sharing-scheme templates shipped with the portal (migration 0002
loads them; staff add their own and edit them in the pages, superusers these in the admin).
Names are data, written as the city's staff would."""

from decimal import Decimal

D = Decimal

# name, kind, amount, percent, cap, note
POLICIES = [
    (
        "定额补贴 每台20万元",
        "fixed",
        D("200000"),
        None,
        None,
        "每部加装电梯给予定额补贴20万元，不超过实际造价。",
    ),
    (
        "按造价40%补贴 每台最高28万元",
        "percent",
        None,
        D("40"),
        D("280000"),
        "按电梯加装工程审定造价的40%给予补贴，每台最高不超过28万元。",
    ),
    (
        "定额补贴 每台15万元",
        "fixed",
        D("150000"),
        None,
        None,
        "每部加装电梯给予定额补贴15万元，不超过实际造价。",
    ),
]

# name, coefficients from the 1st floor up, area weighted, no objection, compensation, funding, note
SCHEMES = [
    (
        "七层 楼层系数（一、二层不分摊）",
        ["0", "0", "0.7", "0.8", "0.9", "1.0", "1.1"],
        False,
        False,
        D("0"),
        "from_shares",
        "每户份额 = 居民承担总额 × 本层系数 ÷ 各户系数之和。",
    ),
    (
        "七层 楼层系数×建筑面积（一、二层不分摊）",
        ["0", "0", "0.7", "0.8", "0.9", "1.0", "1.1"],
        True,
        False,
        D("0"),
        "from_shares",
        "每户份额按 本层系数 × 该户建筑面积 占全部权重的比例计算。",
    ),
    (
        "六层 楼层系数×建筑面积（一层补偿）",
        ["0", "0.5", "0.8", "1.0", "1.2", "1.4"],
        True,
        False,
        D("5000"),
        "from_shares",
        "一层住户不分摊，每户获得补偿5000元，补偿款计入其他住户分摊。",
    ),
    (
        "七层 楼层系数（需无异议）",
        ["0", "0.4", "0.7", "0.9", "1.0", "1.1", "1.2"],
        False,
        True,
        D("0"),
        "from_shares",
        "本单元任一受影响业主明确反对即不通过。",
    ),
]


def seed_catalogue(policy_model, scheme_model, floor_model) -> None:
    """Create what is missing (by name); never overwrite what staff changed."""
    for name, kind, amount, percent, cap, note in POLICIES:
        policy_model.objects.get_or_create(
            name=name,
            defaults={"kind": kind, "amount": amount, "percent": percent, "cap": cap, "note": note},
        )
    for name, coefficients, weighted, no_objection, compensation, funding, note in SCHEMES:
        scheme, created = scheme_model.objects.get_or_create(
            name=name,
            defaults={
                "area_weighted": weighted,
                "require_no_objection": no_objection,
                "compensation_per_dwelling": compensation,
                "compensation_funding": funding,
                "note": note,
            },
        )
        if created:
            floor_model.objects.bulk_create(
                floor_model(scheme=scheme, floor=i, coefficient=D(c))
                for i, c in enumerate(coefficients, start=1)
            )
