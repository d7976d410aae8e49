""" "What if this person lived in another region?" — the scenario moved there.

Counter staff and analysts compare regions for one person: "what would I pay, and get
back, if I were enrolled in 徐州 instead of 常州?" Evaluating the scenario literally in
徐州 would only say "not a resident here". :func:`relocate` instead moves the person's
home: every region field that names the home region (household registration, residence
permit, place of study, enrolment history) names the target region instead. District
and stated category are words of one region's vocabulary, so they become the ones the
scenario gives for the target in ``[elsewhere.<region>]`` — or none, so a region that
needs them says so rather than yibao choosing.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from yibao.model import Elsewhere, Scenario
from yibao.results import Notice


def home_region(scenario: Scenario, district_owners: dict[str, str]) -> str | None:
    """The region the person lives in now.

    ``district_owners`` maps district codes to the region declaring them. The person's
    district decides; failing that, their residence permit, then their household
    registration.
    """
    person = scenario.person
    return home_of(person.district, person.residence_permit, person.hukou, district_owners)


def home_of(
    district: str | None,
    residence_permit: str | None,
    hukou: str | None,
    district_owners: dict[str, str],
) -> str | None:
    """:func:`home_region` from the bare facts (for forms not yet a whole scenario)."""
    if district is not None and district in district_owners:
        return district_owners[district]
    return residence_permit or hukou


def relocate(scenario: Scenario, region: str, home: str | None) -> Scenario:
    """``scenario`` with the person living in ``region`` instead of ``home``.

    Returns ``scenario`` unchanged when ``home`` is ``region`` or unknown.
    """
    if home is None or home == region:
        return scenario

    def swap(code: str | None) -> str | None:
        return region if code == home else code

    there = scenario.elsewhere.get(region, Elsewhere())
    person = msgspec.structs.replace(
        scenario.person,
        hukou=swap(scenario.person.hukou),
        residence_permit=swap(scenario.person.residence_permit),
        study_region=swap(scenario.person.study_region),
        district=there.district,
        category=there.category,
    )
    enrollment = tuple(
        msgspec.structs.replace(record, region=swap(record.region))
        for record in scenario.enrollment
    )
    return msgspec.structs.replace(scenario, person=person, enrollment=enrollment)


def relocation_notice(home: str, region: str, district: str | None) -> Notice:
    """The notice a relocated answer carries, so nobody mistakes it for the literal one."""
    where_en = f", district {district}" if district else ", no district given"
    where_zh = f"，区县 {district}" if district else "，未指定区县"
    return Notice(
        kind="stated",
        text_en=(
            f"evaluated as if the person lived in {region} instead of {home} "
            f"(household registration and enrolment history moved{where_en})"
        ),
        text_zh=f"按此人居住于 {region}（而非 {home}）测算：户籍与参保记录随之迁移{where_zh}",
    )


def district_owners(regions: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """Map each district code to its region, from ``(code, districts)`` pairs."""
    return {district: code for code, districts in regions for district in districts}
