"""docs/openapi.json is the app's current OpenAPI document (regenerate: python -m ctrack.api.openapi)."""
from __future__ import annotations

import json

from ctrack.api.openapi import DOC_PATH, openapi_document, render


def test_openapi_document_in_the_repository_is_current():
    assert DOC_PATH.exists(), "run: python -m ctrack.api.openapi"
    assert json.loads(DOC_PATH.read_text(encoding="utf-8")) == json.loads(render()), \
        "docs/openapi.json is stale: run python -m ctrack.api.openapi"


def test_openapi_document_describes_auth_paging_and_the_vocabulary():
    doc = openapi_document()
    assert doc["info"]["title"] == "ctrack" and "Bearer" in doc["info"]["description"]
    events = doc["paths"]["/api/v1/events"]["get"]
    params = {p["name"] for p in events["parameters"]}
    assert {"country", "region", "type", "since", "until", "status", "review_state", "sort", "limit",
            "offset"} <= params
    schemas = doc["components"]["schemas"]
    assert set(schemas["EventType"]["enum"]) >= {"conference", "assessment_visit", "workshop"}
    assert "organizer" in schemas["RoleType"]["enum"]
