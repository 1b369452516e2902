"""examples/micro_speech's flash and RAM, measured in one run next to TFLite Micro's arenas for the same
two models: the firmware built with CMake for each Cortex-M board (`size` of its sections, the one
arena both models share, the front end's state kept apart), each library's worst-case stack and code
(`tinycc report`), the instructions one front-end window and one classification take on the core,
and TFLite Micro's arena (head + tail) per model from its Python interpreter.

    python -m pytest bench/bench_example.py -q -s
"""
import re
import subprocess
import sys

import numpy as np
import pytest

import tinycc
from tinycc.oracle import random_inputs, tflm_arena

from harness import record
from shared_models import MODELS, ROOT
from test_firmware import _cmake_build, _tool

MODELS_OF = {"audio": MODELS / "tflm" / "audio_preprocessor_int8.tflite",
             "kws": MODELS / "tflm" / "micro_speech_quantized.tflite"}


def _sections(elf) -> dict:
    out = subprocess.run([_tool("arm-none-eabi-size"), "-A", str(elf)], capture_output=True, text=True,
                         check=True).stdout
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^\.(\w+)\s+(\d+)", out, re.M)}


@pytest.mark.parametrize("target", ["cortex-m55", "cortex-m4"])
def test_example_flash_and_ram(tmp_path, monkeypatch, target):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    build = _cmake_build(ROOT / "examples" / "micro_speech", f"-DPython_EXECUTABLE={sys.executable}",
                         *(f"-D{lib.upper()}_MODEL={path}" for lib, path in MODELS_OF.items()), f"-DTARGET={target}",
                         build=tmp_path / "build")
    s = _sections(build / "micro_speech.elf")
    table = f"micro_speech firmware ({target})"
    record(table, "flash: .text + .rodata + .data", "bytes", s["text"] + s["rodata"] + s["data"])
    record(table, "static RAM: .data + .bss", "bytes", s["data"] + s["bss"])
    arenas, states = {}, {}
    for lib, path in MODELS_OF.items():
        h = (build / lib / "model.h").read_text()
        arenas[lib] = int(re.search(rf"{lib.upper()}_ARENA_SIZE (\d+)", h).group(1))
        states[lib] = int(re.search(rf"{lib.upper()}_STATE_SIZE (\d+)", h).group(1))
        m = tinycc.compile(path, target=target)
        rep = m.report()
        record(table, f"{lib}: arena / state", "bytes", f"{arenas[lib]} / {states[lib]}")
        record(table, f"{lib}: worst-case stack", "bytes", rep["stack_bytes"])
        record(table, f"{lib}: code / weights", "bytes", f"{rep['code_bytes']} / {rep['weights_bytes']}")
        m.count_instructions = True
        m(random_inputs(m.inputs, np.random.default_rng(0)))
        record(table, f"{lib}: instructions per invoke", "count", m.last_instructions)
        tflm = tflm_arena(path)
        record(table, f"{lib}: TFLite Micro arena (head + tail)", "bytes",
               f"{tflm['total']} ({tflm['head']} + {tflm['tail']})")
    ours = max(arenas.values()) + sum(states.values())
    theirs = sum(tflm_arena(p)["total"] for p in MODELS_OF.values())
    record(table, "tinycc: the shared arena + state", "bytes", ours)
    record(table, "TFLite Micro: the two arenas", "bytes", theirs)
    record(table, "ratio tinycc / TFLite Micro", "ratio", round(ours / theirs, 3))
    assert ours < theirs
