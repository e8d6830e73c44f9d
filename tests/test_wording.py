"""Counted nouns (:mod:`ctrack.wording`): "1 document", "2 documents", everywhere through one helper."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ctrack.wording import noun, plural, plural_of

ROOT = Path(__file__).resolve().parents[1] / "ctrack"


@pytest.mark.parametrize("count, word, expected", [
    (1, "document", "1 document"), (0, "document", "0 documents"), (2, "event", "2 events"),
    (1, "audit entry", "1 audit entry"), (3, "audit entry", "3 audit entries"), (2, "alias", "2 aliases"),
    (2, "activity", "2 activities"), (2, "delegation", "2 delegations"), (5, "day", "5 days"),
    (2, "new actor", "2 new actors"), (2, "person", "2 persons"), (2, "box", "2 boxes"),
])
def test_plural(count, word, expected):
    assert plural(count, word) == expected


def test_irregular_plural_and_the_noun_alone():
    assert plural(2, "criterion") == "2 criteria" and plural(2, "datum", "data") == "2 data"
    assert noun(1, "assessment visit") == "assessment visit" and noun(4, "assessment visit") == "assessment visits"
    assert plural_of("Entry") == "Entries"


#: Hand-made plurals in messages: "document(s)", "event{'s' if n != 1 else ''}", "{{ 's' if n != 1 }}".
AD_HOC = re.compile(r"""\}\s[\w -]*?[a-z]\(s\)|[a-z]\(s\)\s\{|\{\s*'s'\s+if\b|\{\s*"s"\s+if\b|\{\{\s*'s'\s+if\b""")


def test_no_hand_made_plural_is_left_in_messages_and_pages():
    """Every counted noun of the CLI, the pages, the briefing pack and the figures goes through
    :func:`ctrack.wording.plural` (there were "1 documents", "1 new events", "fact(s)")."""
    found = []
    for path in [*ROOT.rglob("*.py"), *ROOT.rglob("*.html"), *ROOT.rglob("*.j2")]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith("#"):
                continue
            if AD_HOC.search(line):
                found.append(f"{path.relative_to(ROOT.parent)}:{number}: {stripped[:100]}")
    assert not found, "\n".join(found)
