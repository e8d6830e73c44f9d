"""Words of the field that the extraction rules are built from.

Kept in one place so that a reviewer can read, in plain lists, what makes a
word a title, an honorific, the head of an organization's name, or the
trigger of an event type. The lists come from the language of UN, OSCE and
ministry press releases (the house style of ``../shared/corpus``) and from
SCHEMA.md's definitions of event types and roles.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from ctrack.schema import EventType, RoleType

#: Honorifics and ranks dropped from the front of person names and titles
#: (SCHEMA.md: "Names as the text gives them, without honorifics"; NOTES:
#: titles "without rank or honorifics (General, Ambassador, Dr, His Excellency)").
HONORIFICS = (
    "His Excellency", "Her Excellency", "Their Excellencies", "H.E.", "HE", "Mr.", "Mr", "Mrs.", "Mrs", "Ms.", "Ms",
    "Miss", "Mme", "Mme.", "Madam", "Dr.", "Dr", "Prof.", "Professor", "Sir", "Dame", "Ambassador", "General",
    "Lieutenant General", "Major General", "Brigadier General", "Colonel", "Lt. Gen.", "Maj. Gen.", "Gen.", "Col.",
    "Judge", "Justice", "Senator", "Sheikh", "Shaikh", "H.R.H.", "HRH", "Hon.", "Honourable", "Honorable", "the Honourable",
    "ASG", "USG", "SG", "Captain", "Commander", "Admiral",
    # ranks written with a hyphen or abbreviated, and honorifics of other traditions (NOTES: "Rank and honorifics
    # (Prince, Dr, Mallam, Chief, Rear Admiral, Major-General (retd)) are dropped"; "Lt. Gen.", "Capt.", "Dato'")
    "Major-General", "Lieutenant-General", "Brigadier-General", "Lieutenant General", "Lt.-Gen.", "Maj.-Gen.",
    "Lt. Gen", "Maj. Gen", "Brig. Gen.", "Brigadier", "Rear Admiral", "Vice Admiral", "Air Marshal", "Air Chief Marshal",
    "Lieutenant", "Lt.", "Capt.", "Maj.", "Mallam", "Alhaji", "Alhaja", "Shri", "Smt.", "Prince", "Princess",
    "Dato'", "Dato", "Datuk", "Tan Sri",
)
_HONORIFIC_ALT = "|".join(sorted((re.escape(h) for h in HONORIFICS), key=len, reverse=True))
#: Matches one or more honorifics at the start of a string.
HONORIFIC_PREFIX_RE = re.compile(rf"^(?:(?:{_HONORIFIC_ALT})(?=\s)\s*)+")

#: Head words of titles: a title is a run of title words ending in one of these,
#: optionally followed by a portfolio ("of Foreign Affairs", "for Multilateral
#: Affairs and International Security").
TITLE_HEADS = {
    "President", "Vice-President", "Vice President", "Prime Minister", "Minister", "Secretary-General",
    "Secretary General", "Under-Secretary-General", "Assistant Secretary-General", "Deputy Secretary-General",
    "Executive Director", "Director", "Director-General", "Director General", "Deputy Director", "Chairman",
    "Chairwoman", "Chairperson", "Chair", "Vice-Chair", "Vice-Chairman", "Head", "Permanent Representative",
    "Deputy Permanent Representative", "Representative", "Special Representative", "Special Envoy", "Envoy",
    "Coordinator", "Resident Coordinator", "Counsel", "General Counsel", "Legal Counsel", "Imam", "Grand Imam",
    "Cabinet Secretary", "Secretary", "Commissioner", "High Commissioner", "Officer", "Legal Officer",
    "Adviser", "Advisor", "Chief", "Spokesperson", "Spokesman", "Governor", "Mayor", "Attorney General",
    "Attorney-General", "Prosecutor", "Prosecutor General", "Prosecutor-General", "King", "Queen", "Emir", "Amir",
    "Crown Prince", "Speaker", "Ambassador", "Consul", "Consul General", "Chargé d'Affaires", "Rapporteur",
    "Special Rapporteur", "Expert", "Manager", "Programme Manager", "Programme Officer", "Specialist",
    "Analyst", "Commander", "Chief of Staff", "Foreign Minister", "Interior Minister", "Justice Minister",
    "Defence Minister", "Defense Minister", "Deputy Minister", "Vice Minister", "State Secretary",
    "Secretary of State", "Deputy Head", "Head of Mission", "Chief Executive", "Founder", "Dean", "Rector",
    "Coordinator for Counterterrorism", "Research Fellow", "Senior Research Fellow", "Keeper of the Seals",
    "Professor", "Senior Adviser", "Councillor", "Counsellor", "Attaché", "Deputy Chairman", "Executive Secretary",
    "Ambassador-at-Large", "First Secretary", "Second Secretary", "Third Secretary", "Chef de Cabinet", "National Coordinator",
    "Country Representative", "Liaison Officer", "Liaison Adviser",
}
#: Modifiers that may stand before a title head ("Vice Foreign Minister",
#: "Assistant Defence Minister", "Interior Cabinet Secretary").
TITLE_MODIFIERS = {
    "Vice", "Deputy", "Assistant", "Acting", "Senior", "Principal", "Chief", "First", "Second", "Third", "Executive",
    "Special", "Foreign", "Interior", "Defence", "Defense", "Justice", "Finance", "Home", "Security", "Cabinet",
    "Grand", "Legal", "General", "Permanent", "Resident", "Regional", "National", "Political", "Programme",
    "Program", "Associate", "Joint", "Under", "High", "Prime", "State", "Federal", "Minister", "Head",
    "Counter-Terrorism", "Counterterrorism", "Human", "Rights", "Lead", "Project", "Technical", "Crown",
}
#: Title heads that make the holder act for a state (heads of state and ministers
#: are affiliated with their state: SCHEMA.md, "Conventions").
STATE_TITLE_WORDS = {
    "President", "Prime Minister", "Minister", "King", "Queen", "Emir", "Amir", "Crown Prince", "Cabinet Secretary",
    "Foreign Minister", "Interior Minister", "Justice Minister", "Defence Minister", "Defense Minister",
    "Deputy Minister", "Vice Minister", "State Secretary", "Secretary of State", "Attorney General",
    "Attorney-General", "Prosecutor General", "Prosecutor-General", "Permanent Representative",
    "Deputy Permanent Representative", "Ambassador",
}

#: Head nouns that make a capitalized phrase the name of an organization.
ORG_HEADS = {
    "Office", "Committee", "Directorate", "Centre", "Center", "Organization", "Organisation", "Agency", "Council",
    "Community", "Union", "Mission", "Fund", "Department", "Ministry", "Police", "Institute", "Service", "Services",
    "Force", "Forces", "Unit", "Bureau", "Commission", "Secretariat", "Assembly", "Court", "Tribunal", "University",
    "Academy", "School", "Association", "Foundation", "Observatory", "Authority", "Parliament", "Team", "Compact",
    "Task Force", "Group", "Coalition", "Forum", "Alliance", "Federation", "Society", "Bank",
    "Presidency", "Government", "Guard", "Gendarmerie", "Prosecution", "Airport", "Corporation", "Company",
    "Institution", "College", "Board", "Programme Office", "Embassy", "Presence", "Consulate", "High Commission",
}
#: Org heads that are not actors when standing alone in a name: programmes,
#: networks and initiatives are named in ``launch`` events, not as actors.
NON_ACTOR_HEADS = {"Programme", "Program", "Strategy", "Plan", "Initiative", "Network", "Week", "Process",
                   "Framework", "Resolution", "Assessment", "Declaration", "Convention", "Agenda", "Day"}
#: Words whose presence makes an organization a national (government) body.
GOVERNMENT_BODY_WORDS = {
    "Ministry", "Police", "Gendarmerie", "Intelligence", "Armed Forces", "National Guard", "State Committee",
    "National Security", "Border Guard", "Border Service", "Customs", "Prosecutor", "Prosecution", "Parliament",
    "Presidency", "Financial Intelligence Unit", "National Counter-Terrorism", "Security Service",
    "Coast Guard", "Royal", "Federal", "National Police", "Interior", "Cabinet", "Senate", "National Assembly",
    "Embassy", "Consulate", "High Commission",
}

#: Words that join the capitalized words of a name ("Organization *for*
#: Security *and* Co-operation *in* Europe").
NAME_CONNECTORS = {"of", "for", "and", "on", "in", "the", "to", "de", "du", "des", "la", "le", "&", "against", "under"}

#: Event triggers and role cues are data: ``ctrack/data/cues.json`` (each with the examples it must and must not
#: match; ``tests/extract/test_cues.py`` runs them). An analyst adds a trigger word or a cue phrase there.
CUES_PATH = Path(__file__).resolve().parent.parent / "data" / "cues.json"
_CUES = json.loads(CUES_PATH.read_text(encoding="utf-8"))

#: Event trigger nouns and verbs per type (SCHEMA.md "Event types"). Matched
#: case-insensitively on word boundaries; longer phrases are tried first.
EVENT_TRIGGERS: dict[EventType, tuple[str, ...]] = {EventType(t): tuple(ws) for t, ws in _CUES["event_triggers"].items()}

#: Role cues (SCHEMA.md "Roles"): phrases that give the actors after them
#: ("…by X") or before them ("X organized …") a role in the nearby event.
ROLE_AFTER: tuple[tuple[str, RoleType], ...] = tuple((c["pattern"], RoleType(c["role"])) for c in _CUES["role_after"])
ROLE_BEFORE: tuple[tuple[str, RoleType], ...] = tuple((c["pattern"], RoleType(c["role"])) for c in _CUES["role_before"])

#: Words that may tell an event without being a trigger phrase, as parser lemmas: {lemma: event types}. From
#: ``cues.json`` "event_lemmas"; they make candidates only (:func:`ctrack.extract.events.syntactic_triggers`), which
#: the proposal model of :mod:`ctrack.extract.decide` keeps or drops.
EVENT_LEMMAS: dict[str, tuple[EventType, ...]] = {}
for _etype, _entry in _CUES.get("event_lemmas", {}).items():
    if not _etype.startswith("_"):
        for _lemma in _entry["lemmas"]:
            EVENT_LEMMAS[_lemma] = EVENT_LEMMAS.get(_lemma, ()) + (EventType(_etype),)

#: Role words (SCHEMA.md "Roles") as lemmas: {lemma: roles}, for the role model's syntax features
#: (:func:`ctrack.extract.decide.role_word_features`). From ``cues.json`` "role_words".
ROLE_WORDS: dict[str, tuple[RoleType, ...]] = {}
for _role, _entry in _CUES.get("role_words", {}).items():
    if not _role.startswith("_"):
        for _lemma in _entry["lemmas"]:
            ROLE_WORDS[_lemma] = ROLE_WORDS.get(_lemma, ()) + (RoleType(_role),)

#: Words that make the subject of their clause an event's venue ("Tashkent was the *venue* of", "Almaty *hosted*"), as
#: parser lemmas: ``VENUE_NOUNS`` as a copula's predicate or an apposition, ``VENUE_VERBS`` with the place as subject.
#: From ``cues.json`` "venue_words" (:func:`ctrack.extract.events.venue_subject`).
VENUE_NOUNS: frozenset[str] = frozenset(_CUES.get("venue_words", {}).get("nouns", ()))
VENUE_VERBS: frozenset[str] = frozenset(_CUES.get("venue_words", {}).get("verbs", ()))

#: Labels of fact-sheet lines per field ("Venue: Dakar"; see :mod:`ctrack.extract.fields`).
FIELD_LABELS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _CUES.get("field_labels", {}).items() if not k.startswith("_")}


def cue_examples() -> dict:
    """The examples of ``cues.json``: {"event_triggers": {type: {"match": [...], "no_match": [...]}},
    "role_after"/"role_before": [(pattern, role, match, no_match)], "role_words": [(role, sentence, actor mention)],
    "event_lemmas": [(type, sentence, word, must be a candidate)], "venue_words": [(sentence, trigger word, venue
    or None)]};
    for the test that runs them all."""
    return {
        "event_triggers": _CUES.get("event_trigger_examples", {}),
        "role_after": [(c["pattern"], c["role"], c.get("match", []), c.get("no_match", [])) for c in _CUES["role_after"]],
        "role_before": [(c["pattern"], c["role"], c.get("match", []), c.get("no_match", [])) for c in _CUES["role_before"]],
        "role_words": [(role, sentence, actor) for role, e in _CUES.get("role_words", {}).items() if not role.startswith("_")
                       for sentence, actor in e.get("examples", [])],
        "event_lemmas": [(etype, sentence, word, True) for etype, e in _CUES.get("event_lemmas", {}).items()
                         if not etype.startswith("_") for sentence, word in e.get("examples", [])]
        + [(etype, sentence, word, False) for etype, e in _CUES.get("event_lemmas", {}).items()
           if not etype.startswith("_") for sentence, word in e.get("no_match", [])],
        "venue_words": [(sentence, word, place) for sentence, word, place in _CUES.get("venue_words", {}).get("examples", [])]
        + [(sentence, word, None) for sentence, word in _CUES.get("venue_words", {}).get("no_match", [])],
    }


#: Words for a state's people in the state's name, as actors ("Tajik
#: authorities", "Iraqi officials"): a demonym followed by one of these.
DEMONYM_ACTOR_NOUNS = {
    "authorities", "government", "officials", "official", "delegation", "delegations", "side", "counterparts",
    "counterpart", "ministry", "minister", "president", "leadership", "representatives", "experts", "partners",
    "foreign", "interior", "defence", "defense", "prime", "deputy", "vice", "ambassador", "permanent",
}

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}


def number_value(word: str) -> int | None:
    """Integer value of a numeral written in digits or in words ("47", "five", "twenty-four"); None otherwise."""
    w = word.lower().strip()
    if w.isdigit():
        return int(w)
    if w in NUMBER_WORDS:
        return NUMBER_WORDS[w]
    if "-" in w:
        a, _, b = w.partition("-")
        if a in NUMBER_WORDS and b in NUMBER_WORDS and NUMBER_WORDS[a] >= 20:
            return NUMBER_WORDS[a] + NUMBER_WORDS[b]
    return None


def strip_honorifics(text: str) -> str:
    """``text`` without leading honorifics and ranks ("H.E. Mr. X" → "X")."""
    return HONORIFIC_PREFIX_RE.sub("", text.strip()).strip()
