"""`pytest --nbval notebooks/`: the kernels nbval starts use the project cache and this checkout's policylens.

nbval starts its kernels itself (over loopback TCP: it offers no other transport). They inherit this process's
environment, so setting it here keeps matplotlib, IPython and Jupyter state in ``.cache/`` rather than the home
folder, and makes a kernel started in ``notebooks/`` import the same policylens as the tests. The plotting backend
is left alone: the test process itself must not switch to the inline backend.
"""
import os

from policylens import notebooks

_env = {key: value for key, value in notebooks.kernel_env().items() if key != "MPLBACKEND"}
notebooks.make_cache_dirs(_env)
os.environ.update(_env)
