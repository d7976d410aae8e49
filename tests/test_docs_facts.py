"""docs/scenario.md's table of declared facts is generated from the installed regions."""

from __future__ import annotations

import os
import re
from pathlib import Path

from yibao.facts import markdown
from yibao.registry import Registry

DOC = Path(__file__).parent.parent / "docs" / "scenario.md"
SPAN = re.compile(r"(<!-- facts:begin -->\n)(.*?)(<!-- facts:end -->)", re.S)


def test_the_declared_facts_table_is_current(registry: Registry) -> None:
    table = markdown(registry.declared_facts(), registry.declared_words())
    text = DOC.read_text(encoding="utf-8")
    found = SPAN.search(text)
    assert found, "docs/scenario.md lost its facts:begin/end markers"
    if os.environ.get("YIBAO_UPDATE_DOCS"):
        DOC.write_text(SPAN.sub(lambda m: m[1] + table + m[3], text), encoding="utf-8")
        return
    assert found[2] == table, "docs/scenario.md is out of date: YIBAO_UPDATE_DOCS=1 uv run pytest"
