"""An impact study as report sections: rows of baseline, reform and change per region.

Every number is read from :class:`yibao.impact.study.ImpactRun` (sums and counts the
engine's answers add up to); this module only arranges them and derives the change and
its percentage, exactly (``Decimal``). HTML, Markdown and CSV render these sections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from yibao.impact.aggregate import (
    CHANGE_EDGES,
    OTHER,
    Change,
    Excluded,
    Money,
    RegionImpact,
    Side,
)
from yibao.impact.changes import RuleSets
from yibao.impact.distribution import bucket_text, from_fen, is_edge
from yibao.impact.study import ImpactRun
from yibao.vocabulary import WORDS

Unit = Literal["yuan", "people", "claims", "text"]
Text2 = tuple[str, str]
"""A label in Chinese and English."""

LAYERS: dict[str, Text2] = {code: (zh, en) for code, zh, en in WORDS["layer"]}
DIMENSIONS: dict[str, Text2] = {
    "category": ("参保类别", "category"),
    "level": ("医疗机构级别", "hospital level"),
    "kind": ("费用类别", "claim kind"),
    "care": ("就医地", "care route"),
}
VALUES: dict[str, dict[str, Text2]] = {
    dimension: {code: (zh, en) for code, zh, en in WORDS[vocab]}
    for dimension, vocab in (("kind", "claim_kind"), ("level", "level"), ("care", "care"))
}
"""The words of each dimension's values: the one vocabulary (yibao.vocabulary)."""
FICTIONAL_WORDS = ("fictional", "hypothetical", "虚构", "假设")


@dataclass(frozen=True)
class Cell:
    """One region's value on one row under both rule sets."""

    baseline: Decimal | int | None = None
    reform: Decimal | int | None = None
    unit: Unit = "yuan"
    text: tuple[str, str] | None = None
    """For ``text`` rows: what to show under the baseline and the reform."""

    @property
    def single(self) -> bool:
        """One value for the whole study (a count of people compared, gains), not a
        baseline and a reform."""
        return self.unit != "text" and self.baseline is None

    @property
    def change(self) -> Decimal | int | None:
        if self.unit == "text" or self.baseline is None or self.reform is None:
            return None
        return self.reform - self.baseline

    @property
    def percent(self) -> Decimal | None:
        """The change as a percentage of the baseline, to 0.1 (none from a zero base)."""
        change = self.change
        if change is None or not self.baseline:
            return None
        pct = Decimal(change) * 100 / Decimal(self.baseline)
        return pct.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Row:
    key: str
    label: Text2
    cells: dict[str, Cell]
    """By region code; a region without the row has no cell."""


@dataclass(frozen=True)
class Section:
    key: str
    title: Text2
    rows: list[Row]
    note: Text2 | None = None


@dataclass
class View:
    """Everything the report shows, in order."""

    run: ImpactRun
    names: dict[str, Text2]
    """Region code → name."""
    sections: list[Section] = field(default_factory=list)
    fictional: bool = False
    """Some reform value is marked fictional or hypothetical where it is cited."""


def pick(lang: str, text: Text2) -> str:
    return text[0] if lang == "zh" else text[1]


def build_view(run: ImpactRun, categories: Mapping[str, Mapping[str, Text2]]) -> View:
    """The report's sections; ``categories`` maps region → category code → name."""
    names = {r.region: (r.name_zh or r.region, r.name_en or r.region) for r in run.rules}
    for code in run.regions:
        names.setdefault(code, (code, code))
    regions = run.impact.regions
    view = View(run=run, names=names, fictional=_fictional(run.rules))
    view.sections = [
        _people(run),
        _outlays(regions),
        _premiums(regions),
        *(_by(regions, d, categories) for d in DIMENSIONS),
        _burden(run),
        _gains(regions),
        _thresholds(regions),
    ]
    return view


def _fictional(rules: Iterable[RuleSets]) -> bool:
    texts = [t for r in rules for c in r.changes for t in (c.new.cite, c.new.note) if t]
    return any(word in text.lower() for text in texts for word in FICTIONAL_WORDS)


def _row(
    key: str,
    label: Text2,
    regions: Mapping[str, RegionImpact],
    value: Callable[[Side], Decimal | int | None],
    unit: Unit = "yuan",
) -> Row:
    """A row whose cell is ``value(side)`` of each region's baseline and reform."""
    cells = {
        code: Cell(value(part.baseline), value(part.reform), unit) for code, part in regions.items()
    }
    return Row(key, label, cells)


def _layers(regions: Mapping[str, RegionImpact]) -> list[str]:
    seen: dict[str, None] = {}
    for part in regions.values():
        for side in (part.baseline, part.reform):
            seen.update(dict.fromkeys(side.total.layers))
    known = [k for k in LAYERS if k in seen]
    return known + sorted(k for k in seen if k not in LAYERS)


def _label(layer: str) -> Text2:
    return LAYERS.get(layer, (layer, layer))


def _people(run: ImpactRun) -> Section:
    regions = run.impact.regions

    def single(key: str, label: Text2, value: Callable[[RegionImpact], int]) -> Row:
        cells = {code: Cell(None, value(part), "people") for code, part in regions.items()}
        return Row(key, label, cells)

    rows = [
        single("compared", ("比较的人数", "people compared"), lambda p: p.people),
        single(
            "left_out",
            ("未能比较的人数（原因见下）", "people left out (reasons below)"),
            lambda p: sum(e.count for e in p.excluded.values()),
        ),
    ]
    return Section(
        "people",
        ("测算人群", "Who was compared"),
        rows,
        note=(
            "同一批人在基准与改革两套规则下各结算一次；两套规则下都已结算全部费用的人才计入比较，"
            "其余的人按原因列出，绝不按零支出计入。",
            "Every person is settled under the baseline and under the reform; only people whose "
            "every claim is settled under both are compared. The others are listed with the "
            "reason, never counted as a zero outlay.",
        ),
    )


def _outlays(regions: Mapping[str, RegionImpact]) -> Section:
    rows = [
        _row("bill", ("医疗费用", "bills"), regions, lambda s: s.total.bill),
        *(
            _row(f"layer.{k}", _label(k), regions, lambda s, k=k: s.total.layers.get(k))
            for k in _layers(regions)
        ),
        _row("funds", ("各项基金合计", "all fund layers"), regions, lambda s: s.total.funds),
        _row("patient", ("个人负担", "patient share"), regions, lambda s: s.total.patient),
        _row("claims", ("费用笔数", "claims"), regions, lambda s: s.total.claims, "claims"),
    ]
    return Section("outlays", ("基金支出（按支付层）", "Fund outlay by payer layer"), rows)


def _premiums(regions: Mapping[str, RegionImpact]) -> Section:
    rows = [
        _row("premium", ("个人缴费合计", "premiums people pay"), regions, lambda s: s.premium),
        _row("eligible", ("可参保人数", "people eligible"), regions, _eligible, "people"),
        _row(
            "premium_unknown",
            ("个人缴费未公布的人数", "people whose premium is not published"),
            regions,
            lambda s: s.premium_unknown,
            "people",
        ),
    ]
    rows.append(
        Row(
            "premium_moves",
            ("个人缴费上升 / 下降的人数", "people whose premium rises / falls"),
            {
                code: Cell(
                    unit="text",
                    text=("", f"{part.change.premium_up:,} / {part.change.premium_down:,}"),
                )
                for code, part in regions.items()
            },
        )
    )
    return Section("premiums", ("个人缴费", "Premiums"), rows)


def _eligible(side: Side) -> int:
    return side.eligible


def _by(
    regions: Mapping[str, RegionImpact],
    dimension: str,
    categories: Mapping[str, Mapping[str, Text2]],
) -> Section:
    values: dict[str, None] = {}
    for part in regions.values():
        values.update(dict.fromkeys(part.baseline.by(dimension)))
        values.update(dict.fromkeys(part.reform.by(dimension)))
    order = list(VALUES.get(dimension, {}))
    ordered = sorted(values, key=lambda v: (order.index(v) if v in order else len(order), v))
    rows = []
    for value in ordered:
        label = _value_label(dimension, value, regions, categories)

        def slot(side: Side, value: str = value) -> Money | None:
            return side.by(dimension).get(value)

        rows.append(
            _row(
                f"{dimension}.{value}.funds",
                (f"{label[0]} · 基金", f"{label[1]} · funds"),
                regions,
                lambda s, slot=slot: _money(slot(s), "funds"),
            )
        )
        rows.append(
            _row(
                f"{dimension}.{value}.patient",
                (f"{label[0]} · 个人", f"{label[1]} · patient"),
                regions,
                lambda s, slot=slot: _money(slot(s), "patient"),
            )
        )
    title = DIMENSIONS[dimension]
    return Section(f"by.{dimension}", (f"按{title[0]}", f"By {title[1]}"), rows)


def _money(money: Money | None, what: str) -> Decimal | None:
    if money is None:
        return None
    return money.funds if what == "funds" else money.patient


def _value_label(
    dimension: str,
    value: str,
    regions: Mapping[str, RegionImpact],
    categories: Mapping[str, Mapping[str, Text2]],
) -> Text2:
    if dimension == "category":
        for code in regions:
            found = categories.get(code, {}).get(value)
            if found is not None:
                return (f"{found[0]}（{value}）", f"{found[1]} ({value})")
        return (value, value)
    return VALUES.get(dimension, {}).get(value, (value, value))


def _burden(run: ImpactRun) -> Section:
    regions = run.impact.regions
    rows = [
        _row(
            "burden.mean",
            ("人均个人负担", "mean burden per person"),
            regions,
            lambda s: _mean(s.total.patient, s.total.people),
        )
    ]
    for i in range(1, 10):
        label = ("中位数（第5个十分位）", "median (decile 5)") if i == 5 else None
        rows.append(
            Row(
                f"burden.decile{i}",
                label or (f"第{i}个十分位", f"decile {i}"),
                {
                    code: Cell(
                        unit="text", text=(_decile(part.baseline, i), _decile(part.reform, i))
                    )
                    for code, part in regions.items()
                },
            )
        )
    for threshold in run.thresholds:
        yuan = f"{from_fen(threshold):,.0f}"
        rows.append(
            _row(
                f"burden.above.{threshold}",
                (f"个人负担超过 {yuan} 元的人数", f"people whose burden is above {yuan} yuan"),
                regions,
                lambda s, t=threshold: s.above.get(t, 0),
                "people",
            )
        )
    return Section(
        "burden",
        ("个人年度负担的分布", "Distribution of the yearly patient burden"),
        rows,
        note=(
            "个人负担 = 一年内各笔费用中个人承担的部分（不含缴费）。十分位数落在所示区间内"
            "（10 元以下精确到分，以上每档宽度不超过下限的 1%），不作插值。",
            "Burden = the patient's share of the year's bills (premiums not included). Each "
            "decile lies in the range shown (exact to the fen below 10 yuan; above, each range "
            "is at most 1% of its lower end wide); nothing is interpolated.",
        ),
    )


def _mean(total: Decimal, people: int) -> Decimal | None:
    if not people:
        return None
    return (total / people).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _decile(side: Side, i: int) -> str:
    found = side.burden.quantile(i, 10)
    return bucket_text(found) if found is not None else "—"


def _gains(regions: Mapping[str, RegionImpact]) -> Section:
    def single(
        key: str,
        label: Text2,
        value: Callable[[Change], Decimal | int | None],
        unit: Unit = "people",
    ) -> Row:
        cells = {code: Cell(None, value(part.change), unit) for code, part in regions.items()}
        return Row(key, label, cells)

    rows = [
        single("gain", ("负担减轻的人数", "people who pay less"), lambda c: c.gain),
        single("lose", ("负担加重的人数", "people who pay more"), lambda c: c.lose),
        single("same", ("负担不变的人数", "people unchanged"), lambda c: c.same),
        single("gained", ("减轻合计", "total fall"), lambda c: c.gained, "yuan"),
        single("lost", ("加重合计", "total rise"), lambda c: c.lost, "yuan"),
        single(
            "gained.mean",
            ("减轻者人均减轻", "mean fall among those who pay less"),
            lambda c: _mean(c.gained, c.gain),
            "yuan",
        ),
        single(
            "lost.mean",
            ("加重者人均加重", "mean rise among those who pay more"),
            lambda c: _mean(c.lost, c.lose),
            "yuan",
        ),
    ]
    for sign, words in (("gain", ("减轻", "pay less by")), ("lose", ("加重", "pay more by"))):
        edges = sorted({e for p in regions.values() for e in getattr(p.change, f"{sign}_bands")})
        for edge in edges:
            band = band_words(edge)
            rows.append(
                single(
                    f"{sign}.band{edge}",
                    (f"{words[0]} {band[0]} 元的人数", f"people who {words[1]} {band[1]} yuan"),
                    lambda c, sign=sign, edge=edge: getattr(c, f"{sign}_bands").get(edge, 0),
                )
            )
    return Section(
        "gains",
        ("谁受益、谁受损", "Who gains and who loses"),
        rows,
        note=(
            "按每人年度个人负担（改革 − 基准）计；缴费变化单列于“个人缴费”。",
            "By each person's yearly burden (reform − baseline); premium changes are shown "
            "apart, under Premiums.",
        ),
    )


def band_words(edge: int) -> Text2:
    """``(0, 10]`` … ``above 10,000`` for a :data:`CHANGE_EDGES` lower edge (fen)."""
    i = CHANGE_EDGES.index(edge)
    low = f"{from_fen(edge):,.0f}"
    if i + 1 < len(CHANGE_EDGES):
        high = f"{from_fen(CHANGE_EDGES[i + 1]):,.0f}"
        return (f"{low}–{high}", f"{low}–{high}")
    return (f"{low} 以上", f"over {low}")


def _thresholds(regions: Mapping[str, RegionImpact]) -> Section:
    layers = _layers(regions)
    limits: dict[str, None] = {}
    for part in regions.values():
        limits.update(dict.fromkeys(part.baseline.limits))
        limits.update(dict.fromkeys(part.reform.limits))
    rows = [
        _row(
            f"reached.{k}",
            (f"{_label(k)[0]}有支付的人数", f"people {_label(k)[1]} pays something to"),
            regions,
            lambda s, k=k: s.reached.get(k, 0),
            "people",
        )
        for k in layers
    ]
    rows += [
        _row(
            f"limit.{k}",
            (f"用尽年度限额 {k} 的人数", f"people who use up the yearly limit {k}"),
            regions,
            lambda s, k=k: s.limits.get(k, 0),
            "people",
        )
        for k in sorted(limits)
    ]
    return Section(
        "thresholds",
        ("跨过门槛的人", "Who crosses a layer's threshold"),
        rows,
        note=(
            "某一支付层有支付（例如进入大病保险）、或用尽年度限额与封顶线的人数。",
            "People a payer layer pays something to (reaching critical illness, for one), and "
            "people who use up a yearly limit or cap.",
        ),
    )


def burden_bands(side: Side, edges: Sequence[int]) -> list[int]:
    """People per band of yearly burden: exactly zero, then ``[edges[i], edges[i+1])``,
    the last open-ended (``edges`` must be bucket edges and start above zero)."""
    assert all(is_edge(e) for e in edges)
    out = [side.burden.between(0, 1)]
    bounds = [1, *edges]
    for low, high in zip(bounds, [*edges, None], strict=True):
        out.append(side.burden.between(low, high))
    return out


def reasons(part: RegionImpact) -> list[tuple[str, Excluded]]:
    """Why people were left out, commonest first (the catch-all last)."""
    items = sorted(part.excluded.items(), key=lambda kv: (kv[0] == OTHER, -kv[1].count, kv[0]))
    return items


def where(run: ImpactRun, lines: Sequence[int]) -> str:
    """The example places of some left-out people: lines, or a table's people and rows."""
    if run.population.format == "jsonl":
        return f"{'line' if len(lines) == 1 else 'lines'} {', '.join(map(str, lines))}"
    return "; ".join(run.places.get(n, f"person #{n}") for n in lines)


def rows_where(lines: Sequence[int]) -> str:
    word = "row" if len(lines) == 1 else "rows"
    return f"{word} {', '.join(str(n) for n in lines)}"
