"""How long the TUI takes to recompute a three-region comparison after an edit.

Not a test: run ``uv run python benchmarks/bench_tui_compare.py``. Target: median < 50 ms.

Measures two things, each as the median of many runs:

- *domain*: the form → Scenario check, the engine's three-region comparison and the
  table rows (what happens on every edit, without drawing);
- *app*: the same inside the running app (``YibaoApp.recompute``), including updating
  every widget (result table, comparison table, notes, form messages) and the autosave.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from yibao.engine import compare
from yibao.registry import Registry
from yibao.scenario_io import load_scenario
from yibao_tui.app import make_app
from yibao_tui.domain import view
from yibao_tui.domain.form import choices_of, from_scenario, to_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = (
    ROOT / "plugins/changzhou/src/yibao_changzhou/resident/examples/elderly-stroke-admission.toml"
)
REGIONS = ["changzhou", "xuzhou", "changli"]
RUNS = 200


def _ms(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=20)
    return f"median {statistics.median(samples):6.2f} ms   p95 {q[18]:6.2f} ms   (n={len(samples)})"


def bench_domain(registry: Registry) -> list[float]:
    form = from_scenario(load_scenario(EXAMPLE))
    choices = choices_of(registry)
    samples = []
    for i in range(RUNS):
        form.claims[0]["compliant"] = f"{50000 + i}.00"  # the edit
        start = time.perf_counter()
        scenario, _ = to_scenario(form, choices, "zh")
        results = compare(scenario, REGIONS, registry=registry).results
        view.rows(results, [c.id for c in scenario.claims], "zh")
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def bench_app(registry: Registry) -> list[float]:
    app = make_app(EXAMPLE, registry=registry, state_dir=Path(tempfile.mkdtemp()))
    app.picked = list(REGIONS)
    samples = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        for i in range(RUNS // 4):
            app.form.claims[0]["compliant"] = f"{50000 + i}.00"
            start = time.perf_counter()
            app.recompute()
            samples.append((time.perf_counter() - start) * 1000)
            await pilot.pause()
    return samples


def main() -> None:
    registry = Registry()
    compare(load_scenario(EXAMPLE), REGIONS, registry=registry)  # build the stacks once
    print(f"three-region recompute after an edit ({', '.join(REGIONS)}); target < 50 ms")
    print("domain (check + engine + rows):", _ms(bench_domain(registry)))
    print("app (recompute + redraw + autosave):", _ms(asyncio.run(bench_app(registry))))


if __name__ == "__main__":
    main()
