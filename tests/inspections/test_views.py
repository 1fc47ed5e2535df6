"""Pages: the grid worker's phone pages and the staff pages, with scoping and query bounds."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from inspections.models import Photo, Point, Status
from renovation.images import read_gps
from tests.inspections.factories import PatrolFactory, PointFactory, category, jpeg, not_an_image

S = Status


@pytest.fixture
def many_points(tree):
    """Enough rows in every estate that an N+1 query would show."""
    cats = [category(code) for code in ("rooftop_addition", "gas", "disorder_pile")]
    for estate in (tree.estate_a, tree.estate_b, tree.estate_c):
        for i in range(12):
            PointFactory(
                estate=estate,
                category=cats[i % 3],
                location=f"{estate.name}-{i}号",
                status=S.NOTICE_SERVED if i % 2 else S.FOUND,
                deadline=timezone.localdate() - timedelta(days=1) if i % 2 else None,
            )
    return tree


def test_the_point_list_shows_only_the_users_street(
    client, alice, many_points, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("inspections:point-list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "日晖六村-1号" in body and "日晖二村-1号" in body
    assert "东安新村" not in body
    assert response.context["paginator"].count == 24


def test_the_point_list_filters_by_overdue_category_status_and_estate(client, alice, many_points):
    client.force_login(alice)
    url = reverse("inspections:point-list")
    assert client.get(url, {"overdue": "true"}).context["paginator"].count == 12
    assert client.get(url, {"category": category("gas").pk}).context["paginator"].count == 8
    assert client.get(url, {"status": "found"}).context["paginator"].count == 12
    assert client.get(url, {"estate_id": many_points.estate_b.pk}).context["paginator"].count == 12
    # Another street's estate is not a valid choice: the filter refuses it, nothing leaks.
    response = client.get(url, {"estate_id": many_points.estate_c.pk})
    assert "东安新村" not in response.content.decode()


def test_the_list_pages_through_many_points(client, alice, tree):
    for i in range(30):
        PointFactory(estate=tree.estate_a, location=f"点{i}")
    client.force_login(alice)
    response = client.get(reverse("inspections:point-list"), {"page": 2})
    assert response.status_code == 200 and len(response.context["object_list"]) == 5


def test_a_point_of_another_street_is_404(client, charlie, tree):
    point = PointFactory(estate=tree.estate_a)
    photo_point = PointFactory(estate=tree.estate_a)
    client.force_login(charlie)
    assert client.get(reverse("inspections:point-detail", args=[point.pk])).status_code == 404
    response = client.post(
        reverse("inspections:point-transition", args=[point.pk]), {"to_status": "notice_served"}
    )
    assert response.status_code == 404
    photo = Photo.objects.create(
        point=photo_point, kind="before", image="inspections/x.jpg", uploaded_at=timezone.now()
    )
    assert client.get(reverse("inspections:photo", args=[photo.pk])).status_code == 404


def test_a_grid_worker_records_a_point_with_a_photo_and_its_gps_is_not_served(client, bob, tree):
    client.force_login(bob)
    page = client.get(reverse("inspections:point-create"))
    body = page.content.decode()
    assert 'capture="environment"' in body and 'accept="image/*"' in body and "multiple" in body
    assert "inspections/inspections.js" in body
    response = client.post(
        reverse("inspections:point-create"),
        {
            "estate": tree.estate_a.pk,
            "category": category("rooftop_addition").pk,
            "location": "3号楼顶",
            "area": "25.5",
            "priority": "3",
            "responsible_party": "3号楼601住户",
            "photos": [jpeg("roof.jpg", gps=((31, 11, 30), (121, 27, 0)))],
        },
    )
    point = Point.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "inspections:point-detail", args=[point.pk]
    )
    assert str(point.latitude) == "31.191667" and point.found_by == bob and point.status == S.FOUND
    photo = point.photos.get()
    served = client.get(reverse("inspections:photo", args=[photo.pk]))
    assert served.status_code == 200
    import io

    content = io.BytesIO(b"".join(served.streaming_content))
    assert read_gps(content) is None
    with Image.open(content) as image:
        assert not image.getexif()
    detail = client.get(response["Location"]).content.decode()
    assert reverse("inspections:photo", args=[photo.pk]) in detail
    assert "/media/" not in detail


def test_a_bad_photo_redisplays_the_form_with_the_input_kept(client, bob, tree):
    client.force_login(bob)
    response = client.post(
        reverse("inspections:point-create"),
        {
            "estate": tree.estate_a.pk,
            "category": category("gas").pk,
            "location": "2号楼道燃气管",
            "priority": "2",
            "photos": [not_an_image("memo.jpg")],
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "memo.jpg" in body and "2号楼道燃气管" in body
    assert not Point.objects.exists()


def test_a_grid_worker_cannot_record_in_another_estate(client, bob, tree):
    client.force_login(bob)
    response = client.post(
        reverse("inspections:point-create"),
        {
            "estate": tree.estate_b.pk,
            "category": category("gas").pk,
            "location": "x",
            "priority": "2",
        },
    )
    assert response.status_code == 200 and "estate" in response.context["form"].errors
    assert not Point.objects.exists()


def test_the_point_page_offers_only_the_allowed_next_steps(client, alice, tree):
    point = PointFactory(
        estate=tree.estate_a,
        status=S.NOTICE_SERVED,
        deadline=timezone.localdate() + timedelta(days=3),
    )
    client.force_login(alice)
    body = client.get(reverse("inspections:point-detail", args=[point.pk])).content.decode()
    assert 'value="rectified_by_party"' in body and 'value="demolition_agreed"' in body
    assert 'value="overdue"' not in body  # the deadline has not passed
    assert 'value="closed"' not in body and 'value="verified"' not in body


def test_the_bureau_reads_a_point_but_gets_no_buttons(client, diana, tree):
    point = PointFactory(estate=tree.estate_a)
    client.force_login(diana)
    body = client.get(reverse("inspections:point-detail", args=[point.pk])).content.decode()
    assert 'name="to_status"' not in body
    response = client.post(
        reverse("inspections:point-transition", args=[point.pk]), {"to_status": "notice_served"}
    )
    assert response.status_code == 404


def test_moving_a_point_along_records_the_step_and_redirects(client, bob, tree):
    point = PointFactory(estate=tree.estate_a)
    client.force_login(bob)
    url = reverse("inspections:point-transition", args=[point.pk])
    response = client.post(url, {"to_status": "notice_served", "note": "已送达告知书"})
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.status == S.NOTICE_SERVED and point.deadline == timezone.localdate() + timedelta(
        days=15
    )
    history = client.get(reverse("inspections:point-detail", args=[point.pk])).content.decode()
    assert "已送达告知书" in history


def test_a_refused_step_is_explained_and_nothing_changes(client, bob, tree):
    point = PointFactory(estate=tree.estate_a, status=S.DEMOLISHED)
    client.force_login(bob)
    url = reverse("inspections:point-transition", args=[point.pk])
    response = client.post(url, {"to_status": "verified", "note": "拆除完毕"})
    assert response.status_code == 200
    assert response.context["form"].errors["photos"]
    assert "拆除完毕" in response.content.decode()
    response = client.post(url, {"to_status": "closed"})
    assert response.context["form"].errors["to_status"]
    point.refresh_from_db()
    assert point.status == S.DEMOLISHED
    response = client.post(url, {"to_status": "notice_served", "deadline": "2000-01-01"})
    assert response.context["form"].errors["to_status"]


def test_a_deadline_in_the_past_is_refused_on_the_page(client, bob, tree):
    point = PointFactory(estate=tree.estate_a)
    client.force_login(bob)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("inspections:point-transition", args=[point.pk]),
        {"to_status": "notice_served", "deadline": yesterday.isoformat()},
    )
    assert response.status_code == 200 and response.context["form"].errors["deadline"]


def test_the_point_history_page_is_query_bounded(
    client, alice, tree, django_assert_max_num_queries
):
    point = PointFactory(estate=tree.estate_a)
    from inspections import services

    services.point_transition(
        point=point, actor=alice, to_status=S.NOTICE_SERVED, photos=[jpeg(), jpeg()]
    )
    services.point_transition(
        point=point, actor=alice, to_status=S.DEMOLITION_AGREED, photos=[jpeg()]
    )
    services.point_transition(
        point=point, actor=alice, to_status=S.DEMOLISHED, photos=[jpeg(), jpeg()]
    )
    client.force_login(alice)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("inspections:point-detail", args=[point.pk]))
    assert response.content.decode().count("/inspections/photos/") >= 10


def test_the_patrol_log_lists_per_worker_and_estate(
    client, alice, bob, charlie, tree, django_assert_max_num_queries
):
    for i in range(10):
        patrol = PatrolFactory(
            estate=tree.estate_a if i % 2 else tree.estate_b, worker=bob, note=f"第{i}轮"
        )
        patrol.visits.create(point=PointFactory(estate=patrol.estate), finding="found")
    PatrolFactory(estate=tree.estate_c, worker=charlie, note="枫林巡查")
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("inspections:patrol-list"), {"worker": "bob", "estate_id": tree.estate_a.pk}
        )
    assert response.context["paginator"].count == 5
    body = response.content.decode()
    assert "第1轮" in body and "枫林巡查" not in body


def test_a_grid_worker_records_a_patrol(client, bob, tree):
    point = PointFactory(estate=tree.estate_a)
    client.force_login(bob)
    response = client.post(
        reverse("inspections:patrol-create"),
        {"estate": tree.estate_a.pk, "points": [point.pk], "note": "晚间巡查"},
    )
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert point.location in detail and "晚间巡查" in detail


def test_a_patrol_of_another_street_is_404(client, charlie, bob, tree):
    patrol = PatrolFactory(estate=tree.estate_a, worker=bob)
    client.force_login(charlie)
    assert client.get(reverse("inspections:patrol-detail", args=[patrol.pk])).status_code == 404


def test_the_statistics_page_shows_the_streets_figures(
    client, alice, many_points, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("inspections:statistics"))
    body = response.content.decode()
    assert response.context["stats"]["totals"]["found"] == 24
    assert "斜土街道" in body and "东安新村" not in body


def test_the_menu_lists_the_inspection_pages(client, bob):
    client.force_login(bob)
    body = client.get("/").content.decode()
    assert reverse("inspections:point-list") in body and reverse("inspections:point-create") in body


def test_the_bureau_has_no_record_page(client, diana):
    client.force_login(diana)
    assert client.get(reverse("inspections:point-create")).status_code == 403


def test_the_admin_lists_inspections_but_deletes_nothing(client, tree):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", password="x")
    point = PointFactory(estate=tree.estate_a)
    client.force_login(admin)
    for name in ("point", "step", "photo", "patrol", "category"):
        assert client.get(reverse(f"admin:inspections_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:inspections_point_delete", args=[point.pk])).status_code == 403
    assert client.get(reverse("admin:inspections_point_change", args=[point.pk])).status_code == 200


def test_the_home_page_reports_the_figures_of_the_users_scope(client, bob, tree):
    PointFactory(estate=tree.estate_a, status=S.CLOSED)
    PointFactory(estate=tree.estate_c)
    client.force_login(bob)
    response = client.get("/")
    panel = next(
        p for p in response.context["panels"] if p["template"] == "inspections/_home_panel.html"
    )
    assert panel["totals"]["found"] == 1 and panel["totals"]["demolished"] == 1
    assert 'id="inspections-panel"' in response.content.decode()
