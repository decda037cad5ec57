"""The OpenAPI document as a contract every real response is held to.

conftest.py fetches /openapi.json once per test session and installs Contract.check as a
response hook of every Server.client, so each response the integration tests receive from a
documented operation is checked: its status must be documented for that operation, its content
type must be one documented for that status, and a JSON body must validate against the
documented schema (JSON Schema 2020-12, python3-jsonschema). The response schemas are closed
(no undocumented field) and list every field as required, so a renderer that gains, loses or
retypes a field without its table in src/api/ fails the test that saw it. Responses of
undocumented paths (404s, /__test) and HEAD/OPTIONS are not checked.

Set IA_CONTRACT_CHECK=0 to turn the hook off while debugging something else.
"""

import json
import re

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.validators import RefResolver

DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

FORMATS = FormatChecker()


@FORMATS.checks("date-time")
def _date_time(value):
    """docs/api.md §1.1: ISO-8601 UTC with milliseconds and Z."""
    return not isinstance(value, str) or bool(DATE_TIME.match(value))


@FORMATS.checks("uuid")
def _uuid(value):
    """Ids are lowercase UUID strings."""
    return not isinstance(value, str) or bool(UUID.match(value))


class ContractError(AssertionError):
    pass


def _segments(path):
    if path != "/" and path.endswith("/"):
        path = path[:-1]
    return path.split("/")[1:] if path != "/" else [""]


class Contract:
    def __init__(self, doc):
        self.doc = doc
        self.resolver = RefResolver.from_schema(doc)
        self.templates = []
        for template, item in doc["paths"].items():
            segs = _segments(template)
            kinds = [s.startswith("{") for s in segs]
            self.templates.append((template, segs, kinds, item))

    def schema_validator(self, schema):
        return Draft202012Validator(schema, resolver=self.resolver, format_checker=FORMATS)

    def resolve(self, schema):
        """Follows a top-level $ref."""
        while isinstance(schema, dict) and "$ref" in schema and len(schema) == 1:
            _, schema = self.resolver.resolve(schema["$ref"])
        return schema

    def match(self, path):
        """The documented path template for a request path, as the router would pick it: a
        literal segment wins over a parameter at the first position where two differ."""
        segs = _segments(path)
        best = None
        for template, tsegs, kinds, item in self.templates:
            if len(tsegs) != len(segs):
                continue
            if any(not k and t != s for t, s, k in zip(tsegs, segs, kinds)):
                continue
            if any(k and s == "" for s, k in zip(segs, kinds)):
                continue
            if best is None or kinds < best[2]:
                best = (template, tsegs, kinds, item)
        return best

    def operation(self, method, path):
        """(template, operation) for a request, or None when it is not documented."""
        found = self.match(path)
        if found is None:
            return None
        op = found[3].get(method.lower())
        return (found[0], op) if op is not None else None

    def check(self, method, path, status, content_type, body):
        """The problems of one response, as readable lines (empty when it keeps the contract)."""
        if method.upper() in ("HEAD", "OPTIONS"):
            return []
        found = self.operation(method, path)
        if found is None:
            return []
        template, op = found
        where = f"{method.upper()} {template} -> {status}"
        documented = op["responses"].get(str(status))
        if documented is None:
            return [f"{where}: status {status} is not documented (documented: {sorted(op['responses'])})"]
        content = documented.get("content") or {}
        if not body:
            if content and status != 204 and not any(m.startswith("text/") for m in content):
                return [f"{where}: an empty body, documented {sorted(content)}"]
            return []
        media = (content_type or "").split(";")[0].strip().lower()
        if media not in content:
            return [f"{where}: content type {content_type!r} is not documented ({sorted(content)})"]
        if media != "application/json":
            return []
        try:
            value = json.loads(body)
        except ValueError as exc:
            return [f"{where}: the body is not JSON: {exc}"]
        schema = content[media].get("schema", {})
        errors = sorted(self.schema_validator(schema).iter_errors(value), key=lambda e: list(e.path))
        return [f"{where}: at {'/'.join(map(str, e.path)) or '(root)'}: {e.message[:300]}" for e in errors[:10]]

    def hook(self, response):
        """httpx response hook: raises ContractError for a response that breaks the contract."""
        request = response.request
        response.read()
        problems = self.check(request.method, request.url.path, response.status_code,
                              response.headers.get("content-type"), response.content)
        if problems:
            raise ContractError("the response breaks the OpenAPI document:\n  " + "\n  ".join(problems)
                                + f"\nbody: {response.text[:800]}")
