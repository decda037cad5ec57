"""GET /docs: the interactive API reference (API.md §2), served from the binary with no external
resources and nothing inline, so that it works under the service's Content-Security-Policy."""
import re

ASSETS = {
    "/docs": "text/html",
    "/docs/docs.js": "text/javascript",
    "/docs/docs.css": "text/css",
}


def test_docs_page_and_assets_are_served_with_their_types(api):
    for path, ctype in ASSETS.items():
        r = api.get(path)
        assert r.status_code == 200, (path, r.text)
        assert r.headers["content-type"].startswith(ctype), (path, r.headers["content-type"])
        assert r.text.strip(), path
        assert "default-src 'self'" in r.headers["content-security-policy"]


def test_docs_page_loads_only_its_own_script_and_style(api):
    html = api.get("/docs").text
    assert re.search(r'<script src="/docs/docs.js"[^>]*></script>', html), html
    assert '<link rel="stylesheet" href="/docs/docs.css">' in html
    # Nothing inline: every <script> has a src, no <style> element, no style= or on*= attributes.
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html)), html
    assert "<style" not in html
    assert not re.search(r"\s(style|on[a-z]+)=", html), html


def test_docs_use_no_external_resources(api):
    for path in ASSETS:
        body = api.get(path).text
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", body, re.I), (path, body[:300])


def test_docs_render_the_openapi_document(api):
    js = api.get("/docs/docs.js").text
    assert "fetch('/openapi.json'" in js
    doc = api.get("/openapi.json").json()
    # What the page lists is the live document: it covers the service and account routes.
    for path in ("/health", "/ready", "/api/v1/auth/login", "/api/v1/admin/users", "/docs"):
        assert path in doc["paths"], path
    assert doc["paths"]["/api/v1/auth/me"]["get"]["security"] == [{"bearerAuth": []}]
    assert "security" not in doc["paths"]["/api/v1/auth/login"]["post"]


def test_docs_are_rate_limited_by_the_default_policy(api):
    r = api.get("/docs")
    assert '"default";q=' in r.headers.get("ratelimit-policy", ""), dict(r.headers)


def test_head_of_docs_has_no_body(api):
    r = api.head("/docs")
    assert r.status_code == 200
    assert r.content == b""
