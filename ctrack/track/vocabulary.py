"""The controlled vocabulary of recommendation tracking (package data ``ctrack/data/vocabulary.json``).

Three schemes (:class:`ctrack.store.track_models.TermScheme`):

- ``pillar``: the four pillars of the UN Global Counter-Terrorism Strategy,
  General Assembly resolution A/RES/60/288 (2006), annex (codes I–IV);
- ``resolution``: Security Council resolutions 1373 (2001), 1624 (2005),
  2178 (2014), 2396 (2017), 2462 (2019), 2482 (2019) and 2617 (2021)
  (codes "1373" …);
- ``theme``: the thematic areas of Counter-Terrorism Committee assessments
  (legislation, counter-financing of terrorism, law enforcement, border
  management, international cooperation, foreign terrorist fighters,
  countering violent extremism and incitement, ICT, human rights and rule of
  law, victims, gender), each with keywords for
  :mod:`ctrack.track.themes` and the resolutions and pillars it relates to.

:func:`vocabulary` loads it once; :meth:`Vocabulary.code` turns what a user
typed ("CFT", "Counter-financing of terrorism", "S/RES/2178 (2014)",
"pillar 4") into the code stored in the database.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ctrack.store.track_models import TermScheme


@dataclass(frozen=True)
class Term:
    """One entry: ``scheme``, ``code`` (stored), ``label`` (shown), ``description``.

    ``keywords`` (themes only) drive the rule-based suggestions; ``resolutions``
    and ``pillars`` (themes only) are the codes a theme relates to; ``year``
    is a resolution's year of adoption.
    """

    scheme: TermScheme
    code: str
    label: str
    description: str
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    resolutions: tuple[str, ...] = ()
    pillars: tuple[str, ...] = ()
    year: int | None = None


def _key(text: str) -> str:
    """Comparison key: case-folded, hyphens/underscores as spaces, single spaces."""
    return " ".join(re.sub(r"[-_]", " ", text.casefold()).split())


_RESOLUTION = re.compile(r"^(?:s\s*/\s*res\s*/\s*|res(?:olution)?\.?\s*|unscr\s*)?(\d{3,4})(?:\s*\(\s*(\d{4})\s*\))?$", re.I)


@dataclass
class Vocabulary:
    """The loaded vocabulary: ``terms[scheme]`` is the ordered list of :class:`Term`."""

    terms: dict[TermScheme, list[Term]] = field(default_factory=dict)

    def all(self, scheme: TermScheme) -> list[Term]:
        """The terms of ``scheme`` in their published order."""
        return self.terms[scheme]

    def get(self, scheme: TermScheme, code: str) -> Term | None:
        """The term with exactly this stored ``code``, or None."""
        return next((t for t in self.terms[scheme] if t.code == code), None)

    def code(self, scheme: TermScheme, text: str) -> str:
        """The stored code for what a user typed; raises ``ValueError`` naming the accepted values.

        Accepts the code, the label, an alias, and for resolutions the forms
        "2178", "2178 (2014)", "S/RES/2178 (2014)", "resolution 2178"; a
        resolution number the vocabulary does not list is accepted as it is
        (callers may warn: :func:`ctrack.track.io.import_file` does).
        """
        raw = text.strip()
        if scheme is TermScheme.RESOLUTION:
            m = _RESOLUTION.match(raw)
            if m and self.get(scheme, m.group(1)):
                term = self.get(scheme, m.group(1))
                if m.group(2) and term.year and int(m.group(2)) != term.year:
                    raise ValueError(f"resolution {term.code} was adopted in {term.year}, not {m.group(2)}")
                return term.code
            if m:  # a resolution number not listed yet: resolutions are numbered and new ones are adopted
                return m.group(1)
        wanted = _key(raw)
        for term in self.terms[scheme]:
            if wanted in {_key(term.code), _key(term.label), *(_key(a) for a in term.aliases)}:
                return term.code
        if scheme is TermScheme.PILLAR:
            m = re.match(r"^pillar\s+(.+)$", wanted)
            if m:
                return self.code(scheme, m.group(1))
        accepted = ", ".join(t.code for t in self.terms[scheme])
        raise ValueError(f"unknown {scheme.value} {raw!r} (accepted: {accepted})")

    def label(self, scheme: TermScheme, code: str) -> str:
        """The label of a stored code (the code itself if the vocabulary no longer has it)."""
        term = self.get(scheme, code)
        return term.label if term else code


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The package vocabulary, loaded once from ``ctrack/data/vocabulary.json``."""
    data = json.loads(resources.files("ctrack").joinpath("data/vocabulary.json").read_text(encoding="utf-8"))
    vocab = Vocabulary()
    vocab.terms[TermScheme.PILLAR] = [
        Term(TermScheme.PILLAR, p["code"], p["label"], p["description"], aliases=tuple(p.get("aliases", ())))
        for p in data["pillars"]]
    vocab.terms[TermScheme.RESOLUTION] = [
        Term(TermScheme.RESOLUTION, r["code"], r["label"], r["description"], year=r["year"],
             aliases=(f"{r['code']} ({r['year']})",))
        for r in data["resolutions"]]
    vocab.terms[TermScheme.THEME] = [
        Term(TermScheme.THEME, t["code"], t["label"], t["description"], aliases=tuple(t.get("aliases", ())),
             keywords=tuple(t["keywords"]), resolutions=tuple(t["resolutions"]), pillars=tuple(t["pillars"]))
        for t in data["themes"]]
    return vocab
