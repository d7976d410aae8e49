"""Every key of the TUI, in one table: bindings, the help screen, the command palette and
docs/tui.md are all made from it, so they cannot disagree.

Each key has an id (``yibao.<name>``) so it can be remapped with Textual's keymap.
"""

from __future__ import annotations

from dataclasses import dataclass

from yibao_tui.domain.i18n import Lang


@dataclass(frozen=True)
class Key:
    id: str
    key: str
    action: str
    """The app's action (``app.`` prefixed when bound on a widget)."""
    zh: str
    en: str
    scope: str
    """``app``, ``enrollment``, ``events``, ``claims``, ``results``, ``dialog``, ``modal``."""
    show: bool = True
    """Shown in the footer. The footer must fit 80 columns in every context and both
    languages (``tests/tui/test_counter.py``): F3–F6 are not in it, the tabs show them,
    nor F2, the status line shows it."""
    palette: bool = True
    """Offered in the command palette (keys that need a focused widget are not)."""
    short: tuple[str, str] = ("", "")
    """The footer's words (zh, en) where ``zh``/``en`` are too long for it."""

    def label(self, lang: Lang) -> str:
        """What the key does, as the help screen and the command palette say it."""
        return self.zh if lang == "zh" else self.en

    def footer(self, lang: Lang) -> str:
        """What the key does, in the footer's few words."""
        zh, en = self.short
        return (zh or self.zh) if lang == "zh" else (en or self.en)


K = Key

KEYS: tuple[Key, ...] = (
    K("yibao.help", "f1", "help", "帮助", "help", "app"),
    K(  # the status line shows F2 beside the region's name: the footer has no room
        "yibao.next_region",
        "f2",
        "next_region",
        "下一地区",
        "next region",
        "app",
        show=False,
    ),
    K(
        "yibao.prev_region",
        "shift+f2",
        "prev_region",
        "上一地区",
        "previous region",
        "app",
        show=False,
    ),
    K(
        "yibao.tab_case",
        "f3",
        "show_tab('case')",
        "案例（再按：下一分区）",
        "case (again: next section)",
        "app",
        show=False,
    ),
    K("yibao.tab_result", "f4", "show_tab('result')", "结果", "result", "app", show=False),
    K("yibao.tab_compare", "f5", "show_tab('compare')", "对比", "compare", "app", show=False),
    K("yibao.tab_curve", "f6", "show_tab('curve')", "曲线", "curve", "app", show=False),
    K(
        "yibao.claims",
        "f7",
        "focus_claims",
        "到费用表（医疗费用）",
        "go to the claims table",
        "app",
        short=("费用表", "claims"),
    ),
    K("yibao.save", "ctrl+s", "save", "保存", "save", "app"),
    K("yibao.export", "ctrl+r", "export", "导出报告", "export report", "app", show=False),
    K("yibao.open", "ctrl+o", "open", "打开", "open", "app", show=False),
    K("yibao.new", "ctrl+n", "new_case", "新案例", "new case", "app", show=False),
    K("yibao.quit", "ctrl+q", "quit", "退出", "quit", "app", show=False),
    K("yibao.enr_add", "a", "app.enrollment_add", "添加年度", "add year", "enrollment"),
    K("yibao.enr_edit", "enter", "app.enrollment_edit", "编辑", "edit", "enrollment"),
    K(
        "yibao.enr_zero",
        "n",
        "app.enrollment_toggle_reimbursed",
        "标记零报销",
        "mark no reimbursement",
        "enrollment",
        short=("零报销", "no claims"),
    ),
    K("yibao.enr_delete", "x,delete", "app.enrollment_delete", "删除", "delete", "enrollment"),
    K("yibao.ev_add", "a", "app.event_add", "添加事件", "add event", "events"),
    K("yibao.ev_edit", "enter", "app.event_edit", "编辑", "edit", "events"),
    K("yibao.ev_delete", "x,delete", "app.event_delete", "删除", "delete", "events"),
    K("yibao.cl_add", "a", "app.claim_add", "添加费用", "add claim", "claims"),
    K("yibao.cl_edit", "enter", "app.claim_edit", "编辑", "edit", "claims"),
    K(
        "yibao.cl_dup",
        "d",
        "app.claim_duplicate",
        "复制",
        "duplicate",
        "claims",
        short=("", "copy"),
    ),
    K("yibao.cl_delete", "x,delete", "app.claim_delete", "删除", "delete", "claims"),
    K(
        "yibao.cl_explain",
        "e",
        "app.claim_explain",
        "说明此费用的结算",
        "explain this claim's settlement",
        "claims",
        short=("说明", "explain"),
    ),
    K(
        "yibao.explain",
        "enter",
        "app.explain",
        "说明此数字",
        "explain this number",
        "results",
        short=("说明", "explain"),
    ),
    K(
        "yibao.dlg_ok",
        "f10",
        "ok",
        "确定（输入框中也可按回车）",
        "OK (enter in a text field too)",
        "dialog",
        palette=False,
        short=("确定", "OK"),
    ),
    K("yibao.close", "escape", "close", "关闭/取消", "close / cancel", "modal", palette=False),
)

BUILTIN: tuple[tuple[str, str, str], ...] = (
    ("tab / shift+tab", "下一项/上一项", "next / previous field"),
    ("ctrl+p", "命令面板（全部操作）", "command palette (every action)"),
    ("space", "勾选（复选框、对比地区）", "tick (checkboxes, compare regions)"),
    ("↑ ↓ pgup pgdn", "移动、滚动", "move, scroll"),
)
"""Textual's own keys the help screen lists too."""

SCOPES: dict[str, tuple[str, str]] = {
    "app": ("全局", "anywhere"),
    "enrollment": ("参保记录表", "enrolment table"),
    "events": ("生活事件表", "life events table"),
    "claims": ("费用表", "claims table"),
    "results": ("结果/对比表", "result / compare table"),
    "dialog": ("编辑窗口", "edit dialog"),
    "modal": ("弹出窗口", "pop-up windows"),
}


def scoped(scope: str) -> tuple[Key, ...]:
    return tuple(k for k in KEYS if k.scope == scope)
