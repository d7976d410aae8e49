"""Text from a scenario is data, never markup (issue #24)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import msgspec
import pytest
from reliability_helpers import STROKE
from yibao.model import Scenario
from yibao.textsafe import printable

BASE = msgspec.to_builtins(msgspec.toml.decode(STROKE.read_bytes(), type=Scenario))
# A title and a claim id that used to crash the terminal output and the TUI
# (MarkupError, exit 3), be interpreted as styles and links, or reach the terminal
# as escape sequences (clear screen, an OSC 8 hyperlink).
TITLE = "[bold red]x[/] [link=http://example.invalid]click[/link] \x1b[2J \x1b]8;;http://e\x07z"
CLAIM_ID = "[/]"


@pytest.fixture
def odd(tmp_path: Path) -> Path:
    claims = [{**BASE["claims"][0], "id": CLAIM_ID}, *BASE["claims"][1:]]
    path = tmp_path / "odd.json"
    path.write_bytes(msgspec.json.encode({**BASE, "title": TITLE, "claims": claims}))
    return path


@pytest.mark.parametrize("command", [("evaluate", "-r", "changzhou"), ("compare",)])
def test_markup_and_escapes_in_a_scenario_print_as_written(cli, odd, command) -> None:
    code, out, err = cli(command[0], odd, *command[1:], "--lang", "en")
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    assert "[bold red]x[/]" in out and "[link=http://example.invalid]click[/link]" in out
    assert "\\x1b[2J" in out  # shown, not sent
    if command[0] == "evaluate":  # its explanation names each claim by its id too
        assert "[/]" in out.replace("[bold red]x[/]", "").replace("[/link]", "")


def test_control_characters_in_messages_are_shown_not_sent(cli, tmp_path) -> None:
    claims = [{**BASE["claims"][0], "id": "\x1b[2J"}] * 2
    path = tmp_path / "twice.json"
    path.write_bytes(msgspec.json.encode({**BASE, "claims": claims}))
    code, _, err = cli("evaluate", path, "-r", "changzhou")
    assert code == 2
    assert err.endswith("claim ids must be unique; repeated: \\x1b[2J\n")


def test_printable_escapes_c0_c1_and_bidirectional_overrides() -> None:
    assert printable("a\x1b[0mb\x9b\u202etxt\tok\n") == "a\\x1b[0mb\\x9b\\u202etxt\tok\n"


async def test_the_tui_shows_markup_in_a_scenario_as_text(tmp_path) -> None:
    from yibao.registry import Registry
    from yibao_tui.app import make_app
    from yibao_tui.widgets.tables import ClaimsTable, ResultTable

    # the TUI names a claim by what it is, adding the id where two read alike: a twin
    twin = [{**BASE["claims"][0], "id": CLAIM_ID}, {**BASE["claims"][0], "id": "[b]"}]
    odd = tmp_path / "twins.json"
    odd.write_bytes(msgspec.json.encode({**BASE, "title": TITLE, "claims": twin}))
    app = make_app(odd, registry=Registry(), state_dir=tmp_path / "state")
    async with app.run_test(size=(100, 30)) as pilot:
        for key in ("f4", "f5", "f6", "f4"):
            await pilot.press(key)
            await pilot.pause()
        assert app.result is not None and app.result.status == "ok"
        claims = app.main.query_one(ClaimsTable)
        assert str(claims.get_row_at(0)[1]) == CLAIM_ID
        table = app.main.query_one("#result-table", ResultTable)
        labels = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert any(f"({CLAIM_ID})" in label for label in labels)
        assert any("([b])" in label for label in labels)


def test_markdown_escapes_html_and_csv_neutralises_formulas(cli, tmp_path) -> None:
    claims = [{**BASE["claims"][0], "id": '=HYPERLINK("http://example.invalid","x")'}]
    title = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    path = tmp_path / "case.json"
    path.write_bytes(msgspec.json.encode({**BASE, "title": title, "claims": claims}))
    md, table = tmp_path / "r.md", tmp_path / "r.csv"
    for fmt, target in (("md", md), ("csv", table)):
        code, _, err = cli("report", path, "-r", "changzhou", "--format", fmt, "-o", target)
        assert code == 0, err
    text = md.read_text()
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=" in text
    rows = list(csv.reader(io.StringIO(table.read_text())))
    ids = {row[4] for row in rows if row[3] == "claim"}
    assert ids == {'\'=HYPERLINK("http://example.invalid","x")'}
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
