"""常州 (Changzhou, Jiangsu): the region plugin.

The ``yibao.regions`` entry point ``changzhou`` names :data:`REGION`: the region's
description and, per scheme, its layers from the province up.
"""

from __future__ import annotations

import yibao_jiangsu
from yibao.registry import RegionPlugin
from yibao.results import RegionInfo, SchemeInfo, SourceDoc, categories

from yibao_changzhou import employee, resident
from yibao_changzhou.employee import people as employee_people
from yibao_changzhou.facts import FACTS
from yibao_changzhou.resident import people as resident_people

REGION = RegionPlugin(
    info=RegionInfo(
        code="changzhou",
        name_zh="常州",
        name_en="Changzhou",
        province="jiangsu",
        schemes=(
            SchemeInfo(
                scheme="resident",
                years=(2025,),
                layers=("jiangsu", resident.LAYER_NAME),
                categories=categories(resident_people.CATEGORIES),
                # §二 names these groups but publishes no rule deriving them from age
                # and employment alone, so reports' sample people state them.
                stated_for={"adult": "non_working", "elderly": "elderly"},
            ),
            SchemeInfo(
                scheme="employee",
                years=(2024,),
                layers=(employee.LAYER_NAME,),
                categories=categories(employee_people.CATEGORIES),
            ),
        ),
        sources=(
            SourceDoc(
                id="changzhou-resident-2025",
                title="2025年度常州市城乡居民医疗保障政策宣传提纲",
                issued="2024-10",
            ),
            SourceDoc(
                id="changzhou-employee-2024",
                title="2024年度常州市职工医疗保障政策宣传提纲",
                issued="2024-01",
            ),
            SourceDoc(
                id="jiangsu-enrollment-incentives-2025",
                title="江苏省贯彻落实基本医疗保险参保长效机制的若干举措（苏医保发〔2025〕26号）",
                issued="2025-06-30",
            ),
        ),
        districts=("wujin", "jingkai", "xinbei", "tianning", "zhonglou", "liyang", "jintan"),
        # the names changzhou-resident-2025 §一(三) uses for them
        district_names={
            "wujin": "武进区",
            "jingkai": "常州经开区",
            "xinbei": "新北区",
            "tianning": "天宁区",
            "zhonglou": "钟楼区",
            "liyang": "溧阳市",
            "jintan": "金坛区",
        },
        facts=FACTS,
    ),
    layers={"resident": (yibao_jiangsu, resident), "employee": (employee,)},
)
