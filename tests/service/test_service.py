"""``yibao serve``, called over real HTTP: the same bytes as the CLI, the CLI's error
messages with 400/422 (never a traceback), limits, the token, the OpenAPI document
generated from the model, and logs without scenario data."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import msgspec
import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, YIBAO, Server, start
from yibao.cli import main
from yibao.registry import Registry
from yibao.results import FORMAT_VERSION, RegionResult
from yibao.scenario_io import load_scenario

STROKE = next(p for p in EXAMPLES if p.name == "elderly-stroke-admission.toml")


def as_json(path: Path) -> bytes:
    return msgspec.json.encode(load_scenario(path))


def cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    """The installed ``yibao`` command, as a user runs it."""
    return subprocess.run([str(YIBAO), *args], capture_output=True, check=False, timeout=120)


def home_region(path: Path) -> str:
    """The region whose plugin bundles the example (plugins/<code>/…)."""
    return path.parts[path.parts.index("plugins") + 1]


# -- the same answers as the CLI ------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_bundled_example_is_byte_identical_to_the_cli(
    http: httpx.Client, example: Path
) -> None:
    region = home_region(example)
    answer = http.post(f"/evaluate?region={region}", content=as_json(example))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    printed = cli("evaluate", str(example), "--region", region, "--json")
    assert printed.returncode == 0, printed.stderr
    assert answer.content == printed.stdout


def test_the_stroke_example_settles_as_worked_by_hand(http: httpx.Client) -> None:
    """changzhou-resident-2025 §三(一): elderly, level 3: (50,000 − 1,000) × 70% = 34,300.00;
    §一(三): the elderly premium 730.00."""
    result = msgspec.json.decode(
        http.post("/evaluate?region=changzhou", content=as_json(STROKE)).content,
        type=RegionResult,
    )
    assert result.format_version == FORMAT_VERSION
    stroke = next(c for c in result.claims if c.claim_id == "stroke")
    assert str(stroke.paid_by("basic_fund")) == "34300.00"
    assert str(result.premium.individual) == "730.00"  # type: ignore[union-attr]


def test_every_example_in_every_region_matches_the_cli(
    http: httpx.Client, registry: Registry
) -> None:
    """Each example evaluated as given in each region offering its scheme (where the
    person does not live too) — the region's own error or refusal included."""
    runner = CliRunner()
    checked = 0
    for example in EXAMPLES:
        scheme = load_scenario(example).person.scheme
        for code in registry.codes():
            if scheme not in registry.region(code).layers:
                continue
            answer = http.post(f"/evaluate?region={code}", content=as_json(example))
            printed = runner.invoke(main, ["evaluate", str(example), "-r", code, "--json"])
            assert answer.status_code == 200
            assert answer.text == printed.stdout, (example.name, code)
            checked += 1
    assert checked >= 17


def test_a_toml_body_is_read_like_a_scenario_file(http: httpx.Client) -> None:
    answer = http.post(
        "/evaluate?region=changzhou",
        content=STROKE.read_bytes(),
        headers={"content-type": "application/toml"},
    )
    printed = cli("evaluate", str(STROKE), "--region", "changzhou", "--json")
    assert answer.content == printed.stdout


def test_compare_is_byte_identical_to_the_cli(http: httpx.Client) -> None:
    answer = http.post("/compare?regions=changzhou,xuzhou,changli", content=as_json(STROKE))
    printed = cli("compare", str(STROKE), "--regions", "changzhou,xuzhou,changli", "--json")
    assert answer.status_code == 200 and answer.content == printed.stdout
    given = http.post("/compare?regions=xuzhou&as_given=true", content=as_json(STROKE))
    printed = cli("compare", str(STROKE), "--regions", "xuzhou", "--as-given", "--json")
    assert given.content == printed.stdout


def test_regions_is_the_cli_s_listing(http: httpx.Client) -> None:
    answer = http.get("/regions")
    assert answer.content == cli("regions", "--json").stdout
    assert {r["code"] for r in answer.json()} >= {"changzhou", "xuzhou", "changli"}


def test_batch_streams_the_records_yibao_batch_writes(http: httpx.Client, tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    assert cli("synth", "--n", "4", "--seed", "7", "-o", str(cases)).returncode == 0
    bad = b'{"year": "2025"}\n'
    body = cases.read_bytes() + bad
    out = tmp_path / "out.jsonl"
    done = cli("batch", str(cases), "--regions", "changzhou,xuzhou", "-o", str(out))
    assert done.returncode == 0, done.stderr

    def chunks():  # sent in pieces that cut lines in two: a streamed upload
        for i in range(0, len(body), 97):
            yield body[i : i + 97]

    answer = http.post("/batch?regions=changzhou,xuzhou", content=chunks())
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/x-ndjson"
    lines = answer.content.splitlines(keepends=True)
    assert b"".join(lines[:8]) == out.read_bytes()
    assert [json.loads(line)["error"] for line in lines[8:]] == [
        "line 5: $.year: Expected `int`, got `str`"
    ] * 2


# -- parameter look-up ----------------------------------------------------------------


def test_parameters_on_a_date_with_citations(http: httpx.Client) -> None:
    """changzhou-resident-2025 §三(一): the elderly level-3 deductible 1,000.00."""
    answer = http.get("/parameters/changzhou?on=2025-06-01&scheme=resident&prefix=inpatient.")
    assert answer.status_code == 200
    doc = answer.json()
    assert (doc["region"], doc["on"], doc["prefix"]) == ("changzhou", "2025-06-01", "inpatient.")
    (scheme,) = doc["schemes"]
    rows = {v["key"]: v for v in scheme["parameters"]}
    level3 = rows["inpatient.deductible.adult.level3"]
    assert (level3["status"], level3["value"], level3["cite"], level3["origin"]) == (
        "in_force", "1000.00", "changzhou-resident-2025 §三(一)", "bundled")  # fmt: skip
    assert all(key.startswith("inpatient.") for key in rows)
    printed = cli("params", "changzhou", "inpatient.", "--on", "2025-06-01", "--scheme",
                  "resident", "--json")  # fmt: skip
    assert answer.content == printed.stdout  # the same look-up as `yibao params --json`


def test_the_jiangsu_cap_is_a_gap_before_july_and_a_value_from_it(http: httpx.Client) -> None:
    """jiangsu-enrollment-incentives-2025 二.3: the province-wide 500,000 cap from
    2025-07-01; before that no loaded source gives 常州's own cap."""

    def cap(on: str) -> dict:
        query = f"on={on}&scheme=resident&prefix=critical_illness.cap"
        rows = http.get(f"/parameters/changzhou?{query}").json()["schemes"][0]["parameters"]
        return next(r for r in rows if r["key"] == "critical_illness.cap")

    june = cap("2025-06-30")
    assert (june["status"], june["value"]) == ("not_published", None) and june["reason"]
    july = cap("2025-07-01")
    assert (july["status"], july["value"], july["cite"], july["layer"]) == (
        "in_force", "500000.00", "jiangsu-enrollment-incentives-2025 二.3", "jiangsu")  # fmt: skip


def test_a_declared_gap_says_why(http: httpx.Client) -> None:
    doc = http.get("/parameters/changzhou?on=2025-06-01&scheme=resident&prefix=category.").json()
    rows = doc["schemes"][0]["parameters"]
    gap = next(r for r in rows if r["key"] == "category.elderly_min_age")
    assert gap["status"] == "not_published"
    assert gap["cite"] == "changzhou-resident-2025 §一(三)" and gap["reason"]


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/parameters/atlantis", 404, "unknown region 'atlantis'; installed regions:"),
        ("/parameters/changzhou?on=2025-13-01", 400, "query parameter on: expected a date"),
        ("/parameters/xuzhou?scheme=employee", 422, "region 'xuzhou' has no 'employee' scheme"),
    ],
)
def test_parameter_look_up_errors(http: httpx.Client, path: str, status: int, message: str) -> None:
    answer = http.get(path)
    assert answer.status_code == status
    assert answer.json()["status"] == status and message in answer.json()["error"]


# -- bad input: the CLI's messages, 400/422, never a traceback ---------------------


def test_a_wrong_field_gets_the_cli_s_field_path_message(
    http: httpx.Client, tmp_path: Path
) -> None:
    case = json.loads(as_json(STROKE))
    case["claims"][0]["compliant"] = "fifty thousand"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(case))
    answer = http.post("/evaluate?region=changzhou", content=path.read_bytes())
    assert answer.status_code == 422
    printed = cli("evaluate", str(path), "--region", "changzhou")
    assert printed.returncode == 2
    cli_message = printed.stderr.decode().strip().removeprefix(f"yibao: error: {path}: ")
    assert answer.json() == {"status": 422, "error": f"request body: {cli_message}"}
    assert cli_message.startswith("$.claims[0].compliant: ")


@pytest.mark.parametrize(
    ("url", "body", "status", "message"),
    [
        ("/evaluate?region=changzhou", b'{"year": 2025,', 400, "request body: not valid JSON"),
        ("/evaluate?region=changzhou", b"\xff\xfe", 400, "request body: not valid JSON"),
        ("/evaluate?region=changzhou", b"[]", 422, "request body: Expected `object`, got `array`"),
        ("/evaluate?region=changzhou", b'{"year": 2025}', 422,
         "request body: the required field `person` is missing"),
        ("/evaluate?region=changzhou", b'{"year": 1e999}', 422, "request body: $.year"),
        ("/evaluate", b"{}", 400, "query parameter region is required"),
        ("/evaluate?region=atlantis", as_json(STROKE), 422, "unknown region 'atlantis'"),
        ("/compare?regions=changzhou,atlantis", b"{}", 422, "request body: the required field"),
        ("/compare?as_given=maybe", b"{}", 400, "query parameter as_given: expected true or"),
        ("/batch?regions=atlantis", b"", 422, "unknown region 'atlantis'"),
    ],
)  # fmt: skip
def test_bad_input_is_400_or_422_with_a_message(
    http: httpx.Client, url: str, body: bytes, status: int, message: str
) -> None:
    headers = {"content-type": "application/toml"} if body.startswith(b"# ") else {}
    answer = http.post(url, content=body, headers=headers)
    assert answer.status_code == status, answer.text
    assert message in answer.json()["error"]
    assert "Traceback" not in answer.text


def test_a_bad_toml_body_is_400(http: httpx.Client) -> None:
    answer = http.post("/evaluate?region=changzhou", content=b"year = = 2025",
                       headers={"content-type": "application/toml"})  # fmt: skip
    assert answer.status_code == 400 and "request body: not valid TOML" in answer.json()["error"]


def test_unknown_paths_and_methods(http: httpx.Client) -> None:
    assert http.get("/calculate").status_code == 404
    wrong = http.get("/evaluate")
    assert wrong.status_code == 405 and wrong.json()["error"] == "GET is not allowed on /evaluate"


# -- limits ---------------------------------------------------------------------------


def test_a_body_over_the_limit_is_413(http: httpx.Client) -> None:
    padded = as_json(STROKE)[:-1] + b', "title": "' + b"x" * 20_000 + b'"}'
    answer = http.post("/evaluate?region=changzhou", content=padded)
    assert answer.status_code == 413
    assert answer.json()["error"] == "request body: larger than the limit of 20000 bytes"

    def unsized():  # no Content-Length: counted while read
        yield padded

    assert http.post("/evaluate?region=changzhou", content=unsized()).status_code == 413


def test_a_batch_over_the_line_limit_answers_the_lines_within_it(http: httpx.Client) -> None:
    line = as_json(STROKE) + b"\n"
    answer = http.post("/batch?regions=changzhou", content=line * 7)
    records = [json.loads(x) for x in answer.content.splitlines()]
    assert [r.get("line") for r in records] == [1, 2, 3, 4, 5, None]
    assert records[-1] == {"error": "at most 5 lines in one batch"}


# -- the OpenAPI document --------------------------------------------------------------


def test_openapi_is_generated_from_the_model(http: httpx.Client) -> None:
    doc = http.get("/openapi.json").json()
    assert doc["openapi"] == "3.1.0"
    assert set(doc["paths"]) == {"/health", "/regions", "/parameters/{region}", "/evaluate",
                                 "/compare", "/batch", "/openapi.json"}  # fmt: skip
    _, components = msgspec.json.schema_components(
        [RegionResult], ref_template="#/components/schemas/{name}"
    )
    assert doc["components"]["schemas"]["RegionResult"] == json.loads(
        msgspec.json.encode(components["RegionResult"])
    )
    ok = doc["paths"]["/evaluate"]["post"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"] == {"$ref": "#/components/schemas/RegionResult"}
    assert doc["components"]["schemas"]["RegionResult"]["properties"]["format_version"] == {
        "type": "string", "default": FORMAT_VERSION}  # fmt: skip


# -- the token, the bind address, the logs ----------------------------------------------


def test_a_token_guards_every_path_but_health(tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text("s3cret-token\n")
    guarded = start("--token-file", str(secret))
    try:
        with guarded.client() as anyone, guarded.client("s3cret-token") as holder:
            assert anyone.get("/health").status_code == 200
            refused = anyone.get("/regions")
            assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
            with guarded.client("wrong") as wrong:
                assert wrong.post("/evaluate?region=changzhou", content=b"{}").status_code == 401
            assert holder.get("/regions").status_code == 200
            answer = holder.post("/evaluate?region=changzhou", content=as_json(STROKE))
            assert answer.status_code == 200
            spec = holder.get("/openapi.json").json()
            assert spec["security"] == [{"bearer": []}]
    finally:
        log = guarded.stop()
    assert "s3cret-token" not in log


def test_another_address_needs_a_token_or_an_explicit_no_token() -> None:
    refused = cli("serve", "--host", "0.0.0.0", "--port", "0")
    assert refused.returncode == 2
    assert b"--host 0.0.0.0 opens the service to other machines" in refused.stderr


def test_a_broken_overlay_stops_the_service_at_start(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.toml"
    overlay.write_text('layer = "x"\n[[parameter]]\nkey = "a"\n')
    done = cli("serve", "--port", "0", "--params", str(overlay))
    assert done.returncode == 2 and str(overlay).encode() in done.stderr


def test_no_scenario_data_reaches_the_log() -> None:
    marker = "王小明-330102195003021234"
    running = start()
    try:
        with running.client() as client:
            case = json.loads(as_json(STROKE))
            case["title"] = marker
            assert client.post("/evaluate?region=changzhou", json=case).status_code == 200
            case["claims"][0]["compliant"] = marker
            assert client.post("/evaluate?region=changzhou", json=case).status_code == 422
            assert client.post("/batch?regions=changzhou", json=case).status_code == 200
    finally:
        log = running.stop()
    assert '"POST /evaluate?region=changzhou HTTP/1.1" 422' in log  # the access log is on
    assert marker not in log


async def test_an_internal_failure_is_a_500_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug inside yibao (simulated: the engine raising) is answered with a short JSON
    error and logged by type and code location, not with the request's data. (In
    process: a real server has no such bug to trigger.)"""
    from yibao import api
    from yibao_service.app import make_app

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("王小明")

    app = make_app()
    monkeypatch.setattr(api, "evaluate", broken)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://yibao") as client:
        answer = await client.post("/evaluate?region=changzhou", content=as_json(STROKE))
    assert answer.status_code == 500
    assert answer.json() == {
        "status": 500,
        "error": "internal error in yibao (logged on the server)",
    }
    assert "KeyError" in caplog.text and "王小明" not in caplog.text


def test_server_fixture_stops_cleanly(server: Server) -> None:
    assert server.process.poll() is None  # still serving the module's other tests
