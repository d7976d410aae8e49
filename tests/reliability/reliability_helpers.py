"""Helpers for the reliability tests: FICTIONAL distributions, bundled examples.

Every region and overlay built with these is FICTIONAL: it exists only to exercise
yibao's failure handling and carries no real policy.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def install(site: Path, dist: str, group: str, name: str, target: str, code: str = "") -> None:
    """Put a FICTIONAL distribution ``dist`` with one entry point in ``site`` (a
    directory on ``sys.path``), its module ``target``'s code being ``code``."""
    module = target.split(":")[0]
    if code:
        (site / f"{module}.py").write_text(code, encoding="utf-8")
    sys.modules.pop(module, None)  # an earlier test's module of that name must not stay
    importlib.invalidate_caches()
    info = site / f"{dist.replace('-', '_')}-0.0.1.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.0.1\n")
    (info / "entry_points.txt").write_text(f"[{group}]\n{name} = {target}\n")


EXAMPLES = Path(__file__).parents[2] / "plugins"
RETIREE = (
    EXAMPLES / "changzhou/src/yibao_changzhou/employee/examples/retiree-admissions-and-chronic.toml"
)
STROKE = EXAMPLES / "changzhou/src/yibao_changzhou/resident/examples/elderly-stroke-admission.toml"
XUZHOU_LATE = EXAMPLES / "xuzhou/src/yibao_xuzhou/resident/examples/late-renewal-arrears.toml"


# -------------------------------------------------------------------------------------
# FICTIONAL in-process regions
# -------------------------------------------------------------------------------------


def layer(name: str, **hooks: object) -> object:
    """A FICTIONAL layer object: ``LAYER_NAME`` and the given hook functions."""
    from yibao import hookimpl

    obj = type("FictionalLayer", (), {})()
    obj.LAYER_NAME = name  # type: ignore[attr-defined]
    for hook, fn in hooks.items():
        setattr(obj, hook, hookimpl(fn))
    return obj


def base_hooks() -> dict[str, object]:
    """A FICTIONAL region that admits everyone, charges 100.00, covers from 1 January
    and has its basic fund pay half of the compliant amount."""
    import datetime as dt
    from decimal import Decimal

    from yibao.money import apply_rate
    from yibao.results import Coverage, Eligibility, LayerPayment, Premium

    def basic(case, claim, ledger, compliant):  # type: ignore[no-untyped-def]
        amount = apply_rate(compliant, Decimal("0.5"))
        return [LayerPayment(layer="basic_fund", label_zh="统筹", label_en="basic",
                             amount=amount)]  # fmt: skip

    return {
        "yibao_eligibility": lambda case: Eligibility(eligible=True, category="any"),
        "yibao_premium": lambda case: Premium(individual=Decimal("100.00")),
        "yibao_coverage": lambda case: Coverage(start=dt.date(case.year, 1, 1)),
        "yibao_basic_fund": basic,
    }


def fictional_registry(regions: dict[str, dict[str, object]]):  # type: ignore[no-untyped-def]
    """A registry of FICTIONAL regions ``{code: hooks}`` (each on top of
    :func:`base_hooks`), resident scheme, year 2025."""
    from yibao.registry import RegionPlugin, Registry
    from yibao.results import RegionInfo, SchemeInfo

    plugins = {}
    for code, hooks in regions.items():
        one = layer(f"{code}-layer", **{**base_hooks(), **hooks})
        info = RegionInfo(
            code=code, name_zh=code, name_en=f"{code} (FICTIONAL)",
            schemes=(SchemeInfo(scheme="resident", years=(2025,), layers=(f"{code}-layer",)),),
        )  # fmt: skip
        plugins[code] = RegionPlugin(info=info, layers={"resident": (one,)})
    return Registry.from_plugins(plugins)


ONE_CLAIM = {
    "year": 2025,
    "title": "FICTIONAL one admission",
    "person": {"birth_date": "1980-01-01"},
    "claims": [{"id": "a", "date": "2025-03-01", "kind": "inpatient", "compliant": "1000.00"}],
}
