"""Worked cases: a scenario, the section it checks, the arithmetic done by hand, and
the values yibao must give (format: docs/cases.md).

:func:`load_case` reads a case file (TOML or JSON) with errors naming the file and the
field path; :func:`check_case` evaluates it and compares every expected value given;
:func:`run_cases` does both for files and folders. ``yibao test PATH…`` prints the
outcomes, the repository's tests/test_cases.py and a scaffolded plugin's tests use the
same functions, so a case passes or fails the same way everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from yibao.errors import InputError, MalformedInput, YibaoError
from yibao.model import Scenario
from yibao.registry import Registry, default_registry, load_overlays
from yibao.results import ClaimResult, ClaimStatus, RegionResult

CASE_SUFFIXES = (".toml", ".json")

_Text = Annotated[str, msgspec.Meta(min_length=1)]


class Expect(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The values a case checks; each is optional, and only what is given is checked."""

    eligible: bool | None = None
    category: str | None = None
    premium_individual: str | None = None
    """What the person pays themselves, a decimal string (``"not_published"``: the
    share is not known)."""
    premium_government: Decimal | None = None
    """What the government pays for them (the sum of the ``government`` parts)."""
    coverage_start: str | None = None
    """The first day of cover (an ISO date), or ``"undetermined"``."""
    claims: dict[str, dict[str, Any]] = {}
    """Claim id → ``status`` and amounts (decimal strings) by layer name or ``patient``.
    (Checked by :func:`load_case`, so an error names the claim and the key.)"""
    totals: dict[str, Any] = {}
    """The year's totals (decimal strings) by layer name or ``patient``."""
    carried: tuple[str, ...] = ()
    """Parameter keys the answer must flag as carried from an earlier year's source."""
    not_published: tuple[str, ...] = ()
    """Parameter keys the answer must report as not published."""
    premium_parts: dict[str, str] = {}
    """What each payer pays of the premium (``individual``, ``government``,
    ``family_account`` …), or ``"not_published"``."""
    premium_steps: tuple[str, ...] = ()
    """Values some step of the premium's explanation shows."""
    coverage_steps: tuple[str, ...] = ()
    """Values some step of the cover's explanation shows."""
    notices: tuple[str, ...] = ()
    """Notices the answer must give, as ``kind:key`` (``warning:critical_illness.scope``)."""
    notices_absent: tuple[str, ...] = ()
    """Notices the answer must not give."""


class WorkedCase(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One hand-worked case file (docs/cases.md)."""

    title: str = ""
    cite: _Text
    """The section(s) of the source the case checks."""
    region: _Text
    working: _Text
    """The arithmetic done by hand."""
    params: str | None = None
    """A parameter overlay file, relative to the case file."""
    scenario: Scenario
    """The scenario, of the scenario type of the loaded regions (their declared facts
    included, :mod:`yibao.facts`)."""
    expect: Expect


class _CaseFile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A case file as read: the scenario is checked next, against the loaded regions'
    scenario type."""

    title: str = ""
    cite: _Text
    region: _Text
    working: _Text
    params: str | None = None
    scenario: dict[str, Any]
    expect: Expect


class Difference(msgspec.Struct, frozen=True, kw_only=True):
    """One checked value that came out other than expected."""

    field: str
    """``eligible``, ``premium_individual``, ``c1.basic_fund``, ``totals.patient`` …"""
    expected: str
    got: str


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    """What became of one case: ``pass``, ``fail`` (with the differences) or ``error``
    (the file or the region could not be read or answer; ``error`` says why)."""

    path: str
    status: Literal["pass", "fail", "error"]
    title: str = ""
    cite: str = ""
    region: str = ""
    checked: int = 0
    """How many values were compared."""
    differences: tuple[Difference, ...] = ()
    error: str | None = None
    working: str = ""


# -------------------------------------------------------------------------------------
# Reading
# -------------------------------------------------------------------------------------


def load_case(path: Path | str, *, registry: Registry | None = None) -> WorkedCase:
    """Read and check one case file (TOML, or JSON for ``.json``); the scenario may use
    the facts ``registry``'s regions declare (default: the installed regions).

    Raises :class:`~yibao.errors.InputError` naming the file, the field path (e.g.
    ``$.expect.claims.c1.basic_fund``) and what was expected.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read the case file: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedInput(str(path), f"not UTF-8 text ({exc.reason})") from None
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MalformedInput(str(path), f"not valid JSON: {exc}") from None
    else:
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise MalformedInput(str(path), f"not valid TOML: {exc}") from None
    from yibao.scenario_io import field_message, scenario_type

    # Through JSON, so a TOML date and a JSON date string decode alike.
    try:
        raw = msgspec.json.decode(msgspec.json.encode(doc), type=_CaseFile)
    except msgspec.ValidationError as exc:
        raise InputError(str(path), field_message(exc)) from None
    _check_expect(raw.expect, str(path))
    try:
        scenario = msgspec.json.decode(
            msgspec.json.encode(raw.scenario), type=scenario_type(registry)
        )
    except msgspec.ValidationError as exc:
        message = field_message(exc)
        where = "$.scenario" + message[1:] if message.startswith("$") else message
        raise InputError(str(path), where) from None
    fields = {f: getattr(raw, f) for f in raw.__struct_fields__ if f != "scenario"}
    return WorkedCase(**fields, scenario=scenario)


def _check_expect(expect: Expect, where: str) -> None:
    statuses = ClaimStatus.__args__  # type: ignore[attr-defined]
    if expect == Expect():
        raise InputError(where, "$.expect: the case checks nothing; give at least one value")
    start = expect.coverage_start
    if start is not None and start != "undetermined":
        try:
            dt.date.fromisoformat(start)
        except ValueError:
            raise InputError(
                where,
                f'$.expect.coverage_start: expected a date or "undetermined", got {start!r}',
            ) from None
    for claim_id, want in expect.claims.items():
        for key, value in want.items():
            at = f"$.expect.claims.{claim_id}.{key}"
            if key == "status":
                if value not in statuses:
                    raise InputError(
                        where, f"{at}: expected one of {', '.join(statuses)}, got {value!r}"
                    )
            elif key == "steps":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise InputError(where, f"{at}: expected a list of the values steps show")
            elif value != "not_published":
                _check_amount(value, at, where)
    for key, value in expect.totals.items():
        _check_amount(value, f"$.expect.totals.{key}", where)
    shares = {"premium_individual": expect.premium_individual} | {
        f"premium_parts.{k}": v for k, v in expect.premium_parts.items()
    }
    for key, value in shares.items():
        if value is not None and value != "not_published":
            _check_amount(value, f"$.expect.{key}", where)


def _check_amount(value: object, at: str, where: str) -> None:
    try:
        if isinstance(value, str) and Decimal(value).is_finite():
            return
    except ArithmeticError:
        pass
    raise InputError(where, f'{at}: expected a decimal string such as "730.00", got {value!r}')


def case_files(paths: Iterable[Path | str]) -> list[Path]:
    """The case files named by ``paths``: files as given, folders searched recursively
    for ``*.toml`` and ``*.json`` (sorted)."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in CASE_SUFFIXES))
        else:
            found.append(path)
    return found


# -------------------------------------------------------------------------------------
# Checking
# -------------------------------------------------------------------------------------


def check_case(
    path: Path | str, *, registry: Registry | None = None, case: WorkedCase | None = None
) -> Outcome:
    """Evaluate the case in ``path`` and compare every expected value; never raises
    for a bad file or a region that cannot answer (the outcome is ``error``)."""
    path = Path(path)
    try:
        case = case or load_case(path, registry=registry)
        result = evaluate_case(case, path, registry=registry)
    except YibaoError as exc:
        return Outcome(path=str(path), status="error", error=str(exc))
    head = dict(
        path=str(path),
        title=case.title,
        cite=case.cite,
        region=case.region,
        working=case.working,
    )
    if result.status != "ok":
        return Outcome(**head, status="error", error=result.error)
    checked = list(compare_expected(result, case.expect))
    differences = tuple(d for d in checked if d is not None)
    return Outcome(
        **head,
        status="fail" if differences else "pass",
        checked=len(checked),
        differences=differences,
    )


def evaluate_case(
    case: WorkedCase, path: Path, *, registry: Registry | None = None
) -> RegionResult:
    """The region's answer for the case's scenario (with its overlay, if it names one)."""
    from yibao.api import evaluate

    overlays = load_overlays([path.parent / case.params]) if case.params else []
    return evaluate(case.scenario, case.region, params=overlays, registry=registry)


def compare_expected(result: RegionResult, expect: Expect) -> Iterator[Difference | None]:
    """One item per value checked: ``None`` when it matches, else the difference."""

    def check(field: str, got: object, want: object) -> Difference | None:
        if got == want:
            return None
        return Difference(field=field, expected=_show(want), got=_show(got))

    if expect.eligible is not None:
        got = result.eligibility.eligible if result.eligibility else None
        yield check("eligible", got, expect.eligible)
    if expect.category is not None:
        yield check("category", result.eligibility and result.eligibility.category, expect.category)
    premium = result.premium
    if expect.premium_individual is not None:
        got = premium.individual if premium else None
        yield check("premium_individual", got, _expected(expect.premium_individual))
    if expect.premium_government is not None:
        parts = premium.parts if premium else ()
        got = sum((p.amount for p in parts if p.payer == "government" and p.amount), Decimal(0))
        yield check("premium_government", got, expect.premium_government)
    for payer, want in expect.premium_parts.items():
        amounts = [p.amount for p in (premium.parts if premium else ()) if p.payer == payer]
        if not amounts:
            yield Difference(field=f"premium_parts.{payer}", expected=_show(want), got="no part")
            continue
        got = None if None in amounts else sum(amounts, Decimal(0))  # type: ignore[arg-type]
        yield check(f"premium_parts.{payer}", got, _expected(want))
    for part, values in (("premium", expect.premium_steps), ("coverage", expect.coverage_steps)):
        found = getattr(result, part)
        shown = {s.value for s in found.steps} if found is not None else set()
        for value in values:
            yield check(f"{part}_steps: {value}", value in shown, True)
    codes = {f"{n.kind}:{n.key or n.text_en}" for n in result.notices}
    for code in expect.notices:
        yield check(f"notices: {code}", code in codes, True)
    for code in expect.notices_absent:
        yield check(f"notices_absent: {code}", code in codes, False)
    if expect.coverage_start is not None:
        start = result.coverage.start if result.coverage else None
        want = expect.coverage_start
        yield check(
            "coverage_start",
            start,
            None if want == "undetermined" else dt.date.fromisoformat(want),
        )
    for kind, keys in (("carried", expect.carried), ("not_published", expect.not_published)):
        flagged = {n.key for n in result.notices if n.kind == kind}
        for key in keys:
            yield check(f"{kind}: {key}", key in flagged, True)
    claims = {c.claim_id: c for c in result.claims}
    for claim_id, want in expect.claims.items():
        claim = claims.get(claim_id)
        if claim is None:
            yield Difference(field=claim_id, expected="a claim", got="missing from the result")
            continue
        for key, value in want.items():
            if key == "steps":
                shown = {s.value for s in claim.steps} | {
                    s.value for p in claim.layers for s in p.steps
                }
                for v in value:
                    yield check(f"{claim_id}.steps: {v}", v in shown, True)
                continue
            got = claim.status if key == "status" else _claim_amount(claim, key)
            yield check(f"{claim_id}.{key}", got, value if key == "status" else _expected(value))
    for key, amount in expect.totals.items():
        totals = result.totals
        if totals is None:
            got = None
        else:
            got = totals.patient if key == "patient" else totals.layers.get(key, Decimal("0"))
        yield check(f"totals.{key}", got, Decimal(amount))


def _expected(amount: str) -> Decimal | None:
    """An expected amount; ``"not_published"`` expects none."""
    return None if amount == "not_published" else Decimal(amount)


def _claim_amount(claim: ClaimResult, key: str) -> Decimal | None:
    return claim.patient if key == "patient" else claim.paid_by(key)


def _show(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def run_cases(paths: Iterable[Path | str], *, registry: Registry | None = None) -> list[Outcome]:
    """Check every case file named by ``paths`` (see :func:`case_files`)."""
    registry = registry or default_registry()
    return [check_case(p, registry=registry) for p in case_files(paths)]
