"""The impact report's charts as SVG text: outlay by layer, burden distribution before and
after, gains and losses — one panel per region, side by side.

As in :mod:`yibao_reports.charts` (same settings, same font, deterministic bytes);
amounts become floats here only as plotting coordinates.
"""

from __future__ import annotations

from typing import Any

from yibao_reports.charts import PALETTE, RC, _figure, _save
from yibao_reports.impact.view import (
    LAYERS,
    View,
    band_words,
    burden_bands,
)

BURDEN_EDGES = (100_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000)
"""Bands of yearly burden drawn (fen): 1,000 / 5,000 / 10,000 / 20,000 / 50,000 /
100,000 yuan."""
BURDEN_LABELS = ("0", "<1k", "1k–5k", "5k–10k", "10k–20k", "20k–50k", "50k–100k", "≥100k")
BASELINE, REFORM = "#8c8c8c", PALETTE[0]
GAIN, LOSS = PALETTE[2], PALETTE[1]

CAPTIONS = {
    "outlay": (
        "基准与改革下各支付层的支出与个人负担（万元），每个地区一栏。",
        "What each payer layer pays and what patients bear, baseline and reform "
        "(10,000 yuan), one panel per region.",
    ),
    "burden": (
        "按个人年度负担分档的人数，基准与改革。",
        "People by their yearly burden, baseline and reform.",
    ),
    "gains": (
        "改革后负担减轻、不变、加重的人数，按变化幅度（元）。",
        "People who pay less, the same or more under the reform, by the size of the change (yuan).",
    ),
}


def svg_charts(view: View) -> dict[str, str]:
    """``{name: svg}`` for the outlay, burden and gains charts (none without people)."""
    import matplotlib
    from cycler import cycler

    regions = {c: p for c, p in view.run.impact.regions.items() if p.people}
    if not regions:
        return {}
    rc = dict(RC, **{"axes.prop_cycle": cycler(color=PALETTE)})
    with matplotlib.rc_context(rc):
        return {
            "outlay": _named(_outlay(view, regions), "Stacked bars per region: before and after "
                             "the reform, what each payer layer and the patients pay."),
            "burden": _named(_burden(view, regions), "Histogram per region: how many people "
                             "carry each yearly patient burden, before and after the reform."),
            "gains": _named(_gains(view, regions), "Bars per region: how many people pay less, "
                            "the same or more in a year under the reform."),
        }  # fmt: skip


def _named(fig: Any, desc: str) -> str:
    """The figure as SVG, its suptitle as the chart's ``<title>`` (for screen readers)."""
    title = fig.get_suptitle()
    return _save(fig, title, desc)


def _panels(count: int, width: float, height: float) -> tuple[Any, list[Any]]:
    fig = _figure(max(width * count, 5.0), height)
    axes = fig.subplots(1, count, squeeze=False)[0]
    return fig, list(axes)


def _title(view: View, code: str) -> str:
    return f"{view.names[code][1]} ({code})"


def _outlay(view: View, regions: dict[str, Any]) -> Any:
    fig, axes = _panels(len(regions), 4.6, 3.6)
    for ax, (code, part) in zip(axes, regions.items(), strict=True):
        layers = [k for k in LAYERS if k in part.baseline.total.layers] + sorted(
            k for k in part.baseline.total.layers if k not in LAYERS
        )
        names = [LAYERS.get(k, (k, k))[1] for k in layers] + ["patient"]
        before = [part.baseline.total.layers.get(k) for k in layers] + [part.baseline.total.patient]
        after = [part.reform.total.layers.get(k) for k in layers] + [part.reform.total.patient]
        xs = range(len(names))
        ax.bar([x - 0.2 for x in xs], [_wan(v) for v in before], 0.4, color=BASELINE,
               label="baseline")  # fmt: skip
        ax.bar([x + 0.2 for x in xs], [_wan(v) for v in after], 0.4, color=REFORM,
               label="reform")  # fmt: skip
        top = max([_wan(v) for v in before + after] + [1.0])
        for x, old, new in zip(xs, before, after, strict=True):
            delta = (new or 0) - (old or 0)
            if delta:
                ax.text(x, max(_wan(old), _wan(new)) + top * 0.02, f"{delta:+,.2f}",
                        ha="center", va="bottom", fontsize=6)  # fmt: skip
        ax.set_xticks(list(xs), names, fontsize=7, rotation=15)
        ax.set_ylim(0, top * 1.18)
        ax.set_title(_title(view, code), fontsize=9)
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(frameon=False, fontsize=7, loc="upper right")
    axes[0].set_ylabel("10,000 yuan")
    fig.suptitle("Fund outlay by payer layer and patient share (labels: change in yuan)")
    return fig


def _whole_numbers() -> Any:
    """Ticks at whole people only."""
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def _wan(value: Any) -> float:
    return 0.0 if value is None else float(value) / 10_000


def _burden(view: View, regions: dict[str, Any]) -> Any:
    fig, axes = _panels(len(regions), 4.6, 3.4)
    for ax, (code, part) in zip(axes, regions.items(), strict=True):
        before = burden_bands(part.baseline, BURDEN_EDGES)
        after = burden_bands(part.reform, BURDEN_EDGES)
        xs = range(len(BURDEN_LABELS))
        ax.bar([x - 0.2 for x in xs], before, 0.4, color=BASELINE, label="baseline")
        ax.bar([x + 0.2 for x in xs], after, 0.4, color=REFORM, label="reform")
        ax.set_xticks(list(xs), BURDEN_LABELS, fontsize=7, rotation=30)
        ax.yaxis.set_major_locator(_whole_numbers())
        ax.set_title(_title(view, code), fontsize=9)
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(frameon=False, fontsize=7, loc="upper right")
    axes[0].set_ylabel("people")
    fig.supxlabel("yearly patient burden per person (yuan)", fontsize=9)
    fig.suptitle("Distribution of the yearly patient burden")
    return fig


def _gains(view: View, regions: dict[str, Any]) -> Any:
    fig, axes = _panels(len(regions), 4.6, 3.6)
    for ax, (code, part) in zip(axes, regions.items(), strict=True):
        change = part.change
        labels, counts, colors = [], [], []
        for edge in sorted(change.gain_bands, reverse=True):
            labels.append(f"less by {band_words(edge)[1]}")
            counts.append(change.gain_bands[edge])
            colors.append(GAIN)
        labels.append("unchanged")
        counts.append(change.same)
        colors.append(BASELINE)
        for edge in sorted(change.lose_bands):
            labels.append(f"more by {band_words(edge)[1]}")
            counts.append(change.lose_bands[edge])
            colors.append(LOSS)
        ys = range(len(labels))
        ax.barh(list(ys), counts, color=colors)
        top = max([*counts, 1])
        for y, n in zip(ys, counts, strict=True):
            ax.text(n + top * 0.01, y, f"{n:,}", va="center", fontsize=6)
        ax.set_yticks(list(ys), labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.15)
        ax.xaxis.set_major_locator(_whole_numbers())
        ax.set_title(_title(view, code), fontsize=9)
        ax.grid(True, axis="x", alpha=0.3)
    axes[0].set_xlabel("people")
    fig.suptitle("Who pays less, the same or more under the reform (yuan per year)")
    return fig
