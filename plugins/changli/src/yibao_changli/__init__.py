"""昌黎县 (Changli county, Qinhuangdao, Hebei): the region plugin.

The ``yibao.regions`` entry point ``changli`` names :data:`REGION`. 昌黎 is in Hebei,
so it stacks on no Jiangsu layer: one county layer carries the 2025 residents' scheme.
"""

from __future__ import annotations

from yibao.facts import Word, Words
from yibao.registry import RegionPlugin
from yibao.results import RegionInfo, SchemeInfo, SourceDoc

from yibao_changli import resident
from yibao_changli.facts import FACTS

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
        facts=FACTS,
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
