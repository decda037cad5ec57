"""GET /docs: the interactive API reference (docs/api.md §2), Swagger UI rendering
/openapi.json, served from the binary with no external resources and nothing inline, so that it
works under the service's Content-Security-Policy. (The browser test in tests/e2e/ renders it
in Chromium and checks that it makes no request elsewhere.)"""
import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
       "frame-ancestors 'none'; form-action 'self'")
TYPES = {".js": "text/javascript", ".css": "text/css", ".txt": "text/plain"}
EXTERNAL = re.compile(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.I)


def linked_files(api):
    html = api.get("/docs").text
    return re.findall(r'(?:src|href)="(/docs/[^"]+)"', html)


def test_docs_page_is_html_revalidated_on_every_use(api):
    r = api.get("/docs")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"] == "no-cache"
    assert r.headers["content-security-policy"] == CSP


def test_every_file_of_the_page_is_served_with_its_type_and_cached(api):
    files = linked_files(api)
    names = [f.rsplit("/", 1)[1] for f in files]
    for stem in ("swagger-ui-bundle-", "swagger-ui-", "docs-", "swagger-ui-LICENSE-"):
        assert any(n.startswith(stem) for n in names), (stem, names)
    for path in files:
        r = api.get(path)
        assert r.status_code == 200, (path, r.text)
        ext = "." + path.rsplit(".", 1)[1]
        assert r.headers["content-type"].startswith(TYPES[ext]), (path, r.headers["content-type"])
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable", path
        assert re.search(r"-[0-9a-f]{12}\.\w+$", path), f"{path}: a content hash in the name"
        assert r.content.strip(), path
        assert r.headers["content-security-policy"] == CSP


def test_docs_page_has_nothing_inline_and_links_back_to_the_app(api):
    html = api.get("/docs").text
    # Nothing inline: every <script> has a src, no <style> element, no style= or on*= attributes.
    scripts = re.findall(r"<script[^>]*>", html)
    assert len(scripts) == 2 and all("src=" in tag for tag in scripts), scripts
    assert "<style" not in html
    assert not re.search(r"\s(style|on[a-z]+)=", html), html
    assert '<a class="docs-home" href="/">' in html
    assert 'href="/openapi.json"' in html


def test_the_page_and_its_own_files_name_no_other_site(api):
    html = api.get("/docs").text
    assert not EXTERNAL.search(html), html
    for path in linked_files(api):
        name = path.rsplit("/", 1)[1]
        if name.startswith("docs-"):
            body = api.get(path).text
            assert not EXTERNAL.search(body), (path, body[:300])


def test_swagger_ui_is_configured_to_stay_on_this_service(api):
    js = next(api.get(p).text for p in linked_files(api) if p.rsplit("/", 1)[1].startswith("docs-")
              and p.endswith(".js"))
    assert "url: '/openapi.json'" in js
    assert "validatorUrl: null" in js  # else the page calls validator.swagger.io
    assert "queryConfigEnabled: false" in js  # no document URL taken from the page's address


def test_swagger_ui_is_the_pinned_package_with_its_licence(api):
    lock = json.loads((REPO / "package-lock.json").read_text())
    version = lock["packages"]["node_modules/swagger-ui-dist"]["version"]
    assert json.loads((REPO / "package.json").read_text())["dependencies"]["swagger-ui-dist"] == version
    files = linked_files(api)
    licence = next(p for p in files if "LICENSE" in p)
    text = api.get(licence).text
    assert f"Swagger UI {version}" in text and "Apache License" in text
    bundle = next(p for p in files if "swagger-ui-bundle-" in p)
    head = api.get(bundle).text[:200]
    assert licence.rsplit("/", 1)[1] in head, "the bundle's licence comment names the served file"


def test_docs_render_the_openapi_document(api):
    doc = api.get("/openapi.json").json()
    for path in ("/health", "/ready", "/api/v1/auth/login", "/api/v1/admin/users", "/docs",
                 "/docs/{asset}"):
        assert path in doc["paths"], path
    assert doc["paths"]["/api/v1/auth/me"]["get"]["security"] == [{"bearerAuth": []}]
    assert "security" not in doc["paths"]["/api/v1/auth/login"]["post"]


def test_unknown_files_and_the_page_under_another_name_are_404(api):
    for path in ("/docs/nope.js", "/docs/index.html", "/docs/docs.js", "/docs/x.png"):
        r = api.get(path)
        assert r.status_code == 404, (path, r.status_code)
        assert r.json()["code"] == "NOT_FOUND"


def test_docs_are_rate_limited_by_the_default_policy(api):
    for path in ["/docs"] + linked_files(api)[:1]:
        r = api.get(path)
        assert '"default";q=' in r.headers.get("ratelimit-policy", ""), (path, dict(r.headers))


def test_head_of_docs_has_no_body(api):
    r = api.head("/docs")
    assert r.status_code == 200
    assert r.content == b""
