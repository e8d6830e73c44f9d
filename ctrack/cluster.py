"""Reading and extraction on a Dask distributed cluster (``ctrack ingest --scheduler`` / ``--dask-local``).

The same work as :mod:`ctrack.pipeline`'s worker processes, on Dask workers
that may run on other machines:

* The client (the ``ctrack ingest`` process) reads each file's **bytes**
  (:func:`ctrack.ingest.load`: the checks and size cap of a local read) and
  sends them with the task; a worker parses them
  (:func:`ctrack.ingest.read_all_bytes`) and extracts them
  (:func:`ctrack.pipeline.extract_read`, one ``nlp.pipe`` per batch). Bytes,
  not paths, so that a worker needs no view of the client's file system;
  the cost is the files crossing the network once (at most 100 MiB each,
  :data:`ctrack.ingest.limits.MAX_FILE_BYTES`).
* Each worker builds the spaCy pipeline and the decision models once, when
  it joins (:class:`ExtractorPlugin`, a Dask ``WorkerPlugin``; a worker that
  joins later builds them too). Tasks on one worker run one at a time
  (:data:`_EXTRACT_LOCK`): the extractor is not shared between threads.
* A task that raises, or whose worker dies, is run again by Dask
  (``retries``, and the scheduler's ``allowed-failures`` for lost workers);
  a batch that still fails makes a failed outcome for each of its files,
  named, and the run goes on.
* The results (:class:`~ctrack.pipeline.Outcome`: the document with its
  text and hash, and the extraction record with its offsets) come back to
  the client, which stores them through the same write path as every other
  run (``ctrack.cli.ingest``), in input order, so that the knowledge base
  equals that of a serial run. At most ``4 × workers`` batches, and about
  :data:`SENDING_BYTES` of files, are in flight.

Workers need ctrack installed (the same version as the client), with its
model package, and tesseract for scanned PDFs. Dask is imported only here;
:mod:`ctrack.pipeline` imports this module only when a cluster is used.

Dask's own log lines (the nanny's "Worker process still alive after 4.0
seconds, killing" when a busy worker is stopped, "Event loop was
unresponsive" under load) are housekeeping a ``ctrack ingest`` user cannot act
on: while :func:`connect`'s client is open, only those at
:data:`DASK_CONSOLE_LEVEL` (errors) and above reach the console, in this
process and in the workers of a local cluster. Failed files are reported by
ctrack itself, with their reason.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from distributed import WorkerPlugin

from ctrack.errors import ClusterError
from ctrack.pipeline import Outcome, error_outcome, extract_read, guided_batches, read_many

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client

#: How many times Dask runs a batch's task again after it raised (``Client.submit(retries=…)``).
RETRIES = 2
#: Seconds to wait for the scheduler, and for its first worker.
CONNECT_TIMEOUT = 30
#: Bytes of files sent and not yet back: no further batch is sent past this (one always is).
SENDING_BYTES = 512 * 2**20
#: One extraction at a time per worker process, whatever its number of threads.
_EXTRACT_LOCK = threading.Lock()
#: Lowest level of Dask's own log records that reach the console while a cluster is used (errors stay).
DASK_CONSOLE_LEVEL = logging.ERROR


@contextmanager
def quiet_dask_logs(level: int = DASK_CONSOLE_LEVEL) -> Iterator[None]:
    """While inside, the console handlers of Dask's ``distributed`` logger (which every ``distributed.*``
    logger writes through) drop records under ``level``; their levels are restored on leaving. Handlers
    that write elsewhere (a file) are left as they are."""
    handlers = [h for h in logging.getLogger("distributed").handlers
                if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler)]
    before = [h.level for h in handlers]
    for h in handlers:
        h.setLevel(max(h.level, level))
    try:
        yield
    finally:
        for h, old in zip(handlers, before):
            h.setLevel(old)


class ExtractorPlugin(WorkerPlugin):
    """Builds the extractor (:func:`ctrack.extract.get_extractor`: spaCy pipeline, gazetteer matchers,
    decision models) once per worker process, when the worker starts or joins the cluster."""

    name = "ctrack-extractor"

    async def setup(self, worker) -> None:
        """Dask's hook, run on the worker: build the process-wide extractor (a few seconds), in a thread so
        that the worker's event loop goes on answering the scheduler meanwhile."""
        import asyncio

        from ctrack.pipeline import init_worker

        await asyncio.get_running_loop().run_in_executor(None, init_worker)


def extract_files(items: list[tuple[str, bytes]]) -> list[list[Outcome]]:
    """The Dask task: parse and extract the files ``items`` (``(path, bytes)`` pairs) together.

    Returns, for each item in order, its outcomes (an e-mail gives one for
    its body and one per attachment), read or failed as
    :func:`ctrack.pipeline.read_many` and :func:`~ctrack.pipeline.extract_read`
    make them. Runs on a worker; top level so that Dask pickles it by name.
    """
    with _EXTRACT_LOCK:
        groups = [read_many(path, data) for path, data in items]
        flat = extract_read([o for g in groups for o in g])
    out, i = [], 0
    for g in groups:
        out.append(flat[i:i + len(g)])
        i += len(g)
    return out


@contextmanager
def connect(scheduler: str | None = None, local_workers: int | None = None) -> Iterator["Client"]:
    """A Dask client with the extractor plugin registered on every worker; closed (with any local cluster)
    on leaving.

    ``scheduler``: the address of a running scheduler (``tcp://HOST:8786``);
    else ``local_workers`` processes of one thread each are started on this
    machine (a ``LocalCluster`` on loopback; its dashboard, if any, on a free port). Dask's log lines
    under :data:`DASK_CONSOLE_LEVEL` are kept off the console meanwhile (:func:`quiet_dask_logs`). Raises
    :class:`ClusterError` when the scheduler cannot be reached within
    :data:`CONNECT_TIMEOUT` seconds, has no worker by then, or a worker
    fails to build the extractor.
    """
    with quiet_dask_logs():
        yield from _connect(scheduler, local_workers)


def _connect(scheduler: str | None, local_workers: int | None) -> Iterator["Client"]:
    from distributed import Client, LocalCluster

    cluster = None
    try:
        if scheduler:
            try:
                client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, ValueError for a bad address
                raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        else:
            cluster = LocalCluster(n_workers=local_workers or 1, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                   silence_logs=DASK_CONSOLE_LEVEL)  # the workers' own console
            client = Client(cluster)
    except ClusterError:
        raise
    except Exception as exc:  # noqa: BLE001 - a cluster that cannot start is reported, not a traceback
        if cluster is not None:
            cluster.close()
        raise ClusterError(f"cannot start a local Dask cluster: {type(exc).__name__}: {exc}") from None
    try:
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except TimeoutError:
            raise ClusterError(f"the Dask scheduler {client.scheduler.address} has no worker "
                               f"after {CONNECT_TIMEOUT} s") from None
        try:
            client.register_plugin(ExtractorPlugin())
        except Exception as exc:  # noqa: BLE001 - e.g. ctrack or its model not installed on a worker
            raise ClusterError(f"a Dask worker cannot build the extractor: {type(exc).__name__}: {exc}") from None
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def workers_of(client: "Client") -> int:
    """The number of threads of the cluster's workers now (at least 1): how many batches run at once."""
    return max(1, sum(client.nthreads().values()))


def _load(path: str) -> tuple[bytes | None, Outcome | None]:
    from ctrack.ingest import load

    try:
        return load(path), None
    except Exception as exc:  # noqa: BLE001 - reported as the file's failure
        return None, error_outcome(path, exc)


def outcomes(paths: list[str], client: "Client", on_extracted: Callable[[int], None] | None = None,
             retries: int = RETRIES) -> Iterator[Outcome]:
    """Read and extract ``paths`` on the cluster of ``client``; yields one or more :class:`Outcome` per path
    (an e-mail's attachments after its body), in input order.

    Batches are sized by :func:`ctrack.pipeline.guided_batches` for the
    cluster's threads; at most ``4 × threads`` batches are out (sent and not
    yet yielded), and no more is sent while :data:`SENDING_BYTES` of files
    are on their way or being extracted. Finished batches are taken as Dask completes them
    (``as_completed``); ``on_extracted(n)`` is called with each one's number
    of files, e.g. to move a progress bar, and the outcomes are yielded once
    every earlier batch is done. A file that cannot be loaded here fails
    without being sent; a batch whose task fails after ``retries`` more runs
    (or whose workers died) fails each of its files with the reason.
    Pending tasks are cancelled when the caller stops early.
    """
    from distributed import as_completed

    workers = workers_of(client)
    batches = enumerate(guided_batches(paths, min(workers, max(1, len(paths)))))
    limit = 4 * workers
    pending: dict = {}  # future -> (index, paths, {position: failed outcome}, bytes sent)
    done: dict[int, list[Outcome]] = {}
    ahead = 0  # batches submitted and not yet yielded
    sending = 0  # bytes of the files of batches submitted and not yet back
    nxt = 0
    results = as_completed()

    def submit() -> bool:
        nonlocal ahead, sending
        if ahead >= limit or (ahead and sending >= SENDING_BYTES):
            return False
        item = next(batches, None)
        if item is None:
            return False
        index, batch = item
        loaded = [(p, *_load(p)) for p in batch]
        failed = {i: bad for i, (_, _, bad) in enumerate(loaded) if bad is not None}
        items = [(p, data) for p, data, bad in loaded if bad is None]
        future = client.submit(extract_files, items, retries=retries, pure=False)
        size = sum(len(data) for _, data in items)
        pending[future] = (index, batch, failed, size)
        results.add(future)
        ahead += 1
        sending += size
        return True

    try:
        while submit():
            pass
        for future in results:
            index, batch, failed, size = pending.pop(future)
            sending -= size
            try:
                got = iter(future.result())
                groups = [[failed[i]] if i in failed else next(got) for i in range(len(batch))]
            except Exception as exc:  # noqa: BLE001 - the task failed for good: each file is reported
                reason = error_outcome("", exc)
                groups = [[failed[i]] if i in failed else
                          [Outcome(p, error=f"failed on the Dask cluster: {reason.error}", code=reason.code)]
                          for i, p in enumerate(batch)]
            future.release()
            done[index] = [o for g in groups for o in g]
            if on_extracted is not None:
                on_extracted(len(batch))
            while nxt in done:
                yield from done.pop(nxt)
                nxt += 1
                ahead -= 1
            while submit():
                pass
    finally:
        for future in pending:
            future.cancel()
