"""The conformance checks, as plain functions over an installed region.

:class:`Kit` evaluates the region's bundled examples, the personas (when a
distribution offers them through ``yibao.personas``) and generated scenarios once,
watching every hook
call, and each check reads what it needs. Nothing here imports pytest: ``yibao plugin
check`` runs the same checks and prints them.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Literal

import msgspec

from yibao.batch.plan import Planner
from yibao.batch.records import Record
from yibao.dispatch import monitor
from yibao.errors import YibaoError
from yibao.facts import check_declarations
from yibao.invariants import violations
from yibao.model import Claim, Scenario
from yibao.money import ZERO
from yibao.params import ParameterSet
from yibao.registry import Installed, Registry, Stack
from yibao.results import RegionResult
from yibao.steps.batch import FastPath, reads_birth_date, settlement_for
from yibao.testing import conform, generate

Status = Literal["pass", "fail", "skip"]

MAX_FINDINGS = 12
NOT_EXERCISED = (
    " — not exercised: no claim settled (the sources publish no benefit values?); "
    "run with --params giving fictional values to exercise it"
)


@dataclass
class CheckResult:
    """One check's verdict: what it covered and what it found."""

    name: str
    title: str
    status: Status
    summary: str
    findings: list[str] = field(default_factory=list)

    def report(self) -> str:
        """The verdict as text: the summary, then each finding on its own line."""
        shown = self.findings[:MAX_FINDINGS]
        more = len(self.findings) - len(shown)
        lines = [f"{self.title}: {self.summary}", *(f"  - {f}" for f in shown)]
        if more:
            lines.append(f"  … and {more} more")
        return "\n".join(lines)


@dataclass
class Evaluation:
    """One scenario evaluated in the region, with where it came from."""

    label: str
    scenario: Scenario
    result: RegionResult


_PLUGIN_FAULTS = ("plugin error", "impossible answer")
"""How the engine's error for a raising hook, and for an answer that broke a settlement
invariant (withheld by :mod:`yibao.invariants`), begin."""


def _plugin_error(result: RegionResult) -> bool:
    return result.status == "error" and (result.error or "").startswith(_PLUGIN_FAULTS)


class Kit:
    """The conformance kit for one installed region.

    :param code: The region code (the ``yibao.regions`` entry-point name).
    :param registry: Where to find it (default: a fresh registry of the installed
        plugins, so the kit's hook monitoring never touches the process's own).
    :param examples: How many scenarios to generate per scheme and year.
    :param seed: The seed of the generator.
    :param params: Parameter overlay files (``--params``) applied to every evaluation,
        e.g. fictional values for numbers the region's sources do not publish, so the
        settlement invariants have claims to work on.
    """

    def __init__(
        self,
        code: str,
        *,
        registry: Registry | None = None,
        examples: int = 30,
        seed: int = 0,
        params: Sequence[Path | str] = (),
    ) -> None:
        from yibao.registry import load_overlays

        self.code = code
        self.params = tuple(str(p) for p in params)
        self.overlays = load_overlays(list(params))
        self.registry = registry or Registry()
        self.examples = examples
        self.seed = seed
        self.hook_calls = 0
        self.type_findings: dict[str, str] = {}
        self.money_findings: dict[str, str] = {}
        self._stacks: dict[str, Stack] | None = None
        self._load_findings: list[str] = []
        self._evaluated: dict[str, list[Evaluation]] = {}
        self._results: dict[str, CheckResult] = {}

    # --- loading --------------------------------------------------------------------

    @property
    def item(self) -> Installed | None:
        return self.registry.installed().get(self.code)

    def stacks(self) -> dict[str, Stack]:
        """Each scheme's stack, built once and watched (failures kept as findings)."""
        if self._stacks is None:
            self._stacks = {}
            try:
                plugin = self.registry.region(self.code)
            except YibaoError as exc:
                self._load_findings.append(str(exc))
                return self._stacks
            for scheme in plugin.layers:
                try:
                    stack = self.registry.stack(self.code, scheme)
                except YibaoError as exc:
                    self._load_findings.append(f"{scheme}: {exc}")
                    continue
                except Exception as exc:
                    self._load_findings.append(f"{scheme}: {type(exc).__name__}: {exc}")
                    continue
                self._watch(stack)
                self._stacks[scheme] = stack
        return self._stacks

    def _watch(self, stack: Stack) -> None:
        returns = conform.hook_returns()
        firstresult = {
            name: bool(getattr(stack.pm.hook, name).spec.opts.get("firstresult"))
            for name in returns
        }
        scheme = stack.scheme
        current: dict[str, str] = {}

        def before(hook_name: str, hook_impls: Any, kwargs: dict[str, Any]) -> None:
            case = kwargs.get("case")
            current["title"] = getattr(getattr(case, "scenario", None), "title", None) or ""

        def after(outcome: Any, hook_name: str, hook_impls: Any, kwargs: dict[str, Any]) -> None:
            if outcome.exception is not None:
                return
            self.hook_calls += 1
            result = outcome.get_result()
            declared = returns.get(hook_name)
            expected = declared if firstresult.get(hook_name) else list[declared]  # type: ignore[valid-type]
            where = f"{scheme}: {hook_name}"
            problem = conform.mismatch(result, expected)
            if problem is not None and where not in self.type_findings:
                self.type_findings[where] = (
                    f"{where} returned {problem} (declared {conform.describe(declared)}; "
                    f"scenario {current.get('title') or '—'!r})"
                )
            for inexact in conform.hook_money(hook_name, result):
                key = f"{where} {inexact.split(' = ')[0]}"
                if key not in self.money_findings:
                    self.money_findings[key] = (
                        f"{where}: {inexact} (scenario {current.get('title')!r})"
                    )

        monitor(stack.pm, before, after)  # the fast relay steps aside for a watched stack

    # --- evaluating -----------------------------------------------------------------

    def evaluate(self, scenario: Scenario, *, relocate: bool = False) -> RegionResult:
        from yibao.engine import compare, evaluate

        self.stacks()
        if relocate:
            found = compare(scenario, [self.code], registry=self.registry, overlays=self.overlays)
            return found.results[0]
        return evaluate(scenario, self.code, registry=self.registry, overlays=self.overlays)

    def example_paths(self) -> dict[str, list[Path]]:
        """Each scheme's bundled example scenarios (``yibao_example_scenarios``)."""
        out: dict[str, list[Path]] = {}
        for scheme, stack in self.stacks().items():
            paths: list[Path] = []
            for found in reversed(stack.pm.hook.yibao_example_scenarios()):
                paths.extend(Path(p) for p in found or () if Path(p) not in paths)
            stack.pm.hook.yibao_parameter_files()  # watched for its declared type
            out[scheme] = paths
        return out

    def examples_evaluated(self) -> list[Evaluation]:
        if "examples" not in self._evaluated:
            from yibao.scenario_io import load_scenario

            done = []
            for paths in self.example_paths().values():
                for path in paths:
                    scenario = load_scenario(path)
                    done.append(Evaluation(path.name, scenario, self.evaluate(scenario)))
            self._evaluated["examples"] = done
        return self._evaluated["examples"]

    def bases(self, scheme: str) -> list[Scenario]:
        """Scenarios to generate from: the scheme's examples, and a plain enrolled adult
        for every year its sources cover and for the last year it answers (where values
        are carried from the latest source, or lapse)."""
        stack = self.stacks()[scheme]
        info = next(s for s in stack.info.schemes if s.scheme == scheme)
        years = sorted({*info.source_years, *info.years[-1:]})
        own = [
            e.scenario
            for e in self.examples_evaluated()
            if e.scenario.person.scheme == scheme and e.scenario.year in years
        ]
        kind = self.registry.scenario_type()
        return own + [generate.synthetic_base(stack.info, scheme, y, kind) for y in years]

    def templates(self, scheme: str) -> list[Claim]:
        return [c for base in self.bases(scheme) for c in base.claims]

    def generated(self) -> list[Evaluation]:
        """Random scenarios per scheme: one to eight claims each."""
        if "generated" not in self._evaluated:
            done = []
            for scheme in self.stacks():
                rng = random.Random(f"{self.seed}:{self.code}:{scheme}")
                bases = self.bases(scheme)
                templates = self.templates(scheme)
                for n in range(self.examples):
                    base = bases[n % len(bases)]
                    scenario = generate.scenario(
                        rng,
                        base,
                        templates,
                        rng.randint(1, 8),
                        f"generated #{n}",
                        self.stacks()[scheme].info.facts,
                    )
                    done.append(Evaluation(scenario.title or "", scenario, self.evaluate(scenario)))
            self._evaluated["generated"] = done
        return self._evaluated["generated"]

    def run(self, name: str) -> CheckResult:
        """Run the check ``name`` (once; its result is kept)."""
        if name not in self._results:
            title, check = CHECKS[name]
            try:
                if name != "declaration" and not self.stacks():
                    loaded = "; ".join(self._load_findings) or "it has no scheme"
                    self._results[name] = CheckResult(
                        name, title, "fail", "not run: the region did not load", [loaded]
                    )
                else:
                    self._results[name] = check(self)
            except Exception as exc:  # the kit must say what broke, never crash
                self._results[name] = CheckResult(
                    name, title, "fail", "the check could not run",
                    [f"{type(exc).__name__}: {exc}"],
                )  # fmt: skip
            self._results[name].name = name
            self._results[name].title = title
        return self._results[name]

    def run_all(self) -> list[CheckResult]:
        return [self.run(name) for name in CHECKS]


def _verdict(
    name: str, findings: list[str], summary: str, *, exercised: bool = True
) -> CheckResult:
    """Fail with findings; else pass — or skip, saying so, when the check had nothing
    to work on (a pass would claim more than was checked)."""
    if findings:
        return CheckResult(name, "", "fail", summary, findings)
    return CheckResult(name, "", "pass" if exercised else "skip", summary, findings)


# -------------------------------------------------------------------------------------
# The checks
# -------------------------------------------------------------------------------------


def check_declaration(kit: Kit) -> CheckResult:
    """The region loads, and what it declares matches what it ships."""
    item = kit.item
    if item is None:
        installed = ", ".join(kit.registry.installed()) or "none"
        return _verdict("declaration", [f"no region {kit.code!r} is installed ({installed})"], "")
    kit.stacks()
    findings = list(kit._load_findings)
    plugin = item.plugin
    if plugin is None:
        return _verdict("declaration", findings or [f"{item.status}: {item.error}"], "")
    info = plugin.info
    if info.code != kit.code:
        findings.append(f"RegionInfo.code is {info.code!r}, the entry point is {kit.code!r}")
    declared = {s.scheme for s in info.schemes}
    if declared != set(plugin.layers):
        findings.append(
            f"RegionInfo.schemes declare {sorted(declared)} but the layers are for "
            f"{sorted(plugin.layers)}"
        )
    for s in info.schemes:
        if not s.years:
            findings.append(f"{s.scheme}: SchemeInfo.years is empty")
        stack = kit.stacks().get(s.scheme)
        if stack is not None:
            region_layers = tuple(r.name for r in stack.layers if r.role != "overlay")
            if tuple(s.layers) != region_layers:
                findings.append(
                    f"{s.scheme}: SchemeInfo.layers {s.layers} but the stack's layers are "
                    f"{region_layers}"
                )
    ids = [d.id for d in info.sources]
    if not ids:
        findings.append("RegionInfo.sources is empty: declare the documents the numbers come from")
    if len(set(ids)) != len(ids):
        findings.append(f"RegionInfo.sources repeats an id: {ids}")
    findings += [f"source {d.id!r} has no title" for d in info.sources if not d.title.strip()]
    if len(set(info.districts)) != len(info.districts):
        findings.append(f"RegionInfo.districts repeats a code: {info.districts}")
    findings += check_declarations(info.facts, info.words)
    try:
        kit.registry.scenario_type()
    except YibaoError as exc:  # two regions declare one fact differently
        findings.append(str(exc))
    schemes = ", ".join(f"{s.scheme} {'/'.join(map(str, s.years))}" for s in info.schemes)
    return _verdict(
        "declaration",
        findings,
        f"{item.distribution} {item.version}: {schemes}; {len(ids)} sources, "
        f"{len(info.districts)} districts, {len(info.facts)} declared facts",
    )


def _cited_source(cite: str, ids: list[str]) -> bool:
    """Whether ``cite`` names one of the region's declared sources (``ids``), at its
    start or as the document a secondary source is cited through."""
    return any(i in cite for i in ids)


def check_parameters(kit: Kit) -> CheckResult:
    """Every parameter and gap carries a citation naming a declared source, and every
    parameter a valid date range."""
    stacks = kit.stacks()
    if not stacks:
        return _verdict("parameters", kit._load_findings or ["no stack could be built"], "")
    ids = [d.id for d in kit.registry.region(kit.code).info.sources]
    findings: list[str] = []
    count = gaps = 0
    seen: set[tuple[str, str, dt.date]] = set()
    for scheme, stack in stacks.items():
        params: ParameterSet = stack.params
        for f in params.files:
            for p in f.params:
                if (f.path, p.key, p.valid_from) in seen:
                    continue
                seen.add((f.path, p.key, p.valid_from))
                count += 1
                where = f"{scheme}: {p.key} ({f.path}, from {p.valid_from})"
                if not p.cite.strip():
                    findings.append(f"{where}: no citation")
                elif not _cited_source(p.cite, ids):
                    findings.append(
                        f"{where}: cite {p.cite!r} names no source the region declares "
                        f"({', '.join(ids)})"
                    )
                if p.valid_to is not None and p.valid_to < p.valid_from:
                    findings.append(f"{where}: valid_to is before valid_from")
                if p.kind == "money" and p.value != p.value.quantize(Decimal("0.01")):  # type: ignore[union-attr]
                    findings.append(f"{where}: money {p.value} is not whole fen")
            for g in f.gaps:
                gaps += 1
                where = f"{scheme}: unpublished {g.key} ({f.path})"
                if not g.cite.strip() or not g.reason.strip():
                    findings.append(f"{where}: a gap needs a cite and a reason")
                elif not _cited_source(g.cite, ids):
                    findings.append(f"{where}: cite {g.cite!r} names no declared source")
    return _verdict("parameters", findings, f"{count} parameters, {gaps} declared gaps")


def check_conflicts(kit: Kit) -> CheckResult:
    """No two plugins of the region claim the same parameter or first-result hook
    without a declared order."""
    plugin = kit.item.plugin if kit.item else None
    if plugin is None:
        return _verdict("conflicts", ["the region did not load"], "")
    findings = []
    for scheme in plugin.layers:
        try:
            layer_map = kit.registry.layer_map(kit.code, scheme)
        except YibaoError as exc:
            findings.append(f"{scheme}: {exc}")
            continue
        findings += [f"{scheme}: {c}" for c in layer_map.conflicts]
    return _verdict("conflicts", findings, f"{len(plugin.layers)} schemes")


def check_examples(kit: Kit) -> CheckResult:
    """Every bundled example evaluates in its own region, and never ends in a plugin
    error."""
    done = kit.examples_evaluated()
    findings = []
    for e in done:
        if e.result.status == "error":
            findings.append(f"{e.label}: {e.result.error}")
    summary = f"{len(done)} examples evaluated"
    if not done:
        return CheckResult(
            "examples", "", "fail", "no example scenarios",
            ["yibao_example_scenarios returns no scenario: ship at least one"],
        )  # fmt: skip
    return _verdict("examples", findings, summary)


PERSONA_GROUP = "yibao.personas"
"""Entry-point group through which distributions offer persona scenario files: each
entry point names a function returning their paths."""


def persona_paths() -> list[Path] | str:
    """The personas installed distributions offer, or why there are none."""
    paths: list[Path] = []
    problems = []
    for ep in sorted(entry_points(group=PERSONA_GROUP), key=lambda e: e.name):
        try:
            paths += [Path(p) for p in ep.load()()]
        except Exception as exc:  # a broken offer is named, never fatal
            problems.append(f"{ep.name}: {type(exc).__name__}: {exc}")
    if not paths:
        return "no personas installed (entry points yibao.personas)" + (
            f"; broken: {'; '.join(problems)}" if problems else ""
        )
    return paths


def check_personas(kit: Kit) -> CheckResult:
    """Every persona (and every installed region's example) evaluates here, as if the
    person lived here, or gives a clear answer — never a plugin error."""
    from yibao.scenario_io import load_scenario

    found = persona_paths()
    if isinstance(found, str):
        return CheckResult("personas", "", "skip", found)
    paths = list(found)
    findings = []
    answers: dict[str, int] = {}
    for path in paths:
        try:
            scenario = load_scenario(path)
        except YibaoError as exc:
            findings.append(f"{path.name}: the persona does not load: {exc}")
            continue
        result = kit.evaluate(scenario, relocate=True)
        if _plugin_error(result):
            findings.append(f"{path.name}: {result.error}")
            continue
        kind = "error" if result.status == "error" else "ok"
        answers[kind] = answers.get(kind, 0) + 1
        statuses = [c.status for c in result.claims]
        for s in statuses:
            answers[s] = answers.get(s, 0) + 1
    shown = ", ".join(f"{v} {k}" for k, v in sorted(answers.items()))
    return _verdict("personas", findings, f"{len(paths)} personas: {shown}")


def _claims_invariants(e: Evaluation) -> Iterator[str]:
    """The settlement invariants (:mod:`yibao.invariants`, the engine's own run-time
    check) broken by one evaluation."""
    for found in violations(e.result, e.scenario):
        yield f"{e.label}: {found}"


def _settled(evaluations: list[Evaluation]) -> int:
    return sum(c.status == "settled" for e in evaluations for c in e.result.claims)


def check_invariants(kit: Kit, evaluations: list[Evaluation] | None = None) -> CheckResult:
    """Over generated scenarios: layers plus patient add up to the bill, the layers pay
    no more than the compliant amount, nothing is negative, totals and limits agree."""
    done = kit.generated() if evaluations is None else evaluations
    findings = []
    errors = 0
    for e in done:
        if _plugin_error(e.result):
            findings.append(f"{e.label}: {e.result.error}")
        elif e.result.status == "error":
            errors += 1
        findings += list(_claims_invariants(e))
    claims = sum(len(e.result.claims) for e in done)
    settled = _settled(done)
    summary = (
        f"{len(done)} scenarios, {claims} claims, {settled} settled"
        + (f", {errors} declined by the region" if errors else "")
        + (NOT_EXERCISED if not settled else "")
    )
    return _verdict("invariants", findings, summary, exercised=settled > 0)


def check_monotonic(kit: Kit) -> CheckResult:
    """The patient's share never falls when a bill grows (in its compliant part or
    outside it), all else equal."""
    findings = []
    pairs = 0
    for e in kit.generated():
        if e.result.status != "ok":
            continue
        rng = random.Random(e.label)
        settled = [c for c in e.result.claims if c.status == "settled" and c.patient is not None]
        if not settled:
            continue
        c = settled[0]  # one claim per scenario keeps the kit quick
        claim = next(x for x in e.scenario.claims if x.id == c.claim_id)
        assert c.patient is not None
        delta = generate.money(rng, Decimal(20000)) + Decimal("0.01")
        for compliant in (True, False):
            bigger = generate.grown(claim, delta, compliant=compliant)
            claims = tuple(bigger if x.id == claim.id else x for x in e.scenario.claims)
            variant = generate.with_claims(e.scenario, claims, f"{e.label} +{delta}")
            result = kit.evaluate(variant)
            if _plugin_error(result):
                findings.append(f"{variant.title}: {result.error}")
                continue
            after = next((x for x in result.claims if x.claim_id == claim.id), None)
            if after is None or after.status != "settled" or after.patient is None:
                continue
            pairs += 1
            if after.patient < c.patient:
                part = "compliant" if compliant else "non-compliant"
                findings.append(
                    f"{e.label} / {claim.id} ({claim.kind}, {claim.care}): the bill grew by "
                    f"{delta} ({part}) and the patient's share fell from {c.patient} to "
                    f"{after.patient}"
                )
    return _verdict(
        "monotonic",
        findings,
        f"{pairs} bill increases compared" + (NOT_EXERCISED if not pairs else ""),
        exercised=pairs > 0,
    )


def check_limits(kit: Kit) -> CheckResult:
    """Yearly limits hold across a sequence of large claims: no payment-basis limit is
    used beyond its cap, and critical illness never pays beyond the year's cap."""
    findings = []
    sequences = settled = 0
    for scheme, stack in kit.stacks().items():
        rng = random.Random(f"{kit.seed}:{kit.code}:{scheme}:limits")
        templates = kit.templates(scheme)
        for base in kit.bases(scheme):
            big = [c for c in templates if c.kind in ("inpatient", "special_outpatient")]
            claims = []
            for i in range(6):
                claim = generate.random_claim(
                    rng,
                    base.year,
                    f"L{i}",
                    big or templates,
                    base.person.birth_date,
                    stack.info.facts,
                    type(base),
                )
                amount = generate.money(rng, Decimal(400000)) + Decimal("50000.00")
                claims.append(generate.grown(claim, amount, compliant=True))
            scenario = generate.with_claims(base, claims, f"{base.title} · limits")
            result = kit.evaluate(scenario)
            sequences += 1
            settled += sum(c.status == "settled" for c in result.claims)
            e = Evaluation(scenario.title or "", scenario, result)
            if _plugin_error(result):
                findings.append(f"{e.label}: {result.error}")
                continue
            findings += [f for f in _claims_invariants(e) if "limit" in f]
            findings += list(_critical_illness_cap(kit, stack, e))
    return _verdict(
        "limits",
        findings,
        f"{sequences} claim sequences, {settled} claims settled"
        + (NOT_EXERCISED if not settled else ""),
        exercised=settled > 0,
    )


def _critical_illness_cap(kit: Kit, stack: Stack, e: Evaluation) -> Iterator[str]:
    paid = sum((c.paid_by("critical_illness") for c in e.result.claims), ZERO)
    if not paid or e.result.status != "ok":
        return
    from yibao.case import Case

    case = Case(e.scenario, stack.info, stack.params, stack.pm.hook)
    caps = []
    for c in e.result.claims:
        try:
            cap = stack.pm.hook.yibao_critical_illness_cap(case=case, on=c.date)
        except YibaoError:
            return
        if cap is None or cap.cap is None or cap.basis != "payment":
            return
        caps.append(cap.cap)
    if caps and paid > max(caps):
        yield (
            f"{e.label}: critical illness pays {paid} in the year, more than the cap {max(caps)}"
        )


def _fast_path_scenarios(kit: Kit, paths: dict[str, FastPath]) -> tuple[list[Scenario], int]:
    """The examples, the generated scenarios and a birthday and a newborn sweep of every
    base of each scheme with a fast path (its claim: the base's first of a kind the settlement
    covers, else an example's, else a random one); and how many came from the sweeps."""
    done = [*kit.examples_evaluated(), *kit.generated()]
    out = [e.scenario for e in done if e.scenario.person.scheme in paths]
    swept = 0
    for scheme, path in paths.items():
        rng = random.Random(f"{kit.seed}:{kit.code}:{scheme}:birthdays")
        kinds = path.settlement.kinds
        templates = kit.templates(scheme)
        for base in kit.bases(scheme):
            covered = [c for c in (*base.claims, *templates) if c.kind in kinds]
            claim = covered[0] if covered else _any_claim(rng, base, kinds)
            found = generate.birthday_sweep(base, claim) + generate.newborn_sweep(base, claim)
            out += found
            swept += len(found)
    return out, swept


def _any_claim(rng: random.Random, base: Scenario, kinds: frozenset[str]) -> Claim:
    """A random claim of ``base``'s year, of a kind in ``kinds`` (inpatient if it can)."""
    born = base.person.birth_date
    claim = generate.random_claim(rng, base.year, "c", (), born, kind=type(base))
    kind = "inpatient" if "inpatient" in kinds or not kinds else min(kinds)
    return msgspec.structs.replace(claim, kind=kind)


def check_fast_path(kit: Kit) -> CheckResult:
    """``yibao batch``'s fast path — the region's declared settlement, its phases kept per
    phase key — gives the engine's record for the examples, the generated scenarios and
    a birthday sweep (every age on 1 January, born early and late in the year, paying
    before it and mid-year) and a newborn sweep (children born over two and a half years,
    paying on days shared by all), one fast path remembering across all of them, as
    batch's does. The kit watches its stacks' hooks, so both sides call them through pluggy's
    relay (the fast relay gives the same answers: tests/test_dispatch.py)."""
    fast = _planner(kit, kernel=True)
    paths = {s: fast.fast_path(kit.code, s) for s in kit.stacks()}
    unusable = [f for s, path in paths.items() if path is None for f in _unusable(kit, s)]
    usable = {s: path for s, path in paths.items() if path is not None}
    if not usable:
        return _verdict(
            "fast-path", unusable, "no scheme declares a settlement (yibao_settlement) "
            "batch can use: batch answers every case through the engine", exercised=False,
        )  # fmt: skip
    engine = _planner(kit, kernel=False)
    scenarios, swept = _fast_path_scenarios(kit, usable)
    differ = []
    for line, scenario in enumerate(scenarios, 1):
        got = fast.records(scenario, [kit.code], line)[0]
        want = engine.records(scenario, [kit.code], line)[0]
        if _encode(got) != _encode(want):
            found = _difference(got, want)
            path = usable[scenario.person.scheme]
            fix = _likely_fix(kit, path, scenario, line, want, found)
            differ.append(f"{scenario.title}: {found}{fix}")
    settled = {s: path.settled for s, path in usable.items()}
    summary = (
        f"{len(scenarios)} scenarios ({swept} in the birthday and newborn sweeps); settled by the "
        f"declared rules: {', '.join(f'{s} {n}' for s, n in settled.items())}; "
        + (f"{len(differ)} not as the engine" if differ else "all as the engine")
        + ("" if any(settled.values()) else " — not exercised: the rules settled none")
    )
    return _verdict("fast-path", unusable + differ, summary, exercised=any(settled.values()))


def _unusable(kit: Kit, scheme: str) -> list[str]:
    """Why batch cannot use ``scheme``'s declared settlement, if it declares one (the
    planner quietly leaves such a settlement to the engine)."""
    try:
        stack = kit.registry.with_overlays(kit.stacks()[scheme], kit.overlays)
        found = settlement_for(stack)
        if found is not None:
            FastPath(stack, found, stack.pm.hook)
    except Exception as exc:
        return [f"{scheme}: batch cannot use the declared settlement, so the engine answers "
                f"every case: {type(exc).__name__}: {exc}"]  # fmt: skip
    return []


def _planner(kit: Kit, *, kernel: bool) -> Planner:
    """Batch's planner for the kit's region, on the kit's own stacks and overlays (their
    hooks watched like every other evaluation's)."""
    return Planner(kit.registry, overlays=kit.overlays, relocate=False, kernel=kernel)


_encode = msgspec.json.Encoder(decimal_format="string").encode
"""A record as ``yibao batch`` writes it."""

_PERSON_YEAR = frozenset({"eligible", "category", "premium", "cover_from"})
"""A record's fields the phases decide, once per phase key."""


def _difference(fast: Any, engine: Any, path: str = "") -> str:
    """The first field where two records differ, and each side's value there."""
    if isinstance(fast, msgspec.Struct) and type(fast) is type(engine):
        pairs = [(n, getattr(fast, n), getattr(engine, n)) for n in fast.__struct_fields__]
    elif isinstance(fast, tuple) and isinstance(engine, tuple) and len(fast) == len(engine):
        pairs = [(f"[{i}]", a, b) for i, (a, b) in enumerate(zip(fast, engine, strict=True))]
    elif isinstance(fast, dict) and isinstance(engine, dict):
        pairs = [(k, fast.get(k), engine.get(k)) for k in {**fast, **engine}]
    else:
        return f"{path or 'record'}: fast path {_shown(fast)}, engine {_shown(engine)}"
    for name, a, b in pairs:
        if _encode(a) != _encode(b):
            joined = f"{path}{name}" if name.startswith("[") or not path else f"{path}.{name}"
            return _difference(a, b, joined)
    return f"{path or 'record'}: fast path {_shown(fast)}, engine {_shown(engine)}"


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    text = _encode(value).decode()
    return text[1:-1] if text.startswith('"') else text


def _likely_fix(
    kit: Kit, path: FastPath, scenario: Scenario, line: int, want: Record, found: str
) -> str:
    """Why the fast path differs (``found``: where), as far as one more run tells: if
    with nothing remembered it gives the engine's record, a case met earlier under the
    same phase key (or ``plan_facts``) answered this one — at an age whose birth date
    the key drops, a birthday in the year; otherwise the declared rules themselves
    disagree with the hooks."""
    fresh = _planner(kit, kernel=True).records(scenario, [kit.code], line)[0]
    if _encode(fresh) != _encode(want):
        return (
            " (the declared settlement itself answers this differently from the region's "
            "hooks: yibao_settlement's rules and the hooks must agree)"
        )
    age = scenario.person.age_on(dt.date(scenario.year, 1, 1))
    field = re.split(r"[.\[:]", found, maxsplit=1)[0]
    date_kept = reads_birth_date(scenario, age, path.birthday_ages, path.newborn_days)
    if date_kept or (field not in _PERSON_YEAR and path.settlement.plan_facts is not None):
        return (
            " (a case met earlier with the same Settlement.plan_facts lent its plans: "
            "plan_facts misses something the rules or the gate read)"
        )
    if age < 3:
        return (
            f" (it got another {age}-year-old's answer: a newborn rule reads the birth date "
            "beyond the windows Settlement.newborn_window names — name the parameter giving "
            f"its window there, or the age {age} in birthday_ages if a birthday at "
            f"{age + 1} changes the answer)"
        )
    return (
        f" (it got another {age}-year-old's answer: a birthday at age {age + 1} during the "
        f"year changes an answer — name the parameter giving {age + 1} in "
        f"Settlement.birthday_params, or the age {age} in birthday_ages)"
    )


def check_hook_types(kit: Kit) -> CheckResult:
    """Every hook call the other checks made returned the type its spec declares."""
    kit.examples_evaluated()
    kit.generated()
    findings = list(kit.type_findings.values())
    return _verdict("hook-types", findings, f"{kit.hook_calls} hook calls checked")


def check_money(kit: Kit) -> CheckResult:
    """Every amount a hook returns is a Decimal quantized to the fen."""
    kit.examples_evaluated()
    kit.generated()
    findings = list(kit.money_findings.values())
    return _verdict("money", findings, f"{kit.hook_calls} hook results checked")


CHECKS: dict[str, tuple[str, Callable[[Kit], CheckResult]]] = {
    "declaration": ("declaration (RegionInfo, schemes, layers, sources)", check_declaration),
    "parameters": ("parameters are cited and dated", check_parameters),
    "conflicts": ("no conflicting plugins", check_conflicts),
    "examples": ("bundled examples evaluate", check_examples),
    "invariants": ("settlement invariants", check_invariants),
    "monotonic": ("patient share never falls as the bill grows", check_monotonic),
    "limits": ("yearly limits hold across claims", check_limits),
    "fast-path": ("batch's declared settlement gives the engine's records", check_fast_path),
    "hook-types": ("hooks return their declared types", check_hook_types),
    "money": ("money is exact (Decimal, to the fen)", check_money),
    "personas": ("personas evaluate or answer clearly", check_personas),
}
"""Every check by name: ``(title, function)``, in the order they are reported."""
