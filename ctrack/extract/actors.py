"""Organizations and member states: gazetteer matches, acronyms defined in the
text, capitalized names with an organization head, demonyms and collectives.

Rules (each mention records the rule name that produced it):

- ``gazetteer``: a name, variant or acronym of a known UN entity, regional
  organization or state (package data, :mod:`ctrack.gazetteer`). The longest
  match wins, so a body named only inside another body's name is not an
  actor (SCHEMA.md, "Conventions").
- ``acronym-definition``: "Long Name (ACR)" defines an organization that the
  gazetteer may not know; later uses of ACR refer to it.
- ``org-name``: a run of capitalized words ending in an organization head
  ("Institute", "Agency", "Police", "Observatory" …; :data:`ORG_HEADS`).
- ``government-of`` / ``demonym``: "the Government of X", "Tajik authorities",
  "the Moroccan Ministry of Foreign Affairs" → the member state X (or its
  ministry, a ``government_body``).
- ``collective``: "all five countries of Central Asia" → the five states
  (SCHEMA.md: only a definite, complete set is expanded).

States first seen only as places ("in Tashkent, Uzbekistan", "the situation
in Afghanistan") are kept as places, not actors.
"""
from __future__ import annotations

import re

from ctrack.extract.context import ActorEntry, DocContext, Mention
from ctrack.extract.lexicon import (
    DEMONYM_ACTOR_NOUNS,
    GOVERNMENT_BODY_WORDS,
    NAME_CONNECTORS,
    NON_ACTOR_HEADS,
    ORG_HEADS,
    number_value,
)
from ctrack.gazetteer import get_gazetteer, normalize_name
from ctrack.schema import ActorKind

#: Organizations that are never actors on their own: "the United Nations" as a
#: whole (NOTES: "no actor stands for 'the UN' as a whole").
NON_ACTOR_ORG_NAMES = {normalize_name("United Nations"), normalize_name("UN")}

_WORD = r"[A-Z][\w'’\-\.]*"
_ACRONYM_DEF = re.compile(r"\(\s*(?:the\s+)?([A-Z][A-Za-z0-9&\-/\.]{1,14}?)s?\s*\)")
_PLACE_PREPS = re.compile(
    r"(?:\b(?:in|at|near|across|throughout|around|within|into|outside|over|towards?|"
    r"situation in|developments in|zones of|region of|capital of|parts of|stability in|related to|on|how|about)\s+(?:the\s+)?"
    r"(?:(?:neighbouring|neighboring|nearby|northern|southern|eastern|western|central|war-torn|conflict-affected)\s+)?)$",
    re.I)
_GOVERNMENT_OF = re.compile(r"\b(?:the\s+)?Governments?\s+of\s+(?:the\s+)?$", re.I)


def org_key(org) -> str:
    """Canonical key of a gazetteer organization within a record."""
    return f"org:{org.key}"


def state_key(iso3: str) -> str:
    """Canonical key of a member state within a record (its ISO 3166-1 alpha-3 code)."""
    return f"state:{iso3}"


def add_state(ctx: DocContext, iso3: str, start: int, end: int, rule: str, is_actor: bool) -> ActorEntry:
    """Add a mention of the member state ``iso3`` at [start, end)."""
    gaz = get_gazetteer()
    st = gaz.state(iso3)
    entry = ctx.add_actor(ActorEntry(key=state_key(iso3), kind=ActorKind.MEMBER_STATE, name=st.name,
                                     iso3=iso3, is_actor=is_actor))
    ctx.add_mention(Mention(start, end, ctx.text[start:end], entry.key, rule))
    return entry


def add_known_org(ctx: DocContext, org, start: int, end: int, rule: str) -> ActorEntry | None:
    """Add a mention of a gazetteer organization (None for "the United Nations" as a whole)."""
    if normalize_name(org.name) in NON_ACTOR_ORG_NAMES:
        return None
    entry = ctx.add_actor(ActorEntry(key=org_key(org), kind=org.kind, name=org.name, acronym=org.acronym,
                                     iso3=getattr(org, "iso3", None)))
    ctx.add_mention(Mention(start, end, ctx.text[start:end], entry.key, rule))
    return entry


def state_is_actor(ctx: DocContext, start: int, end: int) -> bool:
    """Is the state named at [start, end) acting or acted upon, rather than a place or topic?

    A state directly after a place preposition ("in", "at", "across" …) or
    after a city and a comma ("Tashkent, Uzbekistan") is a place. Everything
    else (subjects, "visit to X", "officials of X", lists of participants) is
    an actor.
    """
    sent = ctx.sentence_at(start)
    before = ctx.text[sent.start:start]
    after = ctx.text[end:sent.end]
    if _GOVERNMENT_OF.search(before):
        return True
    cm = re.search(r"\b([A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)?),\s*$", before)
    if cm and get_gazetteer().lookup_state(cm.group(1)) is None and get_gazetteer().lookup_city(cm.group(1)) is not None \
            and get_gazetteer().lookup_org(cm.group(1)) is None:
        return False  # "Tashkent, Uzbekistan": the state names the city's country
    if re.match(r"\s*[-–]?\s*related\b", after):
        return False
    if re.search(r"\b(?:zones?|parts?|areas?|regions?|territory|territories|situation|developments|conflicts?|stability)\s+"
                 r"(?:in|of)\s+(?:the\s+)?[A-Z][\w'’\- ]{0,40}?\s+and\s+(?:the\s+)?$", before):
        return False
    if re.search(r"\b(?:Permanent Representative|Ambassador|Representative|Envoy|Consul|Mission)\s+of\s+(?:the\s+)?$", before):
        return False  # "Permanent Representative of India": the state does not act (NOTES: Puri/India)
    if _PLACE_PREPS.search(before):
        # "in X" is still an actor in "took part in X's …"? No: a place.
        return False
    return True


def find_gazetteer_mentions(ctx: DocContext, matches) -> None:
    """Record gazetteer matches ``matches`` (list of (start, end, label, key) in characters)."""
    gaz = get_gazetteer()
    for start, end, label, key in matches:
        if label == "STATE":
            add_state(ctx, key, start, end, "gazetteer", state_is_actor(ctx, start, end))
        elif label == "ORG":
            if "Secretary-General" in ctx.text[start:end] and (
                    re.search(r"\b(?:Representative|Envoy|Adviser|Advisor|Office|Spokesperson|Executive Office)\s+(?:of|to)\s+the\s+$",
                              ctx.text[max(0, start - 40):start])
                    or re.match(r"\s+of\s+(?:the\s+)?(?!United Nations\b)[A-Z]|,?\s+(?:(?:Mr|Ms|Mrs|Dr)\.?\s+)?[A-Z][\w'’\-]+\s+[A-Z]",
                                ctx.text[end:end + 60])):
                continue  # "Special Representative of the Secretary-General", "UN Secretary-General António Guterres": a title
            org = gaz.organization(key)
            if org is not None:
                add_known_org(ctx, org, start, end, "gazetteer")
        elif label == "DEMONYM":
            after = ctx.text[end:end + 40].lower().split()
            if after and (after[0].strip(",.;") in DEMONYM_ACTOR_NOUNS
                          or (len(after) > 1 and after[1].strip(",.;") in DEMONYM_ACTOR_NOUNS
                              and after[0] in {"high-ranking", "senior", "government", "national", "high-level"})):
                add_state(ctx, key, start, end, "demonym", True)


def _capitalized_run_before(text: str, end: int, limit: int = 14) -> tuple[int, str] | None:
    """The run of capitalized words (with name connectors) ending at ``end``.

    Returns (start offset, run text) with leading connectors stripped, or None.
    """
    base = max(text.rfind("\n", 0, end) + 1, end - 200)
    words = list(re.finditer(r"[\w'’\-\.&/]+", text[base:end]))
    kept: list[re.Match] = []
    for w in reversed(words):
        tok = w.group(0)
        gap = text[base + w.end():base + kept[-1].start()] if kept else text[base + w.end():end]
        if gap.strip():
            break  # punctuation between words ends a name
        if tok[0].isupper():
            kept.append(w)
        elif tok.lower() in NAME_CONNECTORS and kept:
            kept.append(w)
        else:
            break
        if len(kept) >= limit:
            break
    while kept and kept[-1].group(0).lower() in NAME_CONNECTORS:
        kept.pop()
    if not kept:
        return None
    start = base + kept[-1].start()
    return start, text[start:end].strip()


def _org_head(name: str) -> str | None:
    """The organization head word of ``name`` ("Institute" in "Royal Moroccan Institute of Police"), or None."""
    head = None
    words = name.replace("’", "'").split()

    def closes(j: int) -> bool:  # "Mission of India", "Permanent Mission" — but not "Mission News"
        return j >= len(words) or words[j].lower() in NAME_CONNECTORS or words[j].startswith("(")

    for i, w in enumerate(words):
        w2 = w.strip(",.;:()")
        two = " ".join(words[i:i + 2])
        if two in ORG_HEADS and closes(i + 2):
            head = two
        elif w2 in ORG_HEADS and closes(i + 1):
            head = w2
        elif w2 in NON_ACTOR_HEADS and (head is None or i > 0):
            # "Global Counter-Terrorism Programme on Cybersecurity": a programme, not a body
            if head is None:
                return None
    return head


def _kind_for_name(name: str) -> tuple[ActorKind, str | None]:
    """Kind (and ISO3 for a national body) of an organization the gazetteer does not know."""
    gaz = get_gazetteer()
    iso3 = None
    for m in re.finditer(r"(?:[A-Z]\.){2,3}|[A-Z][\w'’\-]+(?:\s+(?:and\s+)?[A-Z][\w'’\-]+)*", name):
        st = gaz.lookup_state(m.group(0))
        if st is not None:
            iso3 = st.iso3
            break
        for w in m.group(0).split():
            st = gaz.lookup_state(w)
            if st is not None:
                iso3 = st.iso3
                break
        if iso3:
            break
    if re.match(r"(?:Permanent\s+)?(?:Mission|Embassy|Delegation)\s+of\s+(?:the\s+)?European Union", name):
        return ActorKind.REGIONAL_ORG, None
    if re.match(r"(?:Permanent\s+)?(?:Mission|Embassy)\s+of\b", name) and iso3:
        return ActorKind.GOVERNMENT_BODY, iso3
    if re.search(r"\b(?:United Nations|UN)\b", name) and not re.match(r"(?:Permanent\s+)?Mission\s+of", name):
        return ActorKind.UN_ENTITY, None
    if any(re.search(rf"\b{re.escape(w)}\b", name) for w in GOVERNMENT_BODY_WORDS):
        return ActorKind.GOVERNMENT_BODY, iso3
    return ActorKind.OTHER_ORG, None


def _add_new_org(ctx: DocContext, name: str, acronym: str | None, start: int, end: int, rule: str,
                 state: str | None = None) -> ActorEntry | None:
    """Add an organization the gazetteer may not know, named ``name`` at [start, end). ``state`` (ISO3) is the
    state that owns it when the text says so outside the name ("Bangladesh's Anti-Terrorism Unit"): the body is
    then that state's ``government_body``. Returns the entry, or None for a name that is no actor."""
    gaz = get_gazetteer()
    name = re.sub(r"^(?:the|The)\s+", "", name).strip(" ,.;:")
    name = re.sub(r"['’]s$", "", name)
    if not name or normalize_name(name) in NON_ACTOR_ORG_NAMES:
        return None
    known = gaz.lookup_org(name) or (gaz.lookup_org(acronym) if acronym else None)
    if known is not None:
        return add_known_org(ctx, known, start, end, rule)
    kind, iso3 = _kind_for_name(name)
    parent = gaz.lookup_org(name.split()[0]) if kind is ActorKind.OTHER_ORG and name.split()[0].isupper() else None
    if parent is not None and normalize_name(parent.name) not in NON_ACTOR_ORG_NAMES:
        kind = parent.kind  # "OSCE Presence in Albania": a body of the OSCE is a regional organization too
    if state and kind in (ActorKind.GOVERNMENT_BODY, ActorKind.OTHER_ORG) and iso3 in (None, state):
        kind, iso3 = ActorKind.GOVERNMENT_BODY, state
        name = _ministry_word_order(name)
        if name.startswith("Ministry") and " of " not in name.split("Ministry", 1)[1][4:]:
            name = f"{name} of {state_phrase(state)}"  # one key per state: two states' ministries of one portfolio
    if kind is ActorKind.GOVERNMENT_BODY and iso3:
        name = _canonical_ministry(name, iso3)
    key = f"org:{normalize_name(name)}"
    entry = ctx.add_actor(ActorEntry(key=key, kind=kind, name=name, acronym=acronym, iso3=iso3))
    if acronym and not entry.acronym:
        entry.acronym = acronym
    ctx.add_mention(Mention(start, end, ctx.text[start:end], entry.key, rule))
    return entry


_ARTICLE_NOUNS = re.compile(r"\b(?:Republic|Federation|Kingdom|States|Islands|Emirates|Union|Principality|Sultanate)\b")
_ARTICLE_NAMES = {"Netherlands", "Philippines", "Gambia", "Bahamas", "Comoros", "Maldives", "Holy See", "Seychelles"}


def state_phrase(iso3: str) -> str:
    """The state's short name as it stands after "of" in a body's name: with "the" where English puts one
    (names built on a common noun or plural: "the Russian Federation", "the United Kingdom", "the Republic of
    Moldova", "the Netherlands"), bare otherwise ("Kazakhstan"). Raises KeyError for an unknown ISO3."""
    name = get_gazetteer().state(iso3).name
    return f"the {name}" if _ARTICLE_NOUNS.search(name) or name in _ARTICLE_NAMES else name


def _canonical_ministry(name: str, iso3: str) -> str:
    """"Moroccan Ministry of Foreign Affairs" → "Ministry of Foreign Affairs of Morocco" (the gold's form)."""
    gaz = get_gazetteer()
    m = re.match(r"^(?:the\s+)?([A-Z][\w'’\-]+)\s+(Ministry\s+of\s+.+)$", name)
    if m and gaz.lookup_state(m.group(1)) is not None:
        return f"{m.group(2)} of {state_phrase(iso3)}"
    return name


def _ministry_word_order(name: str) -> str:
    """"Foreign Affairs Ministry" → "Ministry of Foreign Affairs", "Foreign Ministry" → "Ministry of Foreign
    Affairs", "Interior Ministry" → "Ministry of Interior": a ministry named by its portfolio before the head word
    takes the "Ministry of <portfolio>" form its full name has (SCHEMA.md's example, "Ministry of Foreign Affairs of
    Tajikistan"). Other names are returned unchanged."""
    m = re.fullmatch(r"(?:the\s+)?([A-Z][\w\-]+(?:\s+(?:and\s+)?[A-Z][\w\-]+){0,3})\s+Ministry", name)
    if not m:
        return name
    portfolio = "Foreign Affairs" if m.group(1) == "Foreign" else m.group(1)
    return f"Ministry of {portfolio}"


def _initials(words: list[str]) -> str:
    out = ""
    for w in words:
        if w.lower() in NAME_CONNECTORS:
            continue
        for part in re.split(r"[-/]", w):
            if part[:1].isupper():
                out += part[0]
    return out


def _trim_to_initials(start: int, long_form: str, acronym: str) -> tuple[int, str]:
    """Drop the leading words of a long form that its acronym does not spell.

    "ninth Staff Course of the OSCE Border Management Staff College (BMSC)" gives "OSCE Border Management Staff
    College": the longest suffix whose capital initials equal the acronym's letters, with an owning organization's
    acronym kept in front. A long form whose initials never match is kept whole (many acronyms are not
    initialisms: INTERPOL, CARICOM). Returns (start offset, long form). After Schwartz & Hearst, "A simple
    algorithm for identifying abbreviation definitions in biomedical text" (PSB 2003).
    """
    letters = re.sub(r"[^A-Z]", "", acronym.upper())
    words = long_form.split()
    if len(letters) < 2:
        return start, long_form
    for i in range(len(words)):
        suffix = words[i:]
        if suffix and suffix[0].lower() in NAME_CONNECTORS:
            continue
        if _initials(suffix) == letters:
            cut = long_form.find(suffix[0])
            # keep a leading organization acronym that owns the body ("OSCE Border Management Staff College")
            if i > 0 and words[i - 1].isupper() and len(words[i - 1]) > 1:
                cut = long_form.find(words[i - 1])
            return start + cut, long_form[cut:]
    return start, long_form


def find_acronym_definitions(ctx: DocContext) -> dict[str, str]:
    """Organizations defined as "Long Name (ACR)"; returns {acronym: actor key}.

    The long form is the run of capitalized words before the parenthesis. A
    lower-case long form ("foreign terrorist fighters (FTFs)") defines no actor.
    """
    gaz = get_gazetteer()
    defined: dict[str, str] = {}
    for m in _ACRONYM_DEF.finditer(ctx.text):
        acr = m.group(1).rstrip(".")
        if ctx.text[m.start():m.end()].lower().startswith("(formerly"):
            continue
        run = _capitalized_run_before(ctx.text, m.start())
        if run is None:
            continue
        start, long_form = run
        end = start + len(long_form)
        start, long_form = _trim_to_initials(start, long_form, acr)
        known = gaz.lookup_org(acr)
        existing = [x for x in ctx.mentions if x.start < end and start < x.end]
        if known is not None and normalize_name(known.name) not in NON_ACTOR_ORG_NAMES:
            if any(x.key == org_key(known) for x in existing):
                defined[acr] = org_key(known)
                continue
            for x in existing:
                _drop_mention(ctx, x)
            entry = add_known_org(ctx, known, start, end, "acronym-definition")
            if entry:
                defined[acr] = entry.key
            continue
        # "Kenya's National Counter Terrorism Centre (NCTC)": a state's own body, named after the state
        poss = re.match(r"^([A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)['’]s\s+", long_form)
        if poss and gaz.lookup_state(poss.group(1)) is not None:
            start, long_form = start + poss.end(), long_form[poss.end():]
            existing = [x for x in ctx.mentions if x.start < end and start < x.end]
        if existing:
            # the long form is (or ends with) a known actor: the acronym names that actor
            last = max(existing, key=lambda x: x.end)
            known_acr = ctx.actors[last.key].acronym
            longer = normalize_name(long_form) != normalize_name(ctx.actors[last.key].name) and last.start > start + 2
            if last.end >= end - 1 and ctx.actors[last.key].kind is not ActorKind.MEMBER_STATE \
                    and not (longer and known_acr and known_acr != acr):
                entry = ctx.actors[last.key]
                if not entry.acronym:
                    entry.acronym = acr
                defined[acr] = entry.key
                continue
        if _org_head(long_form) is None:
            continue
        # the long form replaces any shorter mentions inside it
        for x in existing:
            _drop_mention(ctx, x)
        entry = _add_new_org(ctx, long_form, acr, start, end, "acronym-definition")
        if entry is not None:
            defined[acr] = entry.key
    # later uses of each defined acronym
    for acr, key in defined.items():
        for m in re.finditer(rf"(?<![\w\-/]){re.escape(acr)}(?![\w\-])", ctx.text):
            if not ctx.covered(m.start(), m.end()):
                ctx.add_mention(Mention(m.start(), m.end(), m.group(0), key, "acronym"))
    return defined


def _drop_mention(ctx: DocContext, mention: Mention) -> None:
    ctx.mentions.remove(mention)
    entry = ctx.actors.get(mention.key)
    if entry is not None:
        entry.mentions = [m for m in entry.mentions if m is not mention]
        if not entry.mentions:
            del ctx.actors[mention.key]


_CAP_RUN = re.compile(
    r"(?:\b(?:the|The)\s+)?((?:[A-Z][\w'’\-\.]*|of|for|and|on|in|the|de|du|&)(?:\s+(?:[A-Z][\w'’\-\.]*|of|for|and|on|in|the|de|du|&|under))*)")


def find_named_orgs(ctx: DocContext) -> None:
    """Capitalized names with an organization head that no other rule found ("Royal Canadian Mounted Police").

    A run made only of known actors ("Security Council Counter-Terrorism
    Committee") is left to them; a run that extends a known actor with a new
    head ("CARICOM Implementation Agency for Crime and Security") is a new
    organization, and the known one inside it is not a separate mention.
    """
    for sent in ctx.sentences:
        for m in _CAP_RUN.finditer(sent.text):
            run = m.group(1)
            # trim connectors at both ends
            words = run.split()
            while words and words[-1] in NAME_CONNECTORS:
                words.pop()
            while words and words[0] in NAME_CONNECTORS:
                words.pop(0)
            # "Special Meetings the Committee": "the" inside a name only after of/for/on/in/and
            for i in range(1, len(words)):
                if words[i] == "the" and words[i - 1] not in NAME_CONNECTORS:
                    words = words[:i]
                    break
            if len(words) < 2:
                continue
            name = " ".join(words)
            rel = sent.text.find(name, m.start(1))
            start = sent.start + rel
            # a sentence-initial capital word that is not part of the name
            first = words[0]
            if rel == 0 and first.lower() in {"the", "a", "an", "this", "these", "its", "his", "her", "their", "our",
                                              "in", "on", "at", "from", "with", "by", "during", "following", "after",
                                              "meeting", "photo", "participants", "members", "representatives"}:
                name = " ".join(words[1:])
                start = sent.start + sent.text.find(name, rel)
            # the run stops at a comma; "Directorate of Nationality, Passports and Immigration" goes on past it
            more = _LIST_TAIL.match(ctx.text, start + len(name))
            if more and _list_inside_name(re.split(r"(,\s+(?:and\s+)?)", name + more.group(0)), 0) > 0 \
                    and not _names_a_person(ctx, more.start(), more.end()):
                name += more.group(0)
            for piece_start, piece in _split_run(ctx, start, name):
                _consider_org_run(ctx, piece_start, piece)


#: What may continue a name past a comma: ", B and C", ", B, C and D" (capitalized words, a final "and").
_LIST_TAIL = re.compile(r"(?:,\s+[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,2})*,?\s+and\s+[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,2}"
                        r"(?=[\s,.;:)]|$)")


def _names_a_person(ctx: DocContext, start: int, end: int) -> bool:
    """Does spaCy's NER see a person in [start, end) ("…, Bai Tian, and Vladimir Tarabrin")?"""
    if ctx.doc is None:
        return False
    span = ctx.doc.char_span(start, end, alignment_mode="expand")
    return span is not None and any(t.ent_type_ == "PERSON" for t in span)


def _split_run(ctx: DocContext, start: int, name: str):
    """Split a run at "and"/"," joining two separately named bodies ("the Australian Federal Police and the RCMP")."""
    parts = re.split(r"(\s+and\s+(?:the\s+)?|,\s+(?:and\s+)?(?:the\s+)?)", name)
    if len(parts) == 1:
        yield start, name
        return
    # keep "Organization for Security and Co-operation in Europe" whole when the whole is known
    gaz = get_gazetteer()
    if gaz.lookup_org(name) is not None:
        yield start, name
        return
    # list items first ("…, the Ministry of Justice and Public Security, the …"), then "and" inside an item:
    # "Ministry of Justice and Public Security", "Institute for Strategic and Regional Studies" are one name when
    # the part after "and" has no head or name of its own
    pos = start
    pieces = re.split(r"(,\s+(?:and\s+)?(?:the\s+)?)", name)
    i = 0
    while i < len(pieces):
        item = pieces[i]
        j = _list_inside_name(pieces, i)
        if j > i:
            whole = "".join(pieces[i:j + 1])
            yield pos, whole
            pos += len(whole)
            i = j + 1
            continue
        if item and not re.fullmatch(r",\s+(?:and\s+)?(?:the\s+)?", item):
            yield from _split_and(ctx, pos, item)
        pos += len(item)
        i += 1


def _is_bare_words(part: str) -> bool:
    """A part of a run that names nothing on its own: no organization head, no known organization or state."""
    gaz = get_gazetteer()
    return bool(part) and _org_head(part) is None and gaz.lookup_org(part) is None and gaz.lookup_state(part) is None \
        and not part.isupper()


def _list_inside_name(pieces: list[str], i: int) -> int:
    """Index of the last comma piece (``pieces`` alternate items and separators) that still belongs to the name
    starting at item ``i``, or ``i``: "Directorate of Nationality, Passports and Immigration", "Coordinating
    Ministry for Political, Legal and Security Affairs" list the words of one name, not bodies. The list
    continues a name whose head ends in "of"/"for" + words, holds only bare words (:func:`_is_bare_words`) and
    ends with an "and" item."""
    if not re.search(r"\b(?:of|for)\s+(?:the\s+)?[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)?$", pieces[i]) or _org_head(pieces[i]) is None:
        return i
    j = i + 2
    while j < len(pieces):
        item = pieces[j]
        last_piece = re.split(r"\s+(?:under|of|for|in)\s+", item)[0]
        if not all(_is_bare_words(w) for w in re.split(r"\s+and\s+", last_piece)) or len(last_piece.split()) > 4:
            return i
        if " and " in last_piece or pieces[j - 1].strip().startswith(", and") or re.match(r",\s+and\b", pieces[j - 1]):
            return j
        j += 2
    return i


def _split_and(ctx: DocContext, start: int, name: str):
    gaz = get_gazetteer()
    parts = re.split(r"(\s+and\s+(?:the\s+)?)", name)
    names = [p for i, p in enumerate(parts) if i % 2 == 0 and p]
    head = _org_head(names[1]) if len(names) == 2 else None
    if head is not None and parts[1] == " and " and _is_bare_words(names[0]) and len(names[0].split()) <= 2 \
            and " of " not in names[1][:names[1].find(head)] and names[1].split()[0] not in ORG_HEADS \
            and not ctx.covered(start, start + len(names[0])):
        # "Home and Tribal Affairs Department", "Counter-Terrorism and Transnational Crime Unit": the first word
        # is a modifier coordinated with the second part's, inside one name
        yield start, name
        return
    if len(names) > 1 and any(p[:1].isupper() and _org_head(p) is None and gaz.lookup_org(p) is None
                              and gaz.lookup_state(p) is None and not p.isupper() and len(p.split()) <= 3
                              and " of " not in p for p in names[1:]) \
            and not ctx.covered(start, start + len(names[0])):
        yield start, name
        return
    pos = start
    for i, p in enumerate(parts):
        if i % 2 == 0 and p:
            yield pos, p
        pos += len(p)


def _is_place(text: str) -> bool:
    """Is ``text`` (or its first one or two words) a state or a city of the gazetteer?"""
    gaz = get_gazetteer()
    words = text.split()
    return any(gaz.lookup_state(" ".join(words[:n])) is not None or gaz.lookup_city(" ".join(words[:n])) is not None
               for n in range(len(words), 0, -1))


_TO_SUFFIX = re.compile(r"^\s+to\s+(?:the\s+)?(United Nations(?:\s+(?:Office\s+)?(?:at|in)\s+[A-Z][a-z]+)?|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)")


_POSSESSIVE = re.compile(r"['’]s\s+(?=[A-Z])")


def _possessive_owner(ctx: DocContext, start: int, owner: str) -> tuple[str | None, bool]:
    """Who owns what follows "<owner>'s": (ISO3 of a state owner, whether the owner is an organization). A state is
    the gazetteer's ("Sri Lanka's", "the United Kingdom's"); an organization is a known one, an acronym or a name
    with an organization head ("the Department of State's"). Neither for "People's", "Women's", "King's"."""
    gaz = get_gazetteer()
    words = owner.split()
    for n in range(min(4, len(words)), 0, -1):
        st = gaz.lookup_state(" ".join(words[-n:]))
        if st is not None:
            return st.iso3, False
    last = words[-1] if words else ""
    if len(words) >= 2 and words[-2] == "the" and not last.isupper():
        return None, False  # "of the People's Republic of China": the possessive is inside a name
    known = any(m.end == start + len(owner) and ctx.actors[m.key].kind.is_org for m in ctx.mentions)
    return None, bool(known or gaz.lookup_org(last) or (last.isupper() and len(last) > 1) or _org_head(owner))


def _possessive_inside_name(owner: str, poss: str, rest: str) -> bool:
    """Is the possessive part of a known name that spans it ("… of the Lao People's Democratic Republic")?"""
    gaz = get_gazetteer()
    words, after = owner.split(), rest.split()
    for i in range(len(words)):
        for k in range(len(after), 0, -1):
            phrase = " ".join(words[i:]) + poss.rstrip() + " " + " ".join(after[:k])
            if gaz.lookup_state(phrase) is not None or gaz.lookup_org(phrase) is not None:
                return True
    return False


def _consider_org_run(ctx: DocContext, start: int, name: str, state: str | None = None) -> None:
    """Add the organization a run of capitalized words ``name`` at ``start`` names, if it names one (see
    :func:`find_named_orgs`). ``state``: the ISO3 of the state that owns it, said outside the name.

    A possessive splits the run ("Bangladesh's Anti-Terrorism Unit", "the Department of State's Coordinator for
    Counterterrorism"): the owner is a state, which then owns the body after it, or an organization named on its
    own; what follows is a body of its own or a person's title."""
    name = name.rstrip(" .,;:")
    poss = _POSSESSIVE.search(name)
    if poss:
        owner, rest = name[:poss.start()], name[poss.end():]
        owner_state, owner_org = _possessive_owner(ctx, start, owner)
        if (owner_state or owner_org) and not _possessive_inside_name(owner, name[poss.start():poss.end()], rest):
            if owner_org and len(owner.split()) >= 2:
                _consider_org_run(ctx, start, owner)
            if rest:
                _consider_org_run(ctx, start + poss.end(), rest, state=owner_state)
            return
    month = re.search(r"\s+(?:for|in|of)\s+(?:January|February|March|April|May|June|July|August|September|October|November|"
                      r"December)$", name)
    if month:
        name = name[: month.start()]  # "President of the Council for August"
    end = start + len(name)
    if re.search(r"\b(?:establish|establishing|create|creating|set up|setting up|open|opening|found|founding)\s+(?:of\s+)?(?:a|an|the)\s+"
                 r"(?:new\s+|future\s+|proposed\s+)?$", ctx.text[max(0, start - 40):start]):
        return  # "an initiative to establish a United Nations Regional Centre …": a future body is not an actor (SCHEMA.md)
    if re.search(r"\b(?:Permanent Mission|Mission|Delegation|Embassy)\s+of\b|\b(?:Mission|Presence|Delegation|Embassy|Office)$", name):
        # "Permanent Mission of India to the United Nations", "Delegation of the European Union to Pakistan",
        # "OSCE Mission to Montenegro": an office with its own presence is named with where it is accredited
        suffix = _TO_SUFFIX.match(ctx.text[end:end + 60])
        if suffix and (suffix.group(1).startswith("United Nations") or _is_place(suffix.group(1))):
            name, end = name + ctx.text[end:end + suffix.end()], end + suffix.end()
    if re.search(r"\b(?:Government|Governments|authorities)\b", name):
        _government_of(ctx, start, name)
        return
    head = _org_head(name)
    if head is None or len(name.split()) < 2:
        return
    inside = [x for x in ctx.mentions if x.start >= start - 4 and x.end <= end + 1]
    overlapping = [x for x in ctx.mentions if x.start < end and start < x.end]
    if any(x not in inside for x in overlapping):
        return
    # where does the head word sit? if it lies inside a known mention, the run is made of known actors —
    # unless a national word stands before it: "National Counter Terrorism Committee" is Qatar's, not the CTC
    head_pos = start + name.rfind(head)
    if any(x.start <= head_pos < x.end for x in inside):
        first_known = min(x.start for x in inside)
        prefix = ctx.text[start:first_known].split()
        if not (prefix and prefix[-1] in {"National", "State", "Federal", "Royal", "Presidential", "Supreme", "Interagency",
                                          "Inter-Agency", "Interdepartmental", "Joint"}):
            return
    if re.search(r"\b(?:Programme|Program|Strategy|Plan|Initiative|Network|Week|Process)\b(?! Office)", name.split(head)[0] if head else ""):
        return
    # persons' titles are not organizations ("Deputy Secretary-General of the United Nations Counter-Terrorism Office")
    from ctrack.extract.lexicon import TITLE_HEADS
    tm = re.match(r"^(?:[A-Z][\w\-]*\s+){0,3}?(?:" + "|".join(sorted((re.escape(h) for h in TITLE_HEADS), key=len, reverse=True))
                  + r")\s+(?:of|for)\s+(?:the\s+)?", name)
    if tm:
        rest = name[tm.end():]
        if len(rest.split()) >= 2 and not ctx.covered(start + tm.end(), end):
            _consider_org_run(ctx, start + tm.end(), rest)
        return
    first = name.split()[0]
    if first in {"Executive", "Head", "Chairman", "Chair", "Director", "Minister", "President", "Secretary-General"}:
        return
    for x in inside:
        _drop_mention(ctx, x)
    _add_new_org(ctx, name, None, start, end, "org-name", state=state)




def find_collectives(ctx: DocContext) -> None:
    """Expand "all five countries of Central Asia" / "the five Central Asian states" into member states.

    Only a definite, complete set ("all" or "the" with a number that equals
    the region's size) is expanded (SCHEMA.md, "Conventions").
    """
    gaz = get_gazetteer()
    pat = re.compile(
        r"\b(all|the)\s+(?:(\w+)\s+)?(?:(?P<adj>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)\s+)?(?:countries|states|States|Member States|nations)"
        r"(?:\s+(?:of|in)\s+(?:the\s+)?(?P<region>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?))?")
    for m in pat.finditer(ctx.text):
        region = m.group("region") or m.group("adj")
        if not region:
            continue
        members = gaz.region_members(region)
        if not members:
            continue
        n = number_value(m.group(2)) if m.group(2) else None
        if m.group(1) == "the" and n is None:
            continue
        if n is not None and n != len(members):
            continue
        for iso3 in members:
            entry = add_state_without_mention(ctx, iso3)
            entry.mentions.append(Mention(m.start(), m.end(), m.group(0), entry.key, "collective"))


def add_state_without_mention(ctx: DocContext, iso3: str) -> ActorEntry:
    """Add member state ``iso3`` as an actor without a text mention of its own (collectives)."""
    gaz = get_gazetteer()
    st = gaz.state(iso3)
    entry = ctx.add_actor(ActorEntry(key=state_key(iso3), kind=ActorKind.MEMBER_STATE, name=st.name, iso3=iso3))
    entry.is_actor = True
    return entry


def collective_members(ctx: DocContext, start: int, end: int) -> list[str]:
    """Keys of the states of collective mentions lying inside [start, end)."""
    keys = []
    for entry in ctx.actors.values():
        for m in entry.mentions:
            if m.rule == "collective" and start <= m.start < end:
                keys.append(entry.key)
    return keys


_HEAD_ANAPHOR = re.compile(r"\b[Tt]he\s+(Committee|Council|Directorate|Office|Centre|Center|Mission|Assembly|Organi[sz]ation|Community|Union|"
                           r"Programme Office|Agency|Task Force)(?:['’]s)?\b(?!\s+(?:of|for|on)\b)")


def drop_former_names(ctx: DocContext) -> None:
    """Mentions inside "(formerly the X)" name the preceding actor's past, not a second actor (NOTES: the Compact)."""
    for m in re.finditer(r"\(\s*(?:formerly|previously|former)\b[^)]*\)", ctx.text):
        for x in [x for x in ctx.mentions if m.start() <= x.start and x.end <= m.end()]:
            _drop_mention(ctx, x)


def find_anaphors(ctx: DocContext) -> None:
    """"the Committee", "the Council" … refer to the nearest organization named before with that head word.

    ("The Chairman of the Counter-Terrorism Committee opened an informal
    meeting of the Committee" → the Committee is the CTC.)
    """
    for m in _HEAD_ANAPHOR.finditer(ctx.text):
        s, e = m.start(1), m.start(1) + len(m.group(1))
        if ctx.covered(s, e):
            continue
        head = m.group(1).replace("Organisation", "Organization")
        prior = [x for x in ctx.mentions if x.end <= s and ctx.actors[x.key].kind.is_org
                 and ctx.actors[x.key].name.replace("Organisation", "Organization").endswith(head)]
        if not prior:
            prior = [x for x in ctx.mentions if ctx.actors[x.key].kind.is_org
                     and ctx.actors[x.key].name.replace("Organisation", "Organization").endswith(head)]
            prior.sort(key=lambda x: x.start)
            prior = prior[:1]
        if prior:
            target = max(prior, key=lambda x: x.end) if prior[0].end <= s else prior[0]
            ctx.add_mention(Mention(s, e, ctx.text[s:e], target.key, "head-anaphor"))


def _government_of(ctx: DocContext, start: int, name: str) -> None:
    """"the Government of X", "the Belgian Government", "Governments of X and Y" → the member states."""
    gaz = get_gazetteer()
    end = start + len(name)
    m = re.search(r"\b(?:the\s+)?(?:[A-Z][\w\-]+\s+)?(?:Government|Governments|authorities)(?:\s+of\s+(?:the\s+)?)?", name)
    if m is None:
        return
    st = gaz.lookup_state(name[m.start():])
    if st is None:
        return
    inside = [x for x in ctx.mentions if x.start >= start and x.end <= end]
    if any(ctx.actors[x.key].kind is ActorKind.MEMBER_STATE for x in inside):
        for x in inside:
            if ctx.actors[x.key].kind is ActorKind.MEMBER_STATE:
                ctx.actors[x.key].is_actor = True
        return
    for x in inside:
        _drop_mention(ctx, x)
    add_state(ctx, st.iso3, start + m.start(), end, "government-of", True)


# ---------------------------------------------------------------------------
# Features of an actor candidate, for the actor decision model (ctrack.extract.decide, ``Models.actor``)
# ---------------------------------------------------------------------------
_NUM_BUCKETS = (1, 2, 3, 5)


def _bucket(n: int) -> str:
    """``n`` as a coarse bucket ("1", "2", "3", "5+" …) so that a count is a class, not a scale."""
    for b in _NUM_BUCKETS:
        if n <= b:
            return str(b)
    return f"{_NUM_BUCKETS[-1]}+"


def _mention_syntax(ctx: DocContext, m: Mention) -> dict[str, float]:
    """Syntax of one mention from the spaCy parse: the dependency label of its root, the preposition or verb
    that governs it, whether it is coordinated or in apposition, what its root's head is, and the entity label
    spaCy gave its tokens. Empty without a parse."""
    doc = ctx.doc
    if doc is None:
        return {}
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None or not len(span):
        return {}
    root = span.root
    f = {f"dep={root.dep_}": 1.0}
    head = root.head
    if root.dep_ == "pobj" and head.dep_ == "prep":
        f[f"prep={head.lower_}"] = 1.0
        gov = head.head
        f[f"prep_head={gov.pos_}"] = 1.0
        if gov.pos_ in ("NOUN", "PROPN", "VERB"):
            f[f"prep_head_lemma={gov.lemma_.lower()}"] = 1.0
    elif root.dep_ in ("nsubj", "nsubjpass", "dobj", "agent") and head.pos_ in ("VERB", "AUX"):
        f[f"verb={head.lemma_.lower()}"] = 1.0
    elif root.dep_ in ("compound", "poss", "amod"):
        f[f"modifies={head.lemma_.lower()}"] = 1.0
    if root.dep_ == "conj" or any(c.dep_ == "conj" for c in root.children):
        f["coordinated"] = 1.0
    if root.dep_ == "appos" or any(c.dep_ == "appos" for c in root.children):
        f["appos"] = 1.0
    ents = {t.ent_type_ for t in span if t.ent_type_}
    for e in ents:
        f[f"ner={e}"] = 1.0
    if not ents:
        f["ner=none"] = 1.0
    if span.start > 0:
        prev = doc[span.start - 1]
        f[f"prev={prev.lower_ if prev.is_punct or prev.is_stop else prev.pos_}"] = 1.0
    if span.end < len(doc):
        nxt = doc[span.end]
        f[f"next={nxt.lower_ if nxt.is_punct or nxt.is_stop else nxt.pos_}"] = 1.0
    return f


def actor_feature_table(ctx: DocContext, keys: set[str], rule_role_keys: set[str], headline: int) -> dict[str, dict[str, float]]:
    """{actor key: :func:`actor_features`} for every actor of ``keys`` (the record's candidates)."""
    from collections import Counter

    states_per_sentence = Counter(ctx.sentence_at(x.start).index for x in ctx.mentions
                                  if x.key in ctx.actors and ctx.actors[x.key].kind is ActorKind.MEMBER_STATE)
    return {k: actor_features(ctx, ctx.actors[k], keys, rule_role_keys, headline, states_per_sentence)
            for k in sorted(keys) if k in ctx.actors}


def actor_features(ctx: DocContext, entry: ActorEntry, keys: set[str], rule_role_keys: set[str],
                   headline: int, states_per_sentence=None) -> dict[str, float]:
    """The features of actor candidate ``entry`` for the actor model: does it belong in the record?

    ``keys`` are the actors the rules put in the record, ``rule_role_keys`` those a cue rule gave a role,
    ``headline`` the number of headline sentences. Features are what holds across house styles: the actor's
    kind, the rules that found its mentions, how often and where it is named, the syntax of its mentions
    (:func:`_mention_syntax`, averaged over mentions), its name's shape (words, head word, a possessive or a
    connector at its start), whether others depend on it (a person's affiliation, a body's state).
    Returns {feature name: value}."""
    f: dict[str, float] = {"bias": 1.0, f"kind={entry.kind.value}": 1.0}
    mentions = entry.mentions
    f[f"mentions={_bucket(len(mentions))}"] = 1.0
    for rule in {m.rule.split()[0] for m in mentions}:
        f[f"rule={rule}"] = 1.0
        f[f"{entry.kind.value}|rule={rule}"] = 1.0
    if not mentions:
        f["no_mention"] = 1.0
    if not entry.is_actor:
        f["rules_place"] = 1.0
    if entry.key in rule_role_keys:
        f["rule_role"] = 1.0
        f[f"{entry.kind.value}|rule_role"] = 1.0
    dependants = [a for a in ctx.actors.values() if a.key in keys and a.affiliation == entry.key]
    if dependants:
        f["affiliation_of"] = 1.0
    if entry.kind is ActorKind.MEMBER_STATE and any(
            a.key in keys and a.kind is ActorKind.GOVERNMENT_BODY and a.iso3 == entry.iso3 for a in ctx.actors.values()):
        f["state_of_body"] = 1.0
    if entry.title:
        f["has_title"] = 1.0
    if entry.acronym:
        f["has_acronym"] = 1.0
    words = entry.name.split()
    f[f"words={_bucket(len(words))}"] = 1.0
    if words:
        f[f"{entry.kind.value}|last={words[-1].lower().strip('.,')}"] = 1.0
        if words[0][:1].islower():
            f["starts_lower"] = 1.0
    if re.search(r"['’]s\b", entry.name):
        f["possessive_in_name"] = 1.0
    if entry.kind.is_org and re.search(r"\b(?:and|of|for|in|on|under)$", entry.name):
        f["ends_connector"] = 1.0
    if entry.kind is ActorKind.PERSON:
        gaz = get_gazetteer()
        if any(gaz.lookup_city(w) is not None or gaz.lookup_state(w) is not None for w in words):
            f["person_has_place_word"] = 1.0
        if any(w.isupper() and len(w) > 1 for w in words):
            f["person_has_caps_word"] = 1.0
    if mentions:
        sents = [ctx.sentence_at(m.start).index for m in mentions]
        first = min(sents)
        f["in_headline"] = float(first < headline)
        f[f"first_sentence={_bucket(first + 1)}"] = 1.0
        f[f"sentences={_bucket(len(set(sents)))}"] = 1.0
        syn: dict[str, float] = {}
        for m in mentions:
            for k, v in _mention_syntax(ctx, m).items():
                syn[k] = syn.get(k, 0.0) + v
        for k, v in syn.items():
            f[k] = v / len(mentions)
            f[f"{entry.kind.value}|{k}"] = v / len(mentions)
        # a state in a long list of states is more often a place or a membership roll than an actor
        if entry.kind is ActorKind.MEMBER_STATE:
            most = max((states_per_sentence or {}).get(s, 1) for s in set(sents))
            f[f"states_in_sentence={_bucket(most)}"] = 1.0
    return f
