"""A model compiled for a C target: writes the C library, and builds and runs it on the
target (the host C compiler for ``c``, QEMU for the emulated cores) to check it."""
from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile

import numpy as np

from . import streaming
from .backend_c import TARGETS_DIR, CProgram
from .errors import TinyccError
from .runtime import CompiledModel, _info


class ToolError(TinyccError):
    """A compiler or emulator the target needs is missing or failed."""


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise ToolError(f"{tool} is not installed; run 'bash targets/install_toolchains.sh'")
    return path


def _run(cmd, cwd, what, timeout=600) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise ToolError(f"{what} failed (exit {r.returncode}): {' '.join(cmd)}\n{r.stdout[-2000:]}{r.stderr[-4000:]}")
    return r


class Runner:
    """How one target builds a library with its harness and runs it on one input."""
    count_supported = False

    def __init__(self, vlen: int = 128):
        self.vlen = vlen

    def build(self, lib_dir: str, sources: list, variant: str = None) -> str:
        if variant:
            raise ToolError(f"a {variant} build needs an emulated target ({', '.join(COUNTING_TARGETS)})")
        cc = _need(os.environ.get("CC", "gcc"))
        exe = os.path.join(lib_dir, "prog")
        extra = os.environ.get("CFLAGS", "").split()  # e.g. sanitizers
        _run([cc, "-std=c99", "-O2", "-fno-strict-aliasing", "-Wall", "-Wextra", "-Werror", *extra, "-I", lib_dir, "-o", exe]
             + [os.path.join(lib_dir, s) for s in sources] + [str(TARGETS_DIR / "host" / "main.c"), "-lm"],
             lib_dir, "building the C library")
        return exe

    def run(self, exe: str, work: str, count: bool = False, profile: bool = False):
        if count or profile:
            raise ToolError(f"instruction counts need an emulated target ({', '.join(COUNTING_TARGETS)})")
        _run([exe, "input.bin", "output.bin"], work, "running the model")


class QemuRunner(Runner):
    """Builds with targets/<board>/board.mk and runs under QEMU; counts the instructions each
    inference executes with the TCG plugin in targets/qemu_plugin: everything between the
    harness's marks around the invoke call (the model's code and the library functions it calls,
    none of the harness's I/O)."""
    board = ""
    nm = ""
    count_supported = True

    #: the builds besides the plain one: name -> the define (the library marks each step; the harness
    #: measures the stack an inference uses, on the bare-metal boards)
    VARIANTS = {"profile": "TINYCC_PROFILE", "stack": "TINYCC_STACK_MEASURE"}

    def build(self, lib_dir: str, sources: list, variant: str = None) -> str:
        """``variant`` (VARIANTS): "profile" built with -DTINYCC_PROFILE, as profile.elf; "stack" with
        -DTINYCC_STACK_MEASURE (the harness writes stack.txt), as stack.elf."""
        _need("make")
        elf = os.path.join(lib_dir, f"{variant or 'model'}.elf")
        _run(["make", "-s", "-f", str(TARGETS_DIR / self.board / "board.mk"), f"MODEL_DIR={lib_dir}",
              f"ELF={elf}", f"OPT={os.environ.get('TINYCC_OPT', '-O2')}"]
             + ([f"EXTRA_CFLAGS=-D{self.VARIANTS[variant]}"] if variant else []), lib_dir, f"building for {self.board}")
        return elf

    def qemu(self, elf: str, args=("input.bin", "output.bin")) -> list:
        """The QEMU command line running ``elf`` with the program arguments ``args`` (file paths
        relative to the working directory)."""
        raise NotImplementedError

    def run(self, exe: str, work: str, count: bool = False, profile: bool = False):
        """The instructions executed (``count``), or with ``profile`` (a profile build) the pair
        (total, {step: instructions}; step -1: from the start mark to the first step)."""
        cmd = self.qemu(exe)
        if count or profile:
            names = ("harness_count_start", "harness_count_stop") + (("tc_profile_mark",) if profile else ())
            # a Thumb function's symbol has bit 0 set; its first instruction is at the even address
            addrs = [a & ~1 for a in _symbols(self.nm, exe, *names)]
            args = ",".join(f"{k}={a:#x}" for k, a in zip(("start", "stop", "mark"), addrs))
            cmd[1:1] = ["-plugin", f"{_plugin()},{args},out=count.txt", "-d", "plugin"]
        _run(cmd, work, f"running on {self.board} under QEMU")
        if not (count or profile):
            return None
        total, steps = None, {}
        with open(os.path.join(work, "count.txt")) as f:
            for line in f:
                key, value = line.rsplit(":", 1)
                if key == "insns":
                    total = int(value)
                else:
                    steps[-1 if key == "before" else int(key.split()[1])] = int(value)
        return (total, steps) if profile else total


class CortexMRunner(QemuRunner):
    """A Cortex-M core on a QEMU machine, bare metal (targets/cortex-m: semihosting I/O, main's
    return value QEMU's exit status)."""
    nm = "arm-none-eabi-nm"
    machine = ""

    def qemu(self, elf, args=("input.bin", "output.bin")):
        if any(" " in a or "," in a for a in args):  # semihosting splits its command line at spaces
            raise ToolError(f"program arguments with a space or a comma: {args}")
        return [_need("qemu-system-arm"), "-M", self.machine, "-nographic", "-monitor", "none", "-serial", "none",
                "-semihosting-config", ",".join(["enable=on,target=native", f"arg={os.path.basename(elf)}"]
                                                + [f"arg={a}" for a in args]), "-kernel", elf]


class CortexM4Runner(CortexMRunner):
    board, machine = "cortex-m4", "mps2-an386"


class CortexM7Runner(CortexMRunner):
    board, machine = "cortex-m7", "mps2-an500"


class CortexM33Runner(CortexMRunner):
    board, machine = "cortex-m33", "mps2-an505"


class CortexM55Runner(CortexMRunner):
    board, machine = "cortex-m55", "mps3-an547"


class RV64Runner(QemuRunner):
    board, nm = "rv64gcv", "riscv64-linux-gnu-nm"

    def qemu(self, elf, args=("input.bin", "output.bin")):
        return [_need("qemu-riscv64"), "-cpu", f"rv64,v=true,vext_spec=v1.0,vlen={self.vlen},elen=64",
                elf, *args]


_PLUGIN = {}


def _plugin() -> str:
    """Build the instruction-count plugin once per process."""
    if "path" not in _PLUGIN:
        out = os.path.join(tempfile.mkdtemp(prefix="tinycc_plugin_"), "libcount.so")
        _run(["make", "-s", "-f", str(TARGETS_DIR / "qemu_plugin" / "Makefile"), f"OUT={out}"], None,
             "building the QEMU instruction-count plugin")
        _PLUGIN["path"] = out
    return _PLUGIN["path"]


def _symbols(nm: str, elf: str, *names) -> tuple:
    """The addresses of the named symbols of an ELF (each must be there)."""
    syms = {}
    for line in _run([_need(nm), elf], None, "reading symbols").stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] in names:
            syms[parts[2]] = int(parts[0], 16)
    missing = [n for n in names if n not in syms]
    if missing:
        raise ToolError(f"{elf} has no symbol {', '.join(missing)}")
    return tuple(syms[n] for n in names)


def _text_range(nm: str, elf: str) -> tuple:
    """The model library's code: [__tinycc_text_start, __tinycc_text_end)."""
    return _symbols(nm, elf, "__tinycc_text_start", "__tinycc_text_end")


class _Disassembly:
    """An ELF's functions (name -> (address, size)), their direct calls and branches to other
    functions, the functions that call through a register, and each one's stack frame as its
    prologue sets it up (for code without -fstack-usage figures: the C library's)."""

    def __init__(self, nm: str, elf: str):
        self.funcs = {}
        for line in _run([_need(nm), "-S", "--defined-only", elf], None, "reading symbol sizes").stdout.splitlines():
            parts = line.split()
            if len(parts) == 4 and parts[2] in "TtWw":
                self.funcs.setdefault(parts[3], (int(parts[0], 16) & ~1, int(parts[1], 16)))
        self.calls, self.indirect, self.prologue = {}, set(), {}
        current, name = None, None
        dump = _run([_need(nm[:-2] + "objdump"), "-d", "--no-show-raw-insn", elf], None, "disassembling").stdout
        for line in dump.splitlines():
            head = re.match(r"^[0-9a-f]+ <([^>]+)>:$", line)
            if head:
                name = head.group(1)
                current = self.calls.setdefault(name, set())
                self.prologue.setdefault(name, 0)
                continue
            if current is None:
                continue
            target = re.search(r"\s(?:bl|blx|b|b\.w|b\.n|jal|j|call|tail)\s+[0-9a-f]+ <([^>+]+)>", line)
            if target:
                current.add(target.group(1))
            elif re.search(r"\s(?:blx|bx)\s+(?:r\d+|ip|sl|fp)\b|\s(?:jalr|jr)\s+(?!ra\b)\w", line):
                self.indirect.add(name)  # a call, or a tail call, through a register
            push = re.search(r"\s(v?push)(?:\.w)?\s+\{([^}]*)\}", line)
            if push:
                regs = sum(_reg_count(r) for r in push.group(2).split(","))
                self.prologue[name] += regs * (8 if push.group(1) == "vpush" else 4)
            sub = re.search(r"\ssub(?:\.w|w)?\s+sp,\s*(?:sp,\s*)?#(\d+)", line) or \
                re.search(r"\saddi\s+sp,\s*sp,\s*-(\d+)", line)
            if sub:
                self.prologue[name] += int(sub.group(1))


def _reg_count(spec: str) -> int:
    """Registers in one entry of a register list: r4, or a range r4-r7 / d8-d15."""
    m = re.match(r"\s*[a-z]+(\d+)\s*-\s*[a-z]+(\d+)", spec)
    return int(m.group(2)) - int(m.group(1)) + 1 if m else 1


def _library_code(d: _Disassembly, lo: int, hi: int) -> dict:
    """{function: bytes} of the code outside the model's range [lo, hi) that it calls, directly or
    through each other (memcpy, memset, the compiler's division helpers: what the inference
    executes besides the model's own code)."""
    seen, pending = {}, [g for f, (a, _) in d.funcs.items() if lo <= a < hi for g in d.calls.get(f, ())]
    while pending:
        f = pending.pop()
        if f in seen or f not in d.funcs or lo <= d.funcs[f][0] < hi:
            continue
        seen[f] = d.funcs[f][1]
        pending += d.calls.get(f, ())
    return dict(sorted(seen.items()))


def _stack(d: _Disassembly, frames: dict, entry: str, kernels: set, depth: dict) -> tuple:
    """(bytes, path): the deepest stack from ``entry`` down the call graph: each function's frame
    from -fstack-usage (``frames``; a static function of that name in several files: the largest)
    or else from its prologue; a call through a register (a chain or row-streaming runner calling
    its kernels) may reach any of ``kernels``; a function that calls itself (tc_chain_row: once per
    link of a chain) nests ``depth[f]`` frames deep. A cycle through several functions is an error."""
    memo = {}

    def deepest(f, visiting):
        if f in memo:
            return memo[f]
        if f in visiting:
            raise ToolError(f"the call graph of {entry} has a cycle through {f}: no stack bound")
        callees = set(d.calls.get(f, ())) | (kernels if f in d.indirect else set())
        best = max((deepest(g, visiting | {f}) for g in callees if g in d.calls and g != f), default=(0, []))
        nest = depth.get(f, 1) if f in d.calls.get(f, ()) else 1  # else a branch back to its own start
        memo[f] = (frames.get(f, d.prologue.get(f, 0)) * nest + best[0], [f] * nest + best[1])
        return memo[f]

    return deepest(entry, frozenset())


RUNNERS = {"c": Runner, "cortex-m4": CortexM4Runner, "cortex-m7": CortexM7Runner, "cortex-m33": CortexM33Runner,
           "cortex-m55": CortexM55Runner, "rv64gcv": RV64Runner}
#: the targets that count instructions (emulated cores)
COUNTING_TARGETS = tuple(t for t, r in RUNNERS.items() if r.count_supported)


class CTargetModel(CompiledModel):
    """``m.write(dir)`` emits the library; ``m(x)`` builds it once and runs it on the target (a model
    with state replays the inputs since the last ``reset()`` in one run, so calls see the state)."""
    profile_unit = "instructions"

    def __init__(self, graph, schedule, plan, target, source=None, passes_applied=(), vlen=128,
                 portable_kernels=False):
        self.graph, self.schedule, self.plan, self.target = graph, schedule, plan, target
        self.vlen = vlen
        self.count_instructions = False
        self.last_instructions = None  # executed by the last call's inferences (model code and the library
        # functions it calls), when counted
        self.source = source
        self.passes_applied = list(passes_applied)
        self.inputs = [_info(graph.tensor(n)) for n in graph.inputs]
        self.outputs = [_info(graph.tensor(n)) for n in graph.outputs]
        self.program = CProgram(graph, schedule, plan, target, portable_kernels)
        self._exe = None
        self._variants = {}  # variant -> its built program (profile, stack)
        self._work = None
        self.last_profile_overhead = None  # a profile: the instructions from the start mark to the first step
        self._reset_reference()
        self._history = []  # a model with state: the inputs since the last reset (each run replays them)

    def reset(self):
        self._history = []
        self._reset_reference()

    def __reduce__(self):
        return (CTargetModel, (self.graph, self.schedule, self.plan, self.target, self.source, self.passes_applied,
                               self.vlen, self.program.target.portable_only))

    def write(self, out_dir: str, name: str = None, state_apart: bool = False) -> list:
        """Write the C library to ``out_dir``; ``name`` prefixes its exported symbols, macros, Make
        variables and CMake target (``kws_invoke``, ``KWS_ARENA_SIZE``...) so several models link into
        one program; without one they are ``tinycc_invoke``, ``TINYCC_ARENA_SIZE``... ``state_apart``
        keeps the model's state (``<NAME>_STATE_SIZE`` bytes) in the library instead of the arena,
        so that the arena can be shared with other models that never run at the same time."""
        return self.program.write(out_dir, name, state_apart)

    def _built(self):
        if self._exe is None:
            if self.target not in RUNNERS:
                raise ToolError(f"running target {self.target} is not available yet")
            self._work = tempfile.mkdtemp(prefix="tinycc_")
            self._sources = [f for f in self.write(self._work) if f.endswith(".c")]
            self._runner = RUNNERS[self.target](self.vlen)
            self._exe = self._runner.build(self._work, self._sources)
        return self._exe

    def _write_inputs(self, records: list):
        with open(os.path.join(self._work, "input.bin"), "wb") as f:
            for rec in records:
                for v in rec:  # several inputs: one after another (the harness splits them)
                    f.write(np.ascontiguousarray(v).tobytes())

    def _run_records(self, records: list) -> list:
        """One run of the harness: reset, then one inference per record (a list of checked inputs)
        in order; the outputs of each."""
        exe = self._built()
        self._write_inputs(records)
        self.last_instructions = self._runner.run(exe, self._work, self.count_instructions)
        raw = np.fromfile(os.path.join(self._work, "output.bin"), dtype=np.uint8)
        size = [int(np.prod(o.shape, dtype=np.int64)) * np.dtype(o.dtype).itemsize for o in self.outputs]
        if raw.size != sum(size) * len(records):
            raise ToolError(f"the target wrote {raw.size} output bytes for {len(records)} inference(s) of "
                            f"{sum(size)} bytes")
        outs, pos = [], 0
        for _ in records:
            ys = []
            for o, n in zip(self.outputs, size):
                ys.append(raw[pos:pos + n].view(o.dtype).reshape(o.shape))
                pos += n
            outs.append(ys)
        return outs

    def __call__(self, x):
        xs = [self._check(i, v) for i, v in zip(self.inputs, self._arrange(x))]
        # a model with state replays every input since the last reset (the harness starts from a
        # reset), so this call sees the state the earlier ones left
        records = self._history + [xs] if self.has_state else [xs]
        ys = self._run_records(records)[-1]
        if self.has_state:
            self._history = records
        return self._result(x, ys)

    def run_sequence(self, xs: list) -> list:
        """Reset, then one call per element of ``xs`` in order, in one run on the target."""
        self.reset()
        records = [[self._check(i, v) for i, v in zip(self.inputs, self._arrange(x))] for x in xs]
        outs = self._run_records(records)
        if self.has_state:
            self._history = records
        return [self._result(x, ys) for x, ys in zip(xs, outs)]

    def profile(self, x) -> list:
        """Run one inference on ``x`` built with -DTINYCC_PROFILE on an emulated target; the
        instructions each step of the plan executed (the kernels and the library functions they
        call, attributed by time between the library's per-step marks), as [(label, instructions)]
        with label "op(s): kernel(s)". Sets last_instructions (the whole inference, as the normal
        count) and last_profile_overhead (the part before the first step: the input copy). A model
        with state runs from its reset state."""
        if self.target not in COUNTING_TARGETS:
            raise ToolError(f"profiles need an emulated target ({', '.join(COUNTING_TARGETS)})")
        exe = self._one_inference("profile", x)
        total, steps = self._runner.run(exe, self._work, profile=True)
        labels = self.step_labels()
        if sorted(k for k in steps if k >= 0) != list(range(len(labels))):
            raise ToolError(f"the profile has steps {sorted(steps)} for a plan of {len(labels)} steps")
        self.last_instructions = total
        self.last_profile_overhead = steps.get(-1, 0)
        return [(f"{ops}: {kernels}", steps[k]) for k, (ops, kernels) in enumerate(labels)]

    def _one_inference(self, variant: str, x) -> str:
        """The program built as ``variant`` (once), with one inference on ``x`` from the reset state
        as its input file."""
        self._built()
        if variant not in self._variants:
            self._variants[variant] = self._runner.build(self._work, self._sources, variant)
        self._write_inputs([[self._check(i, v) for i, v in zip(self.inputs, self._arrange(x))]])
        return self._variants[variant]

    def measure_stack(self, x) -> int:
        """Run one inference on ``x`` on a bare-metal Cortex-M board with the harness measuring the
        stack it uses (painted before the call, the lowest byte changed found after it): bytes below
        the caller's stack pointer. tinycc report's ``stack_bytes`` bounds it."""
        if not issubclass(RUNNERS.get(self.target, Runner), CortexMRunner):
            raise ToolError(f"stack measurements need a bare-metal Cortex-M target, not {self.target}")
        exe = self._one_inference("stack", x)
        self._runner.run(exe, self._work)
        with open(os.path.join(self._work, "stack.txt")) as f:
            return int(f.read())

    def report(self) -> dict:
        """The host report plus sizes read from the built binary: code_bytes (the model's code:
        invoke and kernels, weights excluded), weights_bytes (its constant arrays in flash)."""
        rep = super().report()
        exe = self._built()
        nm = getattr(self._runner, "nm", "") or "nm"
        code = weights = 0
        for line in _run([_need(nm), "-S", exe], None, "reading symbol sizes").stdout.splitlines():
            parts = line.split()
            if len(parts) != 4:
                continue
            size, kind, name = int(parts[1], 16), parts[2].lower(), parts[3]
            if kind == "r" and name.startswith("tc_c") and name[4:].isdigit():
                weights += size
            elif kind == "t" and (name.startswith("tc_") or name.startswith("tinycc_")):
                code += size
        if isinstance(self._runner, QemuRunner):
            lo, hi = _text_range(self._runner.nm, exe)
            code = hi - lo
            d = _Disassembly(self._runner.nm, exe)
            chains = [len(c.links) for _, c, _ in self.program.calls if isinstance(c, streaming.ChainCall)]
            stack, path = _stack(d, self._stack_frames(exe), "tinycc_invoke",
                                 {f"tc_{k}" for k in self.program.kernels_used}, {"tc_chain_row": max(chains, default=1)})
            rep.update(code_bytes_by_file=self._code_by_file(exe), library_code_bytes=_library_code(d, lo, hi),
                       stack_bytes=stack, stack_path=path)
        w = self.program.op_weights()
        for entry, op in zip(rep["ops"], self.schedule):
            entry["target_weights_bytes"] = int(w.get(op.id, 0))
        rep.update(code_bytes=code, weights_bytes=weights, kernels=self.program.kernels_used,
                   portable_fallbacks=self.program.fallbacks)
        return rep

    def _stack_frames(self, exe: str) -> dict:
        """{function: frame bytes} of the library's code, from the compiler's -fstack-usage files."""
        frames = {}
        for su in glob.glob(os.path.join(exe + ".build", "model", "*.su")):
            with open(su) as f:
                for line in f:
                    parts = line.rstrip("\n").split("\t")
                    if len(parts) >= 2 and parts[1].isdigit():
                        name = parts[0].rsplit(":", 1)[-1]
                        frames[name] = max(frames.get(name, 0), int(parts[1]))
        return frames

    def _code_by_file(self, exe: str) -> dict:
        """Code bytes of each source file of the library (model.c: the steps' glue; a kernel's file;
        shared sources), from its object file: together the model's code range but the padding that
        aligns functions."""
        size = _need(self._runner.nm[:-2] + "size")
        out = {}
        for obj in sorted(glob.glob(os.path.join(exe + ".build", "model", "*.o"))):
            text = _run([size, "-A", obj], None, "reading section sizes").stdout
            out[os.path.basename(obj)[:-2] + ".c"] = sum(int(line.split()[1]) for line in text.splitlines()
                                                         if line.startswith(".text"))
        return out

    def __del__(self):
        if getattr(self, "_work", None):
            shutil.rmtree(self._work, ignore_errors=True)
