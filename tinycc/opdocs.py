"""docs/supported_ops.md, generated from the op table (``tinycc ops > docs/supported_ops.md``)."""
from __future__ import annotations

import textwrap

from . import ops as optable
from .backend_c import C_TARGETS, GENERIC

#: the C targets with kernels of their own (a column each) and those running every kernel portable
VECTOR_TARGETS = tuple(n for n, t in C_TARGETS.items() if not t.all_generic)
PORTABLE_TARGETS = tuple(n for n, t in C_TARGETS.items() if t.all_generic)


def _rule(fn) -> str:
    return " ".join((fn.__doc__ or fn.__name__).split())


def _target_cell(target, kernels) -> str:
    t = C_TARGETS[target]
    vec = [k for k in kernels if k in t.kernels and t.kernel_source(k) != GENERIC]
    return ", ".join(vec) if vec else "portable"


def supported_ops_markdown() -> str:
    table = optable.table()
    lines = ["# Supported operators", "",
             "Generated from the op table (`tinycc ops > docs/supported_ops.md`); a test checks it is current.",
             *textwrap.wrap(
                 f"{len(table)} operators. Every one runs on the host (NumPy reference interpreter and the compiled "
                 "executor) and on every C target (" + ", ".join(f"`{t}`" for t in C_TARGETS) + "), bit-exact "
                 "with TFLite Micro for integer types; each is checked by random differential tests "
                 "(tests/test_ops.py, 200 cases per op on the host, a sample on the C targets). The vector-target "
                 "columns name the kernels with Helium / RVV implementations; `portable` means the generic C99 "
                 "kernel is used there. The other C targets (" + ", ".join(f"`{t}`" for t in PORTABLE_TARGETS)
                 + ") use the portable kernel for every operator.", 100), "",
             "A model using an operator outside this list, or breaking one of an operator's rules, is refused",
             "at compile time with the operator's name, its index in the graph and the rule it breaks.", "",
             "| operator | dtypes | kernels | " + " | ".join(VECTOR_TARGETS) + " |",
             "|---|---|---|" + "---|" * len(VECTOR_TARGETS)]
    for name in sorted(table):
        d = table[name]
        lines.append(f"| {name} | {', '.join(d.dtypes)} | {', '.join(d.kernels)} | "
                     + " | ".join(_target_cell(t, d.kernels) for t in VECTOR_TARGETS) + " |")
    lines.append("")
    for name in sorted(table):
        d = table[name]
        lines += [f"## {name}", "", d.doc + ".", "",
                  f"- inputs: {', '.join(d.inputs)}; outputs: {', '.join(d.outputs)} "
                  f"(`?` optional, `*` one or more)",
                  f"- dtypes: {', '.join(d.dtypes)}; fusion class: {d.fusion}", "- rules:"]
        lines += [f"  - {_rule(c)}" for c in (optable.c_quantized,) + tuple(d.constraints)]
        lines.append("")
    return "\n".join(lines)
