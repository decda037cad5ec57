"""GET /openapi.json (docs/api.md §2) against the service it describes.

The document is generated from the tables the handlers validate with and render from
(src/http/doc.h); these tests check that it is a valid OpenAPI 3.1 document (with a maintained
validator from npm), that it lists exactly the routes the router has, that every documented
request schema is what the service accepts and refuses (a valid example passes validation;
each required field missing, each limit crossed, each wrong type and each unknown field is a
422 at that field), that docs/api.md indexes the same operations, and that real responses of a
whole journey validate against the documented response schemas. (conftest.py holds every
response of every integration test to the document too: openapi_check.py.)"""

import copy
import json
import re
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from helpers import wait_for
from openapi_check import Contract, ContractError
from test_auth import PASSWORD, auth, new_account, try_login
from test_user_cli import FAST, admin_session

REPO = Path(__file__).resolve().parents[2]
VALIDATOR = REPO / "tests" / "integration" / "validate_openapi.mjs"
RESUME_TXT = (REPO / "tests" / "fixtures" / "files" / "resume_bom_crlf.txt").read_bytes()
TASK_TIMEOUT = 60


def refused(op):
    """The statuses that say the service did not take an input: the body and validation rules,
    and, where a token is required, authentication (elsewhere 401 and 403 are outcomes, such
    as a wrong password at login)."""
    statuses = {413, 415, 422, 429}
    if op.get("security") == [{"bearerAuth": []}]:
        statuses |= {401, 403}
    return statuses


def not_a_choice(schema):
    """A string of an allowed length that is none of the choices."""
    n = min(max(schema.get("minLength", 1), 2), schema.get("maxLength", 2))
    return fit("zq", n)


@pytest.fixture(scope="module")
def srv(module_server):
    """Limits out of the way, a cheap hash, background work done in the server."""
    return module_server(**FAST, RATE_LIMIT_UPLOAD="0")


@pytest.fixture(scope="module")
def doc(srv):
    r = srv.client.get("/openapi.json")
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture(scope="module")
def contract(doc):
    return Contract(doc)


def operations(doc):
    """(METHOD, path, operation) of every documented operation."""
    for path, item in doc["paths"].items():
        for method, op in item.items():
            yield method.upper(), path, op


def openapi_path(pattern):
    """A router pattern ("/a/{id:uuid}/") as an OpenAPI path ("/a/{id}")."""
    p = re.sub(r"\{(\w+):\w+\}", r"{\1}", pattern)
    return p[:-1] if len(p) > 1 and p.endswith("/") else p


def every_schema(doc):
    """(where, schema) of every schema in the document."""
    for name, schema in doc["components"]["schemas"].items():
        yield f"components.schemas.{name}", schema
    for method, path, op in operations(doc):
        for p in op.get("parameters", []):
            yield f"{method} {path} parameter {p['name']}", p["schema"]
        for media, c in op.get("requestBody", {}).get("content", {}).items():
            yield f"{method} {path} request {media}", c["schema"]
        for status, r in op["responses"].items():
            for media, c in r.get("content", {}).items():
                yield f"{method} {path} {status} {media}", c["schema"]


# ---- the document itself --------------------------------------------------------------------


def run_validator(path):
    assert (REPO / "node_modules" / "@seriousme" / "openapi-schema-validator").is_dir(), \
        "the OpenAPI validator is not installed: run `npm ci` (make build does)"
    return subprocess.run(["node", str(VALIDATOR), str(path)], capture_output=True, text=True,
                          timeout=120, cwd=REPO)


def test_document_passes_an_openapi_3_1_validator(doc, tmp_path):
    f = tmp_path / "openapi.json"
    f.write_text(json.dumps(doc))
    p = run_validator(f)
    assert p.returncode == 0, p.stdout[-4000:] + p.stderr[-2000:]
    out = json.loads(p.stdout)
    assert out["valid"] is True and out["version"].startswith("3.1"), out


def test_the_validator_refuses_a_broken_document(doc, tmp_path):
    broken = copy.deepcopy(doc)
    del broken["paths"]["/health"]["get"]["responses"]
    broken["paths"]["/ready"]["get"]["parameters"] = [{"name": "x"}]
    f = tmp_path / "broken.json"
    f.write_text(json.dumps(broken))
    p = run_validator(f)
    assert p.returncode == 1, p.stdout + p.stderr
    assert json.loads(p.stdout)["valid"] is False


def test_every_schema_is_valid_json_schema_2020_12(doc):
    for where, schema in every_schema(doc):
        try:
            Draft202012Validator.check_schema(schema)
        except Exception as exc:  # the message names the broken keyword
            pytest.fail(f"{where}: {exc}")


def test_document_lists_exactly_the_routes_of_the_router(srv, doc):
    r = srv.client.get("/__test/routes")
    assert r.status_code == 200, r.text
    routes = [x for x in r.json()["routes"] if not x["pattern"].startswith("/__test")]
    served = {(x["method"], openapi_path(x["pattern"])) for x in routes}
    documented = {(m, p) for m, p, _ in operations(doc)}
    assert served - documented == set(), "routes the document misses"
    assert documented - served == set(), "documented operations the router does not have"
    assert len(routes) == len(served), "one route per method and path"
    undocumented = [x for x in routes if not x["documented"]]
    assert undocumented == [], "routes without a description table"
    # Who may call each route: the router's rule, as the document states it.
    for x in routes:
        op = doc["paths"][openapi_path(x["pattern"])][x["method"].lower()]
        if x["auth"] == "none":
            assert op.get("security") in (None, [{}, {"bearerAuth": []}]), (x, op.get("security"))
            assert "401" not in op["responses"] or x["pattern"].endswith("/refresh") or \
                x["pattern"].endswith("/login"), x
        else:
            assert op["security"] == [{"bearerAuth": []}], x
            assert set(op["responses"]["401"]["content"]["application/json"]["schema"]["allOf"][1]
                       ["properties"]["code"]["enum"]) >= {"NOT_AUTHENTICATED", "INVALID_TOKEN"}, x
        assert (op.get("x-required-role") == "admin") == (x["auth"] == "admin"), x


def test_every_operation_is_fully_described(doc):
    ids = [op["operationId"] for _, _, op in operations(doc)]
    assert len(ids) == len(set(ids)), "operationIds are unique"
    tags = {t["name"] for t in doc["tags"]}
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        **doc["components"]["securitySchemes"]["bearerAuth"], "type": "http", "scheme": "bearer",
        "bearerFormat": "JWT"}
    for method, path, op in operations(doc):
        where = f"{method} {path}"
        assert op.get("summary") and op.get("tags") and set(op["tags"]) <= tags, where
        success = [s for s in op["responses"] if s.startswith("2")]
        assert success, where
        for s in success:
            r = op["responses"][s]
            assert s == "204" or r.get("content"), f"{where}: {s} has no body schema"
        # Every error response carries the error shape of docs/api.md §1.3 and names its codes.
        for s, r in op["responses"].items():
            if s[0] in "45":
                schema = r["content"]["application/json"]["schema"]
                text = json.dumps(schema)
                assert "#/components/schemas/Error" in text or \
                    "#/components/schemas/ValidationError" in text, (where, s)
                assert r["description"], (where, s)
        assert "500" in op["responses"], where
        limited = "RateLimit" in op["responses"][success[0]].get("headers", {})
        assert limited == ("429" in op["responses"]), where
        if "requestBody" in op:
            assert "422" in op["responses"], where


def test_response_objects_are_closed_and_complete(doc):
    """Every object the service renders lists all its fields as required and allows no other:
    what makes the response check a guard against drift."""
    for name, schema in doc["components"]["schemas"].items():
        if schema.get("type") != "object" or "properties" not in schema:
            continue
        assert schema.get("additionalProperties") is False, name
        if name != "ValidationErrorItem":
            assert set(schema["required"]) == set(schema["properties"]), name


def test_password_fields_state_the_policy(doc):
    fields = [("/api/v1/auth/register", "password"), ("/api/v1/auth/change-password", "new_password"),
              ("/api/v1/auth/reset-password-confirm", "new_password")]
    for path, name in fields:
        schema = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        field = schema["properties"][name]
        # 72 bytes is all bcrypt reads (docs/api.md §3.1): at most 72 characters, fewer when
        # some are not ASCII.
        assert field["minLength"] == 8 and field["maxLength"] == 72, (path, field)
        assert "72 bytes in UTF-8" in field["description"], (path, field)
        for rule in ("password_too_short", "password_no_uppercase", "password_no_lowercase",
                     "password_no_digit", "password_no_special", "password_invalid_character"):
            assert rule in field["description"], (path, rule)


def test_the_upload_is_documented_as_multipart(doc):
    op = doc["paths"]["/api/v1/resume/upload"]["post"]
    schema = op["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["required"] == ["file"] and ".pdf" in schema["properties"]["file"]["description"]
    assert {"413", "415", "422"} <= set(op["responses"])


# ---- requests: what the schemas say against what the service does ----------------------------


class Caller:
    """Sends requests to documented operations with the credentials they need: a fresh login
    for each request (a valid logout or account deletion must not spoil the next one)."""

    def __init__(self, srv):
        self.srv = srv
        self.client = srv.client
        self.user = new_account(self.client)
        self.admin = admin_session(self.srv)

    def token(self, op):
        who = self.admin if op.get("x-required-role") == "admin" else self.user
        r = try_login(self.client, who["email"], who["password"])
        assert r.status_code == 200, r.text
        return r.json()["access_token"]

    def send(self, method, path, op, **kwargs):
        url = re.sub(r"\{(\w+)\}", lambda m: self.path_value(op, m.group(1)), path)
        headers = kwargs.pop("headers", {})
        if op.get("security") == [{"bearerAuth": []}]:
            headers = {**headers, **auth(self.token(op))}
        return self.client.request(method, url, headers=headers, **kwargs)

    @staticmethod
    def path_value(op, name):
        schema = next(p["schema"] for p in op["parameters"] if p["name"] == name and p["in"] == "path")
        if schema.get("format") == "uuid":
            return str(uuid.uuid4())
        return "1" if schema["type"] == "integer" else "x"


def types_of(schema):
    t = schema.get("type")
    return set(t) if isinstance(t, list) else {t}


def fit(text, n):
    """text cut or padded with "x" to n characters, never ending in white space (the service
    trims)."""
    s = (text + "x" * n)[:n]
    stripped = s.rstrip()
    return stripped + "x" * (len(s) - len(stripped))


def example(schema):
    """A valid value of a documented input field: its example, else one built from the schema."""
    if "examples" in schema:
        return copy.deepcopy(schema["examples"][0])
    if "default" in schema:
        return schema["default"]
    t = types_of(schema) - {"null"}
    if "enum" in schema:
        return next(v for v in schema["enum"] if v is not None)
    if "string" in t:
        if schema.get("format") == "email":
            return "someone@example.com"
        return fit("Example text", max(schema.get("minLength", 1), 1))
    if "integer" in t:
        return schema.get("minimum", 0)
    if "boolean" in t:
        return True
    if "array" in t:
        return [example(schema["items"])] * schema.get("minItems", 0)
    raise AssertionError(f"no example for {schema}")


def base_body(schema):
    """The fields a valid body sends: the required ones and those with an example."""
    props = schema.get("properties", {})
    names = [n for n, s in props.items() if n in schema.get("required", []) or "examples" in s]
    groups = schema.get("anyOf", [])
    if groups and not any(set(g["required"]) & set(names) for g in groups):
        names.append(groups[0]["required"][0])
    return {n: example(props[n]) for n in names}


def variants(schema, body):
    """(label, change, expected) for each field: change(body) edits a copy of a valid body;
    expected is None when the service must take it, else the 422 item type(s) at the field."""
    out = []
    one_of = [g["required"][0] for g in schema.get("anyOf", [])]
    for name, field in schema.get("properties", {}).items():
        t = types_of(field) - {"null"}
        ex = example(field)

        def put(value, name=name):
            return lambda body: {**body, name: value}

        if "null" in types_of(field):
            # null is absent: refused only for the last present field of a required group
            alone = name in one_of and not any(n in body for n in one_of if n != name)
            out.append((f"{name}=null", put(None), {"missing"} if alone else None))
        if "string" in t:
            out.append((f"{name} of the wrong type", put(12345), {"string_type"}))
            if "enum" in field:
                out += [(f"{name}={v}", put(v), None) for v in field["enum"] if v is not None]
                out.append((f"{name} not a choice", put(not_a_choice(field)), {"enum"}))
            elif field.get("format") == "uuid":
                # an id: the example passes; any other text, a length off by one included, is
                # not a UUID
                out.append((f"{name} not a UUID", put(ex[:-1] + "x"), {"uuid_parsing"}))
                out.append((f"{name} one short", put(ex[:-1]), {"uuid_parsing", "string_too_short"}))
            elif field.get("format") != "email":
                hi, lo = field.get("maxLength"), field.get("minLength", 0)
                if hi is not None:
                    out.append((f"{name} of {hi} characters", put(fit(ex, hi)), None))
                    out.append((f"{name} of {hi + 1} characters", put(fit(ex, hi + 1)),
                                {"string_too_long", "password_too_long"}))
                if lo > 0:
                    out.append((f"{name} of {lo} characters", put(fit(ex, lo)), None))
                    out.append((f"{name} of {lo - 1} characters", put(fit(ex, lo - 1)),
                                {"string_too_short", "password_too_short", "missing"}))
            else:
                out.append((f"{name} not an address", put("not-an-address"), {"value_error"}))
        if "integer" in t:
            out.append((f"{name} as text", put(str(ex)), {"int_type"}))
            if "minimum" in field:
                out.append((f"{name}={field['minimum']}", put(field["minimum"]), None))
                out.append((f"{name}={field['minimum'] - 1}", put(field["minimum"] - 1),
                            {"greater_than_equal"}))
            if "maximum" in field:
                out.append((f"{name}={field['maximum']}", put(field["maximum"]), None))
                out.append((f"{name}={field['maximum'] + 1}", put(field["maximum"] + 1),
                            {"less_than_equal"}))
        if "boolean" in t:
            out.append((f"{name} as text", put("yes"), {"bool_type"}))
        if "array" in t:
            item = example(field["items"])
            out.append((f"{name} not a list", put("x"), {"list_type"}))
            # a list of objects refuses a number as not an object
            out.append((f"{name} with a number", put([1]),
                        {"dict_type"} if field["items"].get("type") == "object" else {"string_type"}))
            hi = field.get("maxItems")
            if hi is not None:
                out.append((f"{name} of {hi} items", put([item] * hi), None))
                out.append((f"{name} of {hi + 1} items", put([item] * (hi + 1)), {"too_long"}))
            ihi = field["items"].get("maxLength")
            if ihi is not None and field["items"].get("format") != "email":
                out.append((f"{name} item of {ihi + 1} characters", put([fit(item, ihi + 1)]),
                            {"string_too_long"}))
    return out


def items_at(response, where, name):
    if response.status_code != 422:
        return set()
    # inside a list, an item's loc goes on with its index (and field)
    return {i["type"] for i in response.json()["detail"] if i["loc"][:2] == [where, name]}


def json_body_operations(doc):
    for method, path, op in operations(doc):
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            yield method, path, op, content["application/json"]["schema"]


def test_every_json_body_schema_is_what_the_service_validates(srv, doc):
    caller = Caller(srv)
    problems = []
    checked = 0
    for method, path, op, schema in json_body_operations(doc):
        where = f"{method} {path}"
        body = base_body(schema)
        # Refusals first: nothing is done with a refused body.
        for name in schema.get("required", []):
            r = caller.send(method, path, op, json={k: v for k, v in body.items() if k != name})
            if "missing" not in items_at(r, "body", name):
                problems.append(f"{where}: without {name}: {r.status_code} {r.text[:200]}")
        for group in schema.get("anyOf", []):
            names = [g["required"][0] for g in schema["anyOf"]]
            r = caller.send(method, path, op, json={k: v for k, v in body.items() if k not in names})
            if r.status_code != 422:
                problems.append(f"{where}: without any of {names}: {r.status_code} {r.text[:200]}")
            break
        r = caller.send(method, path, op, json={**body, "not_a_field": 1})
        if "extra_forbidden" not in items_at(r, "body", "not_a_field"):
            problems.append(f"{where}: an unknown field: {r.status_code} {r.text[:200]}")
        for label, change, expected in variants(schema, body):
            changed = change(body)
            r = caller.send(method, path, op, json=changed)
            name = label.split()[0].split("=")[0]
            got = items_at(r, "body", name)
            if expected is None and (r.status_code in refused(op) or r.status_code >= 500):
                problems.append(f"{where}: {label} should pass validation: {r.status_code} {r.text[:200]}")
            if expected is not None and not (got & expected):
                problems.append(f"{where}: {label} should be a 422 {sorted(expected)} at {name}: "
                                f"{r.status_code} {r.text[:200]}")
            checked += 1
        r = caller.send(method, path, op, json=body)
        if r.status_code in refused(op) or r.status_code >= 500:
            problems.append(f"{where}: the documented example {body} was refused: {r.status_code} {r.text[:200]}")
    assert checked > 100, checked
    assert problems == [], "\n".join(problems)


def test_an_empty_body_is_enough_where_no_field_is_required(srv, doc):
    caller = Caller(srv)
    for method, path, op, schema in json_body_operations(doc):
        r = caller.send(method, path, op)
        if op["requestBody"]["required"]:
            assert r.status_code == 422, (method, path, r.text)
        else:
            assert r.status_code not in refused(op), (method, path, r.status_code, r.text)


def test_the_login_form_schema_is_what_the_service_validates(srv, doc):
    op = doc["paths"]["/api/v1/auth/login"]["post"]
    schema = op["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    form = {n: example(s) for n, s in schema["properties"].items() if n in schema["required"]}
    form["grant_type"] = "password"  # documented as ignored
    r = srv.client.post("/api/v1/auth/login", data=form)
    assert r.status_code in (200, 401), r.text  # the example account may exist by now
    for name in schema["required"]:
        r = srv.client.post("/api/v1/auth/login", data={k: v for k, v in form.items() if k != name})
        assert "missing" in items_at(r, "body", name), (name, r.text)
    long = fit(form["password"], schema["properties"]["password"]["maxLength"] + 1)
    r = srv.client.post("/api/v1/auth/login", data={**form, "password": long})
    assert "string_too_long" in items_at(r, "body", "password"), r.text


def test_every_query_parameter_is_what_the_service_validates(srv, doc):
    caller = Caller(srv)
    problems = []
    for method, path, op in operations(doc):
        params = [p for p in op.get("parameters", []) if p["in"] == "query"]
        if not params:
            continue
        where = f"{method} {path}"
        r = caller.send(method, path, op)
        if r.status_code in refused(op):
            problems.append(f"{where}: without parameters: {r.status_code} {r.text[:200]}")
        for p in params:
            s, name = p["schema"], p["name"]
            cases = []
            if s["type"] == "integer":
                cases += [("abc", {"int_type"}), (str(s["minimum"]), None), (str(s["minimum"] - 1), {"greater_than_equal"})]
                if "maximum" in s:
                    cases += [(str(s["maximum"]), None), (str(s["maximum"] + 1), {"less_than_equal"})]
            elif "enum" in s:
                cases += [(v, None) for v in s["enum"]] + [(not_a_choice(s), {"enum"}), ("", None)]
            else:
                cases += [("x" * s["maxLength"], None), ("x" * (s["maxLength"] + 1), {"string_too_long"}), ("", None)]
            for value, expected in cases:
                r = caller.send(method, path, op, params={name: value})
                got = items_at(r, "query", name)
                if expected is None and r.status_code in refused(op):
                    problems.append(f"{where}: {name}={value[:20]!r} should pass: {r.status_code} {r.text[:200]}")
                if expected is not None and not (got & expected):
                    problems.append(f"{where}: {name}={value[:20]!r} should be a 422 {sorted(expected)}: "
                                    f"{r.status_code} {r.text[:200]}")
    assert problems == [], "\n".join(problems)


def test_the_multipart_upload_is_what_the_service_validates(srv, doc):
    caller = Caller(srv)
    op = doc["paths"]["/api/v1/resume/upload"]["post"]
    r = caller.send("POST", "/api/v1/resume/upload", op, files={"other": ("a.txt", b"x", "text/plain")})
    assert "missing" in items_at(r, "body", "file"), r.text
    r = caller.send("POST", "/api/v1/resume/upload", op, files={"file": ("resume.txt", RESUME_TXT, "text/plain")})
    assert r.status_code == 202, r.text


# ---- responses: a whole journey against the documented schemas --------------------------------


def checked(contract, r):
    """Asserts that a response keeps the document (conftest's hook already did; this makes the
    test's own promise explicit) and returns it."""
    problems = contract.check(r.request.method, r.request.url.path, r.status_code,
                              r.headers.get("content-type"), r.content)
    assert problems == [], problems
    return r


def wait_task(client, token, task_id):
    def done():
        r = client.get(f"/api/v1/tasks/{task_id}", headers=auth(token))
        assert r.status_code == 200, r.text
        return r if r.json()["status"] in ("SUCCESS", "FAILURE") else None
    r = wait_for(done, timeout=TASK_TIMEOUT, interval=0.1, what=f"task {task_id}")
    assert r.json()["status"] == "SUCCESS", r.text
    return r


def test_real_responses_of_a_whole_journey_match_their_schemas(srv, contract):
    c = srv.client
    seen = set()

    def call(method, url, token=None, expect=None, **kw):
        headers = auth(token) if token else {}
        r = checked(contract, c.request(method, url, headers=headers, **kw))
        assert expect is None or r.status_code == expect, (method, url, r.status_code, r.text)
        found = contract.operation(method, url)
        if found:
            seen.add((method, found[0]))
        return r

    user = new_account(c)
    t = user["access"]
    for path in ("/health", "/ready", "/metrics", "/openapi.json"):
        call("GET", path, expect=200)
    call("GET", "/api/v1/auth/me", t, 200)
    call("PATCH", "/api/v1/auth/me", t, 200, json={"full_name": "Journey Person"})
    call("POST", "/api/v1/auth/refresh", expect=200, json={"refresh_token": user["refresh"]})
    call("POST", "/api/v1/auth/resend-verification", expect=200, json={"email": user["email"]})
    call("POST", "/api/v1/auth/reset-password-request", expect=200, json={"email": user["email"]})

    up = call("POST", "/api/v1/resume/upload", t, 202, files={"file": ("resume.txt", RESUME_TXT, "text/plain")})
    rid = up.json()["id"]
    checked(contract, wait_task(c, t, up.json()["task_id"]))
    call("GET", "/api/v1/resume", t, 200)
    call("GET", f"/api/v1/resume/{rid}", t, 200)
    call("PUT", f"/api/v1/resume/{rid}", t, 200, json={"title": "Journey", "tags": ["a"]})
    for part in ("", "/skills", "/experience", "/education"):
        call("GET", f"/api/v1/resume/analysis/{rid}{part}", t, 200)
    m = call("POST", f"/api/v1/resume/analysis/{rid}/match", t, 202, json={"job_description": "Python and SQL"})
    checked(contract, wait_task(c, t, m.json()["task_id"]))
    call("GET", f"/api/v1/resume/{rid}", t, 200)  # now with a job match in its analysis
    call("GET", f"/api/v1/resume/analysis/{rid}/matches", t, 200)
    call("PATCH", f"/api/v1/resume/{rid}/analysis", t, 200,
         json={"skills": ["Python", {"name": "SQL", "category": "database"}], "location": "Leeds"})
    call("GET", f"/api/v1/resume/{rid}/analysis/versions", t, 200)
    call("PATCH", f"/api/v1/resume/{rid}/analysis", t, 422, json={"experience": [{"start_date": "2020-13"}]})
    share = call("POST", f"/api/v1/resume/sharing/{rid}/share", t, 200, json={"is_public": True, "expiry_days": 3})
    call("GET", f"/api/v1/resume/sharing/{rid}/share-status", t, 200)
    call("GET", f"/api/v1/resume/sharing/shared/{share.json()['share_token']}", expect=200)
    for fmt in ("original", "json", "txt", "md"):
        call("GET", f"/api/v1/resume/export/{rid}/download", t, 200, params={"format": fmt})
    call("GET", f"/api/v1/resume/export/{rid}/preview", t, 200)
    v2 = call("POST", f"/api/v1/resume/version/{rid}/create-version", t, 201).json()["id"]
    call("GET", f"/api/v1/resume/version/{rid}/versions", t, 200)
    call("GET", f"/api/v1/resume/version/{rid}/version/2", t, 200)
    call("POST", f"/api/v1/resume/analysis/{v2}/reanalyze", t, 202)

    s = call("POST", "/api/v1/interview/start", t, 202,
             json={"resume_id": rid, "question_count": 5, "follow_ups": False}).json()
    checked(contract, wait_task(c, t, s["task_id"]))
    session = call("GET", f"/api/v1/interview/{s['id']}", t, 200).json()
    for q in session["questions"]:
        call("GET", f"/api/v1/interview/{s['id']}/next", t, 200)
        a = call("POST", f"/api/v1/interview/{s['id']}/{q['id']}/answer", t, 200,
                 json={"answer_text": "I designed the service, measured it and cut latency by half.",
                       "time_taken_seconds": 30})
        checked(contract, wait_task(c, t, a.json()["evaluation_task_id"]))
    call("GET", f"/api/v1/interview/{s['id']}/next", t, 204)
    done = call("POST", f"/api/v1/interview/{s['id']}/complete", t, 202)
    checked(contract, wait_task(c, t, done.json()["task_id"]))
    call("GET", f"/api/v1/interview/{s['id']}", t, 200)
    call("GET", f"/api/v1/interview/{s['id']}/summary", t, 200)
    call("GET", "/api/v1/interview/history", t, 200)
    call("GET", "/api/v1/dashboard/stats", t, 200)
    call("GET", "/api/v1/auth/me/export", t, 200)

    adm = admin_session(srv)
    a = adm["access"]
    call("GET", "/api/v1/admin/stats", a, 200)
    call("GET", "/api/v1/admin/users", a, 200)
    call("GET", f"/api/v1/admin/users/{user['id']}", a, 200)
    call("PATCH", f"/api/v1/admin/users/{user['id']}/role", a, 200, json={"role": "user"})
    call("PATCH", f"/api/v1/admin/users/{user['id']}/activate", a, 200)
    tasks = call("GET", "/api/v1/admin/tasks", a, 200).json()["items"]
    assert tasks
    # Errors keep their documented shapes too.
    call("GET", f"/api/v1/resume/{uuid.uuid4()}", t, 404)
    call("GET", "/api/v1/resume", None, 401)
    call("GET", "/api/v1/admin/stats", t, 403)
    call("POST", f"/api/v1/interview/{s['id']}/complete", t, 409)
    call("GET", "/api/v1/resume", t, 422, params={"limit": 0})

    call("DELETE", f"/api/v1/resume/version/{rid}/version/2", t, 204)
    call("POST", f"/api/v1/resume/sharing/{rid}/unshare", t, 204)
    call("DELETE", f"/api/v1/resume/{rid}", t, 204)
    call("POST", "/api/v1/auth/change-password", t, 200,
         json={"old_password": PASSWORD, "new_password": "An0ther#Passw0rd"})
    call("PATCH", f"/api/v1/admin/users/{user['id']}/deactivate", a, 200)
    call("PATCH", f"/api/v1/admin/users/{user['id']}/activate", a, 200)
    pair = try_login(c, user["email"], "An0ther#Passw0rd").json()
    call("POST", "/api/v1/auth/logout", pair["access_token"], 200)
    pair = try_login(c, user["email"], "An0ther#Passw0rd").json()
    call("POST", "/api/v1/auth/logout-all", pair["access_token"], 200)
    pair = try_login(c, user["email"], "An0ther#Passw0rd").json()
    call("DELETE", "/api/v1/auth/me", pair["access_token"], 204, json={"password": "An0ther#Passw0rd"})
    # The journey reached most of the API's operations (the rest are covered by the hook in
    # the other modules).
    assert len(seen) >= 45, sorted(seen)


def test_the_response_check_catches_drift(srv, contract):
    """What the hook would say if a renderer and its table drifted apart."""
    user = new_account(srv.client)
    r = srv.client.get("/api/v1/auth/me", headers=auth(user["access"]))
    body = r.json()
    check = lambda value, status=200, ctype="application/json": contract.check(  # noqa: E731
        "GET", "/api/v1/auth/me", status, ctype, json.dumps(value).encode())
    assert check(body) == []
    assert check({**body, "password_hash": "x"}), "an undocumented field"
    assert check({k: v for k, v in body.items() if k != "role"}), "a missing field"
    assert check({**body, "role": "owner"}), "a value outside the choices"
    assert check({**body, "created_at": "2026-01-01T00:00:00Z"}), "a timestamp without milliseconds"
    assert check({**body, "is_active": "yes"}), "a wrong type"
    assert check(body, status=418), "an undocumented status"
    assert check(body, ctype="text/html"), "an undocumented content type"
    assert check({"detail": "x", "code": "NOT_A_CODE"}, status=401), "an undocumented error code"


def test_every_server_client_holds_its_responses_to_the_document(srv, monkeypatch):
    """conftest.py installs the check on Server.client: a response that broke the document
    would fail whatever test received it."""
    hooks = srv.client.event_hooks["response"]
    assert len(hooks) == 1 and isinstance(hooks[0].__self__, Contract)
    contract = hooks[0].__self__
    monkeypatch.setattr(contract, "check", lambda *args: ["a made-up problem"])
    with pytest.raises(ContractError, match="a made-up problem"):
        srv.client.get("/health")


# ---- docs/api.md -------------------------------------------------------------------------------


def index_rows():
    """(METHOD, path, auth, status) of the endpoint index at the end of docs/api.md."""
    text = (REPO / "docs" / "api.md").read_text()
    start = text.index("## Appendix A. Endpoint index")
    rows = []
    for line in text[start:].splitlines():
        m = re.match(r"\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`([^`]+)`\s*\|\s*(\w+)\s*\|\s*(\d{3})\s*\|", line)
        if m:
            rows.append((m.group(1), m.group(2), m.group(3), m.group(4)))
    return rows


def test_docs_api_md_indexes_exactly_the_documented_operations(doc):
    expected = []
    for method, path, op in operations(doc):
        who = "admin" if op.get("x-required-role") == "admin" else "user" if op.get("security") == [
            {"bearerAuth": []}] else "none"
        status = min(s for s in op["responses"] if s.startswith("2"))
        expected.append((method, path, who, status))
    rows = index_rows()
    table = "\n".join(f"| {m} | `{p}` | {a} | {s} |" for m, p, a, s in expected)
    assert sorted(rows) == sorted(expected), f"docs/api.md Appendix A should list:\n{table}"


def test_docs_api_md_sections_cited_in_the_code_exist():
    """Every `docs/api.md §N.M` cited in the code, the web app and the tests names a section."""
    text = (REPO / "docs" / "api.md").read_text()
    sections = set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", text, re.M))
    cited = set()
    for root in ("src", "web/app", "tests", "scripts"):
        for f in (REPO / root).rglob("*"):
            if f.is_file() and f.suffix in (".c", ".h", ".py", ".js", ".mjs", ".sh"):
                cited |= set(re.findall(r"api\.md §(\d+(?:\.\d+)?)", f.read_text(errors="replace")))
    assert cited, "no citations found"
    assert cited <= sections, sorted(cited - sections)
