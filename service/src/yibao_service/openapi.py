"""``GET /openapi.json``: the service described in OpenAPI 3.1, its schemas generated
from the msgspec model (:func:`msgspec.json.schema_components`), never written by hand."""

from __future__ import annotations

from importlib.metadata import version
from typing import TYPE_CHECKING, Any

import msgspec
from yibao.api import Parameters, RegionListing
from yibao.batch.records import Record
from yibao.jsonformat import schema_hook
from yibao.results import FORMAT_VERSION, Comparison, RegionResult

if TYPE_CHECKING:
    from yibao_service.app import Settings

REF = "#/components/schemas/{name}"


def openapi_document(settings: Settings) -> dict[str, Any]:
    """The OpenAPI document of the service as configured by ``settings``."""
    from yibao.registry import default_registry

    from yibao_service.app import ErrorBody, Health

    scenario_kind = default_registry().scenario_type()  # with the regions' declared facts
    types = (scenario_kind, RegionResult, Comparison, Parameters, RegionListing, Record,
             ErrorBody, Health)  # fmt: skip
    refs, components = msgspec.json.schema_components(
        types, ref_template=REF, schema_hook=schema_hook
    )
    scenario, result, comparison, parameters, listing, record, error, health = refs

    def ok(schema: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
        return {"description": "OK", "content": {media: {"schema": schema}}}

    def errors(*statuses: int) -> dict[str, Any]:
        why = {
            400: "Not JSON or TOML at all, or a bad query parameter",
            401: "No or a wrong bearer token",
            404: "No such region",
            413: "The body is larger than the limit",
            422: "A field of the wrong shape (the message names its path) or an unknown region",
        }
        return {
            str(s): {"description": why[s], "content": {"application/json": {"schema": error}}}
            for s in statuses
        }

    def query(name: str, description: str, *, required: bool = False,
              fmt: str | None = None) -> dict[str, Any]:  # fmt: skip
        schema = {"type": "string", **({"format": fmt} if fmt else {})}
        return {"name": name, "in": "query", "required": required, "schema": schema,
                "description": description}  # fmt: skip

    flag_schema = {"type": "boolean", "default": False}
    as_given = {"name": "as_given", "in": "query", "schema": flag_schema,
                "description": "Evaluate the facts as given instead of as if the person "
                               "lived in each region"}  # fmt: skip
    regions_param = query("regions", "Comma-separated region codes (default: every region)")
    limits = settings.limits
    scenario_body = {
        "required": True,
        "description": f"One scenario (docs/scenario.md), at most {limits.body_bytes} bytes",
        "content": {
            "application/json": {"schema": scenario},
            "application/toml": {"schema": {"type": "string"}},
        },
    }
    auth = [{"bearer": []}] if settings.token else []
    paths: dict[str, Any] = {
        "/health": {"get": {"summary": "Whether the service is up", "security": [],
                            "responses": {"200": ok(health)}}},
        "/regions": {"get": {"summary": "Installed regions and overlays "
                                        "(as `yibao regions --json`)",
                             "responses": {"200": ok(listing), **errors(401)}}},
        "/parameters/{region}": {"get": {
            "summary": "A region's parameters in force on a date, with citations and gaps",
            "parameters": [
                {"name": "region", "in": "path", "required": True, "schema": {"type": "string"}},
                query("on", "The date (default: today)", fmt="date"),
                query("scheme", "Only this scheme (default: every scheme)"),
                query("prefix", "Only keys starting with this text"),
            ],
            "responses": {"200": ok(parameters), **errors(400, 401, 404, 422)},
        }},
        "/evaluate": {"post": {
            "summary": "Evaluate a scenario in one region (as `yibao evaluate --json`)",
            "parameters": [query("region", "A region code", required=True)],
            "requestBody": scenario_body,
            "responses": {"200": ok(result), **errors(400, 401, 413, 422)},
        }},
        "/compare": {"post": {
            "summary": "Evaluate a scenario in several regions (as `yibao compare --json`)",
            "parameters": [regions_param, as_given],
            "requestBody": scenario_body,
            "responses": {"200": ok(comparison), **errors(400, 401, 413, 422)},
        }},
        "/batch": {"post": {
            "summary": "Settle JSON Lines of scenarios, streamed (as `yibao batch`)",
            "description": (
                f"One scenario per line in (at most {limits.batch_lines} lines, "
                f"{limits.batch_bytes} bytes); one record per line and region out, in input "
                "order. A bad line is a `bad_input` record naming its line and field. A batch "
                'cut short by a limit ends with a line `{"error": …}`.'
            ),
            "parameters": [
                regions_param, as_given,
                {"name": "explain", "in": "query", "schema": flag_schema,
                 "description": "Add each region's whole answer to its record"},
            ],
            "requestBody": {"required": True, "content": {
                "application/x-ndjson": {"schema": {"type": "string"},
                                         "itemSchema": scenario}}},
            "responses": {"200": {"description": "OK", "content": {
                "application/x-ndjson": {"schema": {"type": "string"}, "itemSchema": record}}},
                **errors(400, 401, 413, 422)},
        }},
        "/openapi.json": {"get": {"summary": "This document",
                                  "responses": {"200": {"description": "OK"}, **errors(401)}}},
    }  # fmt: skip
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "yibao",
            "version": version("yibao"),
            "description": (
                "Chinese public medical-insurance policy as code: who may enrol, what they "
                "pay, from when they are covered and how each bill splits between the funds "
                f"and the patient, every number cited. Result format {FORMAT_VERSION} "
                "(`format_version`); money is a decimal string."
            ),
        },
        "security": auth,
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
