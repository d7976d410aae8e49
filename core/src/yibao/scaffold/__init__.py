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


INHERITED = {"src/__package__/resident/coverage.py"}
"""Template files a region stacked on a provincial layer leaves out: it inherits that
rule from the province (which reads the same parameters)."""

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


def _chinese_name(name_zh: str | None) -> str | None:
    """``name_zh`` checked to be written into Python and TOML strings as it is."""
    if name_zh is None:
        return None
    name_zh = name_zh.strip()
    if not name_zh or any(c in name_zh for c in '"\\\n\r'):
        raise YibaoError(
            f"--name-zh {name_zh!r}: 应为一个名称，不含引号、反斜杠或换行 · expected a name "
            "without quotes, backslashes or line breaks (e.g. 宿迁市)"
        )
    return name_zh


def context(name: str, province: str | None, name_zh: str | None = None) -> dict[str, str]:
    """Every placeholder's value for a plugin ``name`` (stacked on ``province``, called
    ``name_zh`` in Chinese)."""
    n = names(name)
    code = n["code"]
    title = " ".join(w.capitalize() for w in re.split(r"[-_]", name))
    ctx = {
        **n,
        "name_en": f"{title} (FICTIONAL)",
        "name_zh": f"{_chinese_name(name_zh) or title}（虚构示例）",
        "year": str(YEAR),
        "prev_year": str(YEAR - 1),
        "source_id": f"{code}-resident-{YEAR}",
    }
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


def scaffold(
    name: str,
    output: Path | str = ".",
    *,
    province: str | None = None,
    name_zh: str | None = None,
    force: bool = False,
) -> Path:
    """Write the distribution for plugin ``name`` under ``output`` and return its root
    (``output/yibao-<name>``).

    Raises :class:`YibaoError` for a bad name, an unknown province, or a non-empty
    target directory (unless ``force``).
    """
    ctx = context(name, province, name_zh)
    root = Path(output) / ctx["dist"]
    if root.exists() and any(root.iterdir()) and not force:
        raise YibaoError(f"{root} exists and is not empty (use --force to write into it)")
    flags = {"standalone": province is None, "province": province is not None}
    for source in sorted(TEMPLATE.rglob("*.tmpl")):
        relative = source.relative_to(TEMPLATE).as_posix().removesuffix(".tmpl")
        if province is not None and relative in INHERITED:
            continue
        target = root / relative.replace("__package__", ctx["package"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(source.read_text(encoding="utf-8"), ctx, flags), encoding="utf-8")
    return root
