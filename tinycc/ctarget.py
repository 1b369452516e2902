"""A model compiled for a C target: writes the C library, and builds and runs it on the
target (the host C compiler for ``c``, QEMU for the emulated cores) to check it."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import numpy as np

from .backend_c import TARGETS_DIR, CProgram
from .errors import TinyccError
from .runtime import CompiledModel, _info


class ToolError(TinyccError):
    """A compiler or emulator the target needs is missing or failed."""


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise ToolError(f"{tool} is not installed; run 'bash targets/install_toolchains.sh'")
    return path


def _run(cmd, cwd, what, timeout=600) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise ToolError(f"{what} failed (exit {r.returncode}): {' '.join(cmd)}\n{r.stdout[-2000:]}{r.stderr[-4000:]}")
    return r


class Runner:
    """How one target builds a library with its harness and runs it on one input."""
    target = "c"

    def build(self, lib_dir: str, sources: list) -> str:
        cc = _need(os.environ.get("CC", "gcc"))
        exe = os.path.join(lib_dir, "prog")
        _run([cc, "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-I", lib_dir, "-o", exe]
             + [os.path.join(lib_dir, s) for s in sources] + [str(TARGETS_DIR / "host" / "main.c")],
             lib_dir, "building the C library")
        return exe

    def run(self, exe: str, work: str) -> None:
        _run([exe, "input.bin", "output.bin"], work, "running the model")


RUNNERS = {"c": Runner}


class CTargetModel(CompiledModel):
    """``m.write(dir)`` emits the library; ``m(x)`` builds it once and runs it on the target."""

    def __init__(self, graph, schedule, plan, target, source=None, passes_applied=()):
        self.graph, self.schedule, self.plan, self.target = graph, schedule, plan, target
        self.source = source
        self.passes_applied = list(passes_applied)
        self.inputs = [_info(graph.tensor(n)) for n in graph.inputs]
        self.outputs = [_info(graph.tensor(n)) for n in graph.outputs]
        self.program = CProgram(graph, schedule, plan, target)
        self._exe = None
        self._work = None

    def write(self, out_dir: str) -> list:
        return self.program.write(out_dir)

    def _built(self):
        if self._exe is None:
            if self.target not in RUNNERS:
                raise ToolError(f"running target {self.target} is not available yet")
            self._work = tempfile.mkdtemp(prefix="tinycc_")
            files = self.write(self._work)
            self._runner = RUNNERS[self.target]()
            self._exe = self._runner.build(self._work, [f for f in files if f.endswith(".c")])
        return self._exe

    def __call__(self, x):
        xs = [self._check(i, v) for i, v in zip(self.inputs, self._arrange(x))]
        if len(xs) != 1 or len(self.outputs) != 1:
            raise ToolError("running a C target takes single-input, single-output models")
        exe = self._built()
        with open(os.path.join(self._work, "input.bin"), "wb") as f:
            f.write(np.ascontiguousarray(xs[0]).tobytes())
        self._runner.run(exe, self._work)
        o = self.outputs[0]
        y = np.fromfile(os.path.join(self._work, "output.bin"), dtype=o.dtype).reshape(o.shape)
        return {o.name: y} if isinstance(x, dict) else y

    def __del__(self):
        if getattr(self, "_work", None):
            shutil.rmtree(self._work, ignore_errors=True)
