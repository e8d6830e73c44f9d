"""Small annotated groups copied from the dev corpus, for the training CLI tests."""
from __future__ import annotations

import shutil
from pathlib import Path

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "dev"


def make_group(root: Path, name: str, ids: list[str]) -> str:
    """Copy the dev documents ``ids`` and their gold records into ``root/name/{docs,gold}``;
    returns the ``DIR:GROUP`` argument of ``ctrack train|eval --corpus``."""
    for sub in ("docs", "gold"):
        (root / name / sub).mkdir(parents=True)
    for i in ids:
        src = next(p for p in (DEV / "docs").glob(f"{i}.*"))
        shutil.copy(src, root / name / "docs" / src.name)
        shutil.copy(DEV / "gold" / f"{i}.json", root / name / "gold" / f"{i}.json")
    return f"{root / name}:{name}"
