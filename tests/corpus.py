"""The real-model corpus: every model TensorFlow Lite Micro ships (``$TINYCC_MODELS/tflm``, SEANet's
layers included) and the MLPerf Tiny int8 models, compiled and run by tinycc and by TFLite Micro.

Every model is checked with ``tinycc.verify`` (integers bit-exact, floats layer by layer within
each op's error bound; models with state over a sequence of calls without a reset), on the host
and on each C target, built alone as a user would build it. SEANet's 127 single-layer models are
the exception on the C targets: they are merged into one program per batch (each layer keeps its
own inputs and outputs; one build and one emulator run for the batch) and compared with TFLite
Micro layer by layer. Only models with custom operators may be refused, and the refusal must name
them.

    python tests/corpus.py                       # the host and every C target (cortex-m7 and
                                                 # cortex-m33 too), all models (slow)
    python tests/corpus.py --targets host        # the host only
    python tests/corpus.py --sample 8            # C targets on every 8th model (what CI runs)
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import pathlib
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import tinycc  # noqa: E402

from tinycc import isa  # noqa: E402

from tinycc.errors import TinyccError, UnsupportedError  # noqa: E402
from tinycc.ir import Graph  # noqa: E402
from tinycc.oracle import TFLM, random_inputs  # noqa: E402
from tinycc.verify import verify  # noqa: E402

from shared_models import INT8_MODELS, MODELS  # noqa: E402

C_TARGETS = [("c", 128), ("cortex-m4", 128), ("cortex-m55", 128), ("rv64gcv", 128)]
#: run by this script's default (the slow run), not by tests/test_corpus.py: the Cortex-M4's kernels
#: built for the Cortex-M7 and Cortex-M33 (CI runs a model on each, tests/test_targets.py)
SLOW_TARGETS = [("cortex-m7", 128), ("cortex-m33", 128)]
WEIGHT_LIMIT = 1 << 20  # C targets run the models with less than 1 MB of weights
CALLS = 3  # invocations per check, in a row (state carries over)
BATCH_WEIGHTS = 2 << 20  # weights per merged C program


def corpus() -> list:
    """(name, path) of every corpus model: tflm/, tflm/seanet/, then the MLPerf int8 models."""
    tflm = MODELS / "tflm"
    paths = sorted(tflm.glob("*.tflite")) + sorted((tflm / "seanet").glob("*.tflite"))
    if len(paths) < 100:  # a missing corpus is a broken checkout, not a reason to skip
        raise FileNotFoundError(f"the model corpus is missing from {tflm} (found {len(paths)} models); set "
                                f"TINYCC_MODELS to the models directory")
    rows = [(str(p.relative_to(MODELS)), p) for p in paths]
    return rows + [(f"{n}.tflite", MODELS / f"{n}.tflite") for n in INT8_MODELS]


@dataclasses.dataclass
class Row:
    name: str
    path: pathlib.Path
    compiled: str = ""  # "yes", "refused: custom op", or "NO: <why>"
    weights: int = 0
    results: dict = dataclasses.field(default_factory=dict)  # target -> "yes" / "NO: <why>"
    graph: Graph = None
    floats: bool = False

    @property
    def refused_custom(self) -> bool:
        return self.compiled.startswith("refused")

    def ok(self, targets) -> bool:
        if self.refused_custom:
            return True
        return self.compiled == "yes" and all(self.results.get(t, "yes") == "yes" for t in targets)


def check_host(row: Row) -> Row:
    try:
        m = tinycc.compile(row.path)
    except UnsupportedError as e:
        custom = "custom operator" in str(e) and "builtin operators" in str(e)
        row.compiled = "refused: custom op" if custom else f"NO: {str(e)[:160]}"
        return row
    except TinyccError as e:
        row.compiled = f"NO: {str(e)[:160]}"
        return row
    row.compiled, row.graph = "yes", m.source
    row.weights = sum(t.nbytes for t in m.source.tensors() if t.is_const)
    row.floats = any(t.dtype == np.float32 for t in m.source.tensors() if not t.is_const)
    lines = []
    small = m.report()["macs"] < 20_000_000  # the NumPy reference interpreter too, where it is quick
    ok = verify(row.path, samples=CALLS, reference=small, out=lines.append)
    row.results["host"] = "yes" if ok else "NO: " + next(ln for ln in lines if "MISMATCH" in ln)[-200:]
    if not row.floats:
        row.results["host, every ISA"] = check_isas(m, row.path)
    return row


def check_isas(m, path) -> str:
    """The integer model under every instruction set this CPU has (tinycc.isa.cpu_levels()): its
    outputs over CALLS calls against TFLite Micro's, bit for bit."""
    rng = np.random.default_rng(11)
    calls = [random_inputs(m.inputs, rng) for _ in range(CALLS)]
    oracle = TFLM(path, len(m.outputs))
    want = [oracle(x) for x in calls]
    for level in isa.cpu_levels():
        runs = m.with_isa(level).run_sequence(calls)
        for c, (got, w) in enumerate(zip(runs, want)):
            got = got if isinstance(got, list) else [got]
            for i, (g, o) in enumerate(zip(got, w)):
                if not np.array_equal(g, o):
                    return f"NO: {level}, call {c} output {i}: {int(np.count_nonzero(g != o))} of {o.size} differ"
    return "yes"


def merge(graphs: list) -> tuple:
    """One graph running several models side by side: (merged graph, [(first input, end), ...],
    [(first output, end), ...]) per model; tensors renamed m<k>/<name>."""
    merged = Graph("corpus batch")
    ins, outs = [], []
    for k, g in enumerate(graphs):
        rename = {t.name: f"m{k}/{t.name}" for t in g.tensors()}
        for t in g.tensors():
            merged.add_tensor(dataclasses.replace(t, name=rename[t.name]))
        for o in g.ops():
            merged.add_op(o.kind, [rename[n] if n is not None else None for n in o.inputs],
                          [rename[n] for n in o.outputs], o.options, index=o.index)
        ins.append((len(merged.inputs), len(merged.inputs) + len(g.inputs)))
        outs.append((len(merged.outputs), len(merged.outputs) + len(g.outputs)))
        merged.inputs += [rename[n] for n in g.inputs]
        merged.outputs += [rename[n] for n in g.outputs]
    return merged, ins, outs


def check_batch(rows: list, target: str, vlen: int):
    """The integer models of ``rows`` in one program on ``target``: each model's outputs over CALLS
    calls against TFLite Micro's, bit for bit."""
    graphs, fine = [], []
    for row in rows:
        try:
            tinycc.compile(row.graph.copy(), target=target, vlen=vlen)
        except TinyccError as e:
            row.results[target] = f"NO: {str(e)[:160]}"
            continue
        graphs.append(row.graph)
        fine.append(row)
    if not fine:
        return
    merged, ins, outs = merge(graphs)
    rng = np.random.default_rng(7)
    calls = [[x for row in fine for x in random_inputs(tinycc.compile(row.graph).inputs, rng)] for _ in range(CALLS)]
    try:
        runs = tinycc.compile(merged, target=target, vlen=vlen).run_sequence(calls)
    except TinyccError as e:
        for row in fine:
            row.results[target] = f"NO: batch failed: {str(e)[:160]}"
        return
    for row, (i0, i1), (o0, o1) in zip(fine, ins, outs):
        oracle = TFLM(row.path, o1 - o0)
        bad = []
        for c in range(CALLS):
            got = runs[c] if isinstance(runs[c], list) else [runs[c]]
            for i, (g, w) in enumerate(zip(got[o0:o1], oracle(calls[c][i0:i1]))):
                if not np.array_equal(g, w):
                    bad.append(f"call {c} output {i}: {int(np.count_nonzero(g != w))} of {w.size} differ")
        row.results[target] = "yes" if not bad else "NO: " + bad[0]


def _merged(row) -> bool:
    return "/seanet/" in row.name and not row.floats


def check_target(rows: list, target: str, vlen: int):
    """Every compiled model under WEIGHT_LIMIT on ``target``: one by one through verify, SEANet's
    integer layers in merged batches."""
    todo = [r for r in rows if r.compiled == "yes" and r.weights < WEIGHT_LIMIT]
    for row in [r for r in todo if not _merged(r)]:
        lines = []
        ok = verify(row.path, target=target, vlen=vlen, samples=CALLS, reference=False, out=lines.append)
        row.results[target] = "yes" if ok else "NO: " + lines[0][-200:]
    batch, size = [], 0
    for row in [r for r in todo if _merged(r)]:
        if batch and size + row.weights > BATCH_WEIGHTS:
            check_batch(batch, target, vlen)
            batch, size = [], 0
        batch.append(row)
        size += row.weights
    if batch:
        check_batch(batch, target, vlen)


def run(targets=("host",) + tuple(t for t, _ in C_TARGETS), sample: int = 1, out=print) -> list:
    """Check the corpus; C targets on every ``sample``-th model (1: all). Prints the table."""
    t0 = time.time()
    rows = [check_host(Row(name, path)) for name, path in corpus()]
    for target, vlen in C_TARGETS + SLOW_TARGETS:
        if target in targets:
            check_target([r for k, r in enumerate(rows) if k % sample == 0], target, vlen)
    columns = [c for t in targets for c in ((t, "host, every ISA") if t == "host" else (t,))]
    out(table(rows, columns))
    out(f"({len(rows)} models in {time.time() - t0:.0f} s)")
    return rows


def table(rows, targets) -> str:
    head = ["model", "weights", "compiled"] + [f"matches TFLM ({t})" for t in targets]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r.name, f"{r.weights:,}" if r.weights else "-", r.compiled.split(":")[0] if r.compiled.startswith(
            "NO") else r.compiled] + [r.results.get(t, "-" if r.compiled == "yes" else "") for t in targets]
        lines.append("| " + " | ".join(c if not c.startswith("NO:") else "NO" for c in cells) + " |")
    compiled = sum(r.compiled == "yes" for r in rows)
    lines.append("")
    lines.append(f"{len(rows)} models: {compiled} compiled, {sum(r.refused_custom for r in rows)} refused for "
                 f"custom operators, {len(rows) - compiled - sum(r.refused_custom for r in rows)} failed to compile")
    for t in targets:
        ran = [r for r in rows if t in r.results]
        lines.append(f"{t}: {sum(r.results[t] == 'yes' for r in ran)} of {len(ran)} run match TFLite Micro")
    failures = [(r.name, v) for r in rows for v in [r.compiled] + list(r.results.values()) if v.startswith("NO")]
    lines += [f"  {n}: {v}" for n, v in failures]
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--targets", default="host," + ",".join(t for t, _ in C_TARGETS + SLOW_TARGETS))
    p.add_argument("--sample", type=int, default=1, help="C targets on every Nth model")
    args = p.parse_args(argv)
    rows = run(tuple(args.targets.split(",")), args.sample)
    sys.exit(0 if all(r.ok(args.targets.split(",")) for r in rows) else 1)


if __name__ == "__main__":
    os.environ.setdefault("TINYCC_MODELS", str(MODELS))
    main()
