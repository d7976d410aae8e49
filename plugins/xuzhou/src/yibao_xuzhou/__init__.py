"""徐州 (Xuzhou, Jiangsu): the region plugin.

The ``yibao.regions`` entry point ``xuzhou`` names :data:`REGION`: the region's
description and, per scheme, its layers from the province up.
"""

from __future__ import annotations

import yibao_jiangsu
from yibao.facts import Word, Words
from yibao.registry import RegionPlugin
from yibao.results import RegionInfo, SchemeInfo, SourceDoc, categories

from yibao_xuzhou import resident
from yibao_xuzhou.resident import people

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
