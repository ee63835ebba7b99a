"""The NMF fits of the topic model's ensembles (:class:`policylens.topics.TopicModel`).

Each ensemble member is an independent, seeded NMF, so the members of every ensemble are one list of
jobs for :func:`process_map` (``--jobs`` processes, one BLAS thread each), whatever the number of ensembles.
"""
from __future__ import annotations

import os
import warnings
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning


def _one_blas_thread() -> None:
    """Worker start-up: one BLAS thread (small dense products; jobs × threads would oversubscribe the cores)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


@contextmanager
def process_map(n_jobs: int | None, n_tasks: int):
    """A ``map(fn, jobs) -> [fn(*job) for job in jobs]`` over ``n_jobs`` processes when asked (forked where the
    platform can, so nothing is re-imported; one pool for every call inside the block), else in this process.
    Results come in the order of ``jobs``."""
    if n_jobs in (None, 1) or n_tasks < 2:
        yield lambda fn, jobs: [fn(*job) for job in jobs]
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    cores = os.cpu_count() or 1
    workers = min(n_tasks, cores if n_jobs < 0 else n_jobs)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_one_blas_thread) as pool:
        yield lambda fn, jobs: list(pool.map(fn, *zip(*jobs))) if jobs else []


def nmf(k: int, seed: int, init: str, max_iter: int, tol: float) -> NMF:
    """The NMF of every fit: coordinate descent, seeded (members start at random, the consensus at nndsvd)."""
    return NMF(n_components=k, init=init, solver="cd", max_iter=max_iter, tol=tol, random_state=seed)


class _TransposeOnce(sp.csr_matrix):
    """A CSR matrix whose transpose is built once: scikit-learn's coordinate descent asks for ``X.T`` at every
    iteration, and on a few hundred units building it costs about a sixth of the fit. The transpose is the
    one scipy builds, so the fit is the same to the bit (test)."""

    _transpose = None

    @property
    def T(self):  # noqa: N802 (scipy's name)
        if self._transpose is None:
            self._transpose = sp.csr_matrix.transpose(self)
        return self._transpose


def member_components(X, k: int, seed: int, max_iter: int, tol: float) -> np.ndarray:
    """One ensemble member's topic-term rows: an NMF from a random start on the units outside its fold."""
    with warnings.catch_warnings():  # a member stopped at max_iter is still a member: the consensus averages
        warnings.simplefilter("ignore", ConvergenceWarning)
        return nmf(k, seed, "random", max_iter, tol).fit(_TransposeOnce(X)).components_
