"""The TUI's own labels in Chinese (default) and English; the words of the scenario's
vocabulary come from :mod:`yibao.vocabulary` (one vocabulary for every renderer)."""

from __future__ import annotations

from yibao.vocabulary import WORDS as VOCAB
from yibao.vocabulary import pick, word

__all__ = ["TEXT", "VOCAB", "Lang", "pick", "tr", "word"]

Lang = str
"""``"zh"`` or ``"en"``."""

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("yibao 医保 · 柜台", "yibao · counter"),
    "tab_case": ("案例", "Case"),
    "tab_result": ("结果", "Result"),
    "tab_compare": ("对比", "Compare"),
    "tab_curve": ("曲线", "Curve"),
    "sec_case": ("案例", "Case"),
    "sec_person": ("人员信息", "Person"),
    "sec_enrollment": ("参保记录", "Enrolment history"),
    "sec_events": ("生活事件", "Life events"),
    "sec_claims": ("医疗费用", "Claims"),
    "region": ("地区", "Region"),
    "stale": (
        "结果已过期：表单有误，显示的是上次有效结果",
        "stale: the form has errors; showing the last valid result",
    ),
    "no_result": ("尚无结果：请先填写有效的案例", "no result yet: fill in a valid case"),
    "form_ok": ("表单有效", "form valid"),
    "form_errors": ("表单有 {n} 处错误", "errors in the form: {n}"),
    "required": ("必填", "required"),
    "bad_date": ("日期格式应为 YYYY-MM-DD", "expected a date YYYY-MM-DD"),
    "bad_int": ("应为整数 {lo}–{hi}", "expected a whole number {lo}–{hi}"),
    "bad_money": ("金额应为非负数，最多两位小数", "expected an amount ≥ 0 with at most 2 decimals"),
    "bad_choice": ("不在可选范围内", "not one of the choices"),
    "bad_category": ("不是{region}{scheme}的参保类别", "not one of {region}'s {scheme} categories"),
    "other_region": ("其他地区（未安装）", "another region (not installed)"),
    "no_district": ("— 不指定区县", "— no district"),
    "sec_elsewhere": (
        "若住在其他地区（对比时假设）",
        "As if living elsewhere (assumed when comparing)",
    ),
    "elsewhere_none": (
        "填写户籍地或居住区县后，可为对比的其他地区指定区县和类别",
        "give the household reg. or district first; then each other compared region "
        "can have its own district and category",
    ),
    "derive": ("— 按事实推定", "— derive from facts"),
    "bad_text": ("最多 200 个字符", "at most 200 characters"),
    "bad_breaks": (
        "格式如 5-6@2026-07-20, 11（月份1–12，@补缴到账日可省略）",
        "like 5-6@2026-07-20, 11 (months 1–12; @back-payment date optional)",
    ),
    "enr_empty": ("无参保记录（a 添加）", "no enrolment years (a to add)"),
    "ev_empty": ("无生活事件（a 添加）", "no life events (a to add)"),
    "cl_empty": ("无费用（a 添加）", "no claims (a to add)"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "none": ("（无）", "(none)"),
    "ok": ("确定", "OK"),
    "cancel": ("取消", "Cancel"),
    "dlg_enrollment": ("参保年度", "Enrolment year"),
    "dlg_event": ("生活事件", "Life event"),
    "dlg_claim": ("费用", "Claim"),
    "dlg_fix": ("请先改正标红的字段", "fix the fields marked in red first"),
    "explain": ("数字说明", "Explanation"),
    "explain_none": ("此项没有可说明的计算步骤", "nothing to explain for this row"),
    "col_item": ("项目", "item"),
    "col_step": ("步骤", "step"),
    "col_value": ("数值", "value"),
    "col_cite": ("出处", "source"),
    "help": ("按键帮助", "Keys"),
    "help_scope": ("范围", "where"),
    "help_key": ("按键", "key"),
    "help_action": ("作用", "action"),
    "compare_pick": ("对比地区 空格勾选2–4个", "compare: space picks 2–4"),
    "compare_need": ("请选择 2–4 个地区", "pick 2 to 4 regions"),
    "compare_max": ("最多对比 4 个地区", "at most 4 regions"),
    "better": ("★ 较优", "★ better"),
    "notes": ("说明", "notes"),
    "curve_title": (
        "个人负担随合规费用变化：单笔 {claim}",
        "patient pays as the compliant amount grows: one claim, {claim}",
    ),
    "curve_axes": (
        "横轴：合规费用（{unit}）　纵轴：个人负担（{unit}）",
        "across: compliant amount ({unit}) · up: patient pays ({unit})",
    ),
    "curve_none": (
        "请先选择一笔费用（在案例页的费用表中）",
        "select a claim first (in the case's claims table)",
    ),
    "curve_gap": (
        "未能结算的点不画出：{regions}",
        "points that could not be settled are not drawn: {regions}",
    ),
    "open_title": ("打开案例文件", "Open a scenario file"),
    "save_title": ("保存案例文件", "Save the scenario file"),
    "path": ("路径", "path"),
    "saved": ("已保存 {path}", "saved {path}"),
    "opened": ("已打开 {path}", "opened {path}"),
    "restored": ("已恢复上次未完成的案例（自动保存）", "restored the case in progress (autosave)"),
    "new_case": (
        "新案例；上一个案例已备份到 {path}",
        "new case; the previous one is backed up in {path}",
    ),
    "cannot_save": (
        "表单有误，无法保存为案例文件",
        "the form has errors; cannot save a scenario file",
    ),
    "no_file": ("文件不存在", "no such file"),
    "export_title": ("导出对比报告（.html 或 .md）", "Export the comparison (.html or .md)"),
    "export_charts": ("附通用图表（约慢 3 秒）", "add the generic charts (about 3 s slower)"),
    "export_hint": (
        "回车或 F10 导出 · 空格勾选 · tab 选文件夹 · esc 取消",
        "enter or F10 exports · space ticks · tab: folders · esc cancels",
    ),
    "path_hint": (
        "回车或 F10 确定 · tab 在文件列表中选 · esc 取消",
        "enter or F10: OK · tab: pick in the file list · esc cancels",
    ),
    "path_prompt": ("文件路径，或按 tab 在下方选择", "file path, or tab to pick below"),
    "export_ending": ("文件名应以 .html 或 .md 结尾", "the name must end in .html or .md"),
    "export_busy": ("正在导出 {path} …", "exporting {path} …"),
    "exported": ("已导出 {path}", "exported {path}"),
    "export_failed": ("导出失败：{error}", "export failed: {error}"),
    "save_failed": ("保存失败：{error}", "save failed: {error}"),
    "autosave_unreadable": (
        "自动保存文件无法读取，已原样保留为 {path}；现从新案例开始",
        "the autosave could not be read; it is kept as {path}; starting a new case",
    ),
    "draft_restored": (
        "已恢复未完成的对话框输入（自动保存）",
        "restored the row being typed in a dialog (autosave)",
    ),
    "export_missing": (
        "导出不可用：未安装 yibao-reports",
        "export unavailable: yibao-reports is not installed",
    ),
    "export_invalid": (
        "表单有误，无法导出报告",
        "the form has errors; cannot export a report",
    ),
    "home_hint": (
        "提示：--region 或配置文件设本柜台地区（F1）",
        "home region: --region or config (F1)",
    ),
    "home_hint_short": ("设本柜台地区：F1", "home region: F1"),
    "config_file": ("配置文件", "config file"),
    "config_keys": (
        "region 本柜台地区 · lang 语言 · theme 主题 · [keymap] 按键",
        "region home region · lang language · theme · [keymap] keys",
    ),
    "palette_prompt": ("搜索命令…", "Search for commands…"),
    "palette_themes": ("搜索主题…", "Search for themes…"),
    "palette_none": ("没有匹配的命令", "No matches found"),
    "quit_hint": ("按 {key} 退出程序", "Press {key} to quit the app"),
    "quit_title": ("要退出吗？", "Do you want to quit?"),
    "region_now": ("当前地区：{name}", "region: {name}"),
    "region_to": ("切换到 {name}", "switch to {name}"),
    "region_to_help": ("按此地区计算结果", "evaluate the case in this region"),
    "row_status": ("状态", "status"),
    "row_error": ("无法计算", "cannot answer"),
    "row_elig": ("参保资格 · 类别", "eligibility · category"),
    "row_premium": ("个人缴费", "premium (person pays)"),
    "row_start": ("待遇起始日", "benefits from"),
    "row_claim_status": ("结算状态", "status"),
    "row_patient": ("个人负担", "patient pays"),
    "row_bill": ("总费用", "bill"),
    "sec_premium_payers": ("缴费构成", "who pays"),
    "sec_totals": ("年度合计", "year totals"),
    "sec_limits": ("年度限额剩余", "yearly limits remaining"),
    "row_unsettled": ("其中未能结算", "of which not settled"),
    "unsettled": ("未结算", "not settled"),
    "compliant_short": ("合规", "compliant"),
    "eligible": ("可参保", "eligible"),
    "not_eligible": ("不可参保", "not eligible"),
    "not_published": ("未公布", "not published"),
    "undetermined": ("未定", "undetermined"),
    "not_enrolled": ("未参保", "not enrolled"),
    "error": ("错误", "error"),
    "limit_step": ("上限 / 已用 / 剩余", "cap / used / remaining"),
    "bill_step": ("总费用", "bill"),
    "compliant_step": ("合规费用", "compliant"),
    "layer_paid": ("{layer}支付", "{layer} pays"),
    "relocated": ("对比按“若此人住在该地区”测算", "compared as if the person lived in each region"),
}


def tr(key: str, lang: Lang, **values: object) -> str:
    """The label ``key`` in ``lang``, with ``{name}`` fields filled from ``values``."""
    zh, en = TEXT[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text
