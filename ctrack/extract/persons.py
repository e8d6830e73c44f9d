"""Persons, their titles and affiliations; unnamed office-holders.

Persons come from spaCy's PERSON entities and from honorific patterns ("Mr.
Voronkov"), cleaned of honorifics and ranks. A person named once in full and
later by surname alone is one person. Titles are read from the words around
a name, in the orders the field writes them:

- ``ORG Title Name`` — "CTED Executive Director Michèle Coninsx";
- ``State's Title, Name`` — "Indonesia's Vice Foreign Minister, Triyono Wibowo";
- ``the Title of ORG, Name`` — "the Secretary-General of the SCO, Mr. Rashid Alimov";
- ``Name, Title of ORG`` — "Vladimir Voronkov, Under-Secretary-General of the UNOCT";
- ``Name, who is the Title of X`` / ``Name, who heads X``;
- ``Name of ORG`` — "Weixiong Chen of CTED" (affiliation, no title).

Titles keep the function without honorifics and without a trailing "of
<affiliation>" (SCHEMA.md, "Conventions"); a UN grade beside a function
("Assistant Secretary-General and Executive Director") gives way to the
function. Unnamed holders of UN offices ("the UN Resident Coordinator in
Tajikistan", "the Secretary-General") are ``un_entity`` actors (NOTES).
"""
from __future__ import annotations

import re

from ctrack.extract.actors import state_key
from ctrack.extract.context import ActorEntry, DocContext, Mention
from ctrack.extract.lexicon import (
    HONORIFIC_PREFIX_RE,
    HONORIFICS,
    ORG_HEADS,
    STATE_TITLE_WORDS,
    TITLE_HEADS,
    TITLE_MODIFIERS,
    strip_honorifics,
)
from ctrack.gazetteer import get_gazetteer, normalize_name
from ctrack.schema import ActorKind

UN_GRADES = {"Under-Secretary-General", "Assistant Secretary-General", "Deputy Secretary-General"}
_TITLE_WORDS = {w for h in TITLE_HEADS for w in h.split()} | TITLE_MODIFIERS
_NAME_TOKEN = r"(?:(?:[A-Z]\.){1,3}|[A-Z][\w'’\-]*\.?|el-[A-Z]?[\w'’\-]*|al-[\w'’\-]+|bin|ibn|van|von|de|da|di|del|la|le|du|dos|das)"
_HONORIFIC_NAME = re.compile(
    r"\b(?:Mr|Ms|Mrs|Dr|Madam|Mme|H\.E\.|Ambassador|General|Judge|Professor|Prof\.|ASG|USG)\.?\s+"
    rf"((?:[A-Z][\w'’\-]*)(?:\s+{_NAME_TOKEN}){{0,4}})")
_PORTFOLIO_HEADS = {"Minister", "Ministers", "Secretary", "Cabinet Secretary", "Deputy Minister", "Vice Minister", "Coordinator",
                    "Assistant Minister"}


_NAME_BEFORE_TITLE = re.compile(
    r"(?:^|(?<=[.;:]\s)|(?<=\n)|(?<=,\s)|(?<=\band\s)|(?<=\bby\s)|(?<=\bwith\s))"
    r"((?:(?:[A-Z]\.){1,3}\s?|[A-Z][a-zà-ÿ'’\-]+)(?:\s+(?:[A-Z][a-zà-ÿ'’\-]+|el-[\w\-]+|al-[\w\-]+|bin|van|von|de|da|del)){1,3}),\s+"
    r"(?:the\s+)?(?:(?:Vice|Deputy|Assistant|Special|Senior|Executive|Permanent|Acting|Chief|General|Head|Director|Minister|"
    r"President|Chair|Chairman|Chairperson|Secretary|Under-Secretary-General|Coordinator|Ambassador|Commissioner|Representative|"
    r"Envoy|Adviser|Advisor|Officer|Counsel|Prosecutor|Spokesperson)\b)", re.M)


_TITLE_END = "|".join(sorted((re.escape(h) for h in TITLE_HEADS if h[0].isupper()), key=len, reverse=True))
#: "Minister of Foreign Affairs Murat Nurtleu", "Executive Director Natalia Gherman": a name right after a title.
_NAME_AFTER_TITLE = re.compile(
    rf"(?:\b(?:{_TITLE_END})|\bof\s+(?:Foreign|Internal|Home)\s+Affairs|\bof\s+(?:the\s+)?(?:Interior|Justice|Defence|Defense))"
    r"\s+((?:[A-Z][a-zà-ÿ'’\-]+)(?:\s+(?:[A-Z][a-zà-ÿ'’\-]+|el-[\w\-]+|al-[\w\-]+)){1,2})(?=[\s,.;:)]|$)")


def _clean_name(text: str) -> str:
    name = strip_honorifics(text.replace("\n", " "))
    name = re.sub(r"['’]s$", "", name).strip(" ,.;:()")
    # post-nominal letters and a retired rank's "(retd)" are no part of a name ("Max Hill QC")
    name = re.sub(r"(?:,?\s+(?:QC|KC|MP|OBE|CBE|MBE|KBE|PhD|retd\.?|rtd\.?|\(retd\.?\)))+$", "", name)
    # leading title words that NER folded into the name ("Executive Director Michèle Coninsx")
    words = name.split()
    while len(words) > 2 and (words[0] in _TITLE_WORDS or words[0].rstrip(",") in _TITLE_WORDS):
        words.pop(0)
    while words and words[-1].lower() in {"de", "da", "di", "del", "van", "von", "la", "le", "du", "al", "bin", "ibn"}:
        words.pop()
    name = " ".join(words)
    name = strip_honorifics(name)
    return name


_NOT_NAME_WORDS = {"security", "affairs", "public", "interior", "justice", "defence", "defense", "services", "service",
                   "foreign", "internal", "religious", "decentralization", "decentralisation", "customs", "intelligence",
                   "cooperation", "co-operation", "development", "finance", "economy", "youth", "sports", "terrorism",
                   "counter-terrorism", "counterterrorism", "police", "national", "international", "regional"}


def _is_plausible_name(ctx: DocContext, name: str, honorific: bool = False) -> bool:
    gaz = get_gazetteer()
    if not name or any(ch.isdigit() for ch in name) or len(name) < 3:
        return False
    words = name.split()
    if not all(w[0].isupper() or w.lower() in {"el-tayeb", "bin", "ibn", "van", "von", "de", "da", "di", "del", "la", "le", "du", "al"}
               or w.lower().startswith(("el-", "al-")) for w in words):
        return False
    if any(w.strip(",.") in ORG_HEADS for w in words):
        return False
    if any(w.strip(",.").lower() in _NOT_NAME_WORDS for w in words):
        return False  # "Public Security", "Foreign Affairs": portfolio words, not a name
    if all(w in _TITLE_WORDS for w in words):
        return False
    if gaz.lookup_org(name) is not None or gaz.lookup_state(name) is not None:
        return False
    if not honorific and gaz.lookup_city(name) is not None and len(words) == 1:
        return False
    if re.search(r"\b(?:Counter-Terrorism|Terrorism|Strategy|Resolution|Council|Committee|Nations|Islamic|State of|Daesh|ISIL)\b", name):
        return False
    return True


def person_key(name: str) -> str:
    """Canonical key of a person within a record: the folded full name."""
    return f"person:{normalize_name(name)}"


def find_persons(ctx: DocContext) -> None:
    """Add persons (with mentions) from NER entities and honorific patterns; link surname-only mentions."""
    candidates: list[tuple[int, int, str, str]] = []
    for ent in ctx.doc.ents:
        if ent.label_ == "PERSON":
            candidates.append((ent.start_char, ent.end_char, ent.text, "ner"))
    for m in _HONORIFIC_NAME.finditer(ctx.text):
        candidates.append((m.start(1), m.end(1), m.group(1), "honorific"))
    # Name after a title and comma: "…Minister of Foreign Affairs, Nasser Bourita"
    for m in re.finditer(rf",\s+((?:(?:[A-Z]\.){{1,3}}\s?[A-Z][\w'’\-]+|[A-Z][\w'’\-]+)(?:\s+{_NAME_TOKEN}){{0,3}})(?=\s*[,.;(]|\s+(?:who|and|held|said|delivered))",
                         ctx.text):
        before = ctx.text[max(0, m.start() - 60):m.start()]
        last = before.split()[-1] if before.split() else ""
        if last in TITLE_HEADS or last in {"Affairs", "Security", "Interior", "Justice", "Defence", "Cooperation"} \
                or any(before.endswith(h) for h in TITLE_HEADS):
            candidates.append((m.start(1), m.end(1), m.group(1), "title-apposition"))
    for m in _NAME_BEFORE_TITLE.finditer(ctx.text):
        candidates.append((m.start(1), m.end(1), m.group(1), "name-title"))
    for m in _NAME_AFTER_TITLE.finditer(ctx.text):
        candidates.append((m.start(1), m.end(1), m.group(1), "title-name"))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    full: dict[str, ActorEntry] = {}
    singles: list[tuple[int, int, str, str]] = []
    for start, end, raw, rule in candidates:
        name = _clean_name(raw)
        if not _is_plausible_name(ctx, name, honorific=rule == "honorific"):
            continue
        # offsets of the cleaned name inside the raw span
        rel = ctx.text.find(name, start, end + 1)
        if rel < 0:
            continue
        s, e = rel, rel + len(name)
        if ctx.covered(s, e):
            continue
        if len(name.split()) == 1:
            singles.append((s, e, name, rule))
            continue
        key = person_key(name)
        entry = _find_person_by_surname(ctx, name) or ctx.add_actor(ActorEntry(key=key, kind=ActorKind.PERSON, name=name))
        full[key] = entry
        ctx.add_mention(Mention(s, e, name, entry.key, rule))
    for s, e, name, rule in singles:
        entry = _find_person_by_surname(ctx, name)
        if entry is not None and not ctx.covered(s, e):
            ctx.add_mention(Mention(s, e, name, entry.key, "surname"))
    # every later use of a known person's surname ("Kamboj said …"), whatever NER made of it
    for entry in [a for a in ctx.actors.values() if a.kind is ActorKind.PERSON and len(a.name.split()) > 1]:
        surname = entry.name.split()[-1]
        if len(surname) < 3 or _find_person_by_surname(ctx, surname) is not entry:
            continue
        for m in re.finditer(rf"(?<![\w\-]){re.escape(surname)}(?![\w\-])", ctx.text):
            if not ctx.covered(m.start(), m.end()):
                ctx.add_mention(Mention(m.start(), m.end(), m.group(0), entry.key, "surname"))


def _find_person_by_surname(ctx: DocContext, name: str) -> ActorEntry | None:
    """The one person whose name ends with (or equals) ``name``'s last word, if exactly one."""
    last = normalize_name(name.split()[-1])
    hits = [a for a in ctx.actors.values() if a.kind is ActorKind.PERSON
            and (normalize_name(a.name.split()[-1]) == last or (len(name.split()) == 1 and last in
                 {normalize_name(w) for w in a.name.split()[1:]}))]
    if len(name.split()) > 1:
        hits = [a for a in hits if normalize_name(a.name) == normalize_name(name)
                or set(normalize_name(w) for w in name.split()) <= set(normalize_name(w) for w in a.name.split())]
    return hits[0] if len(hits) == 1 else None


# ---------------------------------------------------------------------------
# Titles and affiliations
# ---------------------------------------------------------------------------


def _parse_title(ctx: DocContext, start: int, end: int, phrase: str) -> tuple[str | None, str | None]:
    """Split a title phrase into (title, affiliation key).

    ``phrase`` is the text [start, end) that precedes or follows a name, such
    as "Executive Director of the Counter-Terrorism Committee Executive
    Directorate (CTED)". The affiliation is the actor named in "of X" (or the
    actor standing before the title); the portfolio of a minister stays in the
    title ("Minister of Foreign Affairs").
    """
    if not any(phrase.lstrip().startswith(h) for h in TITLE_HEADS if " " in h):
        phrase = HONORIFIC_PREFIX_RE.sub("", phrase)
    mentions = [m for m in ctx.mentions_in(start, end) if ctx.actors[m.key].kind is not ActorKind.PERSON]
    # find the title words
    m = re.match(r"^\s*(?:the\s+|The\s+)?(.*)$", phrase, re.S)
    body = m.group(1) if m else phrase
    body = body.strip().rstrip(",;")
    affiliation = None
    # "of <actor>" at the end
    of = None
    for pos in [m.start() for m in re.finditer(r"\s+(?:of|at|in|to)\s", body)]:
        cand = re.compile(r"\s+(?:of|at|in|to)\s+(?:the\s+)?(.+)$").match(body, pos)
        tail_at = start + phrase.find(cand.group(1)) if cand and cand.group(1) in phrase else end
        if cand and any(tail_at - 1 <= x.start <= tail_at + 4 for x in mentions):
            of = cand
            break
    if of is None:
        of = re.search(r"\s+(?:of|at|in|to)\s+(?:the\s+)?(.+)$", body)
    title = body
    if of:
        tail_start = start + phrase.find(of.group(1)) if of.group(1) in phrase else end
        tail_mentions = [x for x in mentions if x.start >= tail_start - 1]
        head_part = body[:of.start()]
        head_last = head_part.split()[-1] if head_part.split() else ""
        keep_portfolio = any(head_part.endswith(h) for h in _PORTFOLIO_HEADS) and not tail_mentions
        sec = re.search(r"\b(?:Section|Division|Branch|Desk)\s+(?:of|at)\s+", body)
        if sec and sec.start() > of.start() and any(x.start >= start + phrase.find(body[sec.end():]) for x in mentions):
            # "Chief of the Asia, Pacific and the Americas Section of CTED": the section stays, CTED is the body
            title = body[: sec.end()].rsplit(" ", 2)[0]
            after = [x for x in mentions if x.start >= start + phrase.find(body[sec.end():])]
            affiliation = after[0].key
        elif re.match(r"(?:the\s+)?(?:Section|Division|Branch|Desk)\b", of.group(1)) and " at " in body:
            # "Chief of the Section for Europe … at CTED": the section stays in the title, the body is after "at"
            at = body.rfind(" at ")
            title = body[:at]
            at_mentions = [x for x in mentions if x.start >= start + phrase.find(body[at:]) if body[at:] in phrase]
            affiliation = at_mentions[0].key if at_mentions else affiliation
        elif tail_mentions:
            affiliation = tail_mentions[0].key
            title = head_part
        elif keep_portfolio:
            # "Minister of Foreign Affairs for Multilateral Affairs …": portfolio kept
            title = body
        elif of.group(1)[:1].islower() or head_last in TITLE_HEADS:
            title = head_part
            # "of Al-Azhar" with no known actor: an organization of its own
            cand = of.group(1).strip()
            if cand[:1].isupper() and len(cand.split()) <= 6 and not re.search(r"\b(?:region|organization)\b", cand):
                aff = _org_from_affiliation_phrase(ctx, tail_start, cand)
                if aff is not None:
                    affiliation = aff
    # leading actor: "CTED Executive Director", "Indonesia's Vice Foreign Minister", "Tajik Foreign Minister"
    lead = [x for x in mentions if x.start <= start + 2 + (len(phrase) - len(phrase.lstrip()))]
    words = title.split()
    if lead and affiliation is None:
        affiliation = lead[0].key
    if lead:
        first = lead[0]
        rel = first.end - start
        title = re.sub(r"^\s*['’]s\s+", "", phrase[rel:]) if rel > 0 else title
        if of and affiliation and affiliation != first.key:
            title = title[: title.find(" of ")] if " of " in title else title
        cut = re.search(r"\s+(?:to|at)\s+(?:the\s+)?[A-Z]", title)
        if cut and not any(title[: cut.start()].endswith(h) for h in _PORTFOLIO_HEADS):
            title = title[: cut.start()]  # "Permanent Representative to the United Nations"
    # demonym at the front: "Tajik Foreign Minister" → TJK
    words = title.split()
    if words:
        gaz = get_gazetteer()
        st = gaz.lookup_state(words[0]) if words[0] not in _TITLE_WORDS else None
        if st is not None:
            affiliation = affiliation or state_key(st.iso3)
            title = " ".join(words[1:])
    title = _tidy_title(title)
    return title or None, affiliation


def _org_from_affiliation_phrase(ctx: DocContext, start: int, name: str) -> str | None:
    """Create an organization for "Grand Imam of Al-Azhar": the capitalized name after "of"."""
    from ctrack.extract.actors import _add_new_org  # local: actors owns organization creation

    m = re.match(r"([A-Z][\w'’\-]+(?:\s+(?:[A-Z][\w'’\-]+|of|for|and))*)", name)
    if not m or re.match(r"(?:Section|Division|Branch|Unit|Desk|Department|Team|Service)\b", m.group(1)):
        return None  # an internal division stays in the title (NOTES)
    nm = m.group(1).strip()
    if len(nm.split()) == 1 and nm in {"Committee", "Council", "Office", "Centre", "Center", "Directorate", "Commission",
                                       "Organization", "Organisation", "Mission", "Assembly", "Agency", "Programme", "College",
                                       "Institute", "Academy", "School", "University", "Authority", "Service", "Department",
                                       "Ministry", "Unit", "Secretariat", "Delegation", "Embassy", "Forum", "Network"}:
        prior = [x for x in ctx.mentions if x.end <= start and ctx.actors[x.key].kind.is_org
                 and ctx.actors[x.key].name.endswith(nm)]
        return prior[-1].key if prior else None
    if get_gazetteer().lookup_state(nm) is not None:
        st = get_gazetteer().lookup_state(nm)
        return state_key(st.iso3)
    idx = ctx.text.find(nm, start)
    if idx < 0:
        return None
    entry = _add_new_org(ctx, nm, None, idx, idx + len(nm), "title-of")
    return entry.key if entry else None


def _tidy_title(title: str) -> str:
    title = re.sub(r"\s*\([^)]*\)\s*", " ", title)
    title = re.sub(r"\s+", " ", title).strip(" ,;:.")
    title = re.sub(r"^(?:the|The|a|an)\s+", "", title)
    if not any(title.startswith(h) for h in TITLE_HEADS if " " in h):
        title = HONORIFIC_PREFIX_RE.sub("", title).strip()
    # "UN Secretary-General": the organization is the affiliation's business, not the title's
    title = re.sub(r"^(?:UN|United Nations|U\.N\.)\s+", "", title)
    # a verb ends the title: "Secretary-General will fly back to New York", "Godfrey met Foreign Secretary …"
    words = title.split()
    for i, w in enumerate(words):
        if i and w in _CLAUSE_VERBS:
            title = " ".join(words[:i])
            break
    title = re.sub(r"(?:\s+(?:of|for|and|the|on|to|in|at))+$", "", title)
    # "Counsellor at the Embassy": where the function is held is the affiliation's business (SCHEMA.md)
    title = re.sub(r"\s+at\s+(?:the\s+)?(?:[A-Z]\.|[A-Z][\w'’\-]*).*$", "", title)
    # a UN grade beside a function: the function wins ("Assistant Secretary-General and Executive Director");
    # a name or a clause before "and" is no title: "Payne and the Indonesian Defence Minister"
    parts = [re.sub(r"^(?:(?:the|on|of|and)\s+)+", "", p.strip()) for p in re.split(r"\s+and\s+", title) if p.strip()]
    if len(parts) > 1 and all(_looks_like_title(p) for p in parts):
        non_grade = [p for p in parts if p not in UN_GRADES]
        title = non_grade[-1] if non_grade else parts[-1]
    elif len(parts) > 1 and _looks_like_title(parts[-1]) and not _looks_like_title(parts[0]) \
            and any(parts[-1].endswith(h) for h in TITLE_HEADS):
        title = parts[-1]
    title = _strip_title_affixes(title)
    if not _looks_like_title(title):
        return ""
    return title


#: Honorifics that end a title phrase before the name they belong to ("Foreign Minister Prince Faisal"), even
#: where the same word can head a title of its own ("Crown Prince").
_TRAILING_HONORIFICS = {"Prince", "Princess", "Sheikh", "Shaikh", "Dame", "Sir", "Mallam", "Alhaji", "Dato'", "Datuk"}
#: Verbs and auxiliaries that start a clause, never a word of a title (a title phrase read past the name's clause).
_CLAUSE_VERBS = {"will", "would", "shall", "should", "can", "could", "may", "might", "must", "is", "was", "are", "were",
                 "has", "have", "had", "met", "meets", "said", "says", "told", "added", "visited", "visits", "held", "holds",
                 "attended", "called", "urged", "welcomed", "noted", "stressed", "opened", "signed", "discussed", "received"}


def _strip_title_affixes(title: str) -> str:
    """What stands around a function without being part of it: a leading state or demonym ("French President",
    "Indonesian Defence Minister"), a leading organization acronym or possessive owner ("SCO Secretary-General",
    "European Union's Commissioner for the Security Union": the affiliation says it, SCHEMA.md) and trailing
    honorifics ("Foreign Minister Prince"). Only when what is left still reads as a title."""
    gaz = get_gazetteer()
    for _ in range(2):
        words = title.split()
        if len(words) < 2:
            break
        rest = " ".join(words[1:])
        poss = re.match(r"^[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,4}['’]s\s+", title)
        if poss and _looks_like_title(title[poss.end():]):
            title = title[poss.end():]
        elif words[0] not in _TITLE_WORDS and (gaz.lookup_state(words[0]) is not None
                                               or (words[0].isupper() and len(words[0]) > 1 and words[0] not in HONORIFICS)) \
                and _looks_like_title(rest):
            title = rest
        else:
            break
    words = title.split()
    while len(words) > 1 and (words[-1] in _TRAILING_HONORIFICS or words[-1] not in _TITLE_WORDS
                              and (words[-1] in HONORIFICS or words[-1].rstrip(".") in HONORIFICS)):
        words.pop()
    return " ".join(words)


def _looks_like_title(title: str) -> bool:
    words = title.replace(",", "").split()
    if not words or len(words) > 14:
        return False
    if not any(h in title for h in TITLE_HEADS):
        return False
    return words[0][0].isupper()


def _title_rank(title: str, side: str) -> int:
    """Lower is better: a functional title beats a UN grade; the first seen beats later ones."""
    return (2 if title in UN_GRADES else 0) + (0 if side == "left" else 1)


def assign_titles(ctx: DocContext, headline: int = 1) -> None:
    """Read titles and affiliations around every person mention (see module docstring).

    ``headline`` is the number of leading headline sentences, whose titles
    ("Foreign Minister X meets …") give way to the body's.
    """
    for mention in sorted(ctx.mentions, key=lambda m: m.start):
        entry = ctx.actors.get(mention.key)
        if entry is None or entry.kind is not ActorKind.PERSON:
            continue
        sent = ctx.sentence_at(mention.start)
        left = ctx.text[sent.start:mention.start]
        right = ctx.text[mention.end:sent.end]
        for title, aff, side in _left_titles(ctx, sent.start, left) + _right_titles(ctx, mention.end, right):
            if title:
                rank = _title_rank(title, side) + (3 if sent.index < headline else 0)
                if rank < entry.title_rank:
                    entry.title, entry.title_rank = title, rank
            if aff and aff != entry.key and (entry.affiliation is None or side == "of"):
                entry.affiliation = aff
        # "X of ORG" without title
        m = re.match(r"^\s+of\s+(?:the\s+)?", right)
        if m:
            nxt = [x for x in ctx.mentions_in(mention.end, sent.end) if x.start <= mention.end + m.end() + 1]
            if nxt and ctx.actors[nxt[0].key].kind is not ActorKind.PERSON and entry.affiliation is None:
                entry.affiliation = nxt[0].key


_TITLE_VOCAB = {w.lower() for h in TITLE_HEADS for w in h.split() if w[:1].isupper()} | {
    w.lower() for w in TITLE_MODIFIERS if w[:1].isupper()} | {"external", "affairs", "foreign", "interior", "justice", "cabinet"}


def _title_case_titles(text: str) -> str:
    """Capitalize a lower-case title written in wire style ("acting executive director of …",
    "India's permanent representative") so the title rules read it; other words and the length are unchanged."""
    words = re.split(r"(\s+)", text)
    out = []
    for i, w in enumerate(words):
        core = w.strip(",.;:()'’s")
        if w.isspace() or not core:
            out.append(w)
            continue
        if core.lower() in _TITLE_VOCAB and core.islower():
            w = w.replace(core, "-".join(p[:1].upper() + p[1:] for p in core.split("-")), 1)
        elif not core[:1].isupper() or core.lower() in {"of", "for", "the", "and", "on", "to"}:
            out.extend(words[i:])  # the title ends at the first other word
            break
        out.append(w)
    return "".join(out)


def _left_titles(ctx: DocContext, base: int, left: str) -> list[tuple[str | None, str | None, str]]:
    """Titles written before a name: "CTED Executive Director ", "the Chairman of the CTC, "."""
    out = []
    stripped = re.sub(r"(?:(?:^|\s)(?:(?:His|Her)\s+Excellency|H\.E\.|(?:Mr|Ms|Mrs|Dr|Ambassador|(?<!Secretary )(?<!Director )"
                      r"(?<!Attorney )(?<!Inspector )(?<!Consul )(?<!Prosecutor )General|Judge|Professor|ASG|USG)\.?))+\s*$", "", left)
    stripped = stripped.rstrip()
    comma = stripped.endswith(",")
    core = stripped.rstrip(",").rstrip()
    # the longest run of title tokens (with actor names and "of") ending at the name
    m = re.search(r"((?:(?:[A-Z][\w'’\-]*|of|for|and|the|on|to|\(|\)|[A-Z]{2,}['’]?s?)\s*){1,18})$", core)
    if not m:
        return out
    phrase = m.group(1)
    # cut at a sentence-level opener ("On 3-4 May 2018, …", "In his opening remarks, …")
    phrase = re.split(r"\b(?:said|by|with|and by|on behalf of)\s+", phrase)[-1]
    # must contain a title head near its end
    if not any(re.search(rf"\b{re.escape(h)}\b", phrase) for h in TITLE_HEADS):
        return out
    # drop anything before the last lower-case break that is not a connector
    words = phrase.split()
    while words and not (words[0][0].isupper() or words[0] in {"the"}):
        words.pop(0)
    phrase = " ".join(words)
    if not phrase:
        return out
    start = base + core.rfind(phrase) if core.rfind(phrase) >= 0 else base
    end = start + len(phrase)
    title, aff = _parse_title(ctx, start, end, phrase)
    if title and (comma or not title.endswith(("of", "for"))):
        out.append((title, aff, "left"))
    elif aff:
        out.append((None, aff, "left"))
    return out


def _right_titles(ctx: DocContext, base: int, right: str) -> list[tuple[str | None, str | None, str]]:
    """Titles written after a name: ", Under-Secretary-General of the UNOCT", ", who is the Permanent Representative of India"."""
    out = []
    of_state = re.match(r"^\s+of\s+(?:the\s+)?[A-Z][\w'’\- ]{2,40}?(?=,)", right)
    if of_state and ctx.mentions_in(base, base + of_state.end()):
        aff = ctx.mentions_in(base, base + of_state.end())[0]
        out.append((None, aff.key, "of"))
        base, right = base + of_state.end(), right[of_state.end():]
    m = re.match(r"^\s*(?:\([^)]*\)\s*)?,\s*(?:who\s+(?:is|was|serves as)\s+|the\s+)?(.*)$", right, re.S)
    if not m:
        m2 = re.match(r"^\s*,?\s*who\s+heads\s+(?:the\s+)?", right)
        if m2:
            nxt = ctx.mentions_in(base + m2.end(), base + len(right))
            if nxt:
                out.append(("Head", nxt[0].key, "right"))
        return out
    rest = _title_case_titles(m.group(1))
    adj = re.match(r"^(?:(?:newly|recently|former|then|current|currently|acting|outgoing|incoming|long-serving|"
                   r"newly-appointed|appointed|elected|serving)\s+)+", rest)
    if adj:
        rest = rest[adj.end():]
        base += adj.end()
    if rest[:1].islower() and not rest.startswith(("the ", "who ")):
        return out  # ", met the Under-Secretary-General …": a verb, not a title
    seg = re.split(r"[,;:]|\s+(?:said|held|delivered|called|pointed|noted|stressed|highlighted|observed|led|who|and\s+(?:by|the|with))\b", rest)[0]
    # keep the parenthetical acronym inside
    seg_full = rest[: len(seg)]
    if "(" in seg_full and ")" not in seg_full:
        close = rest.find(")", len(seg_full))
        if close > 0:
            seg_full = rest[: close + 1]
    start = base + m.start(1)
    title, aff = _parse_title(ctx, start, start + len(seg_full), seg_full)
    if title:
        out.append((title, aff, "right"))
    elif aff:
        out.append((None, aff, "of"))
    return out


def state_title_affiliations(ctx: DocContext, default_state: str | None) -> None:
    """Heads of state and ministers act for their state: give them the state as affiliation.

    A person whose title is a state title (:data:`STATE_TITLE_WORDS`) and who
    has no affiliation yet gets ``default_state`` (the document's main state),
    when there is one.
    """
    for entry in ctx.actors.values():
        if entry.kind is not ActorKind.PERSON or not entry.title:
            continue
        if entry.affiliation is None and default_state and any(w in entry.title for w in STATE_TITLE_WORDS):
            entry.affiliation = default_state


# ---------------------------------------------------------------------------
# Unnamed office-holders
# ---------------------------------------------------------------------------
_UN_OFFICE = re.compile(
    r"\b(?:the\s+)?(?:UN|United Nations)\s+(Resident Coordinator|Country Team|Humanitarian Coordinator|Resident and Humanitarian Coordinator)"
    r"(?:\s+(?:in|for)\s+(?:the\s+)?([A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)?))?")
_SG = re.compile(r"(?<![\w\-])(?<!of )(?<!to )(?:the\s+|The\s+)(?:UN\s+|United Nations\s+)?Secretary-General(?!\s+of\s+(?!the United Nations))(?![\w\-])")


def find_un_offices(ctx: DocContext, default_country: str | None) -> None:
    """Unnamed holders of UN offices as ``un_entity`` actors (NOTES: "An unnamed office-holder becomes a un_entity").

    "the UN Resident Coordinator in Tajikistan" → "United Nations Resident
    Coordinator in Tajikistan"; "the United Nations Country Team" in a
    document about Iraq → "United Nations Country Team in Iraq"; "the
    Secretary-General", when no person holds that title in the document →
    "Secretary-General of the United Nations".
    """
    gaz = get_gazetteer()
    for m in _UN_OFFICE.finditer(ctx.text):
        inside = [x for x in ctx.mentions if x.start < m.end() and m.start() < x.end]
        if any(ctx.actors[x.key].kind is not ActorKind.MEMBER_STATE and not (m.start() <= x.start and x.end <= m.end())
               for x in inside):
            continue
        office = m.group(1)
        country = None
        if m.group(2):
            st = gaz.lookup_state(m.group(2))
            country = st.name if st else None
        if country is None and default_country:
            country = gaz.state(default_country).name
        name = f"United Nations {office}" + (f" in {country}" if country else "")
        key = f"org:{normalize_name(name)}"
        entry = ctx.add_actor(ActorEntry(key=key, kind=ActorKind.UN_ENTITY, name=name))
        # the country inside the office's name is not a mention of the state
        for x in list(ctx.mentions):
            if m.start() <= x.start and x.end <= m.end():
                ctx.mentions.remove(x)
                ctx.actors[x.key].mentions.remove(x)
                if not ctx.actors[x.key].mentions:
                    del ctx.actors[x.key]
        ctx.add_mention(Mention(m.start(), m.end(), m.group(0), entry.key, "un-office"))
    named_sg = any(a.kind is ActorKind.PERSON and a.title == "Secretary-General" and a.affiliation is None
                   for a in ctx.actors.values())
    if named_sg:
        return
    for m in _SG.finditer(ctx.text):
        if ctx.covered(m.start(), m.end()):
            continue
        after = ctx.text[m.end():m.end() + 40]
        if re.match(r"\s*,?\s*(?:Mr\.?\s+|Ms\.?\s+)?[A-Z][a-zé]+\s+[A-Z]", after):
            continue  # a named Secretary-General follows
        name = "Secretary-General of the United Nations"
        entry = ctx.add_actor(ActorEntry(key=f"org:{normalize_name(name)}", kind=ActorKind.UN_ENTITY, name=name))
        ctx.add_mention(Mention(m.start(), m.end(), m.group(0), entry.key, "un-office"))


def find_title_anaphors(ctx: DocContext) -> None:
    """"the Chairman", "The Under-Secretary-General" refer to the one person of the document with that title.

    Only an unnamed, definite use counts: the title must not be followed by a
    name, and an "of X" after it must name the person's own affiliation.
    """
    by_title: dict[str, list[ActorEntry]] = {}
    for a in ctx.actors.values():
        if a.kind is ActorKind.PERSON and a.title:
            by_title.setdefault(a.title, []).append(a)
    for title, people in by_title.items():
        if len(people) != 1:
            continue
        person = people[0]
        for m in re.finditer(rf"\b[Tt]he\s+({re.escape(title)})\b", ctx.text):
            s, e = m.start(1), m.end(1)
            if ctx.covered(s, e):
                continue
            after = ctx.text[e:e + 80]
            if re.match(r"^\s*,?\s*(?:(?:Mr|Ms|Mrs|Dr|Ambassador|General|H\.E\.)\.?\s+)?[A-Z][a-zé]+\s+[A-Z]", after):
                continue
            of = re.match(r"^\s+of\s+(?:the\s+)?", after)
            if of:
                nxt = ctx.mentions_in(e, e + 80)
                if not nxt or nxt[0].key != person.affiliation:
                    continue
            ctx.add_mention(Mention(s, e, ctx.text[s:e], person.key, "title-anaphor"))
