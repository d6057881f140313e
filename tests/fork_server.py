"""Run ground-truth jobs with a real framework: one server process imports it once and forks a child per job.

A ground-truth module (``torch_truth.py``) defines what a job is and what its child does; this module
does the rest, the same for any framework:

- the client side (the test process): a server started on first use (``python MODULE --serve``), a
  JSON request per batch of jobs over its standard input, and a cache of results on disk keyed on
  the job and on whatever the caller adds to the key (framework versions, the runner's own text);
- the server side: :func:`serve` reads requests, forks a child per job (``parallel`` at a time),
  reads the child's JSON answer from a pipe, kills a child that runs longer than its ``timeout``,
  and answers with the results in order.

A child starts from the server's state (the framework imported, nothing built) and exits after one
job, so nothing a program does (module-level state, patched functions, memory) reaches the next one.
``CNNSUMMARY_TRUTH_CACHE=0`` turns the cache off.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

CACHE_ROOT = Path(__file__).resolve().parent / ".cache"


def digest(*paths: Path) -> str:
    """A short digest of files' contents: a runner's own text belongs in its cache key."""
    h = hashlib.sha256()
    for path in paths:
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_enabled() -> bool:
    return os.environ.get("CNNSUMMARY_TRUTH_CACHE", "1") not in ("0", "", "no", "false")


class Client:
    """The test process's side: a server for ``script`` started on first use, and the result cache."""

    def __init__(self, script: Path, cache: str, env: Mapping[str, str] | None = None) -> None:
        self.script = script
        self.cache = CACHE_ROOT / cache
        self.env = dict(env or {})
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def _server(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            env = {**os.environ, "PYTHONHASHSEED": "0", **self.env}
            self._proc = subprocess.Popen([sys.executable, str(self.script), "--serve"], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
            atexit.register(self.close)
        return self._proc

    def ask(self, jobs: list[dict[str, Any]], parallel: int = 1) -> list[dict[str, Any]]:
        """Run the jobs in the server (no cache)."""
        with self._lock:
            proc = self._server()
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(json.dumps({"jobs": jobs, "parallel": parallel}) + "\n")
            proc.stdin.flush()
            line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the ground-truth server {self.script.name} stopped (exit status {proc.poll()})")
        return json.loads(line)["results"]

    def run_many(self, jobs: list[dict[str, Any]], keys: list[str], parallel: int = 1) -> list[dict[str, Any]]:
        """The result of each job, from the cache where ``keys`` (one per job) were seen before."""
        results: list[dict[str, Any] | None] = [None] * len(jobs)
        todo = []
        for i, key in enumerate(keys):
            path = self.cache / f"{key}.json"
            if cache_enabled() and path.exists():
                results[i] = json.loads(path.read_text())
            else:
                todo.append(i)
        if todo:
            fresh = self.ask([jobs[i] for i in todo], parallel)
            for i, result in zip(todo, fresh, strict=True):
                results[i] = result
                if cache_enabled() and not result.get("timeout"):
                    self.cache.mkdir(parents=True, exist_ok=True)
                    tmp = self.cache / f".{keys[i]}.{os.getpid()}.tmp"
                    tmp.write_text(json.dumps(result))
                    tmp.replace(self.cache / f"{keys[i]}.json")
        return [r for r in results if r is not None]

    def close(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            assert proc.stdin is not None
            proc.stdin.close()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def serve(child: Callable[[dict[str, Any]], dict[str, Any]], default_timeout: float) -> None:
    """The server loop: answer each request line on standard input with one line of results.

    ``child(job)`` runs in a forked process and returns the JSON-able result; an exception it raises
    becomes ``{"ok": False, "error": ...}``, a child that runs longer than the job's ``timeout`` is
    killed and reported with ``"timeout": True``.
    """
    import selectors
    import signal
    import time

    protocol = os.fdopen(os.dup(1), "w")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # whatever a program prints must not reach the protocol
    for line in sys.stdin:
        request = json.loads(line)
        jobs = request["jobs"]
        parallel = max(1, int(request.get("parallel", 1)))
        results: list[dict[str, Any] | None] = [None] * len(jobs)
        running: dict[int, tuple[int, int, float, bytearray]] = {}  # fd -> (index, pid, deadline, data)
        sel = selectors.DefaultSelector()
        queue = list(range(len(jobs)))
        while queue or running:
            while queue and len(running) < parallel:
                i = queue.pop(0)
                r, w = os.pipe()
                pid = os.fork()
                if pid == 0:  # the child: one job, then exit whatever happens
                    os.close(r)
                    try:
                        out = child(jobs[i])
                    except BaseException as exc:  # anything, even SystemExit from the program: report it
                        out = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
                    data = json.dumps(out).encode()
                    while data:
                        data = data[os.write(w, data):]
                    os._exit(0)
                os.close(w)
                timeout = float(jobs[i].get("timeout") or default_timeout)
                running[r] = (i, pid, time.monotonic() + timeout, bytearray())
                sel.register(r, selectors.EVENT_READ)
            deadline = min(d for _, _, d, _ in running.values())
            for key, _ in sel.select(timeout=max(0.0, deadline - time.monotonic())):
                fd = key.fd
                chunk = os.read(fd, 1 << 16)
                if chunk:
                    running[fd][3].extend(chunk)
                    continue
                i, pid, _, data = running.pop(fd)
                sel.unregister(fd)
                os.close(fd)
                _, status = os.waitpid(pid, 0)
                try:
                    results[i] = json.loads(bytes(data))
                except ValueError:
                    results[i] = {"ok": False, "error": f"the program's process ended with status {status}"}
            now = time.monotonic()
            for fd, (i, pid, dl, _) in list(running.items()):
                if now > dl:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    sel.unregister(fd)
                    os.close(fd)
                    del running[fd]
                    limit = float(jobs[i].get("timeout") or default_timeout)
                    results[i] = {"ok": False, "timeout": True, "error": f"the program ran longer than {limit:.0f} s"}
        protocol.write(json.dumps({"results": results}) + "\n")
        protocol.flush()
