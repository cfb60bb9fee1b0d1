"""Request bodies are bounded before Django reads them (issue 21): compressed bodies 415,
over-long ones 413, both unread and at once; Django's own field limits hold; real scans
still upload. The last test runs gunicorn with the repository's gunicorn.conf.py."""

from __future__ import annotations

import gzip
import http.client
import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from agreements.models import SignedDocument
from people.models import Migrant
from tests.factories import CaseGraph

ROOT = Path(__file__).resolve().parents[2]


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def _post(client, url, *, length: int, **headers):
    return client.generic(
        "POST",
        url,
        content_type="application/x-www-form-urlencoded",
        **{"wsgi.input": UnreadableBody(), "CONTENT_LENGTH": str(length), **headers},
    )


def test_a_gzip_body_is_refused_with_415_unread_and_at_once(counsellor_client):
    url = reverse("integration:migrant-create")
    _post(counsellor_client, url, length=4096, HTTP_CONTENT_ENCODING="gzip")  # warm caches
    started = time.monotonic()
    response = _post(counsellor_client, url, length=4096, HTTP_CONTENT_ENCODING="gzip")
    elapsed = time.monotonic() - started
    assert response.status_code == 415
    assert "Komprimierte Daten werden nicht angenommen" in response.content.decode()
    assert elapsed < 0.5
    assert Migrant.objects.count() == 0


@pytest.mark.django_db
def test_a_compressed_login_is_refused_too(client):
    # Before the session and the login: nobody gets a compressed body through.
    bomb = gzip.compress(b"username=" + b"a" * 10_000_000)
    response = client.generic(
        "POST",
        reverse("login"),
        bomb,
        content_type="application/x-www-form-urlencoded",
        HTTP_CONTENT_ENCODING="GZIP",
    )
    assert response.status_code == 415


def test_an_over_long_body_is_refused_with_413_before_it_is_read(counsellor_client, settings):
    response = _post(
        counsellor_client,
        reverse("integration:migrant-create"),
        length=settings.MAX_REQUEST_BYTES + 1,
    )
    assert response.status_code == 413
    body = response.content.decode()
    assert "Die Daten sind zu groß" in body
    assert "größer als 11 MB" in body
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert Migrant.objects.count() == 0


def test_the_refusal_speaks_english_on_request(counsellor_client, settings):
    counsellor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _post(counsellor_client, reverse("home"), length=10**9)
    assert response.status_code == 413
    assert "The upload is too large" in response.content.decode()


@pytest.mark.django_db
def test_identity_encoding_and_a_body_within_the_limit_pass(client, counsellor):
    response = client.post(
        reverse("login"),
        {"username": "berater", "password": "correct-horse-battery"},
        HTTP_CONTENT_ENCODING="identity",
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_too_many_form_fields_are_refused_by_django_with_400(client, settings):
    fields = "&".join(f"f{i}=x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.generic(
        "POST", reverse("login"), fields, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


def test_a_scan_of_several_megabytes_still_uploads(
    counsellor_client, centre, counsellor, supervisor
):
    graph = CaseGraph(centre=centre, counsellor=counsellor, supervisor=supervisor)
    SignedDocument.objects.filter(pk=graph.document.pk).update(scan="")
    # Noise does not compress: a photo-like scan of about 4 MB, past the in-memory limit.
    image = Image.frombytes("RGB", (1200, 1200), os.urandom(1200 * 1200 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    assert 3 * 2**20 < buffer.tell() < 10 * 2**20
    buffer.seek(0)
    buffer.name = "scan.png"
    response = counsellor_client.post(
        reverse("agreements:scan-upload", args=[graph.signed.pk]), {"scan": buffer}
    )
    assert response.status_code == 302, response.content.decode()[:300]
    assert SignedDocument.objects.get(pk=graph.document.pk).scan


# --- the same limits in front of Django: gunicorn with the repository's config -----------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn_server():
    port = _free_port()
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--no-control-socket"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request)
        return connection.recv(40)


def test_gunicorn_refuses_compressed_bodies_and_over_long_requests(gunicorn_server):
    port = gunicorn_server
    garbage = os.urandom(64 * 1024)
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/x-www-form-urlencoded"}
    statuses, times = [], []
    # The first answer of a fresh worker loads Django's URLconf and catalogues: timed is
    # the second.
    for _ in range(2):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        started = time.monotonic()
        conn.request("POST", "/konto/anmelden/", body=garbage, headers=headers)
        statuses.append(conn.getresponse().status)
        times.append(time.monotonic() - started)
        conn.close()
    assert statuses == [415, 415]
    assert times[1] < 1
    # The request line and the headers are bounded by gunicorn itself (gunicorn.conf.py).
    assert _raw(port, b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n").startswith(
        b"HTTP/1.1 414"
    )
    huge_header = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n"
    assert _raw(port, huge_header).startswith(b"HTTP/1.1 431")
    many = b"".join(b"X-H%d: 1\r\n" % i for i in range(120))
    assert _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n").startswith(b"HTTP/1.1 431")
