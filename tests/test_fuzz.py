"""Fuzz the frontend and the whole compile-and-run path with mutated and truncated models:
only tinycc exceptions may come out, never another exception, a crash or a hang."""
import struct
import time

import numpy as np
import pytest

import tinycc
from tinycc.oracle import random_inputs

from shared_models import model_path

MODELS = ["kws_ref_model", "str_ww_ref_model", "ad01_int8", "pretrainedResnet_quant", "vww_96_int8"]
CASES = {"truncate": 400, "flip_bytes": 1400, "overwrite_word": 1200}


def mutate(data: bytes, kind: str, rng) -> bytes:
    d = bytearray(data)
    if kind == "truncate":
        return bytes(d[:int(rng.integers(0, len(d)))])
    # bias mutations toward the flatbuffer's tables: they sit at the start and the end of
    # the file, the bulk in between is weight data
    def pos():
        if rng.random() < 0.7:
            head = min(len(d) - 4, 4096)
            return int(rng.integers(0, head)) if rng.random() < 0.5 else int(rng.integers(len(d) - head, len(d) - 4))
        return int(rng.integers(0, len(d) - 4))
    if kind == "flip_bytes":
        for _ in range(int(rng.integers(1, 8))):
            d[pos()] ^= 1 << int(rng.integers(0, 8))
    else:
        value = int(rng.choice([0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, int(rng.integers(0, 1 << 32)),
                                int(rng.integers(0, 256))]))
        struct.pack_into("<I", d, pos(), value)
    return bytes(d)


def exercise(data: bytes, rng):
    try:
        m = tinycc.compile(data)
    except tinycc.TinyccError:
        return "refused"
    if m.report()["macs"] > 50_000_000:  # a mutated shape can make a valid but huge model
        return "compiled"
    m(random_inputs(m.inputs, rng))
    return "ran"


@pytest.mark.parametrize("kind", list(CASES))
def test_fuzz_models(kind, tmp_path):
    rng = np.random.default_rng(sum(map(ord, kind)))
    originals = [model_path(n).read_bytes() for n in MODELS]
    outcomes = {}
    for i in range(CASES[kind]):
        data = mutate(originals[i % len(originals)], kind, rng)
        t0 = time.perf_counter()
        try:
            r = exercise(data, rng)
        except Exception as e:  # anything but a TinyccError is a bug
            path = tmp_path / f"fuzz_failure_{kind}_{i}.tflite"
            with open(path, "wb") as f:
                f.write(data)
            raise AssertionError(f"case {i} ({MODELS[i % len(MODELS)]}): {type(e).__name__}: {e}; saved {path}")
        assert time.perf_counter() - t0 < 10, f"case {i} took too long"
        outcomes[r] = outcomes.get(r, 0) + 1
    print(kind, outcomes)
    assert outcomes.get("refused", 0) > 0
