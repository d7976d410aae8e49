"""Charts as SVG text, drawn by matplotlib from the report's chart points.

matplotlib is imported inside :func:`svg_charts` (reports only). Every chart is readable
by anyone who can read the tables:

- **Labels in the report's language.** Chinese text needs a CJK font for its layout;
  the Debian package ``fonts-wqy-microhei`` (installed by ``.ci/run``) or any Noto/Source
  Han Sans CJK font is found by name, or by file when matplotlib's font cache predates it.
  Without one, Chinese labels are still written (a viewer draws them with its own font)
  and their measured widths are approximate.
- **Text stays text** (``svg.fonttype = none``): selectable, searchable, read aloud;
  each chart opens with a ``<title>`` and ``<desc>`` and has ``role="img"``.
- **Series told apart without colour**: each region has its own marker and line style
  (bars: hatching) as well as a colour from the Okabe–Ito palette, which stays distinct
  for the common kinds of colour blindness.
- **Ticks a person reads**: amounts as 1,000 / 10,000 (万 in Chinese), shares as percents.

Output is deterministic for a given matplotlib and font (``svg.hashsalt``, no ``Date``
metadata). Amounts become floats here, for plotting coordinates only.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from html import escape
from typing import Any

from yibao.money import fmt_money

from yibao_reports.model import PremiumBar, Report, ShareChart, ShareSeries, Text2

CJK_FAMILIES = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "PingFang SC",
    "Microsoft YaHei",
)
"""Fonts with Chinese glyphs, in order of preference (the first found lays out the text;
all are named in the SVG, so a viewer may use any it has)."""
CJK_FILES = ("wqy", "notosanscjk", "noto-cjk", "sourcehansans", "source-han-sans")

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442")  # fmt: skip
"""Okabe & Ito's colour-blind-safe palette (yellow last: faint on white)."""
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 2)), (0, (8, 2)), (0, (3, 1, 1, 1, 1, 1)))
HATCHES = ("", "///", "...", "xxx", "\\\\\\", "+++", "ooo", "---")

RC = {
    "svg.hashsalt": "yibao-reports",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 9,
    "path.simplify": False,
    "axes.unicode_minus": False,
    "hatch.linewidth": 0.6,
}
STATUS_NOTE = {
    "not_published": Text2(zh="未公布", en="n/p"),
    "not_eligible": Text2(zh="不可参保", en="not eligible"),
    "error": Text2(zh="无法作答", en="n/a"),
}
SCHEME = {
    "resident": Text2(zh="居民医保", en="resident"),
    "employee": Text2(zh="职工医保", en="employee"),
}


def chart_names(report: Report) -> list[str]:
    """The chart names a report draws, in order (file stems for Markdown)."""
    names = [f"patient-share-{c.scheme}" for c in report.share_charts]
    if report.premiums:
        names.append("premiums")
    return names


def svg_charts(report: Report, lang: str = "en") -> dict[str, str]:
    """``{name: svg text}`` for every chart of ``report``, labelled in ``lang``."""
    import matplotlib

    family = cjk_font()
    rc = dict(RC, **{"font.sans-serif": [*([family] if family else []), *CJK_FAMILIES,
                                         "DejaVu Sans"]})  # fmt: skip
    out: dict[str, str] = {}
    styles = _styles(report)
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        if family is None:  # no CJK font: the text is written all the same
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            warnings.filterwarnings("ignore", message="findfont: Font family")
        for chart in report.share_charts:
            title = _share_title(chart, lang)
            out[f"patient-share-{chart.scheme}"] = _save(
                _share_figure(chart, styles, lang, title), title, _share_desc(chart, lang)
            )
        if report.premiums:
            title = _t(
                lang, "各类人员的个人年缴费（按地区）", "Premium per person category, by region"
            )
            out["premiums"] = _save(
                _premium_figure(report.premiums, styles, lang, title), title,
                _t(lang, "柱高为此人自付的年缴费；未公布、不可参保或无法作答的以文字标注。",
                   "Bar height: the yearly premium the person pays; not published, not "
                   "eligible or no answer are written instead."),
            )  # fmt: skip
    return out


def cjk_font() -> str | None:
    """The first CJK font matplotlib can use, registering an installed font file its
    font cache does not know yet; ``None`` when there is none."""
    from matplotlib import font_manager as fm

    def found() -> str | None:
        for family in CJK_FAMILIES:
            try:
                fm.findfont(fm.FontProperties(family=family), fallback_to_default=False)
            except ValueError:
                continue
            return family
        return None

    family = found()
    if family is None:
        for path in fm.findSystemFonts():
            if any(key in path.lower().replace("_", "") for key in CJK_FILES):
                fm.fontManager.addfont(path)
        family = found()
    return family


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _styles(report: Report) -> dict[str, dict[str, Any]]:
    """Per region: colour, marker, line style and hatching, by the report's order."""
    return {
        code: {
            "color": PALETTE[i % len(PALETTE)],
            "marker": MARKERS[i % len(MARKERS)],
            "linestyle": LINES[i % len(LINES)],
            "hatch": HATCHES[i % len(HATCHES)],
        }
        for i, code in enumerate(report.regions)
    }


def _save(fig: Any, title: str, desc: str) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return _accessible(_tidy(buf.getvalue()), title, desc)


def _tidy(svg: str) -> str:
    """Drop the XML prolog and DOCTYPE so the SVG can sit inline in HTML."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def _accessible(svg: str, title: str, desc: str) -> str:
    """The SVG named for assistive technology: ``role="img"``, then ``<title>`` and
    ``<desc>`` as its first children."""
    end = svg.find(">", svg.find("<svg")) + 1
    head = svg[:end]
    if "role=" not in head:
        head = head[:-1] + ' role="img">'
    return f"{head}<title>{escape(title)}</title><desc>{escape(desc)}</desc>{svg[end:]}"


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _share_title(chart: ShareChart, lang: str) -> str:
    scheme = SCHEME.get(chart.scheme, Text2(zh=chart.scheme, en=chart.scheme)).pick(lang)
    return _t(
        lang,
        f"一次本地住院个人负担占合规费用的比例：{chart.person.zh}（{scheme}）",
        f"Patient share of one local inpatient bill: {chart.person.en} ({scheme} scheme)",
    )


def _share_desc(chart: ShareChart, lang: str) -> str:
    names = sorted({_name(s, lang) for s in chart.series})
    return _t(
        lang,
        f"每个医院级别一幅：横轴为合规费用（对数刻度），纵轴为个人负担占比；地区：{'、'.join(names)}。",
        f"One panel per hospital level: compliant amount (log scale) against the patient's "
        f"share; regions: {', '.join(names)}.",
    )


def _name(series: ShareSeries | PremiumBar, lang: str) -> str:
    return (series.name_zh if lang == "zh" else series.name_en) or series.region


def _share_figure(chart: ShareChart, styles: dict, lang: str, title: str) -> Any:
    levels = sorted({s.level for s in chart.series})
    fig = _figure(3.4 * max(len(levels), 1), 3.8)
    axes = fig.subplots(1, max(len(levels), 1), sharey=True, squeeze=False)[0]
    missing: list[tuple[str, int]] = []
    for ax, level in zip(axes, levels, strict=False):
        for series in (s for s in chart.series if s.level == level):
            if not _plot_share(ax, series, styles.get(series.region, {}), lang):
                missing.append((_name(series, lang), level))
        ax.set_title(_t(lang, f"{_level_zh(level)}级医院", f"hospital level {level}"))
        _amount_axis(ax, lang)
        ax.set_ylim(0, 100)
        ax.yaxis.set_major_formatter(_percent())
        ax.grid(True, which="major", alpha=0.3)
    xlabel = _t(lang, "一次住院的合规费用（元，对数刻度）",
                "compliant amount of one admission (yuan, log scale)")  # fmt: skip
    fig.supxlabel(xlabel, fontsize=9)
    axes[0].set_ylabel(
        _t(lang, "个人负担占合规费用的比例", "patient pays (share of the compliant amount)")
    )
    handles: list[Any] = []
    labels: list[str] = []
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    if handles:
        axes[-1].legend(handles, labels, loc="upper right", frameon=True, fontsize=7,
                        handlelength=3)  # fmt: skip
    fig.suptitle(title)
    if missing:
        head = _t(lang, "无结算点（数值未公布或无法作答）：",
                  "no settled points (a value is not published, or no answer): ")  # fmt: skip
        fig.text(0.01, -0.06, head + _missing_words(missing, len(levels), lang), fontsize=7)
    return fig


def _level_zh(level: int) -> str:
    return "一二三"[level - 1] if 1 <= level <= 3 else str(level)


def _missing_words(missing: Sequence[tuple[str, int]], n_levels: int, lang: str) -> str:
    by_region: dict[str, list[int]] = {}
    for name, level in missing:
        by_region.setdefault(name, []).append(level)
    parts = []
    for name, levels in by_region.items():
        if len(levels) == n_levels:
            parts.append(_t(lang, f"{name}（各级）", f"{name} (all levels)"))
        else:
            shown = ", ".join(map(str, levels))
            parts.append(_t(lang, f"{name}（{shown}级）", f"{name} (level {shown})"))
    return _t(lang, "；", "; ").join(parts)


def amount_label(value: float, lang: str) -> str:
    """A tick's amount: ``1,000`` / ``10,000`` in English, ``1,000`` / ``1万`` / ``100万``
    in Chinese — never ``833333.3``."""
    if lang == "zh" and value >= 10_000:
        return f"{value / 10_000:,.4g}万"
    return f"{value:,.0f}"


def _amount_axis(ax: Any, lang: str) -> None:
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=10))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: amount_label(x, lang)))
    ax.xaxis.set_minor_formatter(NullFormatter())


def _percent() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda y, _pos: f"{y:.0f}%")


def _plot_share(ax: Any, series: ShareSeries, style: dict, lang: str) -> bool:
    """Plot one region's line; ``False`` when no point is settled."""
    xs, ys = [], []
    for p in series.points:
        xs.append(float(p.compliant))
        if p.patient is None or p.compliant == 0 or p.status != "settled":
            ys.append(float("nan"))
            continue
        ys.append(float(p.patient) / float(p.compliant) * 100.0)
    if all(y != y for y in ys):  # all NaN
        return False
    ax.plot(xs, ys, marker=style.get("marker", "o"), markersize=3.5, linewidth=1.4,
            linestyle=style.get("linestyle", "-"), color=style.get("color", PALETTE[0]),
            markerfacecolor="white", markeredgewidth=1.0,
            label=f"{_name(series, lang)} {series.year}")  # fmt: skip
    return True


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _premium_figure(bars: Sequence[PremiumBar], styles: dict, lang: str, title: str) -> Any:
    schemes = _unique([b.scheme for b in bars])
    counts = [len(_unique([b.person for b in bars if b.scheme == s])) for s in schemes]
    fig = _figure(max(6.0, 1.4 * sum(counts) + 1.5), 4.0)
    axes = fig.subplots(1, len(schemes), squeeze=False, width_ratios=counts)[0]
    for ax, scheme in zip(axes, schemes, strict=True):
        _premium_axes(ax, [b for b in bars if b.scheme == scheme], styles, lang)
        years = _t(lang, "、", ", ").join(
            sorted({f"{_name(b, lang)} {b.year}" for b in bars if b.scheme == scheme})
        )
        label = SCHEME.get(scheme, Text2(zh=scheme, en=scheme)).pick(lang)
        ax.set_title(_t(lang, f"{label}（{years}）", f"{label} scheme ({years})"), fontsize=8)
    axes[0].set_ylabel(_t(lang, "此人自付的年缴费（元）", "yearly premium the person pays (yuan)"))
    fig.suptitle(title)
    return fig


def _premium_axes(ax: Any, bars: Sequence[PremiumBar], styles: dict, lang: str) -> None:
    from matplotlib.ticker import FuncFormatter

    people = _unique([b.person for b in bars])
    labels = {b.person: _wrap(b.person_label.pick(lang), lang) for b in bars}
    regions = _unique([b.region for b in bars])
    names = {b.region: _name(b, lang) for b in bars}
    width = 0.8 / max(len(regions), 1)
    top = max((float(b.individual) for b in bars if b.individual is not None), default=0.0)
    top = top or 1.0
    for j, code in enumerate(regions):
        style = styles.get(code, {})
        xs, heights = [], []
        for i, person in enumerate(people):
            bar = next((b for b in bars if b.person == person and b.region == code), None)
            if bar is None:
                continue
            x = i - 0.4 + width * (j + 0.5)
            if bar.individual is None:
                note = STATUS_NOTE.get(bar.status, Text2(zh=bar.status, en=bar.status))
                ax.text(x, top * 0.02, note.pick(lang), rotation=90, ha="center", va="bottom",
                        fontsize=6, color="#333333")  # fmt: skip
                continue
            xs.append(x)
            heights.append(float(bar.individual))
            ax.text(x, float(bar.individual) + top * 0.01, fmt_money(bar.individual),
                    rotation=90, ha="center", va="bottom", fontsize=6)  # fmt: skip
        ax.bar(xs, heights, width=width * 0.95, color=style.get("color", PALETTE[0]),
               hatch=style.get("hatch", ""), edgecolor="#222222", linewidth=0.5,
               label=names[code])  # fmt: skip
    ax.set_xticks(range(len(people)), [labels[p] for p in people], fontsize=7)
    ax.set_ylim(0, top * 1.6)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: f"{y:,.0f}"))
    ax.legend(frameon=False, fontsize=7, loc="upper left", ncol=len(regions))
    ax.grid(True, axis="y", alpha=0.3)


def _wrap(label: str, lang: str) -> str:
    """A person's label on two lines under its bars."""
    if lang == "zh":
        return label.replace("，", "\n", 1).replace(" · ", "\n", 1)
    return label.replace(", ", ",\n", 1)
