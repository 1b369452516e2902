"""Benchmarks measure tinycc next to TFLite Micro and LiteRT in the same run and print ratios.

Results (medians, microseconds) are collected here and printed as a table at the end of
the session, and written to bench/results/<name>.json.
"""
import json
import os
import pathlib
import sys

# One core for what is measured: NumPy's OpenBLAS threads (woken by compile-time matrix
# products) busy-wait for a while after each call and would slow down whatever runs next on a
# machine with few cores. Set before NumPy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from harness import RESULTS  # noqa: E402


def pytest_sessionfinish(session, exitstatus):
    out = ROOT / "bench" / "results"
    for table, rows in RESULTS.items():
        cols = sorted({c for r in rows.values() for c in r}, key=lambda c: (not c.startswith("tinycc"), c))
        wd = max([24] + [len(c) + 2 for c in cols])
        lines = [f"\n== {table} ==", f"{'model':<26}" + "".join(f"{c:>{wd}}" for c in cols)]
        for model, r in rows.items():
            cells = []
            for c in cols:
                v = r.get(c)
                cells.append(f"{v:>{wd}.3f}" if isinstance(v, float) else f"{str(v if v is not None else '-'):>{wd}}")
            lines.append(f"{model:<26}" + "".join(cells))
        text = "\n".join(lines)
        print(text)
        os.makedirs(out, exist_ok=True)
        with open(out / f"{table}.json", "w") as f:
            json.dump(rows, f, indent=1)
