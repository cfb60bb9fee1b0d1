"""Load test: simulated counsellors against gunicorn (2 workers) + PostgreSQL on loopback.

    .venv/bin/python bench/load.py                       # 50 users, 60 s
    .venv/bin/python bench/load.py --users 20 --duration 30 --think 0.2 1.0

It creates (and afterwards keeps, for inspection) its own database `integration_load`,
migrates and seeds it (5 centres, 50 counsellors with 20 people each, consents, sessions,
a signed agreement with its frozen PDF and a draft per counsellor), starts gunicorn on a
free port and lets every simulated user log in through the login form and then, with a
think time between clicks, browse (start page, caseload, search, person page, agreement),
record counselling sessions, add goals to a draft agreement, and download signed PDFs.
Writes go through the real forms, as a browser sends them.

It prints the number of requests, the failures (any exception, or a status or content
type other than the page should answer; must be 0), p50/p95/p99 per kind of request,
and then checks in the database that every write it made is there. Exit status 1 on any
failure or missing write. Only the standard library and the project's own packages.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from load_data import PASSWORD, recreate_database, seed, server_environment  # noqa: E402

# --- the simulated users ---------------------------------------------------------------


@dataclass
class Result:
    kind: str
    seconds: float
    ok: bool
    detail: str = ""


@dataclass
class Ledger:
    results: list[Result] = field(default_factory=list)
    sessions: list[str] = field(default_factory=list)  # unique notes written
    goals: list[str] = field(default_factory=list)  # unique goal texts written
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)


class Browser:
    """One user's cookies, and requests without following redirects."""

    def __init__(self, port: int, ledger: Ledger):
        self.port = port
        self.ledger = ledger
        self.cookies: dict[str, str] = {}

    def request(self, kind: str, method: str, path: str, data=None, expect=(200,), ctype="html"):
        body = urllib.parse.urlencode(data, doseq=True) if data is not None else None
        headers = {"Accept-Language": "de", "Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            connection.close()
        except (OSError, http.client.HTTPException) as error:
            self.ledger.add(Result(kind, time.perf_counter() - started, False, repr(error)))
            return None, b""
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        content_type = response.headers.get("Content-Type", "")
        ok = response.status in expect and (response.status != 200 or ctype in content_type)
        detail = "" if ok else f"{method} {path} -> {response.status} {content_type}"
        self.ledger.add(Result(kind, elapsed, ok, detail))
        return (response if ok else None), content


def _csrf(page: bytes) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return match[1].decode() if match else ""


def _form(page: bytes, page_url: str, action_pattern: str, field_suffix: str = ""):
    """The page's form posting to `action_pattern` (with a field ending in `field_suffix`)."""
    from tests.urlwalk import forms_on_page

    for form in forms_on_page(page.decode(errors="replace"), page_url):
        if form.method != "post" or not re.search(action_pattern, form.action):
            continue
        if any(f.name.endswith(field_suffix) for f in form.fields):
            return form
    return None


def simulate(
    user: dict, port: int, ledger: Ledger, start: threading.Barrier, clock: dict, think: tuple
) -> None:
    """Log in, wait until everybody has, then click until the clock runs out."""
    browser = Browser(port, ledger)
    _, page = browser.request("login page", "GET", "/konto/anmelden/")
    response, _ = browser.request(
        "login",
        "POST",
        "/konto/anmelden/",
        {"username": user["username"], "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page)},
        expect=(302,),
    )
    start.wait()
    if response is None:
        return
    rng = random.Random(user["username"])
    time.sleep(rng.uniform(0, think[1]))  # not everybody clicks in the same instant
    deadline = clock["deadline"]
    actions = [
        (browse_start, 2),
        (browse_caseload, 3),
        (search, 2),
        (open_person, 4),
        (open_agreement, 2),
        (record_session, 2),
        (add_goal, 1),
        (download_pdf, 1),
    ]
    functions, weights = zip(*actions, strict=True)
    while time.monotonic() < deadline:
        rng.choices(functions, weights)[0](browser, user, rng, ledger)
        time.sleep(min(rng.uniform(*think), max(0.0, deadline - time.monotonic())))


def browse_start(browser, user, rng, ledger):
    browser.request("start page", "GET", "/")


def browse_caseload(browser, user, rng, ledger):
    browser.request("caseload", "GET", "/klienten/")


def search(browser, user, rng, ledger):
    query = urllib.parse.urlencode({"q": rng.choice(user["search"])})
    browser.request("search", "GET", f"/klienten/?{query}")


def open_person(browser, user, rng, ledger):
    browser.request("person page", "GET", f"/klienten/{rng.choice(user['people'])}/")


def open_agreement(browser, user, rng, ledger):
    browser.request("agreement page", "GET", f"/vereinbarungen/{user['signed']}/")


def record_session(browser, user, rng, ledger):
    person = rng.choice(user["people"])
    url = f"/klienten/{person}/"
    response, page = browser.request("person page", "GET", url)
    form = response and _form(page, url, r"/gespraeche/neu/$")
    if not form:
        ledger.add(Result("write session", 0, False, f"no session form on {url}"))
        return
    token = f"load-session-{uuid.uuid4().hex}"
    data = {**form.data(), "notes": token, "duration_minutes": "45"}
    response, _ = browser.request("write session", "POST", form.action, data, expect=(302,))
    if response is not None:
        with ledger.lock:
            ledger.sessions.append(token)


def add_goal(browser, user, rng, ledger):
    url = f"/vereinbarungen/{user['draft']}/bearbeiten/"
    response, page = browser.request("agreement editor", "GET", url)
    form = response and _form(page, url, r"/ziele/neu/$", field_suffix="-text")
    text_field = form and next((f.name for f in form.fields if f.name.endswith("-text")), None)
    if not text_field:
        ledger.add(Result("write goal", 0, False, f"no goal form on {url}"))
        return
    token = f"load-goal-{uuid.uuid4().hex}"
    area_field = text_field.removesuffix("-text") + "-area"
    data = {**form.data(), text_field: token, area_field: rng.choice(["language", "work"])}
    # Without htmx the editor answers with a redirect back to itself (post/redirect/get).
    response, _ = browser.request("write goal", "POST", form.action, data, expect=(200, 302))
    if response is not None:
        with ledger.lock:
            ledger.goals.append(token)


def download_pdf(browser, user, rng, ledger):
    browser.request(
        "signed PDF",
        "GET",
        f"/vereinbarungen/{user['signed']}/unterschrift/pdf/",
        ctype="application/pdf",
    )


# --- running ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "integration.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health/", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not answer /health/")


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(ledger: Ledger, duration: float, logins: int) -> int:
    """Figures of the measured run; the logins before it on a line of their own."""
    by_kind: dict[str, list[float]] = defaultdict(list)
    run = ledger.results[logins:]
    for result in run:
        by_kind[result.kind].append(result.seconds * 1000)
    failures = [r for r in ledger.results if not r.ok]
    every = [r.seconds * 1000 for r in run]
    print(f"\n{'request':<18}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind, values in sorted(by_kind.items()):
        print(
            f"{kind:<18}{len(values):>7}{percentile(values, 50):>9.0f}"
            f"{percentile(values, 95):>9.0f}{percentile(values, 99):>9.0f}"
        )
    print(
        f"{'all':<18}{len(every):>7}{percentile(every, 50):>9.0f}"
        f"{percentile(every, 95):>9.0f}{percentile(every, 99):>9.0f}"
    )
    warmup = [r.seconds * 1000 for r in ledger.results[:logins]]
    print(
        f"{'(before: login)':<18}{len(warmup):>7}{percentile(warmup, 50):>9.0f}"
        f"{percentile(warmup, 95):>9.0f}{percentile(warmup, 99):>9.0f}"
    )
    print(f"\nrequests: {len(every)} in {duration:.0f} s ({len(every) / duration:.1f}/s)")
    print(f"failures: {len(failures)} (logins included)")
    for failure in failures[:10]:
        print(f"  {failure.kind}: {failure.detail}")
    return len(failures)


def verify_writes(ledger: Ledger) -> int:
    from django.db import connection

    from agreements.models import Goal
    from people.models import CounsellingSession

    connection.close()  # the server changed the data; start from a fresh connection
    sessions = set(
        CounsellingSession.objects.filter(notes__startswith="load-session-").values_list(
            "notes", flat=True
        )
    )
    goals = set(Goal.objects.filter(text__startswith="load-goal-").values_list("text", flat=True))
    missing = [t for t in ledger.sessions if t not in sessions] + [
        t for t in ledger.goals if t not in goals
    ]
    print(
        f"writes: {len(ledger.sessions)} sessions, {len(ledger.goals)} goals acknowledged; "
        f"in the database: {len(sessions & set(ledger.sessions))} sessions, "
        f"{len(goals & set(ledger.goals))} goals; missing: {len(missing)}"
    )
    return len(missing)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--database", default="integration_load")
    parser.add_argument("--host", default="127.0.0.1", help="PostgreSQL host")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(0.5, 2.0),
        metavar=("MIN", "MAX"),
        help="seconds a user pauses between clicks (uniform)",
    )
    args = parser.parse_args()

    env = server_environment(args.database, args.host)
    print(f"database {args.database}: recreating, migrating, seeding ...", flush=True)
    recreate_database(args.database, args.host)
    os.environ.update(env)
    import django

    django.setup()
    started = time.perf_counter()
    plan = seed()
    users = plan["users"][: args.users]
    if len(users) < args.users:
        raise SystemExit(f"only {len(users)} counsellors are seeded")
    print(f"seeded in {time.perf_counter() - started:.0f} s; starting gunicorn", flush=True)

    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    ledger = Ledger()
    clock: dict[str, float] = {}

    def start_the_clock() -> None:
        clock["deadline"] = time.monotonic() + args.duration
        clock["begun"] = time.perf_counter()
        clock["results_before"] = len(ledger.results)

    # Everybody logs in first (password hashing is slow on purpose); the measured run
    # starts when the last one is in.
    start = threading.Barrier(len(users), action=start_the_clock)
    try:
        threads = [
            threading.Thread(
                target=simulate, args=(user, port, ledger, start, clock, tuple(args.think))
            )
            for user in users
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        ran = time.perf_counter() - clock["begun"]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    print(
        f"\n{args.users} users, {args.duration:.0f} s, gunicorn {args.workers} workers, "
        f"think time {args.think[0]}–{args.think[1]} s"
    )
    failures = report(ledger, ran, clock["results_before"])
    missing = verify_writes(ledger)
    return 1 if failures or missing else 0


if __name__ == "__main__":
    sys.exit(main())
