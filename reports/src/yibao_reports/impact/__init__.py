"""``yibao impact``'s report: sections (:mod:`.view`), charts, HTML, Markdown, JSON and
CSV of an impact study (:mod:`yibao.impact`)."""
