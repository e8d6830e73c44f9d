"""Reading and extraction of many files, in this process, in worker processes or on a Dask cluster
(:mod:`ctrack.cluster`), for ``ctrack ingest``.

:func:`outcomes` turns file paths into :class:`Outcome` objects, in input
order: each is a file's :class:`~ctrack.schema.Document` and its extraction
:class:`~ctrack.schema.Record`, or the error that stopped it. Files are read
with :func:`ctrack.ingest.read` and extracted in batches through
:func:`ctrack.extract.extract_many` (one ``nlp.pipe`` per batch); a batch
that fails is redone one file at a time, so that only the bad file fails.

With ``workers`` > 1 the batches run in that many processes while the
caller stores the results. This module is kept light (the CLI, the store and
Typer are not imported) because every worker process imports it. Workers
are started by the ``forkserver`` method where the platform has it, with
the reading and extraction modules preloaded in the server, else by
``spawn``; both start clean processes (no copy of the caller's database
connections or threads). Each worker builds the extractor once
(:func:`init_worker`).
"""
from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from ctrack.errors import CtrackError
from ctrack.schema import Document, Record

#: Documents extracted together by ``extract_many`` (one ``nlp.pipe``) in one process.
BATCH_SIZE = 16


@dataclass
class Outcome:
    """What happened to one file: a document and its record, or an error (message and code)."""

    path: str
    document: Document | None = None
    record: Record | None = None
    error: str | None = None
    code: str | None = None


def error_outcome(path: str, exc: BaseException) -> Outcome:
    """The failed outcome of ``path``: a :class:`CtrackError`'s message and code, else the exception (E999)."""
    if isinstance(exc, CtrackError):
        return Outcome(path, error=exc.message, code=exc.code)
    return Outcome(path, error=f"{type(exc).__name__}: {exc}", code="E999")


def read_one(path: str) -> Outcome:
    """Read one file (:func:`ctrack.ingest.read`); any failure becomes a failed outcome."""
    from ctrack.ingest import read

    try:
        return Outcome(path, document=read(path))
    except Exception as exc:  # noqa: BLE001 - any failure of one file is reported and skipped
        return error_outcome(path, exc)


def read_many(path: str, data: bytes | None = None) -> list[Outcome]:
    """Every document of one file (:func:`ctrack.ingest.read_all`: an e-mail's body and attachments), each an
    outcome; a failure of the file, or of one attachment, becomes a failed outcome. With ``data``, the file's
    bytes read elsewhere (:func:`ctrack.ingest.load`) are parsed (:func:`ctrack.ingest.read_all_bytes`) and
    ``path`` only names them."""
    from ctrack.ingest import read_all, read_all_bytes

    try:
        found_all = read_all(path) if data is None else read_all_bytes(path, data)
        return [Outcome(where, document=found) if isinstance(found, Document) else error_outcome(where, found)
                for where, found in found_all]
    except Exception as exc:  # noqa: BLE001 - any failure of one file is reported and skipped
        return [error_outcome(path, exc)]


def extract_one(outcome: Outcome) -> Outcome:
    """Extract one read document (:func:`ctrack.extract.extract`); a failure becomes a failed outcome."""
    try:
        outcome.record = extract_document(outcome.document)
    except CtrackError as exc:
        return Outcome(outcome.path, error=f"extraction failed: {exc.message}", code=exc.code)
    except Exception as exc:  # noqa: BLE001
        return error_outcome(outcome.path, exc)
    return outcome


def unextracted_record(document: Document) -> Record:
    """The record of a document in a language extraction does not read: its document block only.

    Such a document is stored (text, title, date, language) and searchable,
    with no actors or events (:data:`ctrack.ingest.language.EXTRACTED`).
    """
    from ctrack.schema import DocumentInfo

    return Record(document=DocumentInfo(id=document.id, title=document.title,
                                        published=document.published.isoformat() if document.published else None,
                                        language=document.language))


def extract_document(document: Document) -> Record:
    """The record of one document: :func:`ctrack.extract.extract` for English, else :func:`unextracted_record`."""
    from ctrack.extract import extract
    from ctrack.ingest.language import extracted

    return extract(document) if extracted(document.language) else unextracted_record(document)


def extract_documents(documents: list[Document]) -> Iterator[Record]:
    """Records of ``documents`` in order: English ones through :func:`ctrack.extract.extract_many` (one
    ``nlp.pipe``), the others as :func:`unextracted_record` (the English extractor made persons of Russian
    place names and nothing of Arabic)."""
    from ctrack.extract import extract_many
    from ctrack.ingest.language import extracted

    english = iter(extract_many([d for d in documents if extracted(d.language)]))
    for d in documents:
        yield next(english) if extracted(d.language) else unextracted_record(d)


def extract_batch(paths: list[str]) -> list[Outcome]:
    """Read ``paths`` and extract them together (one ``nlp.pipe``); in input order (an e-mail's
    attachments right after its body, each an outcome of its own).

    A batch whose extraction fails is redone one document at a time, so that
    only the document that breaks it fails. Documents in a language that
    extraction does not read get :func:`unextracted_record`. Top level, so
    that a worker process can run it.
    """
    return extract_read([o for p in paths for o in read_many(p)])


def extract_read(batch: list[Outcome]) -> list[Outcome]:
    """Extract the read documents of ``batch`` together (one ``nlp.pipe``); returns the outcomes, as many and
    in the same order, failed ones left as they are (see :func:`extract_batch`)."""
    good = [o for o in batch if o.document is not None]
    try:
        records = list(extract_documents([o.document for o in good]))
        if len(records) != len(good):
            raise RuntimeError("extract_many returned a different number of records")
        for o, r in zip(good, records):
            o.record = r
    except Exception:  # noqa: BLE001 - isolate the document that breaks the batch
        batch = [extract_one(o) if o.document is not None else o for o in batch]
    return batch


#: Niceness a worker process adds to its own (``os.nice``) when ``--workers N`` runs (:func:`parallel`); 0: the
#: workers run at the caller's priority. The storing process is the one serial stage: every document passes
#: through it, in input order. With N workers on N cores it shares the cores with them, and at equal priority
#: the scheduler gives it no more than a worker gets; when it falls behind, extracted batches wait for it (at
#: ``4 × workers`` in flight the workers wait too), and what is left when extraction ends is stored while a
#: core idles. A positive value lets the storing process run whenever it is runnable (5: about 3 times a
#: worker's weight, the kernel's CFS weights being 1024 at nice 0 and 335 at nice 5), but the workers then
#: also yield to every other process of the machine. Left at 0 until measured on a quiet machine:
#: ``bench/ingest_main.py --workers 2 --worker-nice 0 5`` compares the two side by side (docs/benchmarks.md).
WORKER_NICE = 0


def lower_priority(nice: int) -> int:
    """Lower this process's priority by ``nice`` (``os.nice``); returns its niceness after. Nothing is changed
    when ``nice`` is 0, the platform has no ``os.nice`` or the call is refused (the niceness then stays)."""
    if not hasattr(os, "nice"):
        return 0
    try:
        return os.nice(nice)
    except OSError:
        return os.nice(0)


def init_worker(nice: int = 0) -> None:
    """Per-process set-up of a worker: lower its priority by ``nice`` (:func:`lower_priority`; see
    :data:`WORKER_NICE`), then build the extractor once (spaCy model and gazetteer matchers)."""
    from ctrack.extract import get_extractor

    if nice:
        lower_priority(nice)
    get_extractor()


def guided_batches(paths: list[str], workers: int) -> Iterator[list[str]]:
    """The batches handed to ``workers`` processes, at most :data:`BATCH_SIZE` files each.

    The first batch of each worker is a quarter of that (the first results
    reach the storing process sooner); later ones hold at most an eighth of
    the files left per worker, so they shrink towards the end (the workers
    finish together and little is left to store after them).
    """
    i, n, first = 0, len(paths), max(1, BATCH_SIZE // 4)
    for _ in range(workers):
        if i >= n:
            return
        yield paths[i:i + first]
        i += first
    while i < n:
        size = max(1, min(BATCH_SIZE, (n - i) // (workers * 8)))
        yield paths[i:i + size]
        i += size


#: Modules the fork server imports once, so that workers start with them (reading, extraction, spaCy).
PRELOAD = (__name__, "ctrack.ingest", "ctrack.extract")


def worker_context() -> mp.context.BaseContext:
    """The multiprocessing context for workers: ``forkserver`` preloading :data:`PRELOAD`, else ``spawn``.

    Neither copies the caller's state (database connections, threads). The
    fork server imports the reading and extraction code once (importing
    starts no thread) and forks each worker from it, instead of every worker
    importing it anew, together with the caller's main script (for the
    ``ctrack`` command, the whole CLI), as ``spawn`` does.
    """
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(list(PRELOAD))
        return ctx
    return mp.get_context("spawn")


def serial(paths: list[str]) -> Iterator[Outcome]:
    """Read and extract in this process, in batches of :data:`BATCH_SIZE`; outcomes in input order."""
    for i in range(0, len(paths), BATCH_SIZE):
        yield from extract_batch(paths[i:i + BATCH_SIZE])


def parallel(paths: list[str], workers: int) -> Iterator[Outcome]:
    """Read and extract in ``workers`` processes; outcomes in input order as they come.

    Batches are sized by :func:`guided_batches`. At most ``4 × workers``
    batches are in flight: when the caller (storing) is slower than
    extraction, finished batches wait rather than pile up in its memory.
    The workers run :data:`WORKER_NICE` below the caller's priority (0: at the same).
    """
    batches = guided_batches(paths, workers)
    with worker_context().Pool(processes=workers, initializer=init_worker, initargs=(WORKER_NICE,)) as pool:
        pending = deque(pool.apply_async(extract_batch, (b,)) for b in islice(batches, 4 * workers))
        while pending:
            done = pending.popleft().get()
            following = next(batches, None)
            if following is not None:
                pending.append(pool.apply_async(extract_batch, (following,)))
            yield from done


def outcomes(paths: list[str], workers: int = 1) -> Iterator[Outcome]:
    """Read and extract ``paths`` in ``workers`` processes when more than one (and more than one file), else
    here. Yields one :class:`Outcome` per path (more for an e-mail with attachments), in input order. On a Dask
    cluster, :func:`ctrack.cluster.outcomes` does the same with the same :class:`Outcome` (it builds on this
    module; this module does not know it)."""
    if workers > 1 and len(paths) > 1:
        return parallel(paths, min(workers, len(paths)))
    return serial(paths)
