"""Login lockout behind proxies and against password spraying; API tokens that expire and can be revoked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone
from rest_framework.authtoken.models import Token

from organizations.services.security import client_ip_address

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PROXY = "10.0.0.2"


def _fail(client, username, *, forwarded=None, remote=PROXY, password="wrong"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _logs_in(username, *, forwarded=None, remote=PROXY):
    client = Client()
    response = _fail(client, username, forwarded=forwarded, remote=remote, password="rectify-demo")
    return response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.parametrize(("count", "forwarded", "expected"), [
    (0, "198.51.100.7", PROXY),                       # no proxy: the header is the client's own word
    (1, "198.51.100.7", "198.51.100.7"),              # one proxy appended the client
    (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),     # a forged entry left of it is ignored
    (2, "6.6.6.6, 198.51.100.7, 10.0.0.3", "198.51.100.7"),
    (2, "198.51.100.7", PROXY),                       # shorter than the proxy chain: not trusted
    (1, "not-an-address", PROXY),
    (1, None, PROXY),
])
def test_client_address_honours_the_proxy_count(settings, count, forwarded, expected):
    settings.AXES_IPWARE_PROXY_COUNT = count
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip_address(RequestFactory().post(LOGIN, **extra)) == expected


def test_behind_one_proxy_two_clients_are_locked_separately(settings, demo):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(attacker, "county_leader", forwarded="198.51.100.7")
    assert _fail(Client(), "county_leader", forwarded="198.51.100.7", password="rectify-demo").status_code == 429
    # The same account from another client behind the same proxy still logs in.
    assert _logs_in("county_leader", forwarded="198.51.100.8")


def test_with_proxy_count_zero_the_header_is_ignored(settings, demo):
    settings.AXES_IPWARE_PROXY_COUNT = 0
    attacker = Client()
    for index in range(settings.AXES_FAILURE_LIMIT):
        _fail(attacker, "county_leader", forwarded=f"198.51.100.{index + 1}")  # a new forged address each time
    assert not _logs_in("county_leader", forwarded="198.51.100.99")
    assert _logs_in("county_leader", remote="192.0.2.1")


def test_password_spraying_from_many_addresses_locks_the_account(settings, demo):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    limit = settings.AXES_USERNAME_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT
    for index in range(limit - 1):
        _fail(Client(), "county_leader", forwarded=f"198.51.100.{index + 1}")
    assert _logs_in("county_leader", forwarded="203.0.113.1")  # one short of the limit: still open (and reset)
    for index in range(limit):
        _fail(Client(), "county_leader", forwarded=f"198.51.100.{index + 1}")
    response = _fail(Client(), "county_leader", forwarded="203.0.113.2", password="rectify-demo")
    assert response.status_code == 429
    assert "登录失败次数过多，该账号已被暂时锁定" in response.content.decode()
    assert _logs_in("county_admin", forwarded="203.0.113.2")  # other accounts are not affected


def test_lockout_page_speaks_chinese(settings, demo):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, "county_leader")
    html = _fail(client, "county_leader", password="rectify-demo").content.decode()
    assert "登录失败次数过多，该账号已被暂时锁定。" in html and "请一小时后再试" in html


def _token(client, username="town_organizer"):
    response = client.post("/api/v1/auth/token/", {"username": username, "password": "rectify-demo"})
    assert response.status_code == 200
    return response.json()


def test_token_expires_after_the_ttl(settings, demo):
    settings.API_TOKEN_TTL_HOURS = 24
    body = _token(Client())
    assert "expires" in body
    api = Client(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert api.get("/api/v1/organizations/").status_code == 200
    Token.objects.filter(key=body["token"]).update(created=timezone.now() - dt.timedelta(hours=25))
    response = api.get("/api/v1/organizations/")
    assert response.status_code == 401
    assert "过期" in response.json()["detail"]
    # Asking again issues a new token that works.
    fresh = _token(Client())["token"]
    assert fresh != body["token"]
    assert Client(HTTP_AUTHORIZATION=f"Token {fresh}").get("/api/v1/organizations/").status_code == 200


def test_a_token_is_revoked_by_deleting_it(demo):
    token = _token(Client())["token"]
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.delete("/api/v1/auth/token/").status_code == 204
    assert not Token.objects.filter(key=token).exists()
    assert api.get("/api/v1/organizations/").status_code == 401
    assert Client().delete("/api/v1/auth/token/").status_code == 401
