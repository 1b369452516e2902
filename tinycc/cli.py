"""The tinycc command line: compile, run, report, verify, demo.

User errors print one line to stderr and exit with status 2; `verify` exits 1 on a mismatch.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
import time

import numpy as np

from . import streaming
from .errors import InputError, TinyccError


def _compile(args):
    from . import compile
    return compile(args.model, target=args.target, vlen=getattr(args, "vlen", 128),
                   portable_kernels=getattr(args, "portable_kernels", False), plan=getattr(args, "plan", "auto"),
                   input_layout=getattr(args, "input_layout", "model"), ram_budget=getattr(args, "ram_budget", None))


def _load_npy(path, what="input"):
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as e:
        raise InputError(f"cannot read {what} {path!r}: {e}") from None


def _load_inputs(path, m) -> list:
    """The arrays of --input: an .npy for a single-input model, an .npz by input name otherwise (each
    one input, or a stack of inputs)."""
    data = _load_npy(path)
    names = [i.name for i in m.inputs]
    if isinstance(data, np.ndarray):
        if len(names) != 1:
            raise InputError(f"the model has {len(names)} inputs {names}: give an .npz with one array per input "
                             f"name")
        return [data]
    missing = [n for n in names if n not in data.files]
    if missing:
        raise InputError(f"{path!r} has arrays {data.files}; the model's inputs are {names} (missing {missing})")
    return [data[n] for n in names]


def _make_dir(path):
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        raise InputError(f"cannot create the output directory {path!r}: {e.strerror}") from None


def _save_results(path, m, results):
    """One output: an .npy (stacked over several inputs). Several outputs: an .npz with one array per
    output, by name (stacked likewise)."""
    runs = [r if isinstance(r, list) else [r] for r in results]
    arrays = [np.stack([r[i] for r in runs]) if len(runs) > 1 else runs[0][i] for i in range(len(m.outputs))]
    try:
        if len(arrays) == 1:
            np.save(path, arrays[0])
        else:
            np.savez(path, **{o.name: a for o, a in zip(m.outputs, arrays)})
    except OSError as e:
        raise InputError(f"cannot write {path!r}: {e.strerror}") from None
    return path if len(arrays) == 1 or path.endswith(".npz") else path + ".npz"


def cmd_compile(args):
    if args.name is not None and args.target == "host":
        raise InputError("--name names a C library: give a C target (--target c, cortex-m55, rv64gcv)")
    if args.name is not None:
        from .backend_c import library_name
        library_name(args.name)  # checked before compiling
    m = _compile(args)
    out = args.output or os.path.splitext(os.path.basename(args.model))[0] + "_tinycc"
    _make_dir(out)
    rep = m.report()
    if args.target == "host":
        rep["kernel_calls"] = [{"op": o.index, "kernel": c.kernel, "params": c.params, "fparams": c.fparams}
                               for o, c in streaming.kernel_calls(m.program.calls)]
        path = os.path.join(out, "plan.json")
        with open(path, "w") as f:
            json.dump(rep, f, indent=1)
        print(f"compiled {rep['model']} for host: {len(rep['ops'])} ops, arena {rep['arena_bytes']} B, "
              f"weights {rep['weights_bytes']} B -> {path}")
        return
    files = m.write(out, args.name, args.state_apart)
    fallbacks = m.program.fallbacks
    print(f"compiled {rep['model']} for {args.target}: {len(files)} files in {out} (model.h, model.c, "
          f"tinycc.mk, CMakeLists.txt, {len([f for f in files if f.startswith('tc_')])} kernel files), "
          + (f"symbols {args.name}_*, " if args.name else "") + f"arena "
          f"{rep['arena_bytes']} B, weights {rep['weights_bytes']} B"
          + (f"; portable kernels used for: {', '.join(fallbacks)}" if fallbacks else ""))


def _profile(args, m, x):
    """--profile: one inference of ``x`` with per-step instruction counts on an emulated target, or
    nanoseconds on the host (the least of 20 runs), as a table (and --plot)."""
    rows = m.profile(x)
    unit = m.profile_unit
    total = sum(v for _, v in rows) or 1
    where = f"{args.target} ({m.isa})" if args.target == "host" else args.target
    print(f"profile of {os.path.basename(args.model)} on {where}: {total:,} {unit} in {len(rows)} steps "
          f"(+{m.last_profile_overhead:,} before the first step)")
    labels = m.step_labels()
    width = min(max(len(ops) for ops, _ in labels), 60)
    print(f"{'step':>4}  {'op(s)':<{width}}  {'kernel':<24}  {unit:>13}  {'%':>6}")
    for k, ((ops, kernels), (_, v)) in enumerate(zip(labels, rows)):
        for j, line in enumerate(textwrap.wrap(ops, width) or [""]):
            if j == 0:
                print(f"{k:>4}  {line:<{width}}  {kernels if len(kernels) <= 24 else kernels[:21] + '...':<24}  "
                      f"{v:>13,}  {100 * v / total:>5.1f}%")
            else:
                print(f"{'':>4}  {line}")
    if args.plot:
        from .plot import write_profile
        write_profile(rows, f"{os.path.basename(args.model)} on {where}: {unit} per step "
                            f"({total:,} in all)", args.plot)
        print(f"wrote {args.plot}")


def cmd_run(args):
    from .oracle import random_inputs
    m = _compile(args)
    if args.plot and not args.profile:
        raise InputError("--plot goes with --profile (tinycc report --plot draws the memory plan)")
    if args.profile:
        from .ctarget import COUNTING_TARGETS
        if args.target not in COUNTING_TARGETS + ("host",):
            raise InputError(f"--profile needs the host or an emulated target: {', '.join(COUNTING_TARGETS)}")
        if args.input:
            xs = _load_inputs(args.input, m)
            if xs[0].shape != m.inputs[0].shape and xs[0].shape[1:] == m.inputs[0].shape:
                xs = [x[0] for x in xs]  # a stack of inputs: the first
        elif args.random:
            xs = [random_inputs(m.inputs, np.random.default_rng(args.seed))]
        else:
            raise InputError("give --input IN.npy or --random N")
        _profile(args, m, xs if len(xs) > 1 else xs[0])
        return
    if args.count_instructions:
        from .ctarget import COUNTING_TARGETS
        if args.target not in COUNTING_TARGETS:
            raise InputError(f"--count-instructions needs an emulated target: {', '.join(COUNTING_TARGETS)}")
        m.count_instructions = True
    if args.input:
        xs = _load_inputs(args.input, m)
        stacked = xs[0].shape != m.inputs[0].shape and xs[0].shape[1:] == m.inputs[0].shape
        runs = [[x[k] for x in xs] for k in range(len(xs[0]))] if stacked else [xs]
        results = [m(r if len(r) > 1 else r[0]) for r in runs]
        if args.count_instructions:
            print(f"instructions executed (the model's code and the library functions it calls): {m.last_instructions:,}")
    elif args.random:
        rng = np.random.default_rng(args.seed)
        results = []
        for _ in range(args.random):
            results.append(m(random_inputs(m.inputs, rng)))
            if args.count_instructions:
                print(f"instructions executed (the model's code and the library functions it calls): {m.last_instructions:,}")
    else:
        raise InputError("give --input IN.npy or --random N")
    if args.output:
        print(f"wrote {_save_results(args.output, m, results)}")
    else:
        np.set_printoptions(linewidth=120, threshold=64)
        for y in results:
            print(y)


def cmd_report(args):
    from .report import format_text
    rep = _compile(args).report()
    if args.plot:
        from .plot import write
        write(rep, args.plot)
    print(json.dumps(rep, indent=1) if args.json else format_text(rep))


def cmd_verify(args):
    from .verify import verify
    if not verify(args.model, args.target, args.samples, args.seed, reference=not args.no_reference, vlen=args.vlen,
                  plan=args.plan):
        sys.exit(1)


def cmd_demo(args):
    from . import compile
    from .oracle import random_inputs
    from .report import format_text
    from .testing import dscnn_model
    out = args.output or "tinycc_demo"
    _make_dir(out)
    path = os.path.join(out, "dscnn.tflite")
    with open(path, "wb") as f:
        f.write(dscnn_model(seed=0))
    print(f"built a keyword-spotting DS-CNN (int8, seeded weights): {path}")
    t0 = time.perf_counter()
    m = compile(path, plan="small")  # the device's least-RAM plan, run on the host
    print(f"compiled in {1e3 * (time.perf_counter() - t0):.0f} ms\n")
    print(format_text(m.report()) + "\n")
    rng = np.random.default_rng(args.seed)
    for i in range(3):
        x = random_inputs(m.inputs, rng)[0]
        y = m(x)
        probs = m.dequantize_output(y)
        print(f"input {i}: class {int(np.argmax(y))} p={probs.max():.3f}  raw {y.ravel().tolist()}")
    try:
        import tflite_micro  # noqa: F401
    except ImportError:
        print("\n(install '.[test]' to also check against TFLite Micro)")
        return
    print()
    from .verify import verify
    if not verify(path, samples=20, seed=args.seed):
        sys.exit(1)


def cmd_ops(args):
    from .opdocs import supported_ops_markdown
    print(supported_ops_markdown())


def build_parser():
    from .compiler import TARGETS
    p = argparse.ArgumentParser(prog="tinycc", description="TinyML compiler: TFLite -> bit-exact kernels and C")
    sub = p.add_subparsers(dest="cmd", required=True)

    def model_cmd(name, fn, help):
        s = sub.add_parser(name, help=help)
        s.add_argument("model", help="the .tflite model")
        s.add_argument("--target", default="host", choices=TARGETS)
        s.add_argument("--vlen", type=int, default=128, help="RVV vector length in bits for rv64gcv runs")
        s.add_argument("--plan", choices=("auto", "small", "fast"), default="small" if name == "report" else "auto",
                       help="memory plan: small (least RAM, the device's), fast (no row streaming), auto "
                            "(fast on the host, small on C targets; report defaults to small)")
        s.add_argument("--portable-kernels", action="store_true",
                       help="C targets: the portable C kernels only (the baseline of the vector kernels)")
        if name != "verify":
            s.add_argument("--input-layout", choices=("model", "nhwc"), default="model",
                           help="nhwc: an image input the model transposes from NCHW is taken in NHWC, "
                                "without the transpose")
            s.add_argument("--ram-budget", type=int, metavar="BYTES",
                           help="memory plans: the fastest plan whose arena fits BYTES (fewest streamed "
                                "blocks); an error naming the smallest arena reachable when none fits")
        s.set_defaults(fn=fn)
        return s

    s = model_cmd("compile", cmd_compile, "compile a model")
    s.add_argument("-o", "--output", help="output directory")
    s.add_argument("--name", help="C targets: prefix of the library's exported symbols, macros, Make variables and "
                                  "CMake target (NAME_invoke, NAME_ARENA_SIZE; default tinycc_invoke, "
                                  "TINYCC_ARENA_SIZE, target tinycc_model), so several models link into one program")
    s.add_argument("--state-apart", action="store_true",
                   help="C targets: keep the model's state (an LSTM's, the audio front end's noise estimate) in "
                        "the library instead of the arena, so that the arena holds nothing between invokes and "
                        "can be shared with other models")
    s = model_cmd("run", cmd_run, "compile and run a model")
    s.add_argument("--input", help="input .npy (one input, or a stack of inputs); an .npz by input name for a "
                                   "model with several inputs")
    s.add_argument("--output", help="write the output to this .npy (several outputs: an .npz by output name)")
    s.add_argument("--random", type=int, default=0, metavar="N", help="run N random inputs")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--count-instructions", action="store_true",
                   help="print the instructions executed by each inference (the emulated targets: "
                        "cortex-m4, -m7, -m33, -m55, rv64gcv)")
    s.add_argument("--profile", action="store_true",
                   help="the instructions each step of the plan executes on an emulated target, or its "
                        "nanoseconds on the host, as a table (one inference: the input, or the first random one)")
    s.add_argument("--plot", metavar="FILE", help="with --profile: draw it as a bar chart to FILE (.svg or .png)")
    s = model_cmd("report", cmd_report, "ops, MACs, weights and arena bytes")
    s.add_argument("--json", action="store_true")
    s.add_argument("--plot", metavar="FILE", help="draw the memory plan to FILE (.png or .svg)")
    s = model_cmd("verify", cmd_verify, "compare with TFLite Micro on random inputs")
    s.add_argument("--samples", type=int, default=10, help="random inputs, run as one sequence of calls")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--no-reference", action="store_true", help="skip the reference interpreter")
    s = sub.add_parser("ops", help="the supported operators with their dtypes, rules and kernels (markdown)")
    s.set_defaults(fn=cmd_ops)
    s = sub.add_parser("demo", help="build, compile and run a default DS-CNN keyword-spotting model")
    s.add_argument("-o", "--output", help="directory for the demo model (default ./tinycc_demo)")
    s.add_argument("--seed", type=int, default=0)
    s.set_defaults(fn=cmd_demo)
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        args.fn(args)
    except TinyccError as e:
        print(f"tinycc: error: {e}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
