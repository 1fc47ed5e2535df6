"""Seed the works catalogue with the common items of 国办发〔2020〕23号 (basic / improvement /
enhancement). The catalogue is data: staff can add, rename or retire types in the admin."""

from django.db import migrations

CATALOGUE = [
    # code, name, category, unit
    ("water_pipes", "供水管网改造", "basic", "m"),
    ("power_lines", "供电线路改造", "basic", "m"),
    ("gas_pipes", "燃气管道改造", "basic", "m"),
    ("heating_pipes", "供热管网改造", "basic", "m"),
    ("rain_sewage", "雨污分流", "basic", "m"),
    ("septic_tanks", "化粪池改造", "basic", "pcs"),
    ("roads", "小区道路修缮", "basic", "m2"),
    ("roofs", "屋面及防水修缮", "basic", "m2"),
    ("facades", "外立面及保温", "basic", "m2"),
    ("stairwells", "楼道整治", "basic", "pcs"),
    ("overhead_wires", "架空线规整（入地）", "basic", "m"),
    ("lighting", "公共照明", "basic", "pcs"),
    ("greening", "绿化提升", "improvement", "m2"),
    ("parking", "停车设施", "improvement", "pcs"),
    ("ev_charging", "电动车充电设施", "improvement", "pcs"),
    ("access_cameras", "门禁及视频监控", "improvement", "sets"),
    ("ramps", "无障碍坡道", "improvement", "pcs"),
    ("elevators", "加装电梯", "improvement", "pcs"),
    ("activity_rooms", "社区活动用房", "enhancement", "m2"),
    ("elderly_care", "养老托育服务设施", "enhancement", "m2"),
    ("convenience", "便民服务设施", "enhancement", "pcs"),
]


def seed(apps, schema_editor):
    WorksType = apps.get_model("projects", "WorksType")
    for order, (code, name, category, unit) in enumerate(CATALOGUE):
        WorksType.objects.update_or_create(
            code=code,
            defaults={"name": name, "category": category, "default_unit": unit, "sort_order": order},
        )


def unseed(apps, schema_editor):
    apps.get_model("projects", "WorksType").objects.filter(
        code__in=[row[0] for row in CATALOGUE], items__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
