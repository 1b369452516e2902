"""What a compiled model costs: ops, MACs, weight bytes, arena bytes, buffer placement."""
from __future__ import annotations

from . import ops as optable


def report(m) -> dict:
    g = m.graph
    ops = []
    for i, op in enumerate(m.schedule):
        ops.append({
            "index": i, "op": op.kind, "source_index": op.index,
            "inputs": [list(g.tensor(n).shape) for n in op.inputs if n is not None],
            "output": [list(g.tensor(n).shape) for n in op.outputs],
            "dtype": g.tensor(op.outputs[0]).dtype.name,
            "macs": int(optable.get(op.kind).macs(op, g)),
        })
    weights = sum(t.nbytes for t in g.tensors() if t.is_const)
    tensors = [{"name": b.name, "offset": b.offset, "size": b.size, "first_op": b.start // 2,
                "last_op": min(b.end // 2, len(m.schedule) - 1)}
               for b in sorted(m.plan.buffers.values(), key=lambda b: (b.start, b.name))]
    return {
        "model": g.name,
        "target": m.target,
        "ops": ops,
        "macs": sum(o["macs"] for o in ops),
        "weights_bytes": int(weights),
        "arena_bytes": int(m.plan.arena_bytes),
        "alignment": m.plan.alignment,
        "inputs": [{"name": i.name, "shape": list(i.shape), "dtype": i.dtype.name, "scale": i.scale,
                    "zero_point": i.zero_point} for i in m.inputs],
        "outputs": [{"name": o.name, "shape": list(o.shape), "dtype": o.dtype.name, "scale": o.scale,
                     "zero_point": o.zero_point} for o in m.outputs],
        "tensors": tensors,
        "passes_applied": m.passes_applied,
    }


def format_text(r: dict) -> str:
    lines = [f"model {r['model']} (target {r['target']})",
             f"{'#':>3}  {'op':<20} {'output':<18} {'dtype':<8} {'MACs':>10}"]
    for o in r["ops"]:
        lines.append(f"{o['index']:>3}  {o['op']:<20} {str(o['output'][0]):<18} {o['dtype']:<8} {o['macs']:>10,}")
    lines.append(f"MACs {r['macs']:,}   weights {r['weights_bytes']:,} B   arena {r['arena_bytes']:,} B")
    return "\n".join(lines)
