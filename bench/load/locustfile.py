"""The load of issue 13 item 5: 70% township organizers reading and posting progress with photos, 20% county
admins, 10% province and city reviewers, 1 s think time, against a running portal (gunicorn).

Accounts and ids come from bench/load/accounts.json (bench/load/accounts.py); run it through bench/load/run.sh,
which starts gunicorn, runs locust headless and writes the table. Each simulated person logs in through the
login form (session and CSRF cookies as a browser has them) and sends the Origin and Referer headers a
browser sends with a POST. The people are locust's FastHttpUser (geventhttpclient): the load generator shares the
portal's two cores, and it spends a fraction of the CPU per request that the requests-based HttpUser does.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import FastHttpUser, between, task

ACCOUNTS = json.loads(Path(os.environ.get("LOAD_ACCOUNTS", Path(__file__).with_name("accounts.json")))
                      .read_text(encoding="utf-8"))
PASSWORD = ACCOUNTS["password"]
_NEXT = {kind: itertools.cycle(ACCOUNTS[kind]) for kind in ("township", "county", "reviewer")}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def photo() -> bytes:
    """A small real JPEG (what a phone photo is, smaller): the evidence a progress entry carries."""
    from PIL import Image  # locust's environment: pillow is installed with bench/load/requirements.txt

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (random.randrange(256), 120, 80)).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


class Person(FastHttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)  # 1 s think time on average
    kind = ""

    def on_start(self):
        self.account = next(_NEXT[self.kind])
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF_INPUT.search(page.text).group(1)
        with self.client.post("/accounts/login/", data={
                "username": self.account["username"], "password": PASSWORD, "csrfmiddlewaretoken": token},
                headers=self._browser_headers("/accounts/login/"), name="log in", allow_redirects=False,
                catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"login of {self.account['username']} answered {response.status_code}")

    def _browser_headers(self, path: str) -> dict:
        token = next((cookie.value for cookie in self.client.cookiejar if cookie.name == "csrftoken"), "")
        return {"Origin": self.host, "Referer": f"{self.host}{path}", "X-CSRFToken": token}


class TownshipOrganizer(Person):
    weight = 70
    kind = "township"

    @task(3)
    def home(self):
        self.client.get("/", name="home")

    @task(3)
    def ledger(self):
        self.client.get("/ledger/", name="ledger page")

    @task(3)
    def plan(self):
        if self.account["plans"]:
            self.client.get(f"/ledger/plans/{random.choice(self.account['plans'])}/", name="plan page")

    @task(2)
    def tasks_api(self):
        self.client.get("/api/v1/ledger/tasks/?status=in_progress", name="tasks API")

    @task(2)
    def reports(self):
        self.client.get("/ledger/reports/", name="reports page")

    @task(1)
    def post_progress_with_photo(self):
        if not self.account["tasks"]:
            return
        chosen = random.choice(self.account["tasks"])
        with self.client.post("/api/v1/ledger/progress-entries/", data={
                "plan": chosen["plan"], "task": chosen["id"], "happened_on": dt.date.today().isoformat(),
                "content": "入户走访，召开党员大会，推进整顿任务（压测）"},
                files={"files": ("photo.jpg", photo(), "image/jpeg")}, catch_response=True,
                headers=self._browser_headers("/ledger/"), name="progress entry with photo (POST)") as response:
            if response.status_code != 201:  # the reason in the failures table, not only the status
                response.failure(f"{response.status_code}: {response.text[:300]}")


class CountyAdmin(Person):
    weight = 20
    kind = "county"

    @task(3)
    def home(self):
        self.client.get("/", name="home")

    @task(3)
    def ledger(self):
        self.client.get("/ledger/", name="ledger page")

    @task(2)
    def dashboard(self):
        self.client.get("/ledger/dashboard/", name="leader dashboard")

    @task(1)
    def reports(self):
        self.client.get("/ledger/reports/?flag=missing", name="reports page")

    @task(1)
    def cadres(self):
        self.client.get("/cadres/dashboard/", name="cadre dashboard")

    @task(1)
    def organizations(self):
        self.client.get("/organizations/", name="organization list")


class Reviewer(Person):
    weight = 10
    kind = "reviewer"

    @task(4)
    def dashboard(self):
        self.client.get("/ledger/dashboard/", name="leader dashboard")

    @task(2)
    def dashboard_api(self):
        self.client.get("/api/v1/ledger/dashboard/", name="leader dashboard API")

    @task(2)
    def cadres(self):
        self.client.get("/cadres/dashboard/", name="cadre dashboard")

    @task(1)
    def ledger(self):
        self.client.get("/ledger/", name="ledger page")

    @task(1)
    def organizations(self):
        self.client.get("/organizations/", name="organization list")
