"""Text classes (issue 9): ALL-CAPS wire text, mojibake, BOM/CRLF/UTF-16/NBSP; each checked on the facts."""
from __future__ import annotations

import codecs

from ctrack.extract import extract
from ctrack.ingest import read
from ctrack.ingest.casing import is_wire_caps, restore_case

WIRE = """UN COUNTER-TERRORISM CHIEF VISITS TAJIKISTAN

DUSHANBE, MAY 14, 2019 (WIRE) - UNDER-SECRETARY-GENERAL VLADIMIR VORONKOV, HEAD OF THE UNITED NATIONS OFFICE OF \
COUNTER-TERRORISM (UNOCT), MET PRESIDENT EMOMALI RAHMON IN DUSHANBE ON 13 MAY 2019 TO DISCUSS THE IMPLEMENTATION \
OF THE JOINT PLAN OF ACTION FOR CENTRAL ASIA.

THE MEETING WAS ALSO ATTENDED BY FOREIGN MINISTER SIROJIDDIN MUHRIDDIN. THE TALKS MAY CONTINUE IN NEW YORK.

"WE VALUE OUR PARTNERSHIP WITH TAJIKISTAN," VORONKOV SAID.
"""


def test_case_restored_one_character_for_one():
    restored = restore_case(WIRE)
    assert len(restored) == len(WIRE) and restored.lower() == WIRE.lower()
    assert restored.startswith("UN Counter-Terrorism Chief visits Tajikistan\n")
    assert "Under-Secretary-General Vladimir Voronkov, Head of the United Nations Office of Counter-Terrorism " \
           "(UNOCT), met President Emomali Rahmon in Dushanbe on 13 May 2019" in restored
    assert "The talks may continue in New York." in restored, "'may' is a month only beside a number"


def test_a_press_release_with_capital_labels_keeps_them():
    text = "PRESS RELEASE\n\nCTED VISITS MALI\n\nOn 3 May 2019, CTED visited Mali on behalf of the Committee.\n"
    assert not is_wire_caps(text) and restore_case(text) == text


def test_facts_from_all_caps_wire_text(tmp_path):
    path = tmp_path / "wire.txt"
    path.write_text(WIRE, encoding="utf-8")
    doc = read(path)
    assert doc.title == "UN Counter-Terrorism Chief visits Tajikistan"
    assert doc.published.isoformat() == "2019-05-14"
    record = extract(doc)
    people = {a.name: a for a in record.actors if a.kind.value == "person"}
    assert {"Vladimir Voronkov", "Emomali Rahmon", "Sirojiddin Muhriddin"} <= set(people)
    assert people["Vladimir Voronkov"].title
    meeting = next(e for e in record.events if e.type.value == "meeting")
    assert (meeting.start, meeting.city, meeting.country) == ("2019-05-13", "Dushanbe", "TJK")
    assert {"Vladimir Voronkov", "Emomali Rahmon"} <= {record.actor(r.actor).name for r in meeting.roles}


MIXED = """UN Counter-Terrorism Chief visits Tajikistan

Dushanbe, May 14, 2019 (WIRE) - Under-Secretary-General Vladimir Voronkov, Head of the United Nations Office of \
Counter-Terrorism (UNOCT), met President Emomali Rahmon in Dushanbe on 13 May 2019 to discuss the implementation \
of the Joint Plan of Action for Central Asia.

The meeting was also attended by Foreign Minister Sirojiddin Muhriddin. The talks may continue in New York.

"We value our partnership with Tajikistan," Voronkov said.
"""


def _facts(record):
    name = {a.id: a.name for a in record.actors}
    return (sorted((a.kind.value, a.name, a.iso3 or "", a.title or "") for a in record.actors),
            sorted((e.type.value, e.start or "", e.end or "", e.city or "", e.country or "",
                    tuple(sorted((name[r.actor], r.role.value) for r in e.roles))) for e in record.events))


def test_wire_text_gives_the_record_of_its_mixed_case_twin(tmp_path):
    (tmp_path / "wire.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "mixed.txt").write_text(MIXED, encoding="utf-8")
    assert _facts(extract(read(tmp_path / "wire.txt"))) == _facts(extract(read(tmp_path / "mixed.txt")))


RELEASE = ("CTED visit to Tajikistan\r\n\r\nDushanbe, 12 May 2019 - A delegation of the Counter-Terrorism Committee "
           "Executive Directorate (CTED) led by Michèle\u00a0Coninsx visited Tajikistan from 8\u00a0to\u00a010 May "
           "2019 on behalf of the Committee.\r\n")


def _check_release_facts(doc):
    assert "Michèle Coninsx" in doc.text and "\r" not in doc.text and "\u00a0" not in doc.text
    record = extract(doc)
    visit = next(e for e in record.events if e.country == "TJK")
    assert (visit.start, visit.end) == ("2019-05-08", "2019-05-10")
    assert "Michèle Coninsx" in {record.actor(r.actor).name for r in visit.roles}


def test_mojibake_repaired(tmp_path):
    """UTF-8 read as cp1252 and saved again as UTF-8 (twice: double-encoded)."""
    once = RELEASE.encode("utf-8").decode("cp1252").encode("utf-8")
    twice = once.decode("utf-8").encode("utf-8").decode("cp1252", errors="strict").encode("utf-8")
    for name, data in (("once.txt", once), ("twice.txt", twice)):
        assert "Michèle".encode() not in data
        path = tmp_path / name
        path.write_bytes(data)
        _check_release_facts(read(path))


def test_bom_crlf_utf16_nbsp(tmp_path):
    for name, data in (("bom8.txt", codecs.BOM_UTF8 + RELEASE.encode("utf-8")),
                       ("utf16.txt", RELEASE.encode("utf-16")),  # with its BOM
                       ("utf16be.txt", codecs.BOM_UTF16_BE + RELEASE.encode("utf-16-be"))):
        path = tmp_path / name
        path.write_bytes(data)
        doc = read(path)
        assert doc.text.startswith("CTED visit to Tajikistan\n\nDushanbe"), name
        _check_release_facts(doc)
