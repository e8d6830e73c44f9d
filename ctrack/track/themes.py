"""Theme suggestions for a recommendation's text: keyword rules plus a small model, never applied silently.

Two transparent sources, each suggestion saying why:

- **rules**: the keywords of each thematic area in the vocabulary
  (``ctrack/data/vocabulary.json``); a theme is suggested when its keywords
  occur in the text (whole words; case-insensitive, acronyms in capitals
  case-sensitive). Score: 1 − 0.5^(number of distinct keywords found).
- **model** (scikit-learn): when at least :data:`MIN_EXAMPLES` reviewed
  recommendations have themes, a TF-IDF representation (words and word
  pairs) and one logistic regression per theme with at least
  :data:`MIN_PER_THEME` positive examples are trained on them; a theme whose
  probability reaches the threshold is suggested with the words that weighed
  most for it.

:func:`suggest` returns suggestions only; :func:`accept` adds the themes a
person chose (a correction, so it is in the audit log).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from ctrack.store import track_repo as repo
from ctrack.store.track_models import Entity, TermScheme
from ctrack.track.vocabulary import vocabulary

#: Reviewed, themed recommendations needed before the model is trained.
MIN_EXAMPLES = 12
#: Positive examples a theme needs to get its own classifier.
MIN_PER_THEME = 3


@dataclass
class Suggestion:
    """A suggested theme: ``theme`` code, its ``label``, ``score`` in [0, 1], ``source`` ("rule"/"model"), ``reason``."""

    theme: str
    label: str
    score: float
    source: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict."""
        return {"theme": self.theme, "label": self.label, "score": round(self.score, 3), "source": self.source,
                "reason": self.reason}


@lru_cache(maxsize=1)
def _keyword_patterns() -> dict[str, list[tuple[str, re.Pattern]]]:
    out = {}
    for term in vocabulary().all(TermScheme.THEME):
        pats = []
        for kw in term.keywords:
            acronym = kw.isupper() or (kw[:-1].isupper() and kw.endswith("s"))
            body = r"\s+".join(re.escape(w) for w in kw.split())
            pats.append((kw, re.compile(rf"(?<![\w-]){body}(?![\w-])", 0 if acronym else re.I)))
        out[term.code] = pats
    return out


def rule_suggestions(text: str) -> list[Suggestion]:
    """Themes whose vocabulary keywords occur in ``text``, best first.

    A keyword found inside a longer keyword's match ("intelligence" in
    "financial intelligence unit") does not count.
    """
    hits = [(m.start(), m.end(), code, kw) for code, pats in _keyword_patterns().items()
            for kw, pat in pats for m in pat.finditer(text)]
    kept = [h for h in hits if not any(o[0] <= h[0] and h[1] <= o[1] and (o[1] - o[0]) > (h[1] - h[0])
                                       for o in hits)]
    found: dict[str, list[str]] = {}
    for _, _, code, kw in sorted(kept):
        if kw not in found.setdefault(code, []):
            found[code].append(kw)
    out = [Suggestion(theme=code, label=vocabulary().label(TermScheme.THEME, code), score=1 - 0.5 ** len(kws),
                      source="rule", reason="keywords: " + ", ".join(repr(k) for k in kws))
           for code, kws in found.items()]
    return sorted(out, key=lambda s: (-s.score, s.theme))


@dataclass
class ThemeModel:
    """A trained model: the vectorizer, one classifier per theme, and how many examples it learnt from."""

    vectorizer: Any
    classifiers: dict[str, Any]
    examples: int

    def predict(self, text: str, threshold: float = 0.5, top_terms: int = 4) -> list[Suggestion]:
        """Themes whose probability for ``text`` is at least ``threshold``, with the words that weighed most."""
        x = self.vectorizer.transform([text])
        names = self.vectorizer.get_feature_names_out()
        out = []
        for code, clf in self.classifiers.items():
            p = float(clf.predict_proba(x)[0, 1])
            if p < threshold:
                continue
            weights = x.multiply(clf.coef_[0]).tocsr()
            order = sorted(zip(weights.indices, weights.data), key=lambda t: -t[1])
            words = [names[i] for i, w in order[:top_terms] if w > 0]
            out.append(Suggestion(theme=code, label=vocabulary().label(TermScheme.THEME, code), score=p,
                                  source="model",
                                  reason=f"model p={p:.2f}, trained on {self.examples} reviewed recommendations"
                                         + (f"; words: {', '.join(repr(w) for w in words)}" if words else "")))
        return sorted(out, key=lambda s: -s.score)


def train(examples: list[tuple[str, list[str]]]) -> ThemeModel | None:
    """Train on ``(text, theme codes)`` pairs; None when there are fewer than :data:`MIN_EXAMPLES`
    or no theme has :data:`MIN_PER_THEME` positive and one negative example."""
    if len(examples) < MIN_EXAMPLES:
        return None
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [t for t, _ in examples]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english")
    x = vectorizer.fit_transform(texts)
    classifiers = {}
    for term in vocabulary().all(TermScheme.THEME):
        y = [term.code in themes for _, themes in examples]
        if sum(y) >= MIN_PER_THEME and not all(y):
            classifiers[term.code] = LogisticRegression(class_weight="balanced", max_iter=1000, C=4.0).fit(x, y)
    return ThemeModel(vectorizer, classifiers, len(examples)) if classifiers else None


def training_examples(session: Session, exclude: int | None = None) -> list[tuple[str, list[str]]]:
    """``(text, theme codes)`` of the reviewed recommendations that have themes (``exclude``: one id to leave out)."""
    out = []
    for rec in repo.recommendations(session):
        themes = [t.code for t in rec.terms if t.scheme is TermScheme.THEME]
        if themes and rec.id != exclude:
            out.append((rec.text, themes))
    return out


def suggest(session: Session, rec_id: int | None = None, text: str | None = None,
            threshold: float = 0.5) -> list[Suggestion]:
    """Theme suggestions for recommendation ``rec_id`` (or a free ``text``), best first, one per theme.

    Themes the recommendation already has are left out. The model is
    trained on the other reviewed recommendations (never on the one being
    suggested for). Nothing is stored.
    """
    have: set[str] = set()
    if rec_id is not None:
        rec = repo.get_recommendation(session, rec_id)
        text = rec.text if text is None else text
        have = {t.code for t in rec.terms if t.scheme is TermScheme.THEME}
    if not text:
        return []
    found = {s.theme: s for s in rule_suggestions(text)}
    model = train(training_examples(session, exclude=rec_id))
    if model is not None:
        for s in model.predict(text, threshold):
            if s.theme in found:
                rule = found[s.theme]
                found[s.theme] = Suggestion(s.theme, s.label, max(s.score, rule.score), "rule+model",
                                            f"{rule.reason}; {s.reason}")
            else:
                found[s.theme] = s
    return sorted((s for s in found.values() if s.theme not in have), key=lambda s: (-s.score, s.theme))


def accept(session: Session, rec_id: int, themes: list[str], *, user: str, comment: str | None = None):
    """Add the chosen ``themes`` (codes or labels) to a recommendation, as a correction (audit-logged); returns it."""
    from ctrack.track import fields, review

    rec = repo.get_recommendation(session, rec_id)
    current = [t.code for t in rec.terms if t.scheme is TermScheme.THEME]
    chosen = fields.terms(TermScheme.THEME)(themes)
    return review.correct(session, Entity.RECOMMENDATION, rec_id, "themes", current + [c for c in chosen if c not in current],
                          user=user, comment=comment or "accepted theme suggestion")
