import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_login_page_speaks_chinese_by_default(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "工作人员登录" in response.content.decode()


def test_the_language_switch_turns_the_portal_into_english(client, db):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True
    )
    assert "Staff log in" in response.content.decode()


def test_pages_need_a_login(client, db):
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_home_page_names_the_users_role(client, alice):
    client.force_login(alice)
    body = client.get("/").content.decode()
    assert "斜土街道" in body


def test_production_refuses_the_development_secret_key():
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": ""}
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; settings.INSTALLED_APPS",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "renovation.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_malformed_setting_names_the_variable():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "renovation.settings", "CONN_MAX_AGE": "forever"}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.INSTALLED_APPS"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "CONN_MAX_AGE" in result.stderr


def test_a_browser_asking_for_english_still_gets_chinese_until_the_user_switches(client, db):
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "工作人员登录" in body


def test_the_language_switch_names_each_language_in_itself(client, db):
    body = client.get("/accounts/login/").content.decode()
    assert ">English</button>" in body


def test_the_home_page_panels_cost_a_fixed_number_of_queries(
    client, alice, tree, django_assert_max_num_queries
):
    from tests.conftest import make_stairwell

    for number in ("1", "2", "3"):
        make_stairwell(tree.estate_a, floors=6, building_number=number)
    client.force_login(alice)
    with django_assert_max_num_queries(25) as captured:
        assert client.get("/").status_code == 200
    few = len(captured)
    for number in ("4", "5", "6"):
        make_stairwell(tree.estate_b, floors=6, building_number=number)
    with django_assert_max_num_queries(few):
        client.get("/")
