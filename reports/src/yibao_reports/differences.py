"""The differences between regions, said in words, generated from the results.

Each function reads :class:`~yibao_reports.model.RegionColumn` values (engine numbers,
copied) and returns sentences in Chinese and English. Adding a premium to a patient
share for the year's out-of-pocket total is the only arithmetic, and it is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from yibao.money import fmt_money
from yibao.vocabulary import WORDS

from yibao_reports.model import ClaimRow, RegionColumn, Text2, claim_row

STATUS_PHRASE = {code: (zh, en) for code, zh, en in WORDS["claim_status"]}
"""A claim's status in a sentence: the same words as every table (yibao.vocabulary)."""


def _names(cols: Sequence[RegionColumn]) -> Text2:
    return Text2(zh="、".join(c.name("zh") for c in cols), en=", ".join(c.name("en") for c in cols))


def _ranked(
    items: Sequence[tuple[RegionColumn, Decimal, str]], unknown: Sequence[RegionColumn] = ()
) -> Text2:
    """``A 0.00 < B 400.00 = C 400.00``: regions in increasing order of an amount — only
    those whose amount is known; ``unknown`` regions are named after it as not ranked,
    so none is ever placed above or below a value nobody knows."""
    ordered = sorted(items, key=lambda t: t[1])
    zh, en = [], []
    for i, (col, amount, shown) in enumerate(ordered):
        if i:
            op = " = " if amount == ordered[i - 1][1] else " < "
            zh.append(op)
            en.append(op)
        zh.append(f"{col.name('zh')} {shown}")
        en.append(f"{col.name('en')} {shown}")
    if unknown:
        n = _names(unknown)
        zh.append(f"（{n.zh}未知，不参与比较）")
        en.append(f" ({n.en} not known, not ranked)")
    return Text2(zh="".join(zh), en="".join(en))


def differences(cols: Sequence[RegionColumn]) -> list[Text2]:
    """Every difference worth saying, in reading order."""
    out = [_error(c) for c in cols if c.status == "error"]
    ok = [c for c in cols if c.status == "ok"]
    for part in (_eligibility, _premium, _paid_by_others, _start, _claims, _year):
        out.extend(part(ok))
    return out


def _error(col: RegionColumn) -> Text2:
    return Text2(
        zh=f"{col.name('zh')}无法作答：{col.error}",
        en=f"{col.name('en')} cannot answer: {col.error}",
    )


def _eligibility(ok: Sequence[RegionColumn]) -> list[Text2]:
    yes = [c for c in ok if c.eligible]
    no = [c for c in ok if c.eligible is False]
    if yes and no:
        y, n = _names(yes), _names(no)
        return [
            Text2(
                zh=f"可参保：{y.zh}；不可参保：{n.zh}。", en=f"Eligible in {y.en}; not in {n.en}."
            )
        ]
    if no and not yes:
        return [Text2(zh="在所比较的地区均不可参保。", en="Not eligible in any region compared.")]
    return []


def _premium(ok: Sequence[RegionColumn]) -> list[Text2]:
    eligible = [c for c in ok if c.eligible]
    known = [(c, c.premium, fmt_money(c.premium)) for c in eligible if c.premium is not None]
    unknown = [c for c in eligible if c.premium is None]
    out = []
    if len(known) > 1 and len({k[1] for k in known}) > 1:
        r = _ranked(known, unknown)  # type: ignore[arg-type]
        out.append(
            Text2(
                zh=f"个人缴费由低到高：{r.zh}。",
                en=f"Premium the person pays, lowest first: {r.en}.",
            )
        )
    elif len(known) > 1:
        n = _names([k[0] for k in known])
        amount = known[0][2]
        out.append(
            Text2(
                zh=f"个人缴费相同（{n.zh}）：{amount}。",
                en=f"The person pays the same premium in {n.en}: {amount}.",
            )
        )
    if unknown:
        n = _names(unknown)
        out.append(
            Text2(
                zh=f"个人缴费未能确定：{n.zh}。", en=f"The person's premium is not known in {n.en}."
            )
        )
    return out


def _paid_by_others(ok: Sequence[RegionColumn]) -> list[Text2]:
    """Where the person pays nothing and someone else pays their share."""
    out = []
    for col in ok:
        if not col.eligible or col.premium is None or col.premium != 0:
            continue
        others = [p for p in col.premium_parts if p.payer in ("assistance_fund", "employer")]
        others += [p for p in col.premium_parts if p.payer == "government" and p.amount]
        if others:
            zh = "；".join(p.label_zh for p in others if p.label_zh)
            en = "; ".join(p.label_en for p in others if p.label_en)
            out.append(
                Text2(
                    zh=f"{col.name('zh')}个人不缴费：{zh}。",
                    en=f"In {col.name('en')} the person pays nothing: {en}.",
                )
            )
    return out


def _start_words(col: RegionColumn) -> Text2:
    if col.benefit_start is not None:
        return Text2(zh=f"自 {col.benefit_start} 起", en=f"from {col.benefit_start}")
    if col.start_earliest is not None:
        latest = col.start_latest or "?"
        return Text2(
            zh=f"未定（{col.start_earliest} 至 {latest} 之间）",
            en=f"undetermined (between {col.start_earliest} and {latest})",
        )
    return Text2(zh="未知", en="not known")


def _start(ok: Sequence[RegionColumn]) -> list[Text2]:
    eligible = [c for c in ok if c.eligible]
    if len(eligible) < 2:
        return []
    words = [(c, _start_words(c)) for c in eligible]
    if len({w.en for _, w in words}) == 1:
        w = words[0][1]
        return [Text2(zh=f"各地待遇均{w.zh}享受。", en=f"Benefits start alike everywhere: {w.en}.")]
    zh = "；".join(f"{c.name('zh')}{w.zh}" for c, w in words)
    en = "; ".join(f"{c.name('en')} {w.en}" for c, w in words)
    return [Text2(zh=f"待遇起始日不同：{zh}。", en=f"Benefits start on different dates: {en}.")]


def _claim_ids(ok: Sequence[RegionColumn]) -> list[str]:
    ids: dict[str, None] = {}  # ordered, and linear in the claims
    for col in ok:
        ids.update((c.claim_id, None) for c in col.claims)
    return list(ids)


def _find(col: RegionColumn, claim_id: str) -> ClaimRow | None:
    return claim_row(col, claim_id)


def _claim_name(row: ClaimRow) -> Text2:
    """A claim in a sentence: what it is (kind, date, hospital), else its id."""
    return row.label or Text2(zh=row.claim_id, en=row.claim_id)


def _claims(ok: Sequence[RegionColumn]) -> list[Text2]:
    out = []
    for claim_id in _claim_ids(ok):
        rows = [(col, row) for col in ok if (row := _find(col, claim_id)) is not None]
        if len(rows) < 2:
            continue
        name = _claim_name(rows[0][1])
        settled = [(c, r.patient, fmt_money(r.patient)) for c, r in rows if r.patient is not None]
        if all(r.status == "settled" for _, r in rows):
            if len({s[1] for s in settled}) > 1:
                rank = _ranked(settled)  # type: ignore[arg-type]
                out.append(
                    Text2(
                        zh=f"费用（{name.zh}）：个人负担由低到高 {rank.zh}。",
                        en=f"Claim ({name.en}): the patient pays, lowest first, {rank.en}.",
                    )
                )
            continue
        out.append(_mixed(name, rows))
    return out


def _outcome(row: ClaimRow) -> tuple[str, str]:
    s_zh, s_en = STATUS_PHRASE.get(row.status, (row.status, row.status))
    if row.status == "settled" and row.patient is not None:
        return (
            f"{s_zh}，个人负担 {fmt_money(row.patient)}",
            f"{s_en}, patient pays {fmt_money(row.patient)}",
        )
    if row.status == "not_published" and row.reason is not None:
        return f"无法结算（{row.reason.zh}）", f"cannot be settled ({row.reason.en})"
    if row.reason is not None:
        return f"{s_zh}（{row.reason.zh}）", f"{s_en} ({row.reason.en})"
    return s_zh, s_en


def _mixed(name: Text2, rows: Sequence[tuple[RegionColumn, ClaimRow]]) -> Text2:
    """A claim some regions settle and others do not: each outcome with its regions."""
    groups: dict[tuple[str, str], list[RegionColumn]] = {}
    for col, row in rows:
        groups.setdefault(_outcome(row), []).append(col)
    zh = "；".join(f"{_names(cols).zh}{o_zh}" for (o_zh, _), cols in groups.items())
    en = "; ".join(f"{_names(cols).en} {o_en}" for (_, o_en), cols in groups.items())
    return Text2(zh=f"费用（{name.zh}）：{zh}。", en=f"Claim ({name.en}): {en}.")


def _year(ok: Sequence[RegionColumn]) -> list[Text2]:
    """The year's out-of-pocket total (premium + patient share) where both are known."""
    usable = [c for c in ok if c.eligible and c.claims]
    known = [c for c in usable if _total(c) is not None]
    out = []
    if len(known) > 1:
        items = [(c, _total(c), _total_words(c)) for c in known]
        r = _ranked(items, [c for c in usable if _total(c) is None])  # type: ignore[arg-type]
        out.append(
            Text2(
                zh=f"全年个人负担（缴费 + 自付）由低到高：{r.zh}。",
                en=f"The year out of pocket (premium + patient share), lowest first: {r.en}.",
            )
        )
    partial = [c for c in usable if c.totals is not None and not c.totals.complete]
    if partial:
        n = _names(partial)
        out.append(
            Text2(
                zh=f"年度合计不完整（部分费用未能结算）：{n.zh}。",
                en=f"Year totals are incomplete (some claims not settled) in {n.en}.",
            )
        )
    return out


def _total(col: RegionColumn) -> Decimal | None:
    if col.premium is None or col.totals is None or not col.totals.complete:
        return None
    return col.premium + col.totals.patient


def _total_words(col: RegionColumn) -> str:
    assert col.premium is not None and col.totals is not None
    return (
        f"{fmt_money(col.premium)} + {fmt_money(col.totals.patient)} = "
        f"{fmt_money(col.premium + col.totals.patient)}"
    )
