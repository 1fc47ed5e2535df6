from communities.models import Estate, Household
from renovation import access
from tests.conftest import make_stairwell


def test_a_subdistrict_user_sees_the_estates_of_their_street_only(tree, alice):
    seen = access.scope_queryset(alice, Estate.objects.all())
    assert set(seen) == {tree.estate_a, tree.estate_b}


def test_a_grid_worker_sees_only_their_community(tree, bob):
    assert list(access.scope_queryset(bob, Estate.objects.all())) == [tree.estate_a]


def test_the_bureau_sees_the_whole_city_but_may_not_manage(tree, diana):
    assert access.scope_queryset(diana, Estate.objects.all()).count() == 3
    assert not access.has_perm(diana, access.MANAGE, tree.estate_a)
    assert access.has_perm(diana, access.VIEW, tree.estate_c)


def test_scoping_reaches_down_to_households(tree, alice, charlie):
    make_stairwell(tree.estate_a, floors=2)
    make_stairwell(tree.estate_c, floors=3)
    assert access.scope_queryset(alice, Household.objects.all()).count() == 4
    assert access.scope_queryset(charlie, Household.objects.all()).count() == 6


def test_a_user_without_membership_sees_nothing(tree, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x")
    assert not access.scope_queryset(nobody, Estate.objects.all()).exists()
    assert not access.has_any_perm(nobody, access.VIEW)


def test_personal_data_is_masked():
    assert access.mask_phone("13812345678") == "138****5678"
    assert access.mask_name("张三丰") == "张**"
    assert access.mask_name("李") == "李*"
