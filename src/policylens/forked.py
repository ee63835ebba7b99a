"""Work handed to a forked child process while this one goes on.

The build uses it to write the per-document tables while the topic model runs: the child
sees the tables in this process's memory as they were at the fork, so nothing is pickled on
the way in, and only its result (or its exception) comes back through a pipe. Where the
platform cannot fork, the work runs in this process, at once.
"""
from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable
from typing import Any


def _child(send, fn: Callable[..., Any], args: tuple) -> None:
    try:
        outcome = (True, fn(*args))
    except BaseException as exc:  # sent back and raised in the parent, which decides
        try:
            pickle.dumps(exc)
        except Exception:
            exc = RuntimeError(f"{type(exc).__name__}: {exc}")
        outcome = (False, exc)
    send.send(outcome)
    send.close()


class Forked:
    """``fn(*args)`` running in a forked child; :meth:`result` waits for it and returns its value or raises its
    exception. As a context manager, leaving the block stops a child that is still running (the build's
    staging folder must not be written after it is removed)."""

    def __init__(self, fn: Callable[..., Any], *args: Any):
        self._outcome: tuple[bool, Any] | None = None
        self._process = None
        if "fork" not in multiprocessing.get_all_start_methods():
            try:
                self._outcome = (True, fn(*args))
            except Exception as exc:
                self._outcome = (False, exc)
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_child, args=(send, fn, args), name=f"policylens-{fn.__name__}")
        self._process.start()
        send.close()

    def result(self) -> Any:
        """The child's return value (waits for it); its exception is raised here."""
        if self._outcome is None:
            try:
                self._outcome = self._receive.recv()
            except EOFError:
                self._process.join()
                self._outcome = (False, RuntimeError(
                    f"{self._process.name} ended without a result (exit code {self._process.exitcode})"))
            finally:
                self._receive.close()
            self._process.join()
        ok, value = self._outcome
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Stop the child if it is still running, and wait for it."""
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
        if self._process is not None:
            self._process.join()

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()
