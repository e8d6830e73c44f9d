"""The OpenAPI document of the HTTP API, as kept in the repository (``docs/openapi.json``).

``python -m ctrack.api.openapi [FILE]`` writes it (default ``docs/openapi.json``);
a test checks that the file in the repository is current.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

#: Where the repository keeps the document.
DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of the app (built on an in-memory SQLite database; it does not depend on data)."""
    from ctrack.api.app import create_app

    app = create_app("sqlite://")
    try:
        return app.openapi()
    finally:
        app.state.engine.dispose()


def render() -> str:
    """The document as the repository keeps it: indented JSON, keys in the app's order, newline at the end."""
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Write the document to ``argv[0]`` (default :data:`DOC_PATH`)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else DOC_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
