"""Service endpoints of issue 2: /health, /ready, /metrics, /openapi.json, and the JSON log."""

import json
import os
import shutil

import pytest

from helpers import TIMESTAMP_RE, connect, VERSION, assert_error, get_metrics, positive_int, wait_for

READY_BODY = {
    "status": "ready",
    "checks": {
        "database": "ok",
        # "ok" on the passes whose servers all use Redis (conftest.redis_for_every_server)
        "redis": "ok" if os.environ.get("IA_TEST_REDIS") == "1" else "disabled",
        "storage": "ok",
        "llm_provider": "offline",
    },
}

CONTRACT_METRICS = [
    "interviewace_build_info",
    "interviewace_http_requests_total",
    "interviewace_http_request_duration_seconds",
    "interviewace_http_requests_in_flight",
    "interviewace_handler_queue_depth",
    "interviewace_handler_queue_capacity",
    "interviewace_handler_threads_busy",
    "interviewace_handler_rejected_total",
    "interviewace_ratelimit_rejections_total",
    "interviewace_uptime_seconds",
    "process_resident_memory_bytes",
    "process_open_fds",
]


def test_health_reports_healthy_and_version(api):
    r = api.get("/health")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.json() == {"status": "healthy", "version": VERSION}


def test_ready_reports_every_check(api):
    r = api.get("/ready")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert r.json() == READY_BODY


def test_ready_is_503_when_data_dir_is_not_writable(make_server):
    srv = make_server()
    data_dir = srv.workdir / "data"
    assert srv.client.get("/ready").status_code == 200
    # Replace DATA_DIR by a regular file: storage can no longer be written.
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.write_text("not a directory\n")

    r = srv.client.get("/ready")
    assert r.status_code == 503, r.text
    body = r.json()
    assert body["status"] == "not_ready", body
    assert body["code"] == "NOT_READY", body
    assert isinstance(body["detail"], str) and body["detail"], body
    assert body["checks"]["storage"] == "unavailable", body
    positive_int(r.headers.get("retry-after"))
    # Liveness is not readiness: /health still answers.
    assert srv.client.get("/health").status_code == 200


def test_metrics_content_type_and_contract_names(api):
    api.get("/health")
    r = api.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    m = get_metrics(api)
    missing = [n for n in CONTRACT_METRICS if n not in m.names()]
    assert not missing, f"metrics missing: {missing}\n{r.text}"
    assert m.get("interviewace_build_info", version=VERSION) == 1
    assert m.get("interviewace_handler_queue_capacity") == 256  # HANDLER_QUEUE_MAX default
    assert m.get("interviewace_uptime_seconds") >= 0
    assert m.get("process_resident_memory_bytes") > 0
    assert m.get("process_open_fds") > 0


def test_metrics_duration_histogram_is_labelled_by_route(api):
    api.get("/health")
    m = get_metrics(api)
    assert m.types.get("interviewace_http_request_duration_seconds") == "histogram", m.types
    buckets = m.find("interviewace_http_request_duration_seconds_bucket", route="/health")
    assert buckets, m.text
    inf = [v for lab, v in buckets if lab.get("le") == "+Inf"]
    count = m.find("interviewace_http_request_duration_seconds_count", route="/health")
    assert inf and count and inf[0] == count[0][1] >= 1, (inf, count)
    assert m.find("interviewace_http_request_duration_seconds_sum", route="/health")


def test_health_request_increments_requests_total(api):
    labels = dict(route="/health", method="GET", status="200")
    before = get_metrics(api).get("interviewace_http_requests_total", 0.0, **labels)
    assert api.get("/health").status_code == 200

    # The counter may be updated just after the response is sent: poll, then check the step.
    def changed():
        value = get_metrics(api).get("interviewace_http_requests_total", 0.0, **labels)
        return value if value != before else None

    assert wait_for(changed, what="requests_total to change") == before + 1


def test_openapi_document(api):
    r = api.get("/openapi.json")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    doc = r.json()
    assert doc["openapi"].startswith("3.1"), doc.get("openapi")
    assert "/health" in doc["paths"], list(doc["paths"])
    for path in ("/ready", "/metrics", "/openapi.json"):
        assert path in doc["paths"], (path, list(doc["paths"]))
    assert doc["info"]["version"] == VERSION  # = /health version (docs/api.md §2)


def test_openapi_is_rate_limited_by_default_policy(api):
    r = api.get("/openapi.json")
    assert r.status_code == 200
    assert r.headers.get("ratelimit-policy") == '"default";q=100;w=60'
    assert r.headers.get("ratelimit", "").startswith('"default";r='), r.headers


@pytest.mark.parametrize("path", ["/health", "/ready", "/metrics", "/openapi.json"])
def test_head_on_every_get_route(server, path):
    # Over a raw socket, so that a body sent after the head would be seen.
    with connect(server.port) as s:
        s.sendall(f"HEAD {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, sep, body = data.partition(b"\r\n\r\n")
    assert sep and head.split()[1] == b"200", data
    assert body == b"", data


def test_test_endpoints(api):
    body = {"a": 1, "b": [True, None, "x"], "c": {"d": 1.5}, "name": "Zoë ✓"}
    r = api.post("/__test/echo", json=body)
    assert r.status_code == 200, r.text
    assert r.json() == {"received": body}
    r = api.get("/__test/sleep", params={"ms": 0})
    assert r.status_code == 200, r.text
    assert r.json() == {"slept_ms": 0}


def test_test_endpoints_are_404_unless_enabled(make_server):
    srv = make_server(TEST_ENDPOINTS=None)
    assert_error(srv.client.post("/__test/echo", json={"a": 1}), 404, "NOT_FOUND", "Not Found")
    assert_error(srv.client.get("/__test/sleep", params={"ms": 0}), 404, "NOT_FOUND", "Not Found")
    assert srv.client.get("/health").status_code == 200


def test_every_log_line_is_a_json_object_with_the_contract_fields(server, api):
    api.get("/health")
    api.get("/no-such-page")
    server.wait_for_log(lambda r: r.get("module") == "access")
    raw = server.raw_logs()
    assert raw
    for line in raw:
        rec = json.loads(line)
        assert {"timestamp", "level", "message", "module", "request_id", "fields"} <= set(rec), line
        assert TIMESTAMP_RE.match(rec["timestamp"]), line
        assert rec["level"] in ("debug", "info", "warn", "error"), line
        assert isinstance(rec["fields"], dict), line
    listening = [r for r in server.logs() if r["message"] == "listening"]
    assert listening[0]["module"] == "http" and listening[0]["fields"]["host"] == "127.0.0.1"
    assert listening[0]["request_id"] is None
