"""The point's step forms: each asks only for what its step needs, a photo survives a form error,
closing (销号) is confirmed first and is done by a second person."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import Point, Status
from renovation import uploads
from renovation.confirm import CONFIRM_FIELD, CONFIRM_VALUE
from tests.inspections.factories import PointFactory, category, jpeg, not_an_image

S = Status


@pytest.fixture(autouse=True)
def pages_in_english(client):
    client.cookies["django_language"] = "en"  # what the language switch sets


def detail(client, point):
    return client.get(reverse("inspections:point-detail", args=[point.pk])).content.decode()


def step_form(body, status):
    """The HTML of one step's form on the point page."""
    match = re.search(rf'<details class="step-form" id="step-{status}".*?</details>', body, re.S)
    assert match, f"no form for {status}"
    return match.group(0)


def transition(client, point, data):
    return client.post(reverse("inspections:point-transition", args=[point.pk]), data)


def kept_tokens(response):
    return re.findall(r'name="kept_photos" value="([^"]+)"', response.content.decode())


def test_self_rectification_asks_for_no_deadline_and_a_demolition_agreement_does(client, bob, tree):
    point = PointFactory(
        estate=tree.estate_a, status=S.NOTICE_SERVED, deadline=timezone.localdate() + timedelta(3)
    )
    client.force_login(bob)
    body = detail(client, point)
    assert 'name="deadline"' not in step_form(body, "rectified_by_party")
    assert 'name="case_number"' not in step_form(body, "rectified_by_party")
    assert 'name="photos"' in step_form(body, "rectified_by_party")
    assert 'name="deadline"' in step_form(body, "demolition_agreed")
    # Each form has its own element ids, so labels point at the right field.
    assert 'id="id_rectified_by_party_note"' in body and 'id="id_demolition_agreed_note"' in body


def test_a_stale_deadline_sent_with_self_rectification_does_not_refuse_the_step(client, bob, tree):
    point = PointFactory(
        estate=tree.estate_a, status=S.NOTICE_SERVED, deadline=timezone.localdate() + timedelta(3)
    )
    client.force_login(bob)
    response = transition(
        client,
        point,
        {"to_status": "rectified_by_party", "deadline": "2030-01-01", "photos": [jpeg()]},
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.status == S.RECTIFIED_BY_PARTY and point.photos.count() == 1


def test_a_step_refused_for_another_field_keeps_its_photo_for_the_next_try(client, bob, tree):
    point = PointFactory(estate=tree.estate_a, status=S.INTERVIEWED)
    client.force_login(bob)
    response = transition(
        client, point, {"to_status": "case_filed", "note": "移交执法", "photos": [jpeg("a.jpg")]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["case_number"]
    (token,) = kept_tokens(response)
    form_html = step_form(response.content.decode(), "case_filed")
    assert "a.jpg" in form_html and "移交执法" in form_html and " open" in form_html
    thumbnail = client.get(reverse("kept-upload"), {"t": token})
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"

    response = transition(
        client,
        point,
        {
            "to_status": "case_filed",
            "note": "移交执法",
            "case_number": "案-7",
            "kept_photos": token,
        },
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.status == S.CASE_FILED
    step = point.steps.get(to_status=S.CASE_FILED)
    assert step.photos.count() == 1
    # The temporary copy is gone once the photo is saved for good.
    assert client.get(reverse("kept-upload"), {"t": token}).status_code == 404


def test_an_unticked_kept_photo_is_left_out(client, bob, tree):
    point = PointFactory(estate=tree.estate_a, status=S.INTERVIEWED)
    client.force_login(bob)
    transition(client, point, {"to_status": "case_filed", "photos": [jpeg()]})
    response = transition(client, point, {"to_status": "case_filed", "case_number": "案-8"})
    assert response.status_code == 302
    assert point.steps.get(to_status=S.CASE_FILED).photos.count() == 0


def test_a_kept_photo_counts_for_the_verification_after_an_error(client, bob, tree):
    point = PointFactory(estate=tree.estate_a, status=S.DEMOLISHED)
    client.force_login(bob)
    # The verification fails on an unreadable second file; the good photo is kept.
    response = transition(
        client,
        point,
        {"to_status": "verified", "photos": [jpeg("after.jpg"), not_an_image("memo.jpg")]},
    )
    assert response.status_code == 200 and response.context["form"].errors["photos"]
    (token,) = kept_tokens(response)
    response = transition(client, point, {"to_status": "verified", "kept_photos": token})
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.status == S.VERIFIED and point.photos.filter(kind="after").count() == 1


def test_a_kept_photo_belongs_to_the_user_who_took_it(client, alice, bob, tree):
    point = PointFactory(estate=tree.estate_a, status=S.INTERVIEWED)
    client.force_login(bob)
    (token,) = kept_tokens(
        transition(client, point, {"to_status": "case_filed", "photos": [jpeg()]})
    )
    client.force_login(alice)
    assert client.get(reverse("kept-upload"), {"t": token}).status_code == 404
    response = transition(
        client, point, {"to_status": "case_filed", "case_number": "案-9", "kept_photos": token}
    )
    assert response.status_code == 200 and response.context["form"].errors["photos"]
    point.refresh_from_db()
    assert point.status == S.INTERVIEWED


def test_a_new_point_keeps_its_photo_and_the_photos_location_across_an_error(client, bob, tree):
    client.force_login(bob)
    url = reverse("inspections:point-create")
    data = {
        "estate": tree.estate_a.pk,
        "category": category("rooftop_addition").pk,
        "location": "",
        "priority": "2",
    }
    photo = jpeg("roof.jpg", gps=((31, 11, 30), (121, 27, 0)))
    response = client.post(url, {**data, "photos": [photo]})
    assert response.status_code == 200 and response.context["form"].errors["location"]
    (token,) = kept_tokens(response)
    assert "roof.jpg" in response.content.decode()

    response = client.post(url, {**data, "location": "3号楼顶", "kept_photos": token})
    assert response.status_code == 302
    point = Point.objects.get()
    assert point.photos.count() == 1 and str(point.latitude) == "31.191667"


def test_the_kept_copy_carries_no_metadata(bob, tree):
    from PIL import Image

    kept = uploads.keep(jpeg("gps.jpg", gps=((31, 11, 30), (121, 27, 0))), user=bob)
    handle, _type = uploads.open_kept(kept.token, user=bob)
    with handle, Image.open(handle) as image:
        assert not image.getexif()


# ---- closing (销号) --------------------------------------------------------------------------


def rectified_by(user, estate):
    point = PointFactory(
        estate=estate, status=S.NOTICE_SERVED, deadline=timezone.localdate() + timedelta(3)
    )
    services.point_transition(point=point, actor=user, to_status=S.RECTIFIED_BY_PARTY)
    services.point_transition(point=point, actor=user, to_status=S.VERIFIED, photos=[jpeg()])
    return point


def test_the_person_who_recorded_the_rectification_is_not_offered_the_close(client, bob, tree):
    point = rectified_by(bob, tree.estate_a)
    client.force_login(bob)
    body = detail(client, point)
    assert 'value="closed"' not in body
    assert "someone else must close the point" in body
    response = transition(client, point, {"to_status": "closed", CONFIRM_FIELD: CONFIRM_VALUE})
    assert response.status_code == 200
    assert "someone else must close" in response.context["form"].errors["to_status"][0]
    point.refresh_from_db()
    assert point.status == S.VERIFIED


def test_closing_shows_what_will_happen_before_anything_changes(client, alice, bob, tree):
    point = rectified_by(bob, tree.estate_a)
    client.force_login(alice)
    assert 'value="closed"' in step_form(detail(client, point), "closed")
    response = transition(client, point, {"to_status": "closed", "note": "复查无误"})
    assert response.status_code == 200
    assert response.templates[0].name == "renovation/confirm.html"
    body = response.content.decode()
    assert "cannot be undone" in body and "recorded by bob" in body
    assert 'name="note" value="复查无误"' in body
    point.refresh_from_db()
    assert point.status == S.VERIFIED

    response = transition(
        client, point, {"to_status": "closed", "note": "复查无误", CONFIRM_FIELD: CONFIRM_VALUE}
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.status == S.CLOSED
    assert point.steps.get(to_status=S.CLOSED).actor == alice
