"""徐州 (Xuzhou, Jiangsu): the region plugin.

The ``yibao.regions`` entry point ``xuzhou`` names :data:`REGION`: the region's
description and, per scheme, its layers from the province up.
"""

from __future__ import annotations

import yibao_jiangsu
from yibao.facts import Fact, Word, Words
from yibao.registry import RegionPlugin
from yibao.results import RegionInfo, SchemeInfo, SourceDoc, categories
from yibao_jiangsu.facts import JIANGSU_FACTS

from yibao_xuzhou import resident
from yibao_xuzhou.resident import people

FACTS = (
    Fact(
        name="emergency_rescue",
        on="claim",
        type="flag",
        label_zh="急诊抢救",
        label_en="emergency rescue",
        help_zh="非定点医药机构的急诊抢救费用医保基金支付（第十九条）；急诊抢救无事先告知义务（第十五条）",
        help_en="emergency rescue at a non-designated institution is paid (第十九条); no "
        "duty to inform the patient first (第十五条)",
    ),
    Fact(
        name="not_informed",
        on="claim",
        type="money",
        label_zh="未告知患者的项目费用",
        label_en="items outside the fund's scope the patient was not told of",
        help_zh="定点医疗机构未履行告知义务的，费用由定点医疗机构承担（第十五条）；须给出总费用",
        help_en="the institution bears them (第十五条); give the claim's total",
    ),
    Fact(
        name="refund_reason",
        on="enrollment",
        type="choice",
        label_zh="申请退费原因",
        label_en="refund asked for because of",
        help_zh="第八条(四)：待遇享受期开始前重复缴费或者死亡的可以申请退费",
        help_en="第八条(四): a duplicate payment or a death before benefits begin is refunded",
        values=(
            Word(code="stop", name_zh="停保", name_en="stopping the insurance"),
            Word(code="withdraw", name_zh="退保", name_en="withdrawing"),
            Word(code="duplicate_payment", name_zh="重复缴费", name_en="a duplicate payment"),
            Word(code="death", name_zh="死亡", name_en="death"),
        ),
    ),
    Fact(
        name="refund_on",
        on="enrollment",
        type="date",
        label_zh="退费事由发生日期",
        label_en="day of the refund reason",
    ),
)
"""Facts the 徐州 rules read (with those of the Jiangsu layer below)."""

REGION = RegionPlugin(
    info=RegionInfo(
        code="xuzhou",
        name_zh="徐州",
        name_en="Xuzhou",
        province="jiangsu",
        schemes=(
            SchemeInfo(
                scheme="resident",
                years=(2024, 2025),
                layers=("jiangsu", resident.LAYER_NAME),
                categories=categories(people.CATEGORIES),
            ),
        ),
        sources=(
            SourceDoc(
                id="xuzhou-resident-measures-2023",
                title="徐州市城乡居民医疗保险办法（徐政规〔2023〕7号）",
                issued="2023-06-21",
            ),
            SourceDoc(
                id="jiangsu-enrollment-incentives-2025",
                title="江苏省贯彻落实基本医疗保险参保长效机制的若干举措（苏医保发〔2025〕26号）",
                issued="2025-06-30",
            ),
        ),
        # 第八条(一): 市区、丰县、沛县、睢宁县、邳州市、新沂市、铜山区、贾汪区
        districts=(
            "shiqu",
            "fengxian",
            "peixian",
            "suining",
            "pizhou",
            "xinyi",
            "tongshan",
            "jiawang",
        ),
        district_names={
            "shiqu": "市区",
            "fengxian": "丰县",
            "peixian": "沛县",
            "suining": "睢宁县",
            "pizhou": "邳州市",
            "xinyi": "新沂市",
            "tongshan": "铜山区",
            "jiawang": "贾汪区",
        },
        facts=(*FACTS, *JIANGSU_FACTS),
        words=(
            Words(
                field="person.assistance",
                values=(
                    Word(
                        code="rural_family_planning",
                        name_zh="农村计划生育家庭奖励、扶助对象",
                        name_en="rural family-planning award or support recipient",
                    ),
                ),
            ),
        ),
    ),
    layers={"resident": (yibao_jiangsu, resident)},
)
