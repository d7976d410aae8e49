"""``yibao plugin new``: write a ready region distribution from the templates here.

The templates (``template/``, files ending ``.tmpl``) use ``{{name}}`` placeholders,
``__package__`` in paths, and line blocks ``{{if standalone}}`` … ``{{end}}`` (or
``{{if province}}``) kept only for a region without (with) a provincial layer. Every
number the generated plugin carries is a FICTIONAL placeholder citing the author's own
(yet to be named) source, and the files say so.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from yibao.errors import YibaoError

TEMPLATE = Path(__file__).with_name("template")
YEAR = 2025

PROVINCE_GROUP = "yibao.provinces"
"""Entry-point group through which a provincial layer's distribution offers itself to
``yibao plugin new --province``."""


@dataclass(frozen=True)
class Province:
    """A provincial layer a new region can stack on (``yibao.provinces`` entry point):
    its distribution, module, layer name, and the source its parameters cite (which the
    new region must declare too)."""

    name: str
    dist: str
    module: str
    layer: str
    source_id: str
    source_title: str
    issued: str


def provinces() -> dict[str, Province]:
    """The installed provincial layers by code (``jiangsu``)."""
    found: dict[str, Province] = {}
    for ep in sorted(entry_points(group=PROVINCE_GROUP), key=lambda e: e.name):
        try:
            province = ep.load()
        except Exception:  # a broken distribution never hides the others
            continue
        if isinstance(province, Province):
            found[ep.name] = province
    return found


_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")


def names(name: str) -> dict[str, str]:
    """The region code, package and distribution names for ``name`` (``my-city`` →
    ``my_city``, ``yibao_my_city``, ``yibao-my-city``)."""
    if not _NAME.match(name):
        raise YibaoError(
            f"plugin name {name!r}: expected lower-case letters and digits, words joined by "
            "- or _ (e.g. mycity, su-qian)"
        )
    code = name.replace("-", "_")
    return {
        "name": name,
        "code": code,
        "package": f"yibao_{code}",
        "dist": f"yibao-{code.replace('_', '-')}",
    }


def _source_checkout(module: str) -> Path | None:
    """The project directory of ``module`` when it is installed from a source checkout
    (so the new plugin's ``uv run`` can find it), else ``None``."""
    try:
        imported = __import__(module)
    except ImportError:
        return None
    here = Path(imported.__file__ or "").resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and parent.name != "site-packages":
            return parent if (parent / "src").is_dir() else None
        if parent.name == "site-packages":
            return None
    return None


def context(name: str, province: str | None) -> dict[str, str]:
    """Every placeholder's value for a plugin ``name`` (stacked on ``province``)."""
    n = names(name)
    code = n["code"]
    title = " ".join(w.capitalize() for w in re.split(r"[-_]", name))
    ctx = {
        **n,
        "name_en": f"{title} (FICTIONAL)",
        "name_zh": f"{title}（虚构示例）",
        "year": str(YEAR),
        "prev_year": str(YEAR - 1),
        "source_id": f"{code}-resident-{YEAR}",
    }
    sources = {"yibao": _source_checkout("yibao")}
    if province is None:
        ctx |= {
            "province_import": "",
            "province_code": "None",
            "layer_names": f'"{code}-resident",',
            "layers": "resident,",
            "province_sources": "",
            "province_sentence": "",
            "province_clause": "",
            "dependencies": '"yibao"',
        }
    else:
        installed = provinces()
        found = installed.get(province)
        if found is None:
            known = ", ".join(sorted(installed)) or "none installed"
            raise YibaoError(f"unknown province {province!r}; provincial layers: {known}")
        p = dataclasses.asdict(found)
        sources[p["dist"]] = _source_checkout(p["module"])
        ctx |= {
            "province_import": f"import {p['module']}\n",
            "province_code": f'"{province}"',
            "layer_names": f'"{p["layer"]}", "{code}-resident"',
            "layers": f"{p['module']}, resident",
            "province_sources": (
                "\n            SourceDoc(\n"
                f'                id="{p["source_id"]}",\n'
                f'                title="{p["source_title"]}",\n'
                f'                issued="{p["issued"]}",\n'
                "            ),"
            ),
            "province_sentence": (
                f", stacked on the {p['name']} provincial layer ({p['dist']}): the "
                "province's waiting-period exemptions and critical-illness cap apply "
                "unless this layer answers"
            ),
            "province_clause": f"Stacked on the {p['name']} provincial layer ({p['module']}).\n",
            "dependencies": f'"yibao", "{p["dist"]}"',
        }
    found = {dist: path for dist, path in sources.items() if path is not None}
    ctx["uv_sources"] = (
        "\n# yibao from the source checkout this plugin was generated with (drop these lines\n"
        "# once the distributions are on your package index)\n[tool.uv.sources]\n"
        + "".join(
            f'{dist} = {{ path = "{path}", editable = true }}\n' for dist, path in found.items()
        )
        if found
        else ""
    )
    return ctx


def render(text: str, ctx: dict[str, str], flags: dict[str, bool]) -> str:
    """Fill ``{{placeholders}}`` and keep only the ``{{if flag}}`` blocks that apply."""
    out: list[str] = []
    keep = [True]
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("{{if ") and stripped.endswith("}}"):
            keep.append(keep[-1] and flags[stripped[5:-2].strip()])
            continue
        if stripped == "{{end}}":
            keep.pop()
            continue
        if keep[-1]:
            out.append(line)

    def fill(match: re.Match[str]) -> str:
        return ctx[match.group(1)]

    return re.sub(r"\{\{(\w+)\}\}", fill, "".join(out))


def blocks(province: str | None, ctx: dict[str, str]) -> dict[str, str]:
    """The Python blocks that differ with and without a provincial layer."""
    if province is None:
        coverage = STANDALONE_COVERAGE
        cap = STANDALONE_CAP
    else:
        module = provinces()[province].module
        coverage = (
            "\n# --- phase 3: from when benefits are paid -------------------------------------\n"
            f"# Inherited: {module}'s coverage rule reads this layer's central period and\n"
            "# waiting period from parameters.toml, then applies the province's exemptions.\n"
        )
        cap = (
            f"\n# The critical-illness cap is inherited from {module}.yibao_critical_illness_cap.\n"
        )
    return {"coverage_block": coverage, "cap_block": cap}


STANDALONE_COVERAGE = '''
# --- phase 3: from when benefits are paid ----------------------------------------------


@hookimpl
def yibao_coverage(case: Case) -> Coverage:
    """Paid by the end of the central period: cover from 1 January. Paid later: after
    the waiting period."""
    record = case.scenario.enrollment_in(case.year)
    year_end = dt.date(case.year, 12, 31)
    if record is None or record.paid_on is None or record.region != case.region.code:
        return Coverage(
            start=None,
            steps=(step("未见本年度缴费记录", "no payment recorded for the year", "—"),),
        )
    paid = record.paid_on
    end = case.param("enrolment.central_period.end")
    if paid <= end.value:  # type: ignore[operator]
        return Coverage(
            start=case.year_start,
            end=year_end,
            steps=(
                step("集中参保期截止", "central period ends", end.value, cite=end),
                step("缴费到账日", "contribution paid on", paid),
            ),
        )
    months = case.param("waiting_period.months", paid)
    start = add_months(paid, months.integer) + ONE_DAY
    if start > year_end:
        return Coverage(start=None, steps=(step("缴费过晚", "paid too late", paid),))
    return Coverage(
        start=start,
        end=year_end,
        steps=(
            step("缴费到账日", "contribution paid on", paid),
            step("待遇等待期（月）", "waiting period (months)", months.integer, cite=months),
            step("待遇起始日", "benefits from", start),
        ),
    )
'''

STANDALONE_CAP = '''
@hookimpl
def yibao_critical_illness_cap(case: Case, on: dt.date) -> CriticalIllnessCap:
    """The year's critical-illness cap on payments."""
    cap = case.param("critical_illness.cap", on)
    return CriticalIllnessCap(
        cap=cap.money,
        steps=(step("大病保险封顶线", "critical-illness cap", cap.money, cite=cap),),
    )
'''


def scaffold(
    name: str, output: Path | str = ".", *, province: str | None = None, force: bool = False
) -> Path:
    """Write the distribution for plugin ``name`` under ``output`` and return its root
    (``output/yibao-<name>``).

    Raises :class:`YibaoError` for a bad name, an unknown province, or a non-empty
    target directory (unless ``force``).
    """
    ctx = context(name, province)
    ctx |= blocks(province, ctx)
    root = Path(output) / ctx["dist"]
    if root.exists() and any(root.iterdir()) and not force:
        raise YibaoError(f"{root} exists and is not empty (use --force to write into it)")
    flags = {"standalone": province is None, "province": province is not None}
    for source in sorted(TEMPLATE.rglob("*.tmpl")):
        relative = source.relative_to(TEMPLATE).as_posix().removesuffix(".tmpl")
        target = root / relative.replace("__package__", ctx["package"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(source.read_text(encoding="utf-8"), ctx, flags), encoding="utf-8")
    return root
