"""The categories every city starts with (seeded by migration 0002; edited in the admin).
Plain data, no model imports, so the migration can use it at any point in history."""

DEFAULT_CATEGORIES = [
    # (code, name, group, default notice deadline in days)
    ("rooftop_addition", "楼顶加层", "illegal_structure", 15),
    ("yard_enclosure", "圈占院落", "illegal_structure", 15),
    ("balcony_extension", "阳台外扩", "illegal_structure", 15),
    ("shop_conversion", "破墙开店", "illegal_structure", 15),
    ("blocked_fire_passage", "占堵消防通道", "safety_hazard", 7),
    ("flying_lead_charging", "飞线充电", "safety_hazard", 7),
    ("dangerous_structure", "危险构筑物", "safety_hazard", 7),
    ("gas", "燃气隐患", "safety_hazard", 7),
    ("disorder_build", "乱搭", "disorder", 7),
    ("disorder_pile", "乱堆", "disorder", 7),
    ("disorder_wire", "乱拉", "disorder", 7),
    ("disorder_post", "乱贴", "disorder", 7),
]


def seed_categories(category_model) -> None:
    """Creates the default categories that are missing; existing ones are left as edited."""
    for order, (code, name, group, days) in enumerate(DEFAULT_CATEGORIES, start=1):
        category_model.objects.get_or_create(
            code=code,
            defaults={"name": name, "group": group, "default_deadline_days": days, "order": order},
        )
