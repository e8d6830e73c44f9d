"""Roles given to a list of actors at once (issue 8, roles under grouped cross-validation), each with a fixture written
for it. The facts checked come out of the whole pipeline (the rules' candidates and the shipped decision models).

The class: one clause says the role and the actors follow as a list, which the cue scope used to cut at its first
semicolon and the parse gives its role word to the first item only:
- a list after a colon or between dashes, introduced by a clause whose role word is its verb or its subject
  ("Forty participants travelled to the seminar from five States: A, B, …", "Three organizations were represented
  as well: …", "Seven partners are organizing the course: …; …", "Sixteen participants from four countries - A, B -");
- a role noun with a copula ("Its co-organizers are A and B", "Also attending were A, title; B, title; and C");
- a semicolon list of persons with their titles after a cue ("Presentations were made by …: A, Director of X; B, …");
- an ellipsis or a passive that names the role holders after it ("The ministers attended, as did representatives of A
  and B", "The participants were welcomed at the opening by X, and by Y").
"""
from __future__ import annotations

import pytest
from extract_fixtures import only_event, record_of, roles_of

from ctrack.extract.context import DocContext, split_sentences
from ctrack.extract.roles import enumeration_roles
from ctrack.schema import RoleType

LISTS = """Regional seminar on aviation security held in Amman

Published: 20 March 2024

A three-day regional seminar on aviation security was held in Amman, Jordan, from 17 to 19 March 2024. Forty participants travelled to the seminar from five States: Egypt, Iraq, Lebanon, Oman and Tunisia. Three international organizations were represented as well: the International Civil Aviation Organization (ICAO), the International Criminal Police Organization (INTERPOL) and the League of Arab States.
Its co-organizers are the United Nations Office of Counter-Terrorism (UNOCT) and the Organization for Security and Co-operation in Europe (OSCE).
Also attending were Maria Lopez, Head of the Border Unit of the European Border and Coast Guard Agency; Ahmed Karim, Director of Civil Aviation of Morocco; and John Smith, Programme Officer of the United Nations Office on Drugs and Crime.
"""

DASHES_AND_SEMICOLONS = """Customs officers trained in Kuala Lumpur to detect explosive precursors

Published: 15 February 2019

A five-day training course on explosive precursors took place in Kuala Lumpur, Malaysia, from 11 to 15 February 2019. Sixteen participants from four countries - Cambodia, Indonesia, Thailand and Viet Nam - learned to detect precursor chemicals. Seven partners are organizing the course: on the national side, the Royal Malaysian Customs Department and the Royal Malaysia Police; on the international side, the World Customs Organization (WCO) and INTERPOL.
Presentations were made by the heads of the national teams: Sok Chea, Director of the Customs Laboratory of Cambodia; Budi Santoso, Deputy Director of Indonesian Customs; and Nguyen Van An, Head of the Risk Unit of Viet Nam Customs.
"""

WELCOMED_AND_AS_DID = """Regional conference on foreign terrorist fighters opens in Tashkent

Published: 4 March 2022

A regional conference on foreign terrorist fighters was held in Tashkent, Uzbekistan, on 3 March 2022. The foreign ministers of Kazakhstan and Kyrgyzstan attended, as did senior representatives of the European Union and the Shanghai Cooperation Organisation. The participants were welcomed at the opening by Vladimir Voronkov, Under-Secretary-General of the United Nations Office of Counter-Terrorism, and by Zhang Ming, Secretary-General of the Shanghai Cooperation Organisation.
"""




def test_lists_after_a_colon_and_role_nouns_with_a_copula(tmp_path):
    rec = record_of(tmp_path, "lists", LISTS)
    ws = only_event(rec, "workshop")
    assert (ws.start, ws.end, ws.city, ws.country) == ("2024-03-17", "2024-03-19", "Amman", "JOR")
    roles = roles_of(rec, ws)
    for state in ("Egypt", "Iraq", "Lebanon", "Oman", "Tunisia"):
        assert (state, "participant") in roles, state
    for org in ("International Civil Aviation Organization", "International Criminal Police Organization",
                "League of Arab States"):
        assert (org, "participant") in roles, org
    assert {("United Nations Office of Counter-Terrorism", "organizer"),
            ("Organization for Security and Co-operation in Europe", "organizer")} <= roles
    # the persons of a semicolon list each take part, not only the first one
    assert {("Maria Lopez", "participant"), ("Ahmed Karim", "participant"), ("John Smith", "participant")} <= roles
    assert ("Jordan", "participant") not in roles


def test_lists_between_dashes_and_semicolon_lists_of_speakers(tmp_path):
    rec = record_of(tmp_path, "dashes", DASHES_AND_SEMICOLONS)
    ws = only_event(rec, "workshop")
    assert (ws.start, ws.city, ws.country) == ("2019-02-11", "Kuala Lumpur", "MYS")
    roles = roles_of(rec, ws)
    for state in ("Cambodia", "Indonesia", "Thailand", "Viet Nam"):
        assert (state, "participant") in roles, state
    for org in ("Royal Malaysian Customs Department", "Royal Malaysia Police", "World Customs Organization",
                "International Criminal Police Organization"):
        assert (org, "organizer") in roles, org
    assert {("Sok Chea", "speaker"), ("Budi Santoso", "speaker"), ("Nguyen Van An", "speaker")} <= roles
    assert not {(p, "organizer") for p in ("Sok Chea", "Budi Santoso", "Nguyen Van An")} & roles


def test_as_did_and_welcomed_by(tmp_path):
    rec = record_of(tmp_path, "welcomed", WELCOMED_AND_AS_DID)
    conf = only_event(rec, "conference")
    assert (conf.start, conf.city, conf.country) == ("2022-03-03", "Tashkent", "UZB")
    roles = roles_of(rec, conf)
    assert {("Kazakhstan", "participant"), ("Kyrgyzstan", "participant"), ("European Union", "participant")} <= roles
    assert {("Vladimir Voronkov", "speaker"), ("Zhang Ming", "speaker")} <= roles
    assert ("Uzbekistan", "speaker") not in roles


@pytest.mark.parametrize("sentence, role, first, last", [
    ("Forty participants travelled to the seminar from five States: Egypt, Iraq and Oman.", RoleType.PARTICIPANT,
     "Egypt", "Oman"),
    ("Seven partners are organizing the course: on the national side, the Royal Malaysia Police; on the international "
     "side, INTERPOL.", RoleType.ORGANIZER, "Royal Malaysia Police",
     "International Criminal Police Organization"),
    ("Presentations were made by the heads of the national teams: Sok Chea, Director of the Customs Laboratory of "
     "Cambodia; and Budi Santoso, Deputy Director of Indonesian Customs.", RoleType.SPEAKER, "Sok Chea", "Budi Santoso"),
    ("Sixteen participants from four countries - Cambodia, Indonesia and Thailand - learned to detect precursors.",
     RoleType.PARTICIPANT, "Cambodia", "Thailand"),
])
def test_enumeration_role_comes_from_the_introducing_clause(sentence, role, first, last):
    """The role word of the clause before the colon (its verb, else its subject) gives the list's role; the bodies and
    states inside an item's title ("Director of the Customs Laboratory of Cambodia") are not items."""
    from ctrack.extract import actors as actor_rules
    from ctrack.extract import get_extractor
    from ctrack.extract import persons as person_rules

    ex = get_extractor()
    doc = ex.nlp(sentence)
    ctx = DocContext(text=sentence, published=None, sentences=split_sentences(sentence, doc), doc=doc)
    actor_rules.find_gazetteer_mentions(ctx, ex._gazetteer_matches(doc))
    actor_rules.find_acronym_definitions(ctx)
    actor_rules.find_named_orgs(ctx)
    person_rules.find_persons(ctx)
    for entry in ctx.actors.values():
        entry.is_actor = True
    found = [x for s in ctx.sentences for x in enumeration_roles(ctx, s)]
    assert len(found) == 1, found
    _, got, items = found[0]
    assert got is role
    names = [ctx.actors[m.key].name for m in items]
    assert names[0] == first and names[-1] == last, names
    assert "Cambodia" not in names[1:] and "Indonesian Customs" not in names


def test_no_enumeration_without_a_role_word_or_a_list():
    from ctrack.extract import actors as actor_rules
    from ctrack.extract import get_extractor

    ex = get_extractor()
    for sentence in ("Kazakhstan: the border agencies of Kazakhstan and Uzbekistan compared notes.",
                     "He welcomed the nations that have newly joined the Call: Tunisia, Peru and Estonia.",
                     "The course covered one subject: INTERPOL databases."):
        doc = ex.nlp(sentence)
        ctx = DocContext(text=sentence, published=None, sentences=split_sentences(sentence, doc), doc=doc)
        actor_rules.find_gazetteer_mentions(ctx, ex._gazetteer_matches(doc))
        for entry in ctx.actors.values():
            entry.is_actor = True
        assert [x for s in ctx.sentences for x in enumeration_roles(ctx, s)] == [], sentence
