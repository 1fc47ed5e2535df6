import datetime
from decimal import Decimal

import factory

from communities.models import Region
from projects.models import (
    Complaint,
    FundingLine,
    Milestone,
    Programme,
    Project,
    WorksItem,
    WorksType,
)
from tests.communities.factories import EstateFactory, RegionFactory


def community_chain():
    """A community under its own city > district > subdistrict."""
    city = RegionFactory(level=Region.Level.CITY)
    district = RegionFactory(level=Region.Level.DISTRICT, parent=city)
    subdistrict = RegionFactory(level=Region.Level.SUBDISTRICT, parent=district)
    community = RegionFactory(level=Region.Level.COMMUNITY, parent=subdistrict)
    community.refresh_from_db()
    return community


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"2024年综合改造{n}期")
    year = 2024
    region = factory.SubFactory(RegionFactory, level=Region.Level.CITY)
    target_estates = 10
    target_households = 500
    target_investment = Decimal("10000000.00")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    estate = factory.SubFactory(EstateFactory, community=factory.LazyFunction(community_chain))
    # The programme covers the estate's city unless told otherwise.
    programme = factory.SubFactory(
        ProgrammeFactory,
        region=factory.LazyAttribute(
            lambda o: o.factory_parent.estate.community.parent.parent.parent
        ),
    )
    official_name = "王建国"
    official_phone = "13900001111"
    households_covered = 48
    buildings_covered = 2
    start_date = datetime.date(2024, 3, 1)
    planned_completion_date = datetime.date(2024, 12, 31)


def works_type(code="roofs"):
    # get_or_create: transactional tests (live server) flush the catalogue seeded by migration.
    return WorksType.objects.get_or_create(
        code=code, defaults={"name": code, "category": "basic", "default_unit": "m2"}
    )[0]


class WorksItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorksItem

    project = factory.SubFactory(ProjectFactory)
    works_type = factory.LazyFunction(works_type)
    quantity = Decimal("100")
    unit = "m2"
    budget = Decimal("100000.00")
    progress = 0


class FundingLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingLine

    project = factory.SubFactory(ProjectFactory)
    source = FundingLine.Source.CENTRAL
    amount = Decimal("50000.00")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"节点{n}")
    planned_date = datetime.date(2024, 6, 1)


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    project = factory.SubFactory(ProjectFactory)
    received_on = datetime.date(2024, 6, 1)
    channel = Complaint.Channel.HOTLINE
    category = Complaint.Category.NOISE
    text = "夜间施工噪音扰民"
