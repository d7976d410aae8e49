"""Exact money (one rounding rule) and parameter files (dated, cited, typed)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from yibao.calc import banded
from yibao.errors import InputError, NotPublished
from yibao.money import apply_rate, fmt_rate, parse_money, parse_rate, round_fen
from yibao.params import ParameterSet, check_overlay, load_parameter_file, parse_parameter_text


@pytest.mark.parametrize(
    ("value", "rounded"),
    [("0.005", "0.01"), ("0.004", "0.00"), ("34299.995", "34300.00"), ("1.125", "1.13")],
)
def test_round_fen_is_half_up(value: str, rounded: str) -> None:
    assert round_fen(Decimal(value)) == Decimal(rounded)


def test_apply_rate_is_exact_above_float32_precision() -> None:
    """OpenFisca's float32 money goes wrong above 167,772.16; Decimal does not."""
    assert apply_rate(Decimal("349999.99"), Decimal("0.7")) == Decimal("244999.99")


@pytest.mark.parametrize("text", ["-1", "abc", "1.234", "NaN", "1e400", "2000000000"])
def test_parse_money_rejects_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(ValueError, match="expected"):
        parse_money(text)


def test_parse_rate_reads_percentages() -> None:
    assert parse_rate("62.5%") == Decimal("0.625")
    assert fmt_rate(Decimal("0.9")) == "90%"
    with pytest.raises(ValueError, match="percentage"):
        parse_rate("0.9")


def test_banded_splits_a_claim_over_cumulative_bands() -> None:
    """changzhou-resident-2025 §三(二)1: 1,800 after 0 → 1,300 in 200–1,500 at 50%."""
    bands = (
        parse_parameter_text(
            """layer = "t"
[[parameter]]
key = "b"
kind = "bands"
value = [{above = "200", upto = "1500", rate = "50%"}, {above = "6000", rate = "40%"}]
valid_from = 2025-01-01
cite = "test"
""",
            name="t.toml",
        )
        .params[0]
        .bands
    )
    shares = banded(Decimal("1000"), Decimal("6000"), bands)
    assert [(s.portion, s.payment) for s in shares] == [
        (Decimal("500"), Decimal("250.00")),
        (Decimal("1000"), Decimal("400.0")),
    ]


GOOD = """layer = "fictional"
[[parameter]]
key = "premium.x"
kind = "money"
value = "730.00"
valid_from = 2025-01-01
valid_to = 2025-12-31
cite = "fictional-doc §1"
"""


def _error(text: str) -> str:
    with pytest.raises(InputError) as info:
        parse_parameter_text(text, name="overlay.toml")
    return str(info.value)


def test_parameter_file_decodes_with_citation_and_dates() -> None:
    param = parse_parameter_text(GOOD, name="p.toml").params[0]
    assert (param.money, param.cite, param.valid_to) == (
        Decimal("730.00"), "fictional-doc §1", dt.date(2025, 12, 31),
    )  # fmt: skip


def test_wrong_kind_names_file_path_and_expectation() -> None:
    message = _error(GOOD.replace('"730.00"', "730.5"))
    assert "overlay.toml: $.parameter[0] (premium.x).value" in message
    assert 'expected a decimal string such as "730.00"' in message


def test_unknown_field_is_rejected() -> None:
    assert "unknown field `colour`" in _error(GOOD + 'colour = "red"\n')


def test_missing_citation_is_rejected() -> None:
    assert "`cite` must name the source" in _error(GOOD.replace('"fictional-doc §1"', '" "'))
    assert "missing required field `cite`" in _error(GOOD.replace('cite = "fictional-doc §1"', ""))


def test_overlapping_dates_are_rejected() -> None:
    twice = GOOD + GOOD.split("\n", 1)[1].replace("2025-01-01", "2025-06-01")
    assert "two entries overlap in time" in _error(twice)


def test_broken_toml_is_rejected() -> None:
    assert "not valid TOML" in _error("layer = ")


def test_later_layer_wins_for_the_dates_it_covers() -> None:
    base = parse_parameter_text(GOOD, name="base.toml")
    overlay = parse_parameter_text(
        GOOD.replace("730.00", "800.00").replace("2025-01-01", "2025-07-01"),
        name="o.toml", origin="o.toml",
    )  # fmt: skip
    params = ParameterSet([base, overlay])
    assert params.get("premium.x", dt.date(2025, 3, 1)).money == Decimal("730.00")
    assert params.get("premium.x", dt.date(2025, 8, 1)).money == Decimal("800.00")
    assert params.get("premium.x", dt.date(2025, 8, 1)).source_label.endswith("(overlay o.toml)")
    with pytest.raises(NotPublished, match=r"premium\.x on 2026-01-01"):
        params.get("premium.x", dt.date(2026, 1, 1))


def test_overlay_with_unknown_key_or_other_kind_is_rejected() -> None:
    base = ParameterSet([parse_parameter_text(GOOD, name="base.toml")])
    typo = parse_parameter_text(GOOD.replace("premium.x", "premium.y"), name="o.toml")
    with pytest.raises(InputError, match=r"o\.toml: parameter premium\.y: unknown key"):
        check_overlay(typo, base)
    other = parse_parameter_text(GOOD.replace('kind = "money"', 'kind = "text"'), name="o.toml")
    with pytest.raises(InputError, match="kind is 'text' but the region reads it as 'money'"):
        check_overlay(other, base)


def test_every_bundled_parameter_file_loads() -> None:
    root = Path(__file__).parents[1] / "plugins"
    files = sorted(root.rglob("src/**/parameters*.toml"))
    assert files
    for path in files:
        loaded = load_parameter_file(path)
        assert all(p.cite.strip() for p in loaded.params), path
