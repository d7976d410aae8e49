"""Charts as SVG text, drawn by matplotlib from the report's chart points.

matplotlib is imported inside :func:`svg_charts` (reports only). Output is
deterministic: a fixed ``svg.hashsalt``, no ``Date`` metadata, one bundled font
(DejaVu Sans, so labels are English and region codes) and glyphs drawn as paths, so
the same points give the same bytes on any machine with the same matplotlib.
Amounts become floats here, for plotting coordinates only.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from yibao_reports.model import PremiumBar, Report, ShareChart, ShareSeries

RC = {
    "svg.hashsalt": "yibao-reports",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.prop_cycle": None,  # replaced below with a fixed palette
    "path.simplify": False,
}
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
STATUS_NOTE = {
    "not_published": "n/p",
    "not_eligible": "not eligible",
    "error": "n/a",
}


def chart_names(report: Report) -> list[str]:
    """The chart names a report draws, in order (file stems for Markdown)."""
    names = [f"patient-share-{c.scheme}" for c in report.share_charts]
    if report.premiums:
        names.append("premiums")
    return names


def svg_charts(report: Report) -> dict[str, str]:
    """``{name: svg text}`` for every chart of ``report``."""
    import matplotlib
    from cycler import cycler

    rc = dict(RC, **{"axes.prop_cycle": cycler(color=PALETTE)})
    out: dict[str, str] = {}
    with matplotlib.rc_context(rc):
        colors = _colors(report)
        for chart in report.share_charts:
            out[f"patient-share-{chart.scheme}"] = _save(_share_figure(chart, colors))
        if report.premiums:
            out["premiums"] = _save(_premium_figure(report.premiums, colors))
    return out


def _colors(report: Report) -> dict[str, str]:
    return {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(report.regions)}


def _save(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return _tidy(buf.getvalue())


def _tidy(svg: str) -> str:
    """Drop the XML prolog and DOCTYPE so the SVG can sit inline in HTML."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _share_figure(chart: ShareChart, colors: dict[str, str]) -> Any:
    levels = sorted({s.level for s in chart.series})
    fig = _figure(3.4 * max(len(levels), 1), 3.6)
    axes = fig.subplots(1, max(len(levels), 1), sharey=True, squeeze=False)[0]
    missing: list[tuple[str, int]] = []
    for ax, level in zip(axes, levels, strict=False):
        for series in (s for s in chart.series if s.level == level):
            if not _plot_share(ax, series, colors.get(series.region, PALETTE[0])):
                missing.append((series.name_en, level))
        ax.set_title(f"hospital level {level}")
        ax.set_xscale("log")
        ax.set_ylim(0, 100)
        ax.xaxis.set_major_formatter(_amount_formatter())
        ax.xaxis.set_minor_formatter(_no_labels())
        ax.grid(True, which="major", alpha=0.3)
    fig.supxlabel("compliant amount of one admission (yuan, log scale)", fontsize=9)
    axes[0].set_ylabel("patient pays (% of the compliant amount)")
    handles: list[Any] = []
    labels: list[str] = []
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    if handles:
        axes[-1].legend(handles, labels, loc="upper right", frameon=True, fontsize=7)
    fig.suptitle(
        f"Patient share of one local inpatient bill: {chart.person.en} ({chart.scheme} scheme)"
    )
    if missing:
        fig.text(0.01, -0.06, "no settled points (a value is not published, or no answer): "
                 + _missing_words(missing, len(levels)), fontsize=7)  # fmt: skip
    return fig


def _missing_words(missing: Sequence[tuple[str, int]], n_levels: int) -> str:
    by_region: dict[str, list[int]] = {}
    for name, level in missing:
        by_region.setdefault(name, []).append(level)
    return "; ".join(
        f"{name} (all levels)" if len(levels) == n_levels else
        f"{name} (level {', '.join(map(str, levels))})"
        for name, levels in by_region.items()
    )  # fmt: skip


def _no_labels() -> Any:
    from matplotlib.ticker import NullFormatter

    return NullFormatter()


def _amount_formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    def fmt(x: float, _pos: int) -> str:
        if x >= 1_000_000:
            return f"{x / 1_000_000:g}M"
        if x >= 1000:
            return f"{x / 1000:g}k"
        return f"{x:g}"

    return FuncFormatter(fmt)


def _plot_share(ax: Any, series: ShareSeries, color: str) -> bool:
    """Plot one region's line; ``False`` when no point is settled."""
    xs, ys = [], []
    for p in series.points:
        if p.patient is None or p.compliant == 0 or p.status != "settled":
            xs.append(float(p.compliant))
            ys.append(float("nan"))
            continue
        xs.append(float(p.compliant))
        ys.append(float(p.patient) / float(p.compliant) * 100.0)
    if all(y != y for y in ys):  # all NaN
        return False
    ax.plot(xs, ys, marker="o", markersize=2.5, linewidth=1.4, color=color,
            label=f"{series.name_en} {series.year}")  # fmt: skip
    return True


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _premium_figure(bars: Sequence[PremiumBar], colors: dict[str, str]) -> Any:
    schemes = _unique([b.scheme for b in bars])
    counts = [len(_unique([b.person for b in bars if b.scheme == s])) for s in schemes]
    fig = _figure(max(6.0, 1.4 * sum(counts) + 1.5), 3.8)
    axes = fig.subplots(1, len(schemes), squeeze=False, width_ratios=counts)[0]
    for ax, scheme in zip(axes, schemes, strict=True):
        _premium_axes(ax, [b for b in bars if b.scheme == scheme], colors)
        years = ", ".join(sorted({f"{b.name_en} {b.year}" for b in bars if b.scheme == scheme}))
        ax.set_title(f"{scheme} scheme ({years})", fontsize=8)
    axes[0].set_ylabel("yearly premium the person pays (yuan)")
    fig.suptitle("Premium per person category, by region (n/p: not published)")
    return fig


def _premium_axes(ax: Any, bars: Sequence[PremiumBar], colors: dict[str, str]) -> None:
    people = _unique([b.person for b in bars])
    labels = {b.person: b.person_label.en.replace(", ", ",\n", 1) for b in bars}
    regions = _unique([b.region for b in bars])
    names = {b.region: b.name_en for b in bars}
    width = 0.8 / max(len(regions), 1)
    top = max((float(b.individual) for b in bars if b.individual is not None), default=0.0)
    top = top or 1.0
    for j, code in enumerate(regions):
        xs, heights = [], []
        for i, person in enumerate(people):
            bar = next((b for b in bars if b.person == person and b.region == code), None)
            if bar is None:
                continue
            x = i - 0.4 + width * (j + 0.5)
            if bar.individual is None:
                ax.text(x, top * 0.02, STATUS_NOTE.get(bar.status, bar.status), rotation=90,
                        ha="center", va="bottom", fontsize=6, color=colors[code])  # fmt: skip
                continue
            xs.append(x)
            heights.append(float(bar.individual))
            ax.text(x, float(bar.individual) + top * 0.01, f"{bar.individual:f}", rotation=90,
                    ha="center", va="bottom", fontsize=6)  # fmt: skip
        ax.bar(xs, heights, width=width * 0.95, color=colors[code], label=names[code])
    ax.set_xticks(range(len(people)), [labels[p] for p in people], fontsize=7)
    ax.set_ylim(0, top * 1.6)
    ax.legend(frameon=False, fontsize=7, loc="upper left", ncol=len(regions))
    ax.grid(True, axis="y", alpha=0.3)
