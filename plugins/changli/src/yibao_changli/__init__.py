"""昌黎县 (Changli county, Qinhuangdao, Hebei): the region plugin.

The ``yibao.regions`` entry point ``changli`` names :data:`REGION`. 昌黎 is in Hebei,
so it stacks on no Jiangsu layer: one county layer carries the 2025 residents' scheme.
"""

from __future__ import annotations

from yibao.facts import Fact, Word, Words
from yibao.registry import RegionPlugin
from yibao.results import RegionInfo, SchemeInfo, SourceDoc

from yibao_changli import resident

REGION = RegionPlugin(
    info=RegionInfo(
        code="changli",
        name_zh="昌黎县",
        name_en="Changli",
        province="hebei",
        schemes=(SchemeInfo(scheme="resident", years=(2025,), layers=(resident.LAYER_NAME,)),),
        sources=(
            SourceDoc(
                id="changli-resident-2025",
                title="昌黎县医疗保障局 2025年度城乡居民医保征缴及待遇保障相关政策",
                issued="2024",
            ),
        ),
        facts=(
            Fact(
                name="filed_before_admission",
                on="claim",
                type="flag",
                label_zh="入院前已办理异地就医备案",
                label_en="out-of-area care filed before admission",
                help_zh="京津冀外住院须先备案（十二）",
                help_en="care outside Beijing–Tianjin–Hebei must be filed first (十二)",
            ),
            Fact(
                name="emergency_filed_after_days",
                on="claim",
                type="integer",
                minimum=0,
                maximum=366,
                label_zh="急诊先行住院后第几日备案",
                label_en="days after an emergency admission the filing was made",
                help_zh="因病情紧急先行住院的，自入院之日起10日内备案（十二）",
                help_en="an emergency admission is filed within 10 days (十二)",
            ),
        ),
        words=(
            Words(
                field="person.assistance",
                values=(
                    Word(
                        code="poverty_alleviated",
                        name_zh="建档立卡脱贫人口",
                        name_en="registered poverty-alleviated person",
                    ),
                ),
            ),
        ),
    ),
    layers={"resident": (resident,)},
)
