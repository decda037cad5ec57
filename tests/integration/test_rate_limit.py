"""Rate limiting (docs/api.md §1.5) on /openapi.json (policy "default"), and the client IP rule for
X-Forwarded-For behind TRUSTED_PROXIES."""

import re
import uuid

import pytest

from helpers import assert_error, assert_security_headers, get_metrics, positive_int

RATELIMIT_RE = re.compile(r'^"default";r=(\d+);t=(\d+)$')


def remaining(r):
    m = RATELIMIT_RE.match(r.headers.get("ratelimit", ""))
    assert m, f"RateLimit header: {r.headers.get('ratelimit')!r}"
    r_left, t = int(m.group(1)), int(m.group(2))
    assert 0 <= t <= 60, t
    return r_left


@pytest.fixture(scope="module")
def limited(module_server):
    return module_server(RATE_LIMIT=3)


def test_quota_then_429(limited):
    c = limited.client
    seen = []
    for expected_left in (2, 1, 0):
        r = c.get("/openapi.json")
        assert r.status_code == 200, r.text
        assert r.headers.get("ratelimit-policy") == '"default";q=3;w=60'
        seen.append(remaining(r))
    assert seen == [2, 1, 0]

    r = c.get("/openapi.json")
    assert_error(r, 429, "RATE_LIMITED", "Rate limit exceeded")
    retry = positive_int(r.headers.get("retry-after"))
    assert retry <= 60
    assert r.headers.get("ratelimit-policy") == '"default";q=3;w=60'
    assert remaining(r) == 0
    assert_security_headers(r.headers, "429")
    assert get_metrics(c).get("interviewace_ratelimit_rejections_total", policy="default") >= 1


@pytest.mark.parametrize("path", ["/health", "/ready", "/metrics"])
def test_service_endpoints_are_never_limited(limited, path):
    for _ in range(10):
        r = limited.client.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text)
        assert "ratelimit" not in r.headers and "ratelimit-policy" not in r.headers, r.headers


def test_forwarded_clients_have_their_own_quota_behind_a_trusted_proxy(make_server):
    srv = make_server(RATE_LIMIT=2, TRUSTED_PROXIES="127.0.0.1")
    c = srv.client

    def get(xff, rid=None):
        headers = {"X-Forwarded-For": xff}
        if rid:
            headers["X-Request-ID"] = rid
        return c.get("/openapi.json", headers=headers)

    a1 = get("203.0.113.5")
    a2 = get("203.0.113.5")
    assert (a1.status_code, a2.status_code) == (200, 200)
    assert (remaining(a1), remaining(a2)) == (1, 0)
    assert get("203.0.113.5").status_code == 429

    b1 = get("203.0.113.6")
    assert b1.status_code == 200 and remaining(b1) == 1, b1.headers

    # Read right to left, skipping trusted addresses: the client is the right-most untrusted
    # entry, so a forged left-most entry does not buy a fresh quota.
    assert get("198.51.100.1, 203.0.113.5").status_code == 429
    assert get("203.0.113.5, 127.0.0.1").status_code == 429

    # The client IP is also the one logged.
    rid = "xff-" + uuid.uuid4().hex
    get("203.0.113.7", rid)
    assert srv.access_log(rid)["fields"]["client_ip"] == "203.0.113.7"


def test_forwarded_for_is_ignored_without_trusted_proxies(make_server):
    srv = make_server(RATE_LIMIT=2)
    c = srv.client
    r1 = c.get("/openapi.json", headers={"X-Forwarded-For": "203.0.113.5"})
    r2 = c.get("/openapi.json", headers={"X-Forwarded-For": "203.0.113.6"})
    assert (r1.status_code, r2.status_code) == (200, 200)
    assert (remaining(r1), remaining(r2)) == (1, 0)
    rid = "noxff-" + uuid.uuid4().hex
    r3 = c.get("/openapi.json", headers={"X-Forwarded-For": "203.0.113.7", "X-Request-ID": rid})
    assert_error(r3, 429, "RATE_LIMITED", "Rate limit exceeded")
    assert srv.access_log(rid)["fields"]["client_ip"] == "127.0.0.1"


def test_rate_limit_zero_turns_the_policy_off(make_server):
    srv = make_server(RATE_LIMIT=0)
    for _ in range(5):
        r = srv.client.get("/openapi.json")
        assert r.status_code == 200, r.text
