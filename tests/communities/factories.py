from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from communities.models import Building, Estate, Household, Membership, Owner, Region, Stairwell

PASSWORD = "huanxin-test-pw"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"区域{n}")
    level = Region.Level.CITY
    parent = None


class EstateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Estate

    community = factory.SubFactory(RegionFactory, level=Region.Level.COMMUNITY, parent=None)
    name = factory.Sequence(lambda n: f"日晖{n}村")
    address = factory.Sequence(lambda n: f"斜土路{n}弄")
    year_built = 1985
    management_type = Estate.Management.NONE


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    estate = factory.SubFactory(EstateFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    floors = 6


class StairwellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stairwell

    building = factory.SubFactory(BuildingFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    floors = factory.SelfAttribute("building.floors")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    stairwell = factory.SubFactory(StairwellFactory)
    floor = 1
    room_number = factory.Sequence(lambda n: f"{n + 101}")
    floor_area = Decimal("60.00")
    occupants = 2


class OwnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Owner

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"业主{n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    region = factory.SubFactory(RegionFactory)
    role = Membership.Role.SUBDISTRICT


def staff(username: str, region: Region, role: str):
    """A user holding `role` at `region`."""
    user = UserFactory(username=username)
    MembershipFactory(user=user, region=region, role=role)
    return user
