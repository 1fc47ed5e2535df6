"""API tokens for the bureau's dashboards: created and revoked by staff in the portal, shown
once and stored hashed, read-only whatever their owner may do, refused once expired, and
limited per token."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from renovation.api_tokens import api_token_create, api_token_revoke
from renovation.models import ApiToken

ESTATES = "/api/v1/estates/"


def with_token(key) -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Token {key}")


def new_key(page) -> str:
    return re.search(r'id="new-token" value="([^"]+)"', page.content.decode()).group(1)


# --- the page ----------------------------------------------------------------------------------


def test_the_token_page_is_in_the_user_menu(client, alice):
    client.force_login(alice)
    page = client.get(reverse("home"))
    assert reverse("api-tokens") in page.content.decode()


def test_a_token_created_on_the_page_is_shown_once_and_stored_hashed(client, tree, alice):
    client.force_login(alice)
    page = client.post(
        reverse("api-tokens"), {"name": "区县看板", "days": 90, "requests_per_minute": 60}
    )
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    key = new_key(page)
    token = ApiToken.objects.get(user=alice)
    assert token.name == "区县看板" and token.requests_per_minute == 60
    assert key not in (token.digest, token.token_key) and len(token.digest) == 128
    assert (token.expiry - timezone.now()).days in (89, 90)
    assert with_token(key).get(ESTATES).status_code == 200
    # Listed afterwards, never shown again.
    listing = client.get(reverse("api-tokens")).content.decode()
    assert "区县看板" in listing and key not in listing


def test_the_list_says_when_each_token_was_last_used(client, tree, alice):
    token, key = api_token_create(user=alice, name="看板", days=30)
    client.force_login(alice)
    assert "从未" in client.get(reverse("api-tokens")).content.decode()  # never
    with_token(key).get(ESTATES)
    token.refresh_from_db()
    assert token.last_used_at is not None
    listing = client.get(reverse("api-tokens")).content.decode()
    assert timezone.localtime(token.last_used_at).strftime("%Y-%m-%d %H:%M") in listing


def test_a_second_token_of_the_same_name_is_refused_on_the_form(client, tree, alice):
    api_token_create(user=alice, name="看板", days=30)
    client.force_login(alice)
    page = client.post(
        reverse("api-tokens"), {"name": "看板", "days": 30, "requests_per_minute": 60}
    )
    assert "同名" in page.content.decode()
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_revoking_asks_first_then_the_token_stops_working(client, tree, alice):
    token, key = api_token_create(user=alice, name="看板", days=30)
    client.force_login(alice)
    asked = client.post(reverse("api-token-revoke"), {"token": token.digest})
    assert asked.status_code == 200 and "confirmed" in asked.content.decode()
    assert with_token(key).get(ESTATES).status_code == 200
    done = client.post(reverse("api-token-revoke"), {"token": token.digest, "confirmed": "yes"})
    assert done.status_code == 302
    assert not ApiToken.objects.exists()
    assert with_token(key).get(ESTATES).status_code == 401


def test_nobody_revokes_someone_elses_token(client, tree, alice, charlie):
    token, key = api_token_create(user=alice, name="看板", days=30)
    client.force_login(charlie)
    client.post(reverse("api-token-revoke"), {"token": token.digest, "confirmed": "yes"})
    assert ApiToken.objects.filter(pk=token.pk).exists()
    with pytest.raises(ValidationError):
        api_token_revoke(user=charlie, digest=token.digest)
    assert with_token(key).get(ESTATES).status_code == 200


def test_the_page_needs_a_login(client, db):
    response = client.get(reverse("api-tokens"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- what a token may do -----------------------------------------------------------------------


def test_a_token_reads_what_its_owner_sees(tree, alice):
    _token, key = api_token_create(user=alice, name="看板", days=30)
    names = {row["name"] for row in with_token(key).get(ESTATES).json()["results"]}
    assert names == {"日晖六村", "日晖二村"}


def test_a_token_never_writes_even_when_its_owner_may(tree, alice):
    _token, key = api_token_create(user=alice, name="看板", days=30)
    response = with_token(key).post(
        ESTATES, {"name": "新小区", "address": "斜土路", "community": tree.rihui6.pk}, format="json"
    )
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    estate = tree.estate_a
    assert with_token(key).patch(f"{ESTATES}{estate.pk}/", {"address": "x"}).status_code == 403
    estate.refresh_from_db()
    assert estate.address != "x"


def test_an_expired_token_is_refused_with_a_reason_and_stays_listed(tree, alice):
    token, key = api_token_create(user=alice, name="看板", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(minutes=1))
    response = with_token(key).get(ESTATES)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_a_wrong_token_is_401(tree, alice):
    api_token_create(user=alice, name="看板", days=1)
    assert with_token("hx_" + "0" * 64).get(ESTATES).status_code == 401
    assert APIClient().get(ESTATES).status_code == 401


def test_a_token_over_its_rate_limit_gets_429_and_others_are_not_held_back(tree, alice, diana):
    _token, key = api_token_create(user=alice, name="看板", days=1, requests_per_minute=3)
    _other, other_key = api_token_create(user=diana, name="市局看板", days=1)
    client = with_token(key)
    assert [client.get(ESTATES).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(ESTATES)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert with_token(other_key).get(ESTATES).status_code == 200


def test_the_portal_session_is_not_rate_limited_by_tokens(client, tree, alice):
    api_token_create(user=alice, name="看板", days=1, requests_per_minute=1)
    client.force_login(alice)
    assert [client.get(ESTATES).status_code for _ in range(3)] == [200, 200, 200]


def test_a_token_of_a_deactivated_account_stops_working(tree, alice):
    _token, key = api_token_create(user=alice, name="看板", days=1)
    alice.is_active = False
    alice.save()
    assert with_token(key).get(ESTATES).status_code == 401


@pytest.mark.parametrize("days", [0, 367])
def test_a_token_lasts_a_day_to_a_year(tree, alice, days):
    with pytest.raises(ValidationError) as error:
        api_token_create(user=alice, name="看板", days=days)
    assert "days" in error.value.error_dict
