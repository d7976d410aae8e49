"""Words every renderer shares: how an answer's notices read, in Chinese and English.

The CLI, the TUI and reports render the same result Structs; what a notice says to a
reader is decided here once, so the surfaces cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from yibao.results import Notice, NoticeKind, Step


def pick(lang: str, zh: str, en: str) -> str:
    """``zh`` in Chinese (when given), else ``en``."""
    return (zh or en) if lang == "zh" else en


def step_cite(s: Step, lang: str) -> str:
    """A step's citation, saying so when its value is carried from an earlier year."""
    if s.carried_from is None:
        return s.cite
    return f"{s.cite} " + pick(
        lang,
        f"（沿用{s.carried_from}年度数值，未附更新通知）",
        f"({s.carried_from} value; no later notice is bundled)",
    )


def carried_line(carried: Sequence[Notice], year: int, lang: str) -> str:
    """One line for the values an answer for ``year`` carries from earlier years'
    sources: each value once, grouped by the year its source covers."""
    by_year: dict[int | None, list[str]] = {}
    for n in carried:
        keys = by_year.setdefault(n.source_year, [])
        if n.key and n.key not in keys:
            keys.append(n.key)
    parts = []
    for source_year, keys in by_year.items():
        head = pick(
            lang,
            f"沿用{source_year}年度数值至{year}年度（未附更新的政策通知）",
            f"{source_year} values carried into {year} (no later notice is bundled)",
        )
        parts.append(f"{head}: {', '.join(keys)}")
    return "; ".join(parts)


def notice_lines(notices: Sequence[Notice], year: int, lang: str) -> list[tuple[NoticeKind, str]]:
    """What a reader must know from an answer's notices, as ``(kind, line)``: each once,
    with its citation; the values carried from earlier years first, on one line."""
    lines: list[tuple[NoticeKind, str]] = []
    carried = [n for n in notices if n.kind == "carried"]
    if carried:
        lines.append(("carried", carried_line(carried, year, lang)))
    for n in notices:
        if n.kind == "carried":
            continue
        text = pick(lang, n.text_zh, n.text_en)
        if n.cite and n.cite not in text:
            text += f" [{n.cite}]"
        if (n.kind, text) not in lines:
            lines.append((n.kind, text))
    return lines
