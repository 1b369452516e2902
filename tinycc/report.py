"""What a compiled model costs: ops, MACs, weight bytes, arena bytes, buffer placement."""
from __future__ import annotations

from . import ops as optable
from . import planner, streaming


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
    plan = m.plan
    n = len(m.schedule)
    tensors = []
    pos = {op.id: i for i, op in enumerate(m.schedule)}
    heads = {f"{c[-1].id}:scratch": pos[c[0].id] for c in streaming.members(g).values()}
    for b in sorted(plan.buffers.values(), key=lambda b: (b.start, b.name)):
        tensors.append({"name": b.name, "tensors": list(b.members), "offset": b.offset, "size": b.size,
                        "first_op": heads.get(b.name, max(b.start - 1, 0) // 2), "last_op": min(b.end // 2, n - 1),
                        "scratch": b.name.endswith(":scratch"), "line_buffers": b.name in heads})
    live = [0] * n  # activation bytes live at each op, without in-place reuse
    for b in plan.buffers.values():
        for i in range(max(b.start - 1, 0) // 2, min(b.end // 2, n - 1) + 1):
            if not b.name.endswith(":scratch"):
                live[i] += b.size
    peak = planner.peak(plan, n)[0]
    patches = []
    for c in streaming.members(g).values():
        stripes, band = streaming.patch(c)
        if stripes > 1:
            patches.append({"ops": [pos[op.id] for op in c], "stripes": stripes, "band": band,
                            "extra_macs": streaming.patch_macs(g, c, stripes, band) - streaming.patch_macs(g, c, 1, 0)})
    return {
        "model": g.name,
        "target": m.target,
        "ops": ops,
        "macs": sum(o["macs"] for o in ops),
        "weights_bytes": int(weights),
        "arena_bytes": int(plan.arena_bytes),
        "state_bytes": int(sum(g.tensor(n).nbytes for n in g.states())),  # in the arena, kept between invokes
        "lower_bound_bytes": int(max(live, default=0)),
        "peak_op": peak,
        "alignment": plan.alignment,
        "inplace_ops": sorted(op.index for op in m.schedule if op.id in plan.inplace),
        "streamed_blocks": [[pos[op.id] for op in c] for c in streaming.members(g).values()],
        "patches": patches,  # streamed blocks run in patches: stripes, rows per band, MACs computed again
        "extra_macs": sum(p["extra_macs"] for p in patches),
        "inputs": [{"name": i.name, "shape": list(i.shape), "dtype": i.dtype.name, "scale": i.scale,
                    "zero_point": i.zero_point} for i in m.inputs],
        "nhwc_inputs": [nhwc for _, nhwc in getattr(m.graph, "nhwc_inputs", ())],  # input_layout="nhwc" used
        "outputs": [{"name": o.name, "shape": list(o.shape), "dtype": o.dtype.name, "scale": o.scale,
                     "zero_point": o.zero_point} for o in m.outputs],
        "tensors": tensors,
        "passes_applied": m.passes_applied,
    }


def format_text(r: dict) -> str:
    flash = all("target_weights_bytes" in o for o in r["ops"]) and r["ops"]  # a C target's report
    w = max([20] + [len(o["op"]) for o in r["ops"]])
    lines = [f"model {r['model']} (target {r['target']})",
             f"{'#':>3}  {'op':<{w}} {'output':<18} {'dtype':<8} {'MACs':>10}" + (f" {'weights B':>10}" if flash else "")]
    for o in r["ops"]:
        lines.append(f"{o['index']:>3}  {o['op']:<{w}} {str(o['output'][0]):<18} {o['dtype']:<8} {o['macs']:>10,}"
                     + (f" {o['target_weights_bytes']:>10,}" if flash else ""))
    lines.append(f"MACs {r['macs']:,}   weights {r['weights_bytes']:,} B   arena {r['arena_bytes']:,} B "
                 f"(no-in-place lower bound {r['lower_bound_bytes']:,} B, peak at op {r['peak_op']})")
    if r.get("state_bytes"):
        lines.append(f"state {r['state_bytes']:,} B of the arena, kept from one invoke to the next (reset by "
                     f"<name>_reset)")
    if "code_bytes" in r:
        lines.append(f"code {r['code_bytes']:,} B (kernels and glue)"
                     + (": " + ", ".join(f"{f} {n:,}" for f, n in r["code_bytes_by_file"].items())
                        if r.get("code_bytes_by_file") else ""))
    if r.get("stack_bytes"):
        path = r["stack_path"]
        calls = " > ".join(f"{f} x{path.count(f)}" if path.count(f) > 1 else f for f in dict.fromkeys(path))
        lines.append(f"stack {r['stack_bytes']:,} B at the deepest ({calls}): RAM = arena {r['arena_bytes']:,} + "
                     f"stack = {r['arena_bytes'] + r['stack_bytes']:,} B")
    if r.get("library_code_bytes"):
        lib = r["library_code_bytes"]
        lines.append(f"library functions it calls {sum(lib.values()):,} B: " + ", ".join(f"{f} {n:,}" for f, n in lib.items()))
    if r.get("streamed_blocks"):
        lines.append(f"streamed blocks (row band by row band, intermediates in line buffers): "
                     + ", ".join(f"ops {c[0]}-{c[-1]}" for c in r["streamed_blocks"]))
    if r.get("patches"):
        lines.append(f"in patches (column stripes x row bands, seams computed again): "
                     + ", ".join(f"ops {p['ops'][0]}-{p['ops'][-1]} {p['stripes']} x {p['band']} rows "
                                 f"(+{p['extra_macs']:,} MACs)" for p in r["patches"])
                     + f"; {r['extra_macs']:,} MACs more in all ({100 * r['extra_macs'] / max(r['macs'], 1):.1f}%)")
    if r.get("nhwc_inputs"):
        lines.append(f"input layout: NHWC (the model's NCHW transpose removed) for {', '.join(r['nhwc_inputs'])}")
    return "\n".join(lines)
