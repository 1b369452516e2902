"""Reference runtimes tinycc is checked against: TFLite Micro (bit-exact ground truth for
integer models) and LiteRT (the TFLite interpreter; float reference and speed anchor)."""
from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

from .errors import TinyccError

INSTALL_HINT = "install the test extras: pip install '.[test]'"


def _read(model) -> bytes:
    if isinstance(model, (bytes, bytearray)):
        return bytes(model)
    with open(model, "rb") as f:
        return f.read()


@contextlib.contextmanager
def _quiet_stderr():
    """TFLM and LiteRT print banners to the C-level stderr; keep the CLI's output clean."""
    fd = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(fd, 2)
        os.close(fd)


class TFLM:
    """TFLite Micro's Python interpreter; with ``preserve`` it keeps every intermediate tensor
    (``tensor(index)``), each in its own memory."""

    def __init__(self, model, n_outputs: int = 1, preserve: bool = False):
        try:
            from tflite_micro.python.tflite_micro import runtime
        except ImportError:
            raise TinyccError(f"the tflite-micro package is not installed; {INSTALL_HINT}") from None
        data = _read(model)
        config = runtime.InterpreterConfig.kPreserveAllTensors if preserve else \
            runtime.InterpreterConfig.kAllocationRecording
        with _quiet_stderr():  # the default arena (10x the model) is too small for some models
            self.ip = runtime.Interpreter.from_bytes(data, arena_size=(20 if preserve else 10) * len(data) + (4 << 20),
                                                     intrepreter_config=config)
        self.n_outputs = n_outputs

    def __call__(self, inputs: list) -> list:
        for i, x in enumerate(inputs):
            self.ip.set_input(x, i)
        self.ip.invoke()
        return [self.ip.get_output(i) for i in range(self.n_outputs)]

    def reset(self):
        """Put the variable tensors (an LSTM's state) back to their initial values."""
        self.ip.reset()

    def tensor(self, index: int) -> np.ndarray:
        """The tensor of the model's subgraph 0 with this index, as the last invoke left it."""
        return np.array(self.ip.GetTensor(index, 0)["tensor_data"])


_TFLM_ALLOCATIONS = """
import sys
from tflite_micro.python.tflite_micro import runtime
data = open(sys.argv[1], "rb").read()
ip = runtime.Interpreter.from_bytes(data, arena_size=10 * len(data) + (4 << 20))
ip.print_allocations()
"""


def tflm_arena(model) -> dict:
    """TFLite Micro's arena use for ``model`` (a path or the model's bytes), from its
    print_allocations() in a child process: {"total", "head" (the planned activations), "tail" (what
    stays allocated: tensor and node structs, the kernels' persistent buffers), "variables" (the
    variable tensors, in the tail)} in bytes; {} when TFLM refuses the model."""
    with tempfile.NamedTemporaryFile(suffix=".tflite") as f:
        if isinstance(model, bytes):
            f.write(model)
            f.flush()
            model = f.name
        r = subprocess.run([sys.executable, "-c", _TFLM_ALLOCATIONS, str(model)], capture_output=True, text=True,
                           timeout=300)
    text = r.stdout + r.stderr
    out = {k: int(n) for k, n in re.findall(r"Arena allocation (total|head|tail) (\d+) bytes", text)}
    if out:
        state = re.search(r"'TfLiteTensor variable buffer data' used (\d+) bytes", text)
        out["variables"] = int(state.group(1)) if state else 0
    return out


def tflm_head(model):
    """TFLite Micro's planned activation bytes for ``model`` plus its variable tensors (state: TFLM
    keeps them in its arena's tail, tinycc in its arena); None when TFLM refuses the model."""
    a = tflm_arena(model)
    return a["head"] + a["variables"] if a else None


class LiteRT:
    """The LiteRT (TFLite) interpreter; ``kernels`` is "xnnpack" (default delegate),
    "builtin" (no delegates) or "reference" (the reference kernels)."""

    def __init__(self, model, kernels: str = "xnnpack", threads: int = 1):
        try:
            from ai_edge_litert import interpreter as litert
        except ImportError:
            raise TinyccError(f"the ai-edge-litert package is not installed; {INSTALL_HINT}") from None
        resolver = {"xnnpack": litert.OpResolverType.AUTO,
                    "builtin": litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
                    "reference": litert.OpResolverType.BUILTIN_REF}[kernels]
        with _quiet_stderr():
            self.ip = litert.Interpreter(model_content=_read(model), num_threads=threads,
                                         experimental_op_resolver_type=resolver)
            self.ip.allocate_tensors()
        self.ins = [d["index"] for d in self.ip.get_input_details()]
        self.outs = [d["index"] for d in self.ip.get_output_details()]

    def __call__(self, inputs: list) -> list:
        for i, x in zip(self.ins, inputs):
            self.ip.set_tensor(i, x)
        self.ip.invoke()
        return [self.ip.get_tensor(o) for o in self.outs]


def random_inputs(infos, rng) -> list:
    """One random input per model input: the full integer range, or N(0, 1) floats."""
    xs = []
    for info in infos:
        if np.issubdtype(info.dtype, np.integer):
            lim = np.iinfo(info.dtype)
            xs.append(rng.integers(lim.min, int(lim.max) + 1, size=info.shape).astype(info.dtype))
        else:
            xs.append(rng.standard_normal(info.shape).astype(info.dtype))
    return xs
