"""Does a value match a hook's declared return type, and is its money exact?

The declared types are read from :mod:`yibao.hookspecs` itself, so a new hook or a
changed annotation is checked without touching the kit.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import cache
from pathlib import PurePath
from typing import Any

import msgspec

from yibao import hookspecs

MONEY_FIELDS = frozenset({"amount", "individual", "cap", "used", "remaining", "bill", "compliant",
                          "patient"})  # fmt: skip
"""Decimal fields of result Structs that hold money (rates and counts are not money)."""


@cache
def hook_returns() -> dict[str, Any]:
    """``{hook name: declared return type}`` for every hook in :mod:`yibao.hookspecs`."""
    from yibao.case import Case, ClaimGate, CriticalIllnessCap, Ledger, RateAdjustment
    from yibao.model import Claim
    from yibao.params import ParameterSet
    from yibao.results import Coverage, Eligibility, LayerPayment, Premium, Step
    from yibao.steps import Settlement

    namespace = {
        **vars(hookspecs),
        "dt": dt,
        "Case": Case,
        "ClaimGate": ClaimGate,
        "CriticalIllnessCap": CriticalIllnessCap,
        "Ledger": Ledger,
        "RateAdjustment": RateAdjustment,
        "Claim": Claim,
        "Coverage": Coverage,
        "Eligibility": Eligibility,
        "LayerPayment": LayerPayment,
        "Premium": Premium,
        "Step": Step,
        "Settlement": Settlement,
        "ParameterSet": ParameterSet,
    }
    out = {}
    for name in dir(hookspecs):
        if name.startswith("yibao_"):
            hints = typing.get_type_hints(getattr(hookspecs, name), globalns=namespace)
            out[name] = hints["return"]
    return out


@cache
def _fields(cls: type) -> tuple[tuple[str, Any], ...]:
    return tuple((f.name, f.type) for f in msgspec.structs.fields(cls))


def describe(tp: Any) -> str:
    """A readable name for an annotation: ``Premium | None``, ``list[Path]``."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is type(None) or tp is None:
        return "None"
    if origin in (typing.Union, types.UnionType):
        return " | ".join(describe(a) for a in args)
    if origin is typing.Literal:
        return " | ".join(repr(a) for a in args)
    if origin is not None:
        inner = ", ".join("..." if a is Ellipsis else describe(a) for a in args)
        return f"{getattr(origin, '__name__', str(origin))}[{inner}]"
    return getattr(tp, "__name__", str(tp))


def mismatch(value: object, tp: Any, path: str = "$") -> str | None:
    """``None`` when ``value`` matches ``tp``, else where and how it does not."""
    if tp is Any or tp is object:
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is type(None) or tp is None:
        return None if value is None else f"{path}: expected None, got {type(value).__name__}"
    if origin in (typing.Union, types.UnionType):
        problems = [mismatch(value, a, path) for a in args]
        if any(p is None for p in problems):
            return None
        arms = [a for a in args if a is not type(None)]
        if value is not None and len(arms) == 1 and _same_shape(value, arms[0]):
            return problems[args.index(arms[0])]  # the detail inside, e.g. a field
        return f"{path}: expected {describe(tp)}, got {_short(value)}"
    if origin is typing.Literal:
        return None if value in args else f"{path}: expected one of {args}, got {value!r}"
    if origin is list:
        if not isinstance(value, list):
            return f"{path}: expected a list, got {type(value).__name__}"
        return _first(mismatch(v, args[0], f"{path}[{i}]") for i, v in enumerate(value))
    if origin is tuple:
        if not isinstance(value, tuple):
            return f"{path}: expected a tuple, got {type(value).__name__}"
        if len(args) == 2 and args[1] is Ellipsis:
            return _first(mismatch(v, args[0], f"{path}[{i}]") for i, v in enumerate(value))
        if len(args) != len(value):
            return f"{path}: expected a tuple of {len(args)}, got {len(value)} items"
        return _first(
            mismatch(v, a, f"{path}[{i}]") for i, (v, a) in enumerate(zip(value, args, strict=True))
        )
    if origin is dict:
        if not isinstance(value, dict):
            return f"{path}: expected a dict, got {type(value).__name__}"
        return _first(
            mismatch(k, args[0], f"{path}.key") or mismatch(v, args[1], f"{path}[{k!r}]")
            for k, v in value.items()
        )
    if tp is bool:
        return None if isinstance(value, bool) else f"{path}: expected bool, got {_short(value)}"
    if tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else f"{path}: expected int, got {_short(value)}"
    if tp is dt.date:
        ok = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
        return None if ok else f"{path}: expected a date, got {_short(value)}"
    if tp is Decimal:
        if not isinstance(value, Decimal):
            return f"{path}: expected Decimal, got {_short(value)}"
        return None if value.is_finite() else f"{path}: expected a finite Decimal, got {value}"
    if isinstance(tp, type) and issubclass(tp, PurePath):
        return (
            None if isinstance(value, PurePath) else f"{path}: expected a Path, got {_short(value)}"
        )
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        if not isinstance(value, tp):
            return f"{path}: expected {tp.__name__}, got {_short(value)}"
        return _first(
            mismatch(getattr(value, name), ftype, f"{path}.{name}")
            for name, ftype in _fields(type(value))
        )
    if isinstance(tp, type):
        return (
            None
            if isinstance(value, tp)
            else f"{path}: expected {tp.__name__}, got {_short(value)}"
        )
    return None  # an annotation the kit does not know how to check is not held against a plugin


def _same_shape(value: object, tp: Any) -> bool:
    origin = typing.get_origin(tp) or tp
    return isinstance(origin, type) and isinstance(value, origin)


def _first(problems: Iterator[str | None]) -> str | None:
    return next((p for p in problems if p is not None), None)


def _short(value: object) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:60]}{'…' if len(text) > 60 else ''}"


def inexact_money(value: object, path: str = "$") -> Iterator[str]:
    """Every money amount inside ``value`` that is not a Decimal quantized to the fen
    (exactly two decimal places, as JSON shows it: ``"34300.00"``)."""
    yield from _walk(value, path, False)


def _walk(value: object, path: str, is_money: bool) -> Iterator[str]:
    if isinstance(value, Decimal):
        if is_money and (not value.is_finite() or value.as_tuple().exponent != -2):
            yield f"{path} = {value!r}: money must be a Decimal quantized to the fen (0.01)"
        return
    if isinstance(value, msgspec.Struct):
        for name, _ in _fields(type(value)):
            yield from _walk(getattr(value, name), f"{path}.{name}", name in MONEY_FIELDS)
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]", is_money)
        return
    if isinstance(value, dict):
        for k, item in value.items():
            yield from _walk(item, f"{path}[{k!r}]", is_money)


MoneyPositions = Callable[[str, object], Iterator[str]]


def hook_money(hook: str, result: object) -> Iterator[str]:
    """Inexact money in one hook's result (the compliant amount is money too)."""
    if hook == "yibao_compliant_amount" and isinstance(result, tuple) and result:
        yield from _walk(result[0], "$[0]", True)
        yield from _walk(result[1:], "$[1:]", False)
        return
    yield from _walk(result, "$", False)
