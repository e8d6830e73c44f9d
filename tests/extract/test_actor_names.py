"""Failure classes of actor names and person titles on unseen house styles (issue 8), each with a fixture
written for it; the tests check the actors and titles that come out of the whole pipeline.

- a state's possessive owns the body after it ("Malawi's Anti-Narcotics Unit", "Peru's Foreign Ministry"),
  while a possessive inside a known name stays ("… of the Lao People's Democratic Republic");
- coordinated words inside one name ("Customs and Border Protection Directorate", "Directorate of Visas,
  Permits and Residence") are not split into bodies;
- ranks, honorifics of other traditions and post-nominals are not part of a name ("Lieutenant-General",
  "Mallam", "Prince", "QC");
- a title is the function only: not the clause or the name before "and", not a leading demonym or acronym,
  not a trailing honorific, not where it is held ("at the Embassy").
"""
from __future__ import annotations

import pytest

from ctrack.extract import extract
from ctrack.ingest import read

NAMES = """Southern African officials review border security cooperation

Published: 8 March 2024

Malawi's Anti-Narcotics Unit and Peru's Foreign Ministry took part in a workshop on border security held in Lilongwe, Malawi, on 6-7 March 2024. Officials from the Ministry of Foreign Affairs of the Lao People's Democratic Republic attended as observers.
The Customs and Border Protection Directorate of Zambia presented its risk management system, and the Directorate of Visas, Permits and Residence explained new procedures. Officials of the Department of Immigration, Vera Lindqvist, and Tomas Berg attended.
Lieutenant-General Joseph Banda, the commander of the border police, and Mallam Ibrahim Sule spoke at the opening.
Tanaka and the Malawian Defence Minister Peter Mwale closed the workshop. SADC Executive Secretary Elias Magosi sent a message. Foreign Minister Prince Faisal Al-Saud of Saudi Arabia also addressed the participants.
Anna Kowalczyk, Counsellor at the Embassy, and Rupert Hale QC, the Independent Reviewer, joined the closing session.
"""


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    path = tmp_path_factory.mktemp("names") / "names.txt"
    path.write_text(NAMES, encoding="utf-8")
    return extract(read(path))


def _actor(record, name):
    found = [a for a in record.actors if a.name == name]
    assert found, f"no actor {name!r} in {[a.name for a in record.actors]}"
    return found[0]


def test_possessive_state_owns_the_body(record):
    unit = _actor(record, "Anti-Narcotics Unit")
    assert unit.kind.value == "government_body" and unit.iso3 == "MWI"
    ministry = _actor(record, "Ministry of Foreign Affairs of Peru")
    assert ministry.iso3 == "PER"
    assert not [a for a in record.actors if a.name.startswith(("Malawi's", "Peru's"))]


def test_possessive_inside_a_known_name_is_kept(record):
    lao = _actor(record, "Ministry of Foreign Affairs of the Lao People's Democratic Republic")
    assert lao.iso3 == "LAO"


def test_coordinated_words_stay_in_one_name(record):
    names = {a.name for a in record.actors}
    assert "Customs and Border Protection Directorate of Zambia" in names
    assert "Directorate of Visas, Permits and Residence" in names
    assert "Border Protection Directorate of Zambia" not in names and "Directorate of Visas" not in names
    # a list of persons after a body's name is no part of the name
    assert not [n for n in names if "Lindqvist" in n and n.startswith("Department")]


def test_ranks_and_honorifics_leave_names(record):
    persons = {a.name for a in record.actors if a.kind.value == "person"}
    assert {"Joseph Banda", "Ibrahim Sule", "Faisal Al-Saud", "Rupert Hale"} <= persons
    assert not [p for p in persons if p.startswith(("Lieutenant", "Mallam", "Prince"))]


@pytest.mark.parametrize("name, title", [
    ("Peter Mwale", "Defence Minister"),        # not "Tanaka and the Malawian Defence Minister"
    ("Elias Magosi", "Executive Secretary"),    # not "SADC Executive Secretary"
    ("Faisal Al-Saud", "Foreign Minister"),     # not "Foreign Minister Prince"
    ("Anna Kowalczyk", "Counsellor"),           # not "Counsellor at the Embassy"
])
def test_titles_are_the_function_only(record, name, title):
    assert _actor(record, name).title == title
