"""Deadline day, simulated: the locust users of ``make load`` (run by ``bench/load_test.py``).

The users follow the plan ``setup_data.setup`` wrote (``LOAD_PLAN``, a JSON file) and act as a
browser does, through the pages (never the API): log in at ``/accounts/login/`` with the form's
CSRF token, open the page, post the forms with the token and an ``Origin`` header (Django's
CSRF check over HTTPS), and send ``HX-Request: true`` where htmx does.

- ``SchoolUser`` (one per school of the plan): logs in, opens its self-assessment, then saves one
  indicator at a time (``POST /campaigns/applications/<pk>/scores/<code>/``: a score from the
  indicator's own choices, the ▲ clause where it has one, sometimes a comment; a quarter of
  the time it goes on typing and saves the same indicator again a moment later), uploads a
  small generated PNG as evidence (the upload form first, as the page loads it), and now and
  then opens the page again. The version it sends is the one the page gave, then the one each
  answer gives: the answer is the row fragment (``campaigns/school/_score_saved.html``, which
  starts with ``_score_row.html``), whose ``<input type="hidden" name="version">`` carries the
  row's new version. A save counts as acknowledged when the fragment says 已保存 (the success
  message); the user keeps its last acknowledged value per (application, indicator) for the
  check against the database afterwards.
- ``CountyUser`` (2): the county's queue, an application's review page, the county's score of a
  few indicators (htmx), and now and then recommend / not recommend.
- ``ExpertUser`` (1): 我的评审, an assignment, and its scores one indicator at a time.

The run has phases, on the clock of the process (``Clock``): *ramp* while locust spawns the
users (each logs in and starts working at once); *mixed*, ``LOAD_DURATION`` seconds from the
moment every user is spawned, the deadline-day mix with think times (``LOAD_THINK``, e.g.
``10-30`` seconds between two actions of a school); *drain*, a few seconds of quiet; then
*capacity*: alternating windows in which ``LOAD_CAPACITY_USERS`` school users, without
thinking, either save (``save (capacity)``) or ask the bare endpoint ``GET /ping``
(``ping (capacity)``), in the order ping, save, save, ping, ... so that the machine's drift
falls on both; everyone else waits. Then the run stops by itself (``runner.quit()``); the
driver's ``--run-time`` is only a bound.

At the end (``test_stop``) the process writes ``LOAD_OUT``: every request (name, start,
milliseconds, status), the acknowledged values, the saves whose outcome is unknown (a failed
request), conflicts and refusals, the phases, and locust's CPU readings.

Only loopback addresses are accepted as the host; the self-signed certificate of the stack is
not verified (FastHttpUser's ``insecure``), which is why.
"""

from __future__ import annotations

import ipaddress
import itertools
import json
import logging
import os
import random
import re
import struct
import time
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import gevent
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser


def _range(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return float(low), float(high or low)


PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
OUT = os.environ["LOAD_OUT"]
DURATION = float(os.environ.get("LOAD_DURATION", "300"))
THINK = _range(os.environ.get("LOAD_THINK", "10-30"))
REVIEW_THINK = _range(os.environ.get("LOAD_REVIEW_THINK", "5-15"))
CAPACITY_USERS = int(os.environ.get("LOAD_CAPACITY_USERS", "12"))
ROUNDS = int(os.environ.get("LOAD_ROUNDS", "4"))
WINDOW = float(os.environ.get("LOAD_WINDOW", "12"))
SETTLE = float(os.environ.get("LOAD_SETTLE", "2"))
DRAIN = float(os.environ.get("LOAD_DRAIN", "5"))
RAMP_MAX = float(os.environ.get("LOAD_RAMP_MAX", "600"))

LOGIN = "/accounts/login/"
SAVE_OK = "text-success-emphasis ce-row-message"  # _score_row.html: the message of a save
SAVE_CONFLICT = "text-warning-emphasis ce-row-message"
VERSION = re.compile(r'name="version" value="(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
OPTION = re.compile(r'<option value="([^"]*)"')
SCHOOL_FORM = re.compile(
    r'<form class="ce-score-form[^>]*action="/campaigns/applications/\d+/scores/([^/"]+)/"(.*?)</form>', re.S
)
COUNTY_FORM = re.compile(r'<form method="post" action="/campaigns/county/review/\d+/scores/([^/"]+)/"(.*?)</form>', re.S)
EXPERT_FORM = re.compile(r'<form id="score-([^"]+)" class="ce-score-form"(.*?)</form>', re.S)
MAX = re.compile(r'max="([\d.]+)"')
ROW_MESSAGE = re.compile(r'ce-row-message">([^<]*)<')


# --- the clock and its phases ---------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.started: float | None = None
        self.spawned: float | None = None
        self.phases: list[tuple[str, float, float]] = []  # (name, start, end), epoch seconds

    def build(self, t1: float) -> None:
        self.phases = [("mixed", t1, t1 + DURATION), ("drain", t1 + DURATION, t1 + DURATION + DRAIN)]
        at = t1 + DURATION + DRAIN
        for n in range(ROUNDS):
            for kind in ("ping", "save") if n % 2 == 0 else ("save", "ping"):
                self.phases.append((kind, at, at + WINDOW))
                at += WINDOW
        self.phases.append(("done", at, at + 3600))

    def phase(self, now: float | None = None) -> tuple[str, float]:
        """The phase now and when it ends (the ramp ends when the phases are built)."""
        now = time.time() if now is None else now
        for name, start, end in self.phases:
            if start <= now < end:
                return name, end
        # While locust still spawns, the phases are not laid out: the ramp works like the mix.
        return ("ramp", now + 3600) if not self.phases else ("done", now + 3600)

    @property
    def end(self) -> float:
        return self.phases[-1][1]


CLOCK = Clock()
RECORDS: list[tuple[str, float, float, int]] = []
ACKS: dict[str, dict[str, dict[str, Any]]] = {"school": {}, "county": {}, "expert": {}}
UNCERTAIN: dict[str, set[str]] = {"school": set(), "county": set(), "expert": set()}
COUNTS: dict[str, int] = {}
REFUSALS: list[str] = []
CPU: list[tuple[float, float]] = []
SCHOOL_SLOTS = itertools.count()
COUNTY_SLOTS = itertools.count()


def count(what: str) -> None:
    COUNTS[what] = COUNTS.get(what, 0) + 1


def refused(what: str, text: str) -> None:
    count(what)
    if len(REFUSALS) < 50:
        REFUSALS.append(f"{what}: {text[:300]}")


@events.request.add_listener
def _record(name: str, response_time: float, response: Any = None, start_time: float | None = None, **_: Any) -> None:
    status = int(getattr(response, "status_code", 0) or 0)  # 0: no answer (connection error, timeout)
    RECORDS.append((name, start_time or time.time() - response_time / 1000, response_time, status))


@events.cpu_warning.add_listener
def _cpu_warning(environment: Any, cpu_usage: float, **_: Any) -> None:
    count("locust_cpu_warnings")


@events.spawning_complete.add_listener
def _spawned(user_count: int, **_: Any) -> None:
    if CLOCK.spawned is None:
        CLOCK.spawned = time.time()


@events.test_start.add_listener
def _start(environment: Any, **_: Any) -> None:
    host = urlsplit(environment.host or "").hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        logging.error("the load test only targets this machine (127.0.0.1), not %r: stopping", host)
        COUNTS["refused_host"] = 1
        gevent.spawn_later(0, environment.runner.quit)
        return
    CLOCK.started = time.time()
    gevent.spawn(_controller, environment)


def _controller(environment: Any) -> None:
    """Wait for every user, lay out the phases, sample locust's CPU, stop at the end."""
    assert CLOCK.started is not None
    limit = CLOCK.started + RAMP_MAX
    while CLOCK.spawned is None and time.time() < limit:
        gevent.sleep(0.2)
    CLOCK.build(CLOCK.spawned or time.time())
    while time.time() < CLOCK.end:
        runner = environment.runner
        if runner is not None:
            CPU.append((time.time(), float(getattr(runner, "current_cpu_usage", 0.0))))
        gevent.sleep(min(2.0, max(0.0, CLOCK.end - time.time())))
    environment.runner.quit()


@events.test_stop.add_listener
def _stop(environment: Any, **_: Any) -> None:
    data = {
        "started": CLOCK.started,
        "spawned": CLOCK.spawned,
        "phases": CLOCK.phases,
        "records": RECORDS,
        "acks": ACKS,
        "uncertain": {k: sorted(v) for k, v in UNCERTAIN.items()},
        "counts": COUNTS,
        "refusals": REFUSALS,
        "cpu": CPU,
        "settings": {
            "duration": DURATION, "think": THINK, "review_think": REVIEW_THINK,
            "capacity_users": CAPACITY_USERS, "rounds": ROUNDS, "window": WINDOW, "settle": SETTLE,
        },
    }
    with open(OUT, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False)


@events.quitting.add_listener
def _quitting(environment: Any, **_: Any) -> None:
    # The driver judges the run, not locust's failure ratio; a refused host is an error.
    environment.process_exit_code = 2 if COUNTS.get("refused_host") else 0


# --- a small PNG, different every time --------------------------------------------------------


def png(seed: str) -> bytes:
    """An 8x8 PNG whose pixels and text chunk come from ``seed`` (about 150 bytes)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    rng = random.Random(seed)
    rows = b"".join(b"\x00" + bytes(rng.randrange(256) for _ in range(8 * 3)) for _ in range(8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
        + chunk(b"tEXt", b"Comment\x00campuseval load test " + seed.encode())
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def multipart(fields: dict[str, str], name: str, filename: str, content: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = f"----campuseval-load-{random.getrandbits(64):016x}"
    parts = []
    for key, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- the users ------------------------------------------------------------------------------


class Browser(FastHttpUser):
    """What every simulated person does with the pages: log in, post forms with the token."""

    abstract = True
    insecure = True  # the stack's self-signed certificate; the host is checked to be loopback
    network_timeout = 120.0
    connection_timeout = 30.0
    wait_time = constant(0)  # each task sleeps its own think time, cut at the phase's end

    csrf = ""

    def post_headers(self, referer: str, htmx: bool = False) -> dict[str, str]:
        headers = {"Origin": self.host.rstrip("/"), "Referer": self.host.rstrip("/") + referer}
        if htmx:
            headers["HX-Request"] = "true"
        return headers

    def login(self, username: str, password: str) -> None:
        page = self.client.get(LOGIN, name="login page")
        token = CSRF.search(page.text or "")
        if page.status_code != 200 or token is None:
            refused("login_failed", f"{username}: login page {page.status_code}")
            raise StopUser()
        data = {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
        with self.client.post(LOGIN, data=data, headers=self.post_headers(LOGIN), name="login",
                              allow_redirects=False, catch_response=True) as r:
            where = r.headers.get("Location", "") if r.headers else ""
            if r.status_code != 302 or "/accounts/" in where:
                r.failure(f"log-in of {username} answered {r.status_code} {where}")
                refused("login_failed", f"{username}: {r.status_code} {where}")
                raise StopUser()

    def think(self, span: tuple[float, float]) -> None:
        """Sleep a think time, but never past the end of the phase (capacity starts on time)."""
        _name, end = CLOCK.phase()
        self.sleep_until(min(time.time() + random.uniform(*span), end))

    @staticmethod
    def sleep_until(when: float) -> None:
        while (left := when - time.time()) > 0:
            gevent.sleep(min(left, 1.0))


class SchoolUser(Browser):
    """A school filling in its self-assessment on deadline day."""

    def on_start(self) -> None:
        slot = next(SCHOOL_SLOTS)
        if slot >= len(PLAN["schools"]):
            raise StopUser()
        self.slot = slot
        account = PLAN["schools"][slot]
        self.username = account["username"]
        self.application = int(account["application"])
        self.page_url = f"/campaigns/applications/{self.application}/"
        self.forms: dict[str, dict[str, Any]] = {}
        self.actions = 0
        self.uploads = 0
        self.upload_at = random.randint(1, 8)  # every school uploads once early, more by chance
        self.login(self.username, PLAN["password"])
        self.open_page()

    def open_page(self, name: str = "page") -> None:
        with self.client.get(self.page_url, name=name, catch_response=True) as r:
            html = r.text or ""
            if r.status_code != 200:
                r.failure(f"self-assessment page {r.status_code}")
                return
            token = CSRF.search(html)
            forms = {}
            for code, body in SCHOOL_FORM.findall(html):
                version = VERSION.search(body)
                options = [o for o in OPTION.findall(body) if o]
                if version and options:
                    forms[code] = {"version": int(version.group(1)), "options": options, "clause": 'name="clause_met"' in body}
            if token is None or not forms:
                r.failure("self-assessment page without its forms")
                return
        self.csrf = token.group(1)
        # The page is the truth for every row the user has no answer pending on.
        self.forms = forms

    def save(self, code: str, name: str, comment: str | None = None) -> bool:
        form = self.forms[code]
        score = random.choice(form["options"])
        clause = random.choice(("yes", "no")) if form["clause"] else None
        if comment is None:
            comment = f"压测说明 {self.username} 第{self.actions}次" if random.random() < 0.4 else ""
        data = {"csrfmiddlewaretoken": self.csrf, "version": str(form["version"]), "score": score, "comment": comment}
        if clause is not None:
            data["clause_met"] = clause
        key = f"{self.application}|{code}"
        url = f"{self.page_url}scores/{code}/"
        with self.client.post(url, data=data, headers=self.post_headers(self.page_url, htmx=True), name=name,
                              catch_response=True) as r:
            html = r.text or ""
            version = VERSION.search(html)
            if r.status_code == 200 and SAVE_OK in html and version:
                form["version"] = int(version.group(1))
                ACKS["school"][key] = {"score": score, "clause": clause, "comment": comment.strip()}
                UNCERTAIN["school"].discard(key)
                return True
            if r.status_code == 200 and SAVE_CONFLICT in html and version:
                # Not an error of the server: the row changed since this user read it (it should
                # not happen here, as no one else writes these rows); take the current version.
                form["version"] = int(version.group(1))
                message = ROW_MESSAGE.search(html)
                refused("school_conflicts", message.group(1) if message else code)
                return False
            if r.status_code == 200:
                message = ROW_MESSAGE.search(html)
                refused("school_refused", message.group(1) if message else html[:200])
                r.failure("save refused")
            else:
                r.failure(f"save answered {r.status_code}")
            UNCERTAIN["school"].add(key)
            return False

    def upload(self) -> None:
        code = random.choice(list(self.forms))
        base = f"/evidence/applications/{self.application}/{code}/"
        form = self.client.get(base + "forms/upload/", headers={"HX-Request": "true"}, name="evidence form")
        if form.status_code != 200:
            return
        self.uploads += 1
        seed = f"{self.username}-{code}-{time.time_ns()}"
        body, content_type = multipart(
            {"csrfmiddlewaretoken": self.csrf, "title": f"压测佐证 {self.uploads}"},
            "file", f"photo-{self.uploads}.png", png(seed), "image/png",
        )
        headers = {**self.post_headers(self.page_url, htmx=True), "Content-Type": content_type}
        with self.client.post(base + "upload/", data=body, headers=headers, name="evidence upload",
                              catch_response=True) as r:
            html = r.text or ""
            if r.status_code == 200 and "ce-evidence-message" in html and "ce-evidence-error" not in html:
                count("uploads_ok")
            elif r.status_code == 200:
                refused("upload_refused", re.sub(r"\s+", " ", html)[:300])
                r.failure("upload refused")
            else:
                r.failure(f"upload answered {r.status_code}")

    @task
    def work(self) -> None:
        phase, end = CLOCK.phase()
        if phase in ("ramp", "mixed"):
            self.deadline_day()
        elif phase in ("ping", "save") and self.slot < CAPACITY_USERS:
            if phase == "ping":
                self.client.get("/ping", name="ping (capacity)")
            elif self.forms:
                self.save(random.choice(list(self.forms)), "save (capacity)")
        else:
            self.sleep_until(min(end, time.time() + 1.0))

    def deadline_day(self) -> None:
        if not self.forms:
            self.open_page()
            self.think(THINK)
            return
        self.actions += 1
        roll = random.random()
        if self.actions == self.upload_at or roll < 0.05:
            self.upload()
        elif roll < 0.10:
            self.open_page("page again")
        else:
            code = random.choice(list(self.forms))
            if self.save(code, "save") and random.random() < 0.25:
                # Still typing: the same indicator again a moment later, with the new version.
                _phase, end = CLOCK.phase()
                self.sleep_until(min(time.time() + random.uniform(1, 3), end))
                if CLOCK.phase()[0] in ("ramp", "mixed"):
                    self.save(code, "save", comment=f"压测说明 {self.username} 第{self.actions}次（补充）")
        self.think(THINK)


class CountyUser(Browser):
    """A county administrator reviewing the applications submitted early."""

    fixed_count = 2

    def on_start(self) -> None:
        slot = next(COUNTY_SLOTS)
        account = PLAN["counties"][slot % len(PLAN["counties"])]
        self.username = account["username"]
        self.applications = list(account["applications"])
        self.login(self.username, PLAN["password"])

    @task
    def work(self) -> None:
        phase, end = CLOCK.phase()
        if phase not in ("ramp", "mixed"):
            self.sleep_until(min(end, time.time() + 1.0))
            return
        self.client.get(f"/campaigns/county/{PLAN['campaign_a']}/", name="county queue")
        self.think(REVIEW_THINK)
        application = random.choice(self.applications)
        url = f"/campaigns/county/review/{application}/"
        page = self.client.get(url, name="county review page")
        html = page.text or ""
        token = CSRF.search(html)
        forms = {}
        for code, body in COUNTY_FORM.findall(html):
            version = VERSION.search(body)
            options = [o for o in OPTION.findall(body) if o]
            if version and options:
                forms[code] = {"version": int(version.group(1)), "options": options}
        if page.status_code != 200 or token is None or not forms:
            refused("county_page", f"{url} {page.status_code} forms={len(forms)}")
            return
        self.csrf = token.group(1)
        for code in random.sample(list(forms), min(len(forms), random.randint(3, 5))):
            self.think(REVIEW_THINK)
            if CLOCK.phase()[0] not in ("ramp", "mixed"):
                return
            self.county_save(application, code, forms[code], url)
        decisions = re.findall(r'name="decision" value="(\w+)"', html)
        if decisions and random.random() < 0.3:
            self.think(REVIEW_THINK)
            data = {"csrfmiddlewaretoken": self.csrf, "decision": random.choice(decisions), "note": "压测：县级意见"}
            with self.client.post(f"{url}recommend/", data=data, headers=self.post_headers(url), name="county decide",
                                  allow_redirects=False, catch_response=True) as r:
                if r.status_code != 302:
                    r.failure(f"decision answered {r.status_code}")
        self.think(REVIEW_THINK)

    def county_save(self, application: int, code: str, form: dict[str, Any], url: str) -> None:
        score = random.choice(form["options"])
        comment = f"压测县级意见 {code}" if random.random() < 0.5 else ""
        data = {"csrfmiddlewaretoken": self.csrf, "version": str(form["version"]), "score": score,
                f"comment-{code}": comment}
        key = f"{application}|{code}"
        with self.client.post(f"{url}scores/{code}/", data=data, headers=self.post_headers(url, htmx=True),
                              name="county save", catch_response=True) as r:
            html = r.text or ""
            version = VERSION.search(html)
            if r.status_code == 200 and "alert-success" in html and version:
                ACKS["county"][key] = {"score": score, "comment": comment}
                UNCERTAIN["county"].discard(key)
                return
            if r.status_code == 200:
                refused("county_refused", re.sub(r"\s+", " ", html)[:300])
                r.failure("county save refused")
            else:
                r.failure(f"county save answered {r.status_code}")
            UNCERTAIN["county"].add(key)


class ExpertUser(Browser):
    """The city's expert scoring an assignment, one indicator at a time."""

    fixed_count = 1

    def on_start(self) -> None:
        self.username = PLAN["expert"]["username"]
        self.assignments = list(PLAN["expert"]["assignments"])
        self.login(self.username, PLAN["password"])

    @task
    def work(self) -> None:
        phase, end = CLOCK.phase()
        if phase not in ("ramp", "mixed") or not self.assignments:
            self.sleep_until(min(end, time.time() + 1.0))
            return
        self.client.get("/campaigns/reviews/", name="expert list")
        self.think(REVIEW_THINK)
        assignment = random.choice(self.assignments)
        url = f"/campaigns/reviews/{assignment}/"
        page = self.client.get(url, name="expert review page")
        html = page.text or ""
        token = CSRF.search(html)
        forms = {}
        for code, body in EXPERT_FORM.findall(html):
            version = VERSION.search(body)
            points = MAX.search(body)
            if version:
                criteria = points is None
                forms[code] = {"version": int(version.group(1)), "points": float(points.group(1)) if points else 1.0,
                               "criteria": criteria, "clause": 'name="clause"' in body}
        if page.status_code != 200 or token is None or not forms:
            refused("expert_page", f"{url} {page.status_code} forms={len(forms)}")
            return
        self.csrf = token.group(1)
        for code in random.sample(list(forms), min(len(forms), random.randint(3, 6))):
            self.think(REVIEW_THINK)
            if CLOCK.phase()[0] not in ("ramp", "mixed"):
                return
            self.expert_save(assignment, code, forms[code], url)

    def expert_save(self, assignment: int, code: str, form: dict[str, Any], url: str) -> None:
        if form["criteria"]:
            score = random.choice(("0", "1"))
        else:
            score = f"{random.randint(0, int(form['points'] * 2)) / 2:g}"
        clause = random.choice(("1", "0")) if form["clause"] else ""
        comment = f"压测专家意见 {code}" if random.random() < 0.5 else ""
        data = {"csrfmiddlewaretoken": self.csrf, "code": code, "version": str(form["version"]), "score": score,
                "clause": clause, "comment": comment}
        key = f"{assignment}|{code}"
        with self.client.post(f"{url}score/", data=data, headers=self.post_headers(url, htmx=True),
                              name="expert save", catch_response=True) as r:
            html = r.text or ""
            version = VERSION.search(html)
            if r.status_code == 200 and 'class="text-success" role="status"' in html and version:
                ACKS["expert"][key] = {"score": score, "clause": {"1": True, "0": False}.get(clause), "comment": comment}
                UNCERTAIN["expert"].discard(key)
                return
            if r.status_code == 200:
                refused("expert_refused", re.sub(r"\s+", " ", html)[:300])
                r.failure("expert save refused")
            else:
                r.failure(f"expert save answered {r.status_code}")
            UNCERTAIN["expert"].add(key)
