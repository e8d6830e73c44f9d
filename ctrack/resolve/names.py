"""Person names folded for comparison, and the person-matching rules.

Rules (applied by :func:`match_person`, most certain first), with their reasons:

1. ``same_name`` — the folded tokens are equal: case, accents, dots,
   hyphens and honorifics do not matter ("Michèle Coninsx" = "Michele
   CONINSX" = "Ms. Michèle Coninsx"; "Jean-Paul" = "Jean Paul").
2. ``fuzzy_name`` — rapidfuzz ``token_sort_ratio`` ≥ :data:`FUZZY_THRESHOLD`
   (92) on the folded names **and** the same surname (last token). 92 admits
   transliteration variants of one person ("Ahmed el-Tayeb"/"Ahmed
   al-Tayeb" 92.9, "Sergey"/"Sergei Lavrov" 92.3, "Mohamed"/"Mohammed El
   Kishky" 97.1, a middle initial "Vladimir I. Voronkov" 94.4) and keeps apart
   different people who share a surname ("Maria"/"Mario Smith" 90.9,
   "Ahmed"/"Ahmad Ali" 88.9, "David"/"Daniel Scharia" 81.5). The surname
   condition stops near-equal strings whose family names differ
   ("Kamilov"/"Komilov") from merging on the ratio alone.
3. ``initials`` — same surname and every given name of the shorter form is
   an initial or prefix of the matching given name of the longer one ("M.
   Coninsx" = "Michèle Coninsx").
4. ``surname_only`` — one form is a proper suffix of the other's tokens
   ("Voronkov", "Abdel Ghaffar", "el-Tayeb"): a later mention by surname of a
   person already known. Only when exactly one known person fits, since
   surnames repeat.

Rules 2–4 also need the match to be unique among the candidates: two
candidates at the best rule means no merge (a duplicate is easier to fix in
review than a wrong merge).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

#: Minimum rapidfuzz token_sort_ratio (0–100) for two folded names with the same surname.
FUZZY_THRESHOLD = 92.0

_EXTRA_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i",
                             "æ": "ae", "œ": "oe", "ß": "ss", "þ": "th"})

#: Honorifics and ranks dropped from the front of a person's name (repeatedly: "H.E. Ambassador X").
HONORIFICS = (
    "his excellency", "her excellency", "the honourable", "the honorable", "honourable",
    "honorable", "hon", "mr", "mrs", "ms", "miss", "mme", "madam", "madame", "dr", "prof", "professor",
    "sir", "dame", "ambassador", "amb", "general", "gen", "lt gen", "lieutenant general", "major general",
    "maj gen", "brigadier general", "colonel", "col", "major", "captain", "admiral", "judge", "justice",
    "sheikh", "sheikha", "senator",
)
_HONORIFIC_RE = re.compile(r"^(?:" + "|".join(sorted((re.escape(h) for h in HONORIFICS), key=len, reverse=True))
                           + r")\s+")


def fold(text: str) -> str:
    """Case- and accent-folded text ("Michèle" → "michele"); other characters kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_EXTRA_FOLD)


def person_tokens(name: str) -> tuple[str, ...]:
    """The comparison tokens of a person's name: folded, dots/apostrophes removed, other punctuation
    split, leading honorifics and ranks dropped ("H.E. Mr. Jean-Paul Laborde" → ("jean", "paul", "laborde")).

    A name made only of honorifics keeps its tokens (never returns an empty tuple for a non-empty name).
    """
    s = re.sub(r"\bh\.\s*e\.", "his excellency", fold(name))
    s = re.sub(r"[.'’ʼ`]", "", s)
    s = re.sub(r"[\W_]+", " ", s).strip()
    while True:
        t = _HONORIFIC_RE.sub("", s, count=1)
        if t == s or not t:
            break
        s = t
    return tuple(s.split())


def person_key(name: str) -> str:
    """The canonical key of a person: ``"person:" + folded tokens joined by spaces``."""
    return "person:" + " ".join(person_tokens(name))


def surname(name: str) -> str:
    """The folded last token of a person's name ("" for an empty name)."""
    tokens = person_tokens(name)
    return tokens[-1] if tokens else ""


@dataclass(frozen=True)
class PersonMatch:
    """A decision to merge a person into a known one: ``candidate_id``, ``rule`` and ``score`` (0–100)."""

    candidate_id: int
    rule: str
    score: float


def _initials_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Given names agree by initial/prefix, position by position over the shorter list."""
    if not a or not b:
        return False
    for x, y in zip(a, b):
        if not (x.startswith(y) or y.startswith(x)):
            return False
    return True


def _rule(new: tuple[str, ...], old: tuple[str, ...]) -> tuple[int, str, float] | None:
    """(rank, rule, score) of the best rule joining two token tuples, lower rank = more certain."""
    if new == old:
        return 0, "same_name", 100.0
    if not new or not old:
        return None
    same_surname = new[-1] == old[-1]
    if same_surname and len(new) > 1 and len(old) > 1:
        score = fuzz.token_sort_ratio(" ".join(new), " ".join(old))
        if score >= FUZZY_THRESHOLD:
            return 1, "fuzzy_name", float(score)
        if len(new) == len(old) and _initials_compatible(new[:-1], old[:-1]) and any(
                len(t) == 1 for t in new[:-1] + old[:-1]):
            return 2, "initials", float(score)
    shorter, longer = (new, old) if len(new) < len(old) else (old, new)
    if len(shorter) < len(longer) and longer[-len(shorter):] == shorter:
        return 3, "surname_only", float(fuzz.token_sort_ratio(" ".join(new), " ".join(old)))
    return None


def compare_names(a: str, b: str) -> tuple[int, str, float] | None:
    """``(rank, rule, score)`` of the most certain rule of the module docstring joining person names ``a`` and
    ``b`` (rank 0 ``same_name`` … 3 ``surname_only``; score the rapidfuzz ratio 0–100), or None when none
    applies. Uniqueness among candidates is not checked here (that is :func:`match_person`'s job)."""
    return _rule(person_tokens(a), person_tokens(b))


def compare_tokens(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[int, str, float] | None:
    """:func:`compare_names` on names already split by :func:`person_tokens`."""
    return _rule(a, b)


def match_person(name: str, candidates: Sequence[tuple[int, Sequence[str]]]) -> PersonMatch | None:
    """The known person ``name`` refers to, or None.

    ``candidates`` are ``(actor_id, names)`` pairs: each known person with
    its name and aliases. The best rule over all of a candidate's names
    counts; when two different candidates tie at the best rule the result is
    None (ambiguous). See the module docstring for the rules.
    """
    new = person_tokens(name)
    best: dict[int, tuple[int, str, float]] = {}
    for cid, names in candidates:
        for other in names:
            r = _rule(new, person_tokens(other))
            if r and (cid not in best or (r[0], -r[2]) < (best[cid][0], -best[cid][2])):
                best[cid] = r
    if not best:
        return None
    ranked = sorted(best.items(), key=lambda kv: (kv[1][0], -kv[1][2]))
    cid, (rank, rule, score) = ranked[0]
    if rank > 0 and len(ranked) > 1 and ranked[1][1][0] == rank:
        return None
    if rank == 0 and len(ranked) > 1 and ranked[1][1][0] == 0:
        return None
    return PersonMatch(cid, rule, score)
