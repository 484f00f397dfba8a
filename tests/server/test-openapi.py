"""docs/api/openapi.yaml and egov-sim stay in step: every path and method
the document lists is served (not 404 "no such resource", not 405), and the
answers carry the fields the document requires."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simtest as s  # noqa: E402
import tap  # noqa: E402
from tap import check, eq  # noqa: E402

try:
    import yaml
except ImportError:  # pragma: no cover
    yaml = None

SPEC = None


def setup_module():
    global SPEC
    if yaml:
        with open(os.path.join(os.environ.get("EGOV_SRCDIR", "."), "docs/api/openapi.yaml")) as f:
            SPEC = yaml.safe_load(f)
    s.start(dossiers=300)


def teardown_module():
    s.stop()


def test_every_documented_path_is_served():
    if not SPEC:
        tap.skip("no PyYAML")
    eq(SPEC["openapi"], "3.1.0", "OpenAPI 3.1")
    d = s.search("supervisor", state="received")[0]
    doc = s.get(f"/api/v1/dossiers/{d['id']}", "supervisor")[2]["documents"][0]["id"]
    for path, ops in SPEC["paths"].items():
        url = "/api/v1" + path.replace("{id}", d["id"]).replace("{doc_id}", doc)
        for method in ops:
            body = {"action": "comment", "text": "x"} if method == "post" else None
            if path == "/auth/token":
                body = {"grant_type": "password", "username": "officer", "password": "demo"}
            hdr = {"Idempotency-Key": f"openapi-{path}"} if path.endswith("/actions") else {}
            tok = s.SIM.login("supervisor") if path == "/auth/logout" else s.token("supervisor")
            st, _, b = s.SIM.request(method.upper(), url, body, token=tok, headers=hdr)
            check(st not in (404, 405), f"{method.upper()} {path}: {st} {b}")


def required(schema):
    if "$ref" in schema:
        return required(SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]])
    out = set(schema.get("required", []))
    for part in schema.get("allOf", []):
        out |= required(part)
    return out


def test_answers_have_the_required_fields():
    if not SPEC:
        tap.skip("no PyYAML")
    sch = SPEC["components"]["schemas"]
    d = s.search("supervisor", limit=1)[0]
    full = s.get(f"/api/v1/dossiers/{d['id']}", "supervisor")[2]
    check(required({"$ref": "#/components/schemas/Dossier"}) <= set(full), "Dossier fields")
    check(required(sch["DossierSummary"]) <= set(d), "DossierSummary fields")
    me = s.get("/api/v1/me", "officer")[2]
    check(required(sch["User"]) <= set(me), "User fields")
    for name, path in (("Agency", "/api/v1/agencies"), ("Procedure", "/api/v1/procedures")):
        item = s.get(path, "officer")[2]["items"][0]
        check(required(sch[name]) <= set(item), f"{name} fields")
    row = s.get("/api/v1/reports/agencies", "supervisor")[2]["items"][0]
    check(required(sch["ReportRow"]) <= set(row), "ReportRow fields")
    page = s.get("/api/v1/changes?limit=1", "officer")[2]
    check(required(sch["ChangePage"]) <= set(page), "ChangePage fields")
    check(required(sch["Change"]) <= set(page["changes"][0]), "Change fields")
    codes = set(sch["Problem"]["properties"]["code"]["enum"])
    eq(len(codes), 12, "the contract's twelve codes")


tap.main(globals())
