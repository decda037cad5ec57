"""Security headers on every response, and CORS from ALLOWED_ORIGINS (docs/api.md §1.7)."""

import pytest

from helpers import assert_security_headers, header_tokens

ALLOWED = ["https://app.example.com", "http://localhost:5173"]
EXPOSED = {"x-request-id", "ratelimit", "ratelimit-policy", "retry-after", "content-disposition"}
PREFLIGHT_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
PREFLIGHT_HEADERS = {"authorization", "content-type", "x-request-id", "x-token-delivery"}


def cors_headers(r):
    return {k: v for k, v in r.headers.items() if k.lower().startswith("access-control-")}


def lower_tokens(value):
    return {t.lower() for t in header_tokens(value)}


# ---- security headers -----------------------------------------------------------------------

RESPONSES = {
    "200 GET /health": lambda c: c.get("/health"),
    "200 HEAD /health": lambda c: c.head("/health"),
    "204 OPTIONS /health": lambda c: c.options("/health"),
    "200 GET /metrics": lambda c: c.get("/metrics"),
    "200 GET /openapi.json": lambda c: c.get("/openapi.json"),
    "404 GET /api/v1/nope": lambda c: c.get("/api/v1/nope"),
    "200 GET / (web app)": lambda c: c.get("/"),
    "304 GET / (web app)": lambda c: c.get("/", headers={"If-None-Match": "*"}),
    "405 POST /health": lambda c: c.post("/health"),
    "415 POST /__test/echo": lambda c: c.post("/__test/echo", content=b"x", headers={"Content-Type": "text/plain"}),
    "422 POST /__test/echo": lambda c: c.post("/__test/echo", content=b"[", headers={"Content-Type": "application/json"}),
}


@pytest.mark.parametrize("name", list(RESPONSES))
def test_security_headers_on_every_response(api, name):
    r = RESPONSES[name](api)
    assert r.status_code == int(name.split()[0]), (name, r.status_code, r.text)
    assert_security_headers(r.headers, name)


def test_no_cors_headers_when_no_origin_is_allowed(api):
    r = api.get("/health", headers={"Origin": "https://app.example.com"})
    assert r.status_code == 200
    assert cors_headers(r) == {}
    r = api.options("/health", headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"})
    assert cors_headers(r) == {}


# ---- CORS with ALLOWED_ORIGINS ----------------------------------------------------------------


@pytest.fixture(scope="module")
def cors(module_server):
    return module_server(ALLOWED_ORIGINS=",".join(ALLOWED)).client


@pytest.mark.parametrize("origin", ALLOWED)
def test_allowed_origin_is_reflected(cors, origin):
    r = cors.get("/health", headers={"Origin": origin})
    assert r.status_code == 200
    assert r.headers.get_list("access-control-allow-origin") == [origin]
    assert "origin" in lower_tokens(r.headers.get("vary")), r.headers
    assert lower_tokens(r.headers.get("access-control-expose-headers")) == EXPOSED, r.headers
    assert_security_headers(r.headers, "CORS 200")


@pytest.mark.parametrize("path,method,status", [("/api/v1/nope", "GET", 404), ("/health", "DELETE", 405)])
def test_allowed_origin_can_read_errors(cors, path, method, status):
    r = cors.request(method, path, headers={"Origin": ALLOWED[0]})
    assert r.status_code == status
    assert r.headers.get("access-control-allow-origin") == ALLOWED[0], r.headers
    assert_security_headers(r.headers, f"CORS {status}")


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example.com", "http://app.example.com", "https://app.example.com.evil.com",
     "https://app.example.com:8443", "null"],
)
def test_other_origins_get_no_cors_headers(cors, origin):
    r = cors.get("/health", headers={"Origin": origin})
    assert r.status_code == 200
    assert cors_headers(r) == {}, r.headers
    # ALLOWED_ORIGINS is set, so the answer depends on Origin: caches must know.
    assert "origin" in lower_tokens(r.headers.get("vary")), r.headers


def test_vary_origin_without_origin_header(cors):
    r = cors.get("/health")
    assert cors_headers(r) == {}
    assert "origin" in lower_tokens(r.headers.get("vary")), r.headers


@pytest.mark.parametrize("origin", ALLOWED)
def test_preflight_from_allowed_origin(cors, origin):
    r = cors.options(
        "/__test/echo",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type, x-request-id"},
    )
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert r.headers.get_list("access-control-allow-origin") == [origin]
    assert set(header_tokens(r.headers.get("access-control-allow-methods"))) == PREFLIGHT_METHODS, r.headers
    assert lower_tokens(r.headers.get("access-control-allow-headers")) == PREFLIGHT_HEADERS, r.headers
    assert r.headers.get("access-control-max-age") == "600"
    assert "origin" in lower_tokens(r.headers.get("vary")), r.headers
    assert "POST" in header_tokens(r.headers.get("allow")), r.headers
    assert_security_headers(r.headers, "preflight")


def test_preflight_from_other_origin_has_no_cors_headers(cors):
    r = cors.options(
        "/__test/echo",
        headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"},
    )
    assert r.status_code == 204, r.text
    assert cors_headers(r) == {}, r.headers


def test_never_a_wildcard(cors):
    for origin in ALLOWED + ["https://evil.example.com", "*"]:
        for r in (cors.get("/health", headers={"Origin": origin}),
                  cors.options("/health", headers={"Origin": origin, "Access-Control-Request-Method": "GET"})):
            assert "*" not in r.headers.get("access-control-allow-origin", ""), (origin, r.headers)
            assert "*" not in r.headers.get("access-control-allow-headers", ""), (origin, r.headers)
