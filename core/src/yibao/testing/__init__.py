"""The conformance kit: checks every region plugin should pass, runnable with one line.

In a region plugin's tests::

    from yibao.testing import conformance_tests

    TestConformance = conformance_tests("mycity")

That adds one pytest test per check (see :data:`yibao.testing.kit.CHECKS`):

- **declaration**: the entry point loads; ``RegionInfo`` matches the layers it ships
  (schemes, years, layer names, sources, districts);
- **parameters**: every parameter and ``[[unpublished]]`` gap cites a source the
  region declares, and every parameter has a valid date range;
- **conflicts**: no two unordered plugins claim one parameter or first-result hook;
- **examples**: every bundled example (``yibao_example_scenarios``) evaluates in the
  region, never with a plugin error;
- **invariants**, **monotonic**, **limits**: over generated scenarios, the layers and
  the patient add up to the bill, nothing is negative, the patient's share never falls
  when the bill grows, and yearly limits are never exceeded across claims;
- **fast-path**: where a scheme declares its settlement (``yibao_settlement``), batch's
  fast path gives the engine's records for the examples, the generated scenarios and
  a birthday sweep (every age on 1 January, birthdays either side of the payment) and a
  newborn sweep (children paying on shared days, within a newborn window or not), so an
  age or a window the settlement does not name shows;
- **hook-types**, **money**: every hook returns the type its spec declares, and every
  amount is a ``Decimal`` quantized to the fen;
- **personas**: every persona of ``yibao_reports`` (skipped with a reason when that
  package is not installed) evaluates or gives a clear answer, never a plugin error.

The generator is seeded and needs no third-party library; when Hypothesis is
installed, one more test feeds the invariants with Hypothesis' randomness. ``yibao
plugin check CODE`` runs the same checks without pytest.

As a pytest plugin (``pytest_plugins = ["yibao.testing"]``) the module also gives the
fixture ``yibao_kit``, built for the region named by a ``yibao_region`` fixture you
define, for writing your own checks against the same evaluations.
"""

from __future__ import annotations

from typing import Any

from yibao.testing.kit import CHECKS, CheckResult, Kit

__all__ = ["CHECKS", "CheckResult", "Kit", "conformance_tests", "run_checks"]


def run_checks(
    code: str, *, examples: int = 30, seed: int = 0, registry: Any = None
) -> list[CheckResult]:
    """Run every check against the installed region ``code``; see :class:`Kit`."""
    return Kit(code, examples=examples, seed=seed, registry=registry).run_all()


def conformance_tests(code: str, *, examples: int = 30, seed: int = 0) -> type:
    """A pytest test class running the conformance kit against region ``code``.

    Assign it to a module-level name starting with ``Test`` so pytest collects it.

    :param code: The region code, as in the ``yibao.regions`` entry point.
    :param examples: Generated scenarios per scheme.
    :param seed: The generator's seed.
    """
    import functools

    import pytest

    kit = functools.cache(lambda: Kit(code, examples=examples, seed=seed))

    class Conformance:
        """The yibao conformance kit for one region (one kit shared by the tests)."""

        @pytest.mark.parametrize("check", list(CHECKS))
        def test_conformance(self, check: str) -> None:
            _outcome(kit().run(check))

        def test_invariants_with_hypothesis(self) -> None:
            _hypothesis_invariants(kit())

    Conformance.__name__ = Conformance.__qualname__ = f"TestConformance_{code}"
    return Conformance


def _outcome(result: CheckResult) -> None:
    import pytest

    if result.status == "skip":
        pytest.skip(f"{result.title}: {result.summary}")
    if result.status == "fail":
        pytest.fail(result.report(), pytrace=False)


def _hypothesis_invariants(kit: Kit) -> None:
    """The invariants check again, its scenarios drawn through Hypothesis."""
    import pytest

    try:
        from hypothesis import HealthCheck, given, settings
        from hypothesis import strategies as st
    except ImportError:
        pytest.skip("hypothesis is not installed: the seeded generator covered the invariants")

    from yibao.testing import generate
    from yibao.testing.kit import Evaluation, check_invariants

    schemes = list(kit.stacks())
    if not schemes:
        pytest.skip("the region did not load (see the declaration check)")

    @settings(
        max_examples=max(10, kit.examples // 2),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(rng=st.randoms(use_true_random=False), scheme=st.sampled_from(schemes),
           count=st.integers(1, 8))  # fmt: skip
    def invariants(rng: Any, scheme: str, count: int) -> None:
        bases = kit.bases(scheme)
        base = bases[rng.randrange(len(bases))]
        facts = kit.stacks()[scheme].info.facts
        scenario = generate.scenario(rng, base, kit.templates(scheme), count, "hypothesis", facts)
        done = [Evaluation(scenario.title or "", scenario, kit.evaluate(scenario))]
        result = check_invariants(kit, done)
        assert result.status != "fail", result.report()  # a scenario settling nothing: skip

    invariants()


# --- as a pytest plugin: ``pytest_plugins = ["yibao.testing"]`` -------------------------

try:
    import pytest as _pytest
except ImportError:  # pragma: no cover - the kit's functions work without pytest
    pass
else:

    @_pytest.fixture(scope="module")
    def yibao_kit(request: Any) -> Kit:
        """The conformance kit for the region named by your ``yibao_region`` fixture."""
        return Kit(request.getfixturevalue("yibao_region"))
