"""Case restoration of ALL-CAPS wire text, before NER (issue 9).

Wire services and some ministries send whole items in capitals (headline,
dateline, lead, speaker lines). spaCy's English model finds no person in
"UNDER-SECRETARY-GENERAL VLADIMIR VORONKOV MET …" and the rules that read
capitals (names, titles, organizations) see nothing, so such an item gave
an empty record. :func:`restore_case` rewrites the capitals of such a text
in mixed case, **one character for one** (every offset into the restored
text is an offset into the original), in this order of evidence:

1. names the gazetteer knows (member states, their long names and
   demonyms, UN and regional bodies, cities), matched on up to eight words,
   take the gazetteer's spelling ("UN OFFICE OF COUNTER-TERRORISM" ->
   "UN Office of Counter-Terrorism");
2. acronyms the gazetteer knows (CTED, UNOCT, OSCE), capitals inside names
   it knows ("UN Women") and a short word alone in parentheses (an agency:
   "(AFP)") stay in capitals;
3. words of titles, honorifics and organization heads in
   :mod:`ctrack.extract.lexicon` ("Minister", "Executive", "Directorate"),
   months and weekdays are capitalized;
4. a word that is rare in English (wordfreq's Zipf frequency under 3.0,
   e.g. "Voronkov", "Rahmon") is capitalized as a name; a rare word of two
   to five letters without vowels stays in capitals (an acronym);
5. every other word is lower case, and the first word of each sentence is
   capitalized.

Only documents that are wire text are touched: at least one ALL-CAPS
paragraph of twelve or more words that ends like a sentence (a lead), so a
press release with a "PRESS RELEASE" label or a capitalized headline keeps
its own capitals. Then every ALL-CAPS line of the document is restored.

Why wordfreq: it ships its frequency lists in the package (no download) and
is the standard source for "is this a common English word"; no list of
English words with their case ships with spaCy's small model.
"""
from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_VOWELS = set("aeiouy")
_MONTHS_DAYS = ("January February March April May June July August September October November December "
                "Monday Tuesday Wednesday Thursday Friday Saturday Sunday").split()
_VERB_MONTHS = frozenset({"may", "march"})
#: Zipf frequency (wordfreq) under which a word is taken for a name.
RARE_ZIPF = 3.0
#: Words of an ALL-CAPS paragraph (ending like a sentence) that make a document wire text.
LEAD_WORDS = 12
_MAX_NGRAM = 8
#: Short words never capitalized inside a sentence, even inside a known name.
_FUNCTION = frozenset("a an and at by for from in into of on or the to with".split())


def _caps_line(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    cased = [c for c in letters if c.isupper() or c.islower()]
    return len(cased) >= 8 and sum(c.isupper() for c in cased) >= 0.9 * len(cased)


def is_wire_caps(text: str) -> bool:
    """True when ``text`` holds an ALL-CAPS paragraph of :data:`LEAD_WORDS` or more words ending in "." (a lead)."""
    for para in text.split("\n\n"):
        p = para.strip()
        head = p[:60]
        if head != head.upper():  # cheap test first: most paragraphs have a lower-case letter early on
            continue
        if _caps_line(p) and len(p.split()) >= LEAD_WORDS and p.rstrip("\"'”)").endswith((".", "!", "?")):
            return True
    return False


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, str], frozenset[str], dict[str, str]]:
    """(lower phrase -> cased surface from the gazetteer, acronyms, lower word -> cased word)."""
    from ctrack.extract import lexicon
    from ctrack.gazetteer import get_gazetteer

    gaz = get_gazetteer()
    phrases: dict[str, str] = {}
    for surface, _label, _key in gaz.phrases(include_cities=True):
        if len(surface.split()) <= _MAX_NGRAM and not surface.islower():
            phrases.setdefault(surface.lower(), surface)
    acronyms = {s.upper() for s, _label, _key in gaz.acronym_phrases(include_cities=False)
                if s.isupper() and s.isalpha()}
    for surface in phrases.values():  # capitals inside known names: "UN Women", "EU Delegation"
        acronyms.update(w for w in re.findall(r"[^\W\d_]+", surface) if len(w) >= 2 and w.isupper())
    acronyms = frozenset(acronyms)
    words: dict[str, str] = {}
    sources = (list(lexicon.TITLE_HEADS) + list(lexicon.TITLE_MODIFIERS) + list(lexicon.ORG_HEADS)
               + [h for h in lexicon.HONORIFICS if not h.isupper()] + _MONTHS_DAYS)
    for phrase in sources:
        for w in re.findall(r"[^\W\d_]+", phrase):
            if w[:1].isupper() and w.lower() not in _FUNCTION and not w.isupper():
                words.setdefault(w.lower(), w)
    return phrases, acronyms, words


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def _case_char(ch: str, upper: bool) -> str:
    out = ch.upper() if upper else ch.lower()
    return out if len(out) == 1 else ch


def _restore_line(line: str) -> str:
    phrases, acronyms, known = _lexicon()
    chars = [_case_char(c, False) for c in line]
    words = list(_WORD.finditer(line))
    done = [False] * len(words)
    i = 0
    while i < len(words):  # 1. gazetteer names, longest first
        for n in range(min(_MAX_NGRAM, len(words) - i), 0, -1):
            start, end = words[i].start(), words[i + n - 1].end()
            surface = phrases.get(line[start:end].lower())
            if surface is not None and len(surface) == end - start:
                for k, c in enumerate(surface):
                    if c.isalpha():
                        chars[start + k] = _case_char(chars[start + k], c.isupper())
                for j in range(i, i + n):
                    done[j] = True
                i += n
                break
        else:
            i += 1
    for j, m in enumerate(words):
        if done[j]:
            continue
        w = m.group(0)
        low = w.lower()
        if w.upper() in acronyms and len(w) <= 8:  # 2. acronyms
            for k in range(m.start(), m.end()):
                chars[k] = _case_char(chars[k], True)
            continue
        if line[m.start() - 1:m.start()] == "(" and line[m.end():m.end() + 1] == ")" and len(w) <= 6:
            for k in range(m.start(), m.end()):  # "(WIRE)", "(AFP)": an agency or acronym in parentheses
                chars[k] = _case_char(chars[k], True)
            continue
        cap = low in known  # 3. title, organization and calendar words
        if low in _VERB_MONTHS:  # "may", "march": a month only beside a number
            near = line[max(0, m.start() - 4):m.end() + 5]
            cap = bool(re.search(r"\d", near))
        if not cap and low not in _FUNCTION:
            z = _zipf(low)
            if z < RARE_ZIPF:  # 4. rare: a name, or an acronym
                if 2 <= len(low) <= 5 and not (set(low) & _VOWELS):
                    for k in range(m.start(), m.end()):
                        chars[k] = _case_char(chars[k], True)
                    continue
                cap = True
        if cap:
            chars[m.start()] = _case_char(chars[m.start()], True)
    # 5. sentence starts: the line's first word and a word after . ! ? followed by a space
    for j, m in enumerate(words):
        before = line[:m.start()].rstrip()
        if j == 0 or re.search(r"[.!?]\s*[\"“']?$", before) and not re.search(r"\b[A-Z]\.$", before[-3:]):
            chars[m.start()] = _case_char(chars[m.start()], True)
    return "".join(chars)


def restore_case(text: str) -> str:
    """``text`` with its ALL-CAPS lines in mixed case when it is wire text (:func:`is_wire_caps`), else unchanged.

    The result has exactly the length of ``text`` and differs only in the
    case of letters (rules in the module docstring).
    """
    if not is_wire_caps(text):
        return text
    lines = text.split("\n")
    out = [(_restore_line(ln) if _caps_line(ln) else ln) for ln in lines]
    restored = "\n".join(out)
    assert len(restored) == len(text)
    return restored
