"""Words of the field that the extraction rules are built from.

Kept in one place so that a reviewer can read, in plain lists, what makes a
word a title, an honorific, the head of an organization's name, or the
trigger of an event type. The lists come from the language of UN, OSCE and
ministry press releases (the house style of ``../shared/corpus``) and from
SCHEMA.md's definitions of event types and roles.
"""
from __future__ import annotations

import re

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
    "Institution", "College", "Board", "Programme Office",
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
}

#: Words that join the capitalized words of a name ("Organization *for*
#: Security *and* Co-operation *in* Europe").
NAME_CONNECTORS = {"of", "for", "and", "on", "in", "the", "to", "de", "du", "des", "la", "le", "&", "against", "under"}

#: Event trigger nouns and verbs per type (SCHEMA.md "Event types"). Matched
#: case-insensitively on word boundaries; longer phrases are tried first.
EVENT_TRIGGERS: dict[EventType, tuple[str, ...]] = {
    EventType.ASSESSMENT_VISIT: (
        "follow-up assessment visit", "assessment visit", "follow-up visit", "follow-up assessment",
        "country assessment", "country visit", "needs assessment mission", "needs assessment", "mutual evaluation",
        "on-site assessment", "assessment mission", "hybrid visit", "virtual component", "physical component",
    ),
    EventType.BRIEFING: (
        "open informal briefing", "open briefing", "joint briefing", "informal briefing", "briefing", "briefed",
    ),
    EventType.WORKSHOP: (
        "awareness-raising workshop", "workshop", "training course", "training session", "specialized training",
        "specialised training", "training", "seminar", "webinar", "expert meeting", "expert group meeting",
        "round table", "roundtable", "table-top exercise", "tabletop exercise", "simulation exercise", "exercise",
        "capacity-building session", "study visit", "course", "module", "masterclass", "bootcamp",
    ),
    EventType.CONFERENCE: (
        "high-level conference", "international conference", "regional conference", "conference", "high-level meeting",
        "high-level event", "high-level dialogue", "dialogue", "forum", "symposium", "summit", "special meeting",
        "informal meeting", "plenary meeting", "ministerial meeting", "counter-terrorism week", "review of the",
        "general debate", "side event", "congress", "consultations", "high-level segment",
    ),
    EventType.MEETING: (
        "bilateral meetings", "bilateral meeting", "held talks", "met with", "meeting with", "meeting between",
        "held a meeting", "courtesy call", "meets with", "meets", "meet with", "held consultations with",
        "hold consultations with", "consultations with", "received", "receives", "held meetings with", "hold meetings with",
        "called on", "paid a courtesy call on", "will meet", "meet", "counterterrorism dialogue", "counter-terrorism dialogue",
        "bilateral dialogue", "strategic dialogue", "security dialogue", "political consultations", "was received by", "were received by", "received by", "talked with",
        "talks with", "discussions with", "met", "meeting", "talks",
    ),
    EventType.VISIT: (
        "high-level visit", "official visit", "working visit", "joint visit", "field visit", "field mission",
        "on-site visit", "three-day visit", "two-day visit", "visit to", "visited", "visit", "toured", "travelled to",
        "traveled to", "mission to",
    ),
    EventType.LAUNCH: (
        "was launched", "were launched", "launched", "launch of", "launch", "inaugurated", "inauguration", "opened the office",
        "has opened", "opening of", "adopted", "adopting", "adoption of", "was created", "was established", "set up in", "unveiled",
        "endorsed", "presented its new", "presented its", "presents its", "presented the new",
    ),
}

#: Role cues (SCHEMA.md "Roles"): phrases that give the actors after them
#: ("…by X") or before them ("X organized …") a role in the nearby event.
ROLE_AFTER: tuple[tuple[str, RoleType], ...] = (
    (r"with (?:the )?financial support (?:of|from)", RoleType.FUNDER),
    (r"(?:funded|financed|sponsored|co-funded|co-financed) by", RoleType.FUNDER),
    (r"(?:thanks to|through|with) (?:an? |the )?(?:[\w\-]+ ){0,2}(?:contribution|funding|grant|donation)s? (?:of|from|by)", RoleType.FUNDER),
    (r"with (?:the )?(?:generous )?funding (?:of|from)", RoleType.FUNDER),
    (r"with (?:the )?(?:kind |generous )?support of", RoleType.SUPPORTER),
    (r"with support from", RoleType.SUPPORTER),
    (r"supported by", RoleType.SUPPORTER),
    (r"co-organi[sz]ed by", RoleType.ORGANIZER),
    (r"organi[sz]ed (?:jointly )?by", RoleType.ORGANIZER),
    (r"(?:hosted|convened|conducted|carried out|led|headed|held|implemented|run|delivered|facilitated) by", RoleType.ORGANIZER),
    (r"(?:launched|inaugurated|opened|unveiled|adopted|presented)\s+(?:jointly\s+)?by", RoleType.ORGANIZER),
    (r"under the (?:joint )?auspices of", RoleType.ORGANIZER),
    (r"in (?:close )?(?:collaboration|cooperation|co-operation|partnership) with", RoleType.ORGANIZER),
    (r"jointly with", RoleType.ORGANIZER),
    (r"(?:held|organi[sz]ed|convened|co-hosted) (?:jointly )?with", RoleType.ORGANIZER),
    (r"together with", RoleType.ORGANIZER),
    (r"(?:co-chaired|chaired|co-moderated|moderated|presided over|presided) by", RoleType.CHAIR),
    (r"(?:attended|joined) by", RoleType.PARTICIPANT),
    (r"with the participation of", RoleType.PARTICIPANT),
    (r"(?:participants|officers|officials|experts|delegates|representatives|trainees)\s+(?:came|were|are|come)\s+from", RoleType.PARTICIPANT),
    (r"brought together", RoleType.PARTICIPANT),
    (r"(?:presentations?|statements?|remarks|keynote(?: address| speech)?|speeches|briefings?) (?:were |was )?(?:given|delivered|made) by", RoleType.SPEAKER),
    (r"given by", RoleType.SPEAKER),
)
ROLE_BEFORE: tuple[tuple[str, RoleType], ...] = (
    (r"co-organi[sz]ed", RoleType.ORGANIZER),
    (r"organi[sz]ed", RoleType.ORGANIZER),
    (r"(?:hosted|convened|conducted|carried out|held|led|headed|launched|inaugurated|adopted|opened|ran)", RoleType.ORGANIZER),
    (r"(?:funded|financed|sponsored)", RoleType.FUNDER),
    (r"(?:participated|took part|attended|joined|were represented|was represented)", RoleType.PARTICIPANT),
    (r"(?:also took part|also participated|also attended)", RoleType.PARTICIPANT),
    (r"(?:delivered|gave|made|presented|read(?: out)?) (?:a |an |the )?(?:video |opening |closing |keynote )?(?:message|statement|speech|presentation|keynote|remarks|address|briefing|opening remarks|closing remarks)", RoleType.SPEAKER),
    (r"(?:said|stressed|noted|highlighted|pointed out|observed|underlined|emphasi[sz]ed|underscored|warned|added|explained|praised|called(?!\s+on\b)|welcomed|thanked|told|recalled|spoke|addressed|briefed|described|informed)", RoleType.SPEAKER),
    (r"(?:co-chaired|chaired|moderated|presided|opened the meeting|opened the session|opened an? [a-z ]*meeting)", RoleType.CHAIR),
)

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
