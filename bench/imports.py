"""Registry import benchmark: the 3,000-row template file through the import pages, inline
(upload and check, then confirm and write), each run rolled back so the registry stays as
seeded. The floor is the least the same write could cost: the same rows inserted with plain
bulk_create, without reading, checking or history."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from bench import Result, benchmark
from communities.importing import COLUMNS
from communities.models import Building, Estate, Household, ImportJob, Owner, Region, Stairwell
from renovation import access

USER = "xietu"  # street-office staff of the demo city
ROWS = 3000
ESTATE = "基准导入小区"


def template_rows(community: Region, subdistrict: str):
    """3,000 dwellings in the template's layout: 25 buildings × 4 stairwells × 6 floors × 5."""
    values = {
        "subdistrict": subdistrict,
        "community": community.name,
        "estate": ESTATE,
        "address": "基准路1号",
        "year_built": 1990,
        "management_type": "无物业",
        "building_floors": 6,
        "stairwell_floors": 6,
        "has_elevator": "无",
        "floor_area": 56.3,
        "ownership_type": "私有产权",
        "occupants": 2,
    }
    for b in range(1, 26):
        for s in range(1, 5):
            for floor in range(1, 7):
                for door in range(1, 6):
                    row = values | {
                        "building": str(b),
                        "stairwell": str(s),
                        "room_number": f"{floor}0{door}",
                        "floor": floor,
                        "owner_name": f"业主{b}-{s}-{floor}{door}",
                        "owner_phone": f"138{b:02d}{s}{floor}{door:04d}",
                    }
                    yield [row.get(c.key) for c in COLUMNS]


def template_file(community: Region, subdistrict: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    sheet.append([c.header for c in COLUMNS])
    for row in template_rows(community, subdistrict):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@benchmark("registry: import of the 3,000-row template file, inline (upload + confirm)")
def import_template_file(ctx):
    user = ctx.user(USER)
    community = (
        access.scope_queryset(
            user, Region.objects.filter(level=Region.Level.COMMUNITY), access.MANAGE
        )
        .select_related("parent")
        .first()
    )
    if community is None:
        return ctx.skip(f"{USER} manages no community")
    data = template_file(community, community.parent.name)
    client = ctx.client(USER)
    runs = min(ctx.runs, 7)

    def upload():
        response = client.post(
            reverse("communities:import"), {"file": SimpleUploadedFile("台账.xlsx", data)}
        )
        assert response.status_code == 302, response.content[:500]
        return response.url

    def upload_only():
        with transaction.atomic():
            upload()
            transaction.set_rollback(True)

    def upload_and_confirm():
        with transaction.atomic():
            job_url = upload()
            client.post(job_url, {"action": "confirm"})
            job = ImportJob.objects.order_by("-pk").first()
            assert job.status == ImportJob.Status.DONE, (job.status, job.error, job.preview)
            assert job.result["created"]["household"] == ROWS
            transaction.set_rollback(True)

    def bare_inserts():
        with transaction.atomic():
            estate = Estate.objects.create(community=community, name=ESTATE, address="基准路1号")
            buildings = Building.objects.bulk_create(
                Building(estate=estate, number=str(b), floors=6) for b in range(1, 26)
            )
            stairwells = Stairwell.objects.bulk_create(
                Stairwell(building=b, number=str(s), floors=6)
                for b in buildings
                for s in range(1, 5)
            )
            households = Household.objects.bulk_create(
                Household(stairwell=s, floor=f, room_number=f"{f}0{d}", floor_area=Decimal("56.30"))
                for s in stairwells
                for f in range(1, 7)
                for d in range(1, 6)
            )
            Owner.objects.bulk_create(Owner(household=h, name="业主") for h in households)
            transaction.set_rollback(True)

    figure = ctx.median_ms(upload_and_confirm, runs=runs)
    upload_ms = ctx.median_ms(upload_only, runs=runs)
    floor = ctx.median_ms(bare_inserts, runs=runs)
    return Result(
        figure,
        floor,
        runs,
        note=f"{ROWS} rows, {len(data) // 1024} KB; upload and check {upload_ms:.0f} ms, "
        f"confirm and write {figure - upload_ms:.0f} ms; floor = bare bulk inserts",
        details={"upload_ms": round(upload_ms, 1), "rows": ROWS, "bytes": len(data)},
    )
