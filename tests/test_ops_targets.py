"""The differential op cases on every C target: a sample per op, bit-exact with TFLite Micro.

Each target configuration builds one program holding SAMPLES random cases of every op (the
cases of tests/opcases, each a separate subgraph of one merged graph, so one build and one QEMU
run test them all) and compares every output with TFLite Micro's on that case's own model:
integers bit for bit, float32 within twice the error bound of the op's arithmetic (tinycc.tolerance);
an op's samples differ in their tensor types
where its cases allow (int8, int16, float32). The program runs twice in a row (one target
run of two inferences) so that ops with state (LSTM) show they carry it over.
"""
import dataclasses

import numpy as np
import pytest

import tinycc
from tinycc import interpreter, tflite_reader, tolerance
from tinycc.ir import Graph
from tinycc.oracle import TFLM

from opcases import CASES
from test_ops import compare

CONFIGS = [("c", 128), ("cortex-m4", 128), ("cortex-m55", 128), ("rv64gcv", 128), ("rv64gcv", 256)]
SAMPLES = 4
SIZE = 5
CALLS = 2


def merged_cases():
    """(merged graph, inputs, TFLM outputs per case and call, their error bounds, case names, output
    spans)."""
    merged = Graph("op cases")
    inputs, wants, bounds, names, spans = [], [], [], [], []
    k = 0
    for op in sorted(CASES):
        seen = set()
        for j in range(SAMPLES):
            gen = CASES[op][j % len(CASES[op])]
            seed, data, xs, g = _distinct_case(gen, 7919 * (sum(map(ord, op)) + 31 * j), seen)
            rename = {t.name: f"c{k}/{t.name}" for t in g.tensors()}
            for t in g.tensors():
                merged.add_tensor(dataclasses.replace(t, name=rename[t.name]))
            for o in g.ops():
                merged.add_op(o.kind, [rename[n] if n is not None else None for n in o.inputs],
                              [rename[n] for n in o.outputs], o.options)
            merged.inputs += [rename[n] for n in g.inputs]
            start = len(merged.outputs)
            merged.outputs += [rename[n] for n in g.outputs]
            inputs += list(xs)
            oracle = TFLM(data, len(g.outputs))
            wants.append([oracle(xs) for _ in range(CALLS)])
            state = [interpreter.initial_state(g), tolerance.initial_error_state(g)]
            bounds.append([tolerance.bounds(g, list(xs), *state)[1] for _ in range(CALLS)])
            names.append(f"{op} sample {j} (seed {seed})")
            spans.append((start, len(merged.outputs)))
            k += 1
    return merged, inputs, wants, bounds, names, spans


def _distinct_case(gen, seed0, seen, tries=24):
    """The first of a few seeds from seed0 whose case has tensor dtypes no earlier sample of the op
    had (int8, int16, float32 and mixes get a sample each where the op has them), else seed0's."""
    first = None
    for seed in range(seed0, seed0 + tries):
        data, xs = gen(np.random.default_rng(seed), SIZE)
        g = tflite_reader.load(data)
        kinds = tuple(sorted({str(t.dtype) for t in g.tensors() if not t.is_const}))
        first = first or (seed, data, xs, g, kinds)
        if kinds not in seen:
            seen.add(kinds)
            return seed, data, xs, g
    return first[:4]


@pytest.fixture(scope="module")
def cases():
    return merged_cases()


@pytest.mark.parametrize("target,vlen", CONFIGS, ids=[f"{t}-vlen{v}" if t == "rv64gcv" else t for t, v in CONFIGS])
def test_op_samples_on_target(cases, target, vlen):
    graph, inputs, wants, bounds, names, spans = cases
    m = tinycc.compile(graph.copy(), target=target, vlen=vlen)
    runs = m.run_sequence([list(inputs)] * CALLS)
    failures = []
    for call, got in enumerate(runs):
        got = got if isinstance(got, list) else [got]
        for want, bound, name, (lo, hi) in zip(wants, bounds, names, spans):
            try:
                compare(want[call], got[lo:hi], f"{name} on {target}, call {call}", bound[call])
            except AssertionError as e:
                failures.append(str(e).splitlines()[0])
    assert not failures, f"{len(failures)} of {len(names)} cases fail:\n" + "\n".join(failures[:30])


@pytest.mark.parametrize("target", ["c", "cortex-m4"])
def test_audio_preprocessor_builtin_ops_on_target(target):
    """The audio preprocessor's builtin ops (test_ops._preprocessor_models: uint32 and int16 inputs,
    unquantized int8 output) on a C target, bit-exact with TFLite Micro."""
    from test_ops import _preprocessor_models
    spectrum, features = _preprocessor_models()
    rng = np.random.default_rng(3)
    energy = rng.integers(0, 2 ** 32, 257, dtype=np.uint64).astype(np.uint32)
    log_mel = rng.integers(-32768, 32768, 40).astype(np.int16)
    for data, xs in [(spectrum, [energy])] + [(f, [log_mel]) for f in features.values()]:
        got = tinycc.compile(data, target=target).run_sequence([xs])[0]
        compare(TFLM(data)(xs), got if isinstance(got, list) else [got], f"{target}", [0.0])
