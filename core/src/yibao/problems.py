"""What is wrong with an input field, said in English and Chinese.

msgspec reports a wrong field as ``Invalid enum value 'x' - at `$.claims[0].kind```;
:func:`field_problem` turns that into ``$.claims[0].kind: 'x' is not one of …; did you
mean …?`` and its Chinese, looking up the allowed values in the scenario type and the
value in the document. A date that is well formed but does not exist (``1955-04-31``)
says so. The model's own checks (``__post_init__``) raise :func:`yibao.errors.bilingual` errors,
whose two texts travel in one message separated by :data:`yibao.errors.SEP`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import msgspec

from yibao.errors import split

DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def missing_date(text: str) -> tuple[str, str] | None:
    """``(en, zh)`` saying that ``text`` — a date written ``YYYY-MM-DD`` — does not exist
    (the 31st of April, the 29th of February in a common year); ``None`` when it is not
    so written or does exist."""
    found = DATE.fullmatch(text.strip())
    if found is None:
        return None
    year, month, day = (int(g) for g in found.groups())
    if not 1 <= month <= 12:
        return (
            f"the date {text} does not exist: there is no month {month}",
            f"日期 {text} 不存在：没有{month}月",
        )
    days = calendar.monthrange(year, month)[1] if 1 <= year <= 9999 else 31
    if 1 <= day <= days:
        return None
    return (
        f"the date {text} does not exist: {calendar.month_name[month]} {year} has {days} days",
        f"日期 {text} 不存在：{year}年{month}月只有{days}天",
    )


_TYPES_ZH = {
    "int": "整数",
    "str": "文本",
    "bool": "true 或 false",
    "array": "列表",
    "object": "表（键值对）",
    "decimal": "金额文本",
    "date": "日期",
    "null": "空值",
    "float": "小数",
}


def _type_zh(name: str) -> str:
    return _TYPES_ZH.get(name, name)


def field_problem(
    exc: msgspec.ValidationError, doc: Any = None, kind: type | None = None
) -> tuple[str, str]:
    """``(en, zh)`` for a msgspec validation error, path first (``$.person.sex: …``).

    ``doc`` is the decoded document (to quote the value given), ``kind`` the type it was
    decoded as (to list the allowed values and suggest field names)."""
    message = str(exc)
    text, sep, path = message.rpartition(" - at ")
    if not sep:
        text, path = message, ""
    path = path.strip("`")
    en, zh = _explain(text, path, doc, kind)
    if not path:
        return en, zh or en
    return f"{path}: {en}", f"{path}：{zh}" if zh else f"{path}: {en}"


def _explain(text: str, path: str, doc: Any, kind: type | None) -> tuple[str, str]:
    en, zh = split(text)
    if zh:
        return en, zh
    if found := re.fullmatch(r"Object missing required field `(\w+)`", text):
        name = found[1]
        return f"the required field `{name}` is missing", f"缺少必填字段 `{name}`"
    if found := re.fullmatch(r"Object contains unknown field `(.+)`", text):
        return _unknown_field(found[1], path, kind)
    if found := re.fullmatch(r"Invalid enum value (.+)", text):
        return _bad_choice(found[1], path, kind)
    if text.startswith("Invalid RFC3339 encoded date"):
        value = _value_at(doc, path)
        said = missing_date(value) if isinstance(value, str) else None
        if said is not None:
            return said
        shown = "" if value is None else f", got {value!r}"
        return (
            f"expected a date such as 2025-05-10{shown}",
            f"应为日期，如 2025-05-10{'' if value is None else f'，实为 {value!r}'}",
        )
    if found := re.fullmatch(r"Expected `(\w+)`, got `(\w+)`", text):
        return text, f"应为{_type_zh(found[1])}，实为{_type_zh(found[2])}"
    if found := re.fullmatch(r"Expected `(\w+)` (>=|<=|>|<) (-?[\d.]+)", text):
        words = {">=": "不小于", "<=": "不大于", ">": "大于", "<": "小于"}
        return text, f"应为{words[found[2]]} {found[3]} 的{_type_zh(found[1])}"
    if found := re.fullmatch(r"Expected `(\w+)` of length (>=|<=) (\d+)", text):
        if found[2] == ">=" and found[3] == "1":
            return text, f"不能为空（{_type_zh(found[1])}）"
        words = {">=": "不少于", "<=": "不超过"}
        return text, f"{_type_zh(found[1])}长度{words[found[2]]} {found[3]}"
    return text, ""


def _unknown_field(name: str, path: str, kind: type | None) -> tuple[str, str]:
    where = _type_at(kind, path) if kind is not None else None
    names = [f.name for f in msgspec.structs.fields(where)] if _is_struct(where) else []
    near = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"; did you mean `{near[0]}`?" if near else ""
    hint_zh = f"；是否要写 `{near[0]}`？" if near else ""
    return (
        f"unknown field `{name}`{hint} (see docs/scenario.md, or `yibao schema`)",
        f"未知字段 `{name}`{hint_zh}（见 docs/scenario.md，或 `yibao schema`）",
    )


def _bad_choice(shown: str, path: str, kind: type | None) -> tuple[str, str]:
    options = _choices(_type_at(kind, path)) if kind is not None else []
    if not options:
        return f"invalid value {shown}", f"取值无效 {shown}"
    from yibao.names import CHOICE_FIELDS
    from yibao.vocabulary import WORDS

    words = _words_at(path, CHOICE_FIELDS, WORDS)
    listed = ", ".join(f"{o} ({words[o]})" if o in words else o for o in options)
    value = shown.strip("'\"")
    near = difflib.get_close_matches(value, options, n=2, cutoff=0.6)
    hint = f"did you mean {' or '.join(near)}? " if near else ""
    hint_zh = f"是否要写 {' 或 '.join(near)}？" if near else ""
    return (
        f"{shown} is not allowed here; {hint}expected one of: {listed}",
        f"{shown} 不是可选值；{hint_zh}应为以下之一（也可写中文名称）：{listed}",
    )


def _words_at(path: str, fields: dict[str, dict[str, str]], words: dict) -> dict[str, str]:
    """``{code: Chinese name}`` of the vocabulary of the field at ``path``."""
    parts = re.findall(r"\.(\w+)", path)
    if len(parts) < 2 or parts[0] not in fields:
        return {}
    vocab = fields[parts[0]].get(parts[-1])
    return {code: zh for code, zh, _ in words.get(vocab, ())} if vocab else {}


def _is_struct(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, msgspec.Struct)


def _unwrap(kind: Any) -> Any:
    """The type inside ``Annotated``, ``X | None`` and list/tuple/dict containers."""
    while True:
        origin = get_origin(kind)
        if origin is Annotated:
            kind = get_args(kind)[0]
        elif origin is Union or type(kind).__name__ == "UnionType":
            found = [a for a in get_args(kind) if a is not type(None)]
            if len(found) != 1:
                return kind
            kind = found[0]
        else:
            return kind


def _type_at(kind: Any, path: str) -> Any:
    """The type at ``path`` (``$.claims[0].kind``) inside ``kind``; ``None`` when lost."""
    current = kind
    for token in re.findall(r"\.(\w+)|\[(\d+)\]", path):
        current = _unwrap(current)
        name, index = token
        if name and _is_struct(current):
            found = {f.name: f.type for f in msgspec.structs.fields(current)}
            if name not in found:
                return None
            current = found[name]
        elif name and get_origin(current) is dict:
            current = get_args(current)[1]
        elif index and get_origin(current) in (tuple, list):
            current = get_args(current)[0]
        else:
            return None
    return _unwrap(current)


def _choices(kind: Any) -> list[str]:
    found = _unwrap(kind)
    if get_origin(found) in (tuple, list):
        found = _unwrap(get_args(found)[0])
    if get_origin(found) is Literal:
        return [str(a) for a in get_args(found)]
    return []


def _value_at(doc: Any, path: str) -> Any:
    """The value at ``path`` in a decoded document (``None`` when absent)."""
    current = doc
    for name, index in re.findall(r"\.(\w+)|\[(\d+)\]", path):
        if name and isinstance(current, dict):
            current = current.get(name)
        elif index and isinstance(current, list) and int(index) < len(current):
            current = current[int(index)]
        else:
            return None
    if isinstance(current, dt.date):
        return current.isoformat()
    return current
