"""The web app's files (docs/api.md §9): every GET outside the service's own paths answers with a
file of the app built into the binary, or with its index.html for the app's client routes.
Content types by extension, strong ETags with 304, a year of caching for fingerprinted assets
and revalidation for index.html, HEAD, no way out of the app's files, no rate limit, and the
service's own paths keeping their JSON 404."""

import re

import pytest

from helpers import SECURITY_HEADERS, assert_error, assert_security_headers, connect, read_http_response

IMMUTABLE = "public, max-age=31536000, immutable"
TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
ETAG_RE = re.compile(r'^"[0-9a-f]{32}"$')
ASSET_RE = re.compile(r'(?:src|href)="(/assets/[^"]+)"')
IMPORT_RE = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]\./([^'"]+)['"]""")


@pytest.fixture(scope="module")
def index(server):
    r = server.client.get("/")
    assert r.status_code == 200, r.text
    return r


def assets_of(html):
    return sorted(set(ASSET_RE.findall(html)))


def raw_get(port, target, method="GET"):
    """One request with the target sent exactly as given (no client-side normalisation)."""
    with connect(port) as sock:
        sock.sendall(f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode("latin-1"))
        return read_http_response(sock)


# ---- index.html ----------------------------------------------------------------------------


def test_root_is_the_app_page_revalidated_on_every_use(index):
    assert index.headers["content-type"] == "text/html; charset=utf-8"
    assert index.headers["cache-control"] == "no-cache"
    assert ETAG_RE.match(index.headers["etag"]), index.headers["etag"]
    assert '<div id="app">' in index.text
    assert_security_headers(index.headers, "GET /")


def test_app_page_has_nothing_inline(index):
    html = index.text
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all("src=" in tag for tag in scripts), scripts
    assert re.findall(r"<script[^>]*>\s*</script>", html) and "<style" not in html
    assert not re.search(r"\s(style|on[a-z]+)=", html), html
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.I), "no external resources"


@pytest.mark.parametrize(
    "path",
    ["/dashboard", "/resumes/", "/verify-email?token=abc", "/reset-password?token=x-y_z",
     "/resume/shared/Ab-cd_EF0123456789abcdefghijklmnopqrstuvwxyz0",
     "/interviews/01a21a21-9ca2-7d03-97a7-7c58229f6ff7/summary", "/no/such/page", "/index.html"],
)
def test_client_routes_get_the_app_page(api, index, path):
    r = api.get(path)
    assert r.status_code == 200, (path, r.text[:200])
    assert r.content == index.content, path
    assert r.headers["etag"] == index.headers["etag"]
    assert r.headers["cache-control"] == "no-cache"
    assert r.headers["content-type"] == "text/html; charset=utf-8"


# ---- fingerprinted assets ------------------------------------------------------------------


def test_assets_are_fingerprinted_typed_and_cached_for_a_year(api, index):
    assets = assets_of(index.text)
    assert len(assets) >= 4, assets  # icon, style, theme script, entry module
    for path in assets:
        name = path.rsplit("/", 1)[1]
        assert re.search(r"-[0-9a-f]{12}\.[a-z]+$", name), f"{name}: a content hash in the name"
        r = api.get(path)
        assert r.status_code == 200, path
        ext = "." + name.rsplit(".", 1)[1]
        assert r.headers["content-type"].startswith(TYPES[ext]), (path, r.headers["content-type"])
        assert r.headers["cache-control"] == IMMUTABLE, path
        assert ETAG_RE.match(r.headers["etag"]), path
        assert "ratelimit" not in r.headers, "web-app files are not rate-limited"
        assert_security_headers(r.headers, path)


def test_every_module_the_app_imports_is_served(api, index):
    """The module graph resolves: each relative import names another fingerprinted file."""
    seen, todo = set(), [p for p in assets_of(index.text) if p.endswith(".js")]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        r = api.get(path)
        assert r.status_code == 200, path
        for dep in IMPORT_RE.findall(r.text):
            assert re.search(r"-[0-9a-f]{12}\.js$", dep), (path, dep)
            todo.append("/assets/" + dep)
    assert len(seen) >= 10, seen


def test_unknown_asset_is_404_not_the_page(api):
    assert_error(api.get("/assets/app-000000000000.js"), 404, "NOT_FOUND", "Not Found")
    assert_error(api.get("/assets/"), 404, "NOT_FOUND", "Not Found")


def test_other_root_files_have_their_own_type(api):
    r = api.get("/robots.txt")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.headers["cache-control"] == "no-cache"
    assert "Disallow: /resume/shared/" in r.text


# ---- conditional requests and HEAD ---------------------------------------------------------


def test_if_none_match_answers_304_without_a_body(api, index):
    etag = index.headers["etag"]
    css = next(p for p in assets_of(index.text) if p.endswith(".css"))
    css_etag = api.get(css).headers["etag"]
    for path, tag in (("/", etag), ("/dashboard", etag), (css, css_etag)):
        for header in (tag, f'"nope", {tag}', f"W/{tag}", "*"):
            r = api.get(path, headers={"If-None-Match": header})
            assert r.status_code == 304, (path, header, r.status_code)
            assert r.content == b""
            assert r.headers["etag"] == tag
            assert r.headers["cache-control"] == (IMMUTABLE if path == css else "no-cache")
    r = api.get("/", headers={"If-None-Match": '"0123456789abcdef0123456789abcdef"'})
    assert r.status_code == 200 and r.content == index.content


def test_head_answers_like_get_without_the_body(api, index):
    r = api.head("/dashboard")
    assert r.status_code == 200
    assert r.content == b""
    assert r.headers["etag"] == index.headers["etag"]
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert int(r.headers["content-length"]) == len(index.content)


# ---- nothing outside the app ---------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["/../../../../etc/passwd", "/assets/../../etc/passwd", "/assets/..%2f..%2f..%2fetc%2fpasswd",
     "/%2e%2e/%2e%2e/etc/passwd", "/assets/%2e%2e/%2e%2e/etc/passwd", "/..%5c..%5cetc%5cpasswd",
     "/assets/.%2e/root/index.html", "/a%00/../etc/passwd", "/assets/app.css%00.js", "//etc/passwd",
     "/./index.html", "/assets/%252e%252e/etc/passwd"],
)
def test_paths_never_escape_the_app(server, index, target):
    r = raw_get(server.port, target)
    assert b"root:" not in r.body
    if "%00" in target:  # a control character in a path is refused (test_security.py)
        assert r.status_code == 400 and r.json()["code"] == "BAD_REQUEST", (target, r.status_code)
        return
    assert r.status_code in (200, 404), (target, r.status_code)
    if r.status_code == 200:
        assert r.body == index.content, (target, r.body[:200])
    else:
        assert r.json() == {"detail": "Not Found", "code": "NOT_FOUND"}, target


def test_dot_segments_are_refused(server):
    for target in ("/assets/../index.html", "/resumes/../admin", "/./dashboard", "/%2e%2e/x"):
        r = raw_get(server.port, target)
        assert r.status_code == 404, (target, r.status_code)


# ---- the service's own paths ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api", "/api/", "/api/v1", "/api/v1/no-such-endpoint", "/api/v2/auth/login", "/api/v1/auth/nope",
     "/health/extra", "/ready/x", "/metrics/x", "/openapi.json/x", "/docs/nope.js", "/__test/nope"],
)
def test_service_paths_keep_their_json_404(api, path):
    assert_error(api.get(path), 404, "NOT_FOUND", "Not Found")


def test_api_404_is_not_cached(api):
    r = api.get("/api/v1/no-such-endpoint")
    assert r.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_only_get_and_head_reach_the_app(api, method):
    r = api.request(method, "/dashboard")
    assert_error(r, 404, "NOT_FOUND", "Not Found")


def test_app_files_are_not_in_the_openapi_document(api):
    paths = api.get("/openapi.json").json()["paths"]
    assert not any("web app" in p or p.startswith("/assets") for p in paths), sorted(paths)
    assert "/" not in paths


def test_app_files_are_never_rate_limited(module_server):
    srv = module_server(RATE_LIMIT="3")
    for _ in range(10):
        for path in ("/", "/dashboard"):
            r = srv.client.get(path)
            assert r.status_code == 200, r.text
            assert "ratelimit" not in r.headers
    # The API's quota is still in force next to it.
    codes = [srv.client.get("/openapi.json").status_code for _ in range(5)]
    assert 429 in codes, codes


def test_security_headers_on_app_responses(api):
    for path in ("/", "/resumes", "/robots.txt"):
        r = api.get(path)
        for name, value in SECURITY_HEADERS.items():
            assert r.headers.get(name) == value, (path, name)
