"""Board support for the emulated cores: the Cortex-M4, -M7, -M33 and -M55 (QEMU mps2-an386,
mps2-an500, mps2-an505 and mps3-an547, bare metal with semihosting) and RV64GCV (QEMU user mode, VLEN 128 and 256) harnesses build a stand-in model
library, run it, and the QEMU plugin counts the instructions executed in the model's code (its
address range) or in each inference (between the harness's marks: the model's code and the library
functions it calls).

A missing toolchain or emulator fails these tests (bash targets/install_toolchains.sh)."""
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ROOT / "targets"
N = 64  # stand-in model: bytes in and out

#: the Cortex-M targets' QEMU machines
MACHINE = {"cortex-m4": "mps2-an386", "cortex-m7": "mps2-an500", "cortex-m33": "mps2-an505", "cortex-m55": "mps3-an547"}
ARM_TOOLS = ["arm-none-eabi-gcc", "arm-none-eabi-nm", "arm-none-eabi-objdump", "qemu-system-arm", "make"]
TOOLS = dict({t: ARM_TOOLS for t in MACHINE},
             rv64gcv=["clang-19", "ld.lld-19", "riscv64-linux-gnu-nm", "riscv64-linux-gnu-objdump", "qemu-riscv64",
                      "make"])
NM = dict({t: "arm-none-eabi-nm" for t in MACHINE}, rv64gcv="riscv64-linux-gnu-nm")


def need(*tools):
    missing = [t for t in tools if shutil.which(t) is None]
    assert not missing, f"not installed: {missing}; run 'bash targets/install_toolchains.sh'"


def sh(cmd, cwd=None, timeout=300):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))}\n{r.stdout[-3000:]}{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def plugin(tmp_path_factory):
    need("gcc", "make")
    out = tmp_path_factory.mktemp("plugin") / "libcount.so"
    sh(["make", "-f", TARGETS / "qemu_plugin" / "Makefile", f"OUT={out}"])
    return out


# ---- stand-in model libraries ----

MODEL_H = """#include <stdint.h>
#define TINYCC_ARENA_SIZE {arena}
#define TINYCC_ARENA_ALIGN 16
#define TINYCC_INPUT_BYTES {nin}
#define TINYCC_OUTPUT_BYTES {nout}
void tinycc_reset(uint8_t *arena);
void tinycc_invoke(const void *input, void *output, uint8_t *arena);
"""
RESET = """
void tinycc_reset(uint8_t *arena) { (void)arena; } /* the stand-ins keep no state */
"""

# tinycc_invoke is placed in .text.tinycc by attribute; tc_mix (its own file, no attribute) is
# gathered into the range because it is part of the model library (tinycc_model.o).
MIX_MODEL = {
    "model.c": """#include "model.h"
void tc_mix(uint8_t *buf, int n, uint32_t r);
__attribute__((section(".text.tinycc")))
void tinycc_invoke(const void *input, void *output, uint8_t *arena)
{
  const uint8_t *in = input;
  uint8_t *out = output;
  uint32_t r, reps = in[0];
  int i;
  for (i = 0; i < TINYCC_INPUT_BYTES; i++) arena[i] = in[i];
  for (r = 0; r < reps; r++) tc_mix(arena, TINYCC_INPUT_BYTES, r);
  for (i = 0; i < TINYCC_OUTPUT_BYTES; i++) out[i] = arena[i];
}
""",
    "tc_mix.c": """#include <stdint.h>
void tc_mix(uint8_t *buf, int n, uint32_t r)
{
  int i;
  for (i = 0; i < n; i++) buf[i] = (uint8_t)(buf[i] * 5u + r + (uint32_t)i);
}
""",
}


def mix_reference(inp: bytes) -> bytes:
    a = list(inp)
    for r in range(inp[0]):
        a = [(v * 5 + r + i) & 0xFF for i, v in enumerate(a)]
    return bytes(a)


MVE_MODEL = {
    "model.c": """#include <arm_mve.h>
#include "model.h"
/* out[0:64] = in + in + 3 (int8 MVE), out[64:80] = 4 floats (in[0:4] * 1.5 + 0.25, MVE float) */
void tinycc_invoke(const void *input, void *output, uint8_t *arena)
{
  const uint8_t *in = input;
  uint8_t *out = output;
  float *f = (float *)(void *)arena;
  int i;
  for (i = 0; i < 64; i += 16) {
    uint8x16_t v = vld1q_u8(in + i);
    vst1q_u8(out + i, vaddq_n_u8(vaddq_u8(v, v), 3));
  }
  for (i = 0; i < 4; i++) f[i] = (float)in[i];
  vst1q_f32(f + 4, vfmaq_n_f32(vdupq_n_f32(0.25f), vld1q_f32(f), 1.5f));
  for (i = 0; i < 16; i++) out[64 + i] = arena[16 + i];
}
""",
}

RVV_MODEL = {
    "model.c": """#include <riscv_vector.h>
#include "model.h"
/* out[0:64] = in + in + 3 with a vector-length-agnostic vsetvl loop, out[64] = VLMAX(e8, m1) */
void tinycc_invoke(const void *input, void *output, uint8_t *arena)
{
  const uint8_t *in = input;
  uint8_t *out = output;
  size_t n = 64, vl;
  (void)arena;
  for (; n > 0; n -= vl, in += vl, out += vl) {
    vl = __riscv_vsetvl_e8m1(n);
    vuint8m1_t v = __riscv_vle8_v_u8m1(in, vl);
    v = __riscv_vadd_vx_u8m1(__riscv_vadd_vv_u8m1(v, v, vl), 3, vl);
    __riscv_vse8_v_u8m1(out, v, vl);
  }
  *out = (uint8_t)__riscv_vsetvlmax_e8m1();
}
""",
}

TRAP_MODEL = {
    "model.c": """#include "model.h"
void tinycc_invoke(const void *input, void *output, uint8_t *arena)
{
  (void)input; (void)output; (void)arena;
  __builtin_trap();
}
""",
}


def write_model(d: Path, files: dict, nin=N, nout=N, arena=256):
    d.mkdir(parents=True, exist_ok=True)
    (d / "model.h").write_text(MODEL_H.format(arena=arena, nin=nin, nout=nout))
    for name, text in files.items():
        (d / name).write_text(text + (RESET if name == "model.c" else ""))
    return d


def build(target, model_dir: Path, opt="-O2") -> Path:
    need(*TOOLS[target])
    elf = model_dir.parent / f"{model_dir.name}{opt}.elf"
    sh(["make", "-f", TARGETS / target / "board.mk", f"MODEL_DIR={model_dir}", f"ELF={elf}", f"OPT={opt}"])
    return elf


def symbols(target, elf) -> dict:
    out = sh([NM[target], elf]).stdout
    return {p[2]: int(p[0], 16) for p in (line.split() for line in out.splitlines()) if len(p) == 3}


def tinycc_range(target, elf):
    s = symbols(target, elf)
    return s["__tinycc_text_start"], s["__tinycc_text_end"]


def qemu_cmd(target, elf, args, vlen=128):
    if target in MACHINE:
        semi = ",".join(["enable=on,target=native", f"arg={elf.name}"] + [f"arg={a}" for a in args])
        return ["qemu-system-arm", "-M", MACHINE[target], "-nographic", "-monitor", "none", "-serial", "none",
                "-semihosting-config", semi, "-kernel", str(elf)]
    return ["qemu-riscv64", "-cpu", f"rv64,v=true,vext_spec=v1.0,vlen={vlen},elen=64", str(elf), *args]


def run(target, elf, inp: bytes, work: Path, plugin=None, rng=None, vlen=128, args=("input.bin", "output.bin")):
    """Runs the ELF on input bytes in `work`; returns (exit status, output bytes or None, count or None, stderr)."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "input.bin").write_bytes(inp)
    for f in ("output.bin", "count.txt"):
        (work / f).unlink(missing_ok=True)
    cmd = qemu_cmd(target, elf, list(args), vlen)
    if plugin is not None:
        parg = f"{plugin}" + (f",lo={rng[0]:#x},hi={rng[1]:#x}" if rng else "") + ",out=count.txt"
        cmd[1:1] = ["-plugin", parg, "-d", "plugin"]
    r = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    out = (work / "output.bin").read_bytes() if (work / "output.bin").exists() else None
    count = None
    if plugin is not None:
        assert (work / "count.txt").exists(), f"the plugin wrote no count: {' '.join(cmd)}\n{r.stderr[-3000:]}"
        line = (work / "count.txt").read_text().strip()
        assert line.startswith("insns: "), line
        count = int(line.split()[1])
        assert f"insns: {count}" in r.stderr, r.stderr  # also through QEMU's log (-d plugin)
    return r.returncode, out, count, r.stderr


def mix_input(reps):
    return bytes([reps] + [(7 * i + 1) & 0xFF for i in range(1, N)])


# ---- tests ----

BUILDS = [("cortex-m55", "-O2"), ("cortex-m55", "-Os"), ("rv64gcv", "-O2"), ("rv64gcv", "-Os"), ("cortex-m4", "-O2"),
          ("cortex-m4", "-Os"), ("cortex-m7", "-O2"), ("cortex-m33", "-O2")]


@pytest.mark.parametrize("target,opt", BUILDS)
def test_model_runs_and_counts_scale_with_the_work(target, opt, plugin, tmp_path):
    elf = build(target, write_model(tmp_path / "mix", MIX_MODEL), opt)
    lo, hi = tinycc_range(target, elf)
    syms = symbols(target, elf)
    # the range holds the whole model library (the attributed entry and the kernel file), not the harness
    assert lo < hi
    assert lo <= syms["tinycc_invoke"] & ~1 < hi and lo <= syms["tc_mix"] & ~1 < hi
    assert not lo <= syms["main"] & ~1 < hi
    counts = {}
    for reps in (10, 20, 40):
        inp = mix_input(reps)
        rc, out, count, err = run(target, elf, inp, tmp_path / f"run{reps}", plugin, (lo, hi))
        assert rc == 0, err
        assert out == mix_reference(inp)
        counts[reps] = count
    # every rep costs the same instructions: the count is affine in the work
    per_rep = (counts[20] - counts[10]) / 10
    assert counts[40] - counts[20] == 20 * per_rep, counts
    assert N / 64 <= per_rep <= 16 * N, counts  # between 16-lane vectors and a slow scalar loop
    assert 0 < counts[10] - 10 * per_rep < 40 * N, counts  # the fixed part: two 64-byte copies
    # without a range the plugin counts every instruction (start-up, libc, I/O): more
    rc, _, total, err = run(target, elf, mix_input(10), tmp_path / "all", plugin)
    assert rc == 0, err
    assert total > counts[10] + 100


@pytest.mark.parametrize("target", ["cortex-m4", "cortex-m55", "rv64gcv"])
def test_missing_input_file_is_exit_status_2(target, tmp_path):
    elf = build(target, write_model(tmp_path / "mix", MIX_MODEL))
    rc, out, _, err = run(target, elf, mix_input(1), tmp_path / "run", args=("nonexistent.bin", "output.bin"))
    assert rc == 2 and out is None
    assert "cannot read 64 input bytes from nonexistent.bin" in err


@pytest.mark.parametrize("target", ["cortex-m4", "cortex-m55", "rv64gcv"])
def test_input_records_run_in_order(target, tmp_path):
    """Several input records: one inference each, in order, their outputs one after another (how a
    model with state runs a sequence); a file ending inside a record is exit status 2."""
    elf = build(target, write_model(tmp_path / "mix", MIX_MODEL))
    records = [mix_input(k) for k in (1, 4, 2)]
    rc, out, _, err = run(target, elf, b"".join(records), tmp_path / "run")
    assert rc == 0, err
    assert out == b"".join(mix_reference(r) for r in records)
    rc, _, _, err = run(target, elf, b"".join(records) + bytes(5), tmp_path / "run2")
    assert rc == 2 and "must hold whole records" in err


@pytest.mark.parametrize("target", ["cortex-m55", "cortex-m33"])
def test_cortex_m_default_file_names_with_plain_semihosting(target, tmp_path):
    elf = build(target, write_model(tmp_path / "mix", MIX_MODEL))
    work = tmp_path / "run"
    work.mkdir()
    inp = mix_input(3)
    (work / "input.bin").write_bytes(inp)
    r = subprocess.run(["qemu-system-arm", "-M", MACHINE[target], "-nographic", "-semihosting", "-kernel", str(elf)],
                       cwd=work, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    assert (work / "output.bin").read_bytes() == mix_reference(inp)


@pytest.mark.parametrize("target", sorted(MACHINE))
def test_cortex_m_fault_is_reported_with_exit_status_3(target, tmp_path):
    elf = build(target, write_model(tmp_path / "trap", TRAP_MODEL))
    rc, out, _, err = run(target, elf, bytes(N), tmp_path / "run")
    assert rc == 3 and out is None
    assert "fault: UsageFault" in err or "fault: HardFault" in err, err


#: per board: the vector table (the boot address), the code RAM (code and weights, except the
#: M55's weights in DDR), the top of the data RAM (the stack) and the big RAM (arena, input, output)
MEMORY_MAPS = {
    "cortex-m4": dict(vectors=0, code=(0, 4 << 20), const=(0, 4 << 20), stack_top=0x20400000, big=0x21000000),
    "cortex-m7": dict(vectors=0, code=(0, 4 << 20), const=(0, 4 << 20), stack_top=0x20400000, big=0x60000000),
    "cortex-m33": dict(vectors=0x10000000, code=(0x10000000, 0x10400000), const=(0x10000000, 0x10400000),
                       stack_top=0x38400000, big=0x80000000),  # the Secure aliases
    "cortex-m55": dict(vectors=0, code=(0, 512 << 10), const=(0x60000000, 0xA0000000), stack_top=0x20080000,
                       big=0x60000000),
}


@pytest.mark.parametrize("target", sorted(MEMORY_MAPS))
def test_cortex_m_memory_map(target, tmp_path):
    want = MEMORY_MAPS[target]
    elf = build(target, write_model(tmp_path / "mix", MIX_MODEL))
    s = symbols(target, elf)
    assert s["board_vectors"] == want["vectors"]  # the vector table at the boot address
    lo, hi = want["code"]
    assert lo < s["__tinycc_text_start"] < s["__tinycc_text_end"] <= hi and lo <= s["main"] & ~1 < hi
    assert s["__stack_limit"] < s["__stack_top"] == want["stack_top"]  # stack at the top of the data RAM
    # a 3 MiB const table (weights) and an 8 MiB arena link and run: weights in the code RAM (DDR on
    # the M55), the arena in the board's big RAM
    model = dict(MIX_MODEL)
    model["weights.c"] = ("#include <stdint.h>\nconst uint8_t tc_weights[3 << 20] = {1, 2, 3};\n"
                          "uint8_t tc_weight(int i) { return tc_weights[i]; }\n")
    model["model.c"] = ("#include <stdint.h>\nuint8_t tc_weight(int i);\n" + model["model.c"]).replace(
        "for (i = 0; i < TINYCC_OUTPUT_BYTES; i++) out[i] = arena[i];",
        "for (i = 0; i < TINYCC_OUTPUT_BYTES; i++) out[i] = arena[i];\n"
        "  arena[TINYCC_ARENA_SIZE - 1] = in[2];\n"
        "  out[0] = tc_weight(in[1] % 3);\n"
        "  out[1] = arena[TINYCC_ARENA_SIZE - 1];")
    elf = build(target, write_model(tmp_path / "big", model, arena=8 << 20))
    s = symbols(target, elf)
    assert want["const"][0] <= s["tc_weights"] < want["const"][1] and want["big"] <= s["arena"] < want["big"] + (16 << 20)
    inp = mix_input(2)
    rc, out, _, err = run(target, elf, inp, tmp_path / "run")
    assert rc == 0, err
    assert out == bytes([[1, 2, 3][inp[1] % 3], inp[2]]) + mix_reference(inp)[2:]


FLOAT_MODEL = {
    "model.c": """#include "model.h"
/* out = 16 floats: in[i] * 1.5 + 0.25 (single precision: the FPU, enabled by the start-up code) */
void tinycc_invoke(const void *input, void *output, uint8_t *arena)
{
  const uint8_t *in = input;
  float *f = (float *)(void *)arena;
  uint8_t *out = output;
  int i;
  for (i = 0; i < 16; i++) f[i] = (float)in[i] * 1.5f + 0.25f;
  for (i = 0; i < 64; i++) out[i] = arena[i];
}
""",
}


@pytest.mark.parametrize("target", ["cortex-m4", "cortex-m7", "cortex-m33"])
def test_cortex_m_fpu_runs(target, tmp_path):
    elf = build(target, write_model(tmp_path / "fp", FLOAT_MODEL))
    dis = sh(["arm-none-eabi-objdump", "-d", elf]).stdout
    body = dis[dis.index("<tinycc_invoke>:"):]
    assert "vcvt.f32.u32" in body or "vcvt.f32.s32" in body, body[:2000]  # hardware floating point
    inp = bytes((5 * i + 9) & 0xFF for i in range(N))
    rc, out, _, err = run(target, elf, inp, tmp_path / "run")
    assert rc == 0, err
    assert struct.unpack("<16f", out) == tuple(v * 1.5 + 0.25 for v in inp[:16])


def test_cortex_m55_mve_and_mve_float_run(plugin, tmp_path):
    elf = build("cortex-m55", write_model(tmp_path / "mve", MVE_MODEL, nout=80))
    dis = sh(["arm-none-eabi-objdump", "-d", "-m", "armv8.1-m.main", elf]).stdout
    body = dis[dis.index("<tinycc_invoke>:"):]
    assert "vldrb.u8\tq" in body and "vadd.i8\tq" in body and "vfma.f32\tq" in body, body[:3000]
    inp = bytes((5 * i + 9) & 0xFF for i in range(N))
    rc, out, count, err = run("cortex-m55", elf, inp, tmp_path / "run", plugin, tinycc_range("cortex-m55", elf))
    assert rc == 0, err
    assert out[:64] == bytes((2 * v + 3) & 0xFF for v in inp)
    assert struct.unpack("<4f", out[64:]) == tuple(v * 1.5 + 0.25 for v in inp[:4])
    assert 10 < count < 200


def test_rv64gcv_vector_loop_follows_vlen(plugin, tmp_path):
    elf = build("rv64gcv", write_model(tmp_path / "rvv", RVV_MODEL, nout=N + 1))
    dis = sh(["riscv64-linux-gnu-objdump", "-d", elf]).stdout
    assert "vsetvli" in dis and "vadd.vv" in dis
    inp = bytes((5 * i + 9) & 0xFF for i in range(N))
    rng = tinycc_range("rv64gcv", elf)
    counts = {}
    for vlen in (128, 256):
        rc, out, counts[vlen], err = run("rv64gcv", elf, inp, tmp_path / f"v{vlen}", plugin, rng, vlen=vlen)
        assert rc == 0, err
        assert out[:N] == bytes((2 * v + 3) & 0xFF for v in inp)
        assert out[N] == vlen // 8  # VLMAX for e8, m1
    assert 0 < counts[256] < counts[128] < 200, counts  # 2 strips instead of 4


# calls memset and memcpy (libc) and a 64-bit division (a run-time helper on the Cortex-M) per rep
LIB_MODEL = {
    "model.c": """#include <string.h>
#include "model.h"
__attribute__((noinline)) static uint64_t tc_div(uint64_t a, uint64_t b) { return a / b; }
void tinycc_invoke(const void *input, void *output, uint8_t *arena)
{
  const uint8_t *in = input;
  uint32_t r, reps = in[0];
  uint64_t q;
  for (r = 0; r < reps; r++) {
    memset(arena, (int)r, TINYCC_ARENA_SIZE);
    memcpy(arena, in, TINYCC_INPUT_BYTES);
    q = tc_div(((uint64_t)in[1] << 40) + r, (uint64_t)in[2] + 3u);
    arena[1] ^= (uint8_t)q;
  }
  memcpy(output, arena, TINYCC_OUTPUT_BYTES);
}
""",
}


@pytest.mark.parametrize("target", ["cortex-m4", "cortex-m55", "rv64gcv"])
def test_marks_count_the_library_calls_of_the_inference(target, plugin, tmp_path):
    """Counted between the harness's marks, an inference includes the library functions the model
    calls (memcpy, memset, 64-bit division), which its address range leaves out, and nothing of the
    harness (file I/O): per rep the marks count more than the range; the fixed part stays small."""
    elf = build(target, write_model(tmp_path / "lib", LIB_MODEL, arena=1024))
    s = symbols(target, elf)
    marks = s["harness_count_start"] & ~1, s["harness_count_stop"] & ~1
    counts = {}
    for reps in (4, 8):
        inp = mix_input(reps)
        for how, rng in (("range", tinycc_range(target, elf)), ("marks", None)):
            work = tmp_path / f"{how}{reps}"
            if how == "marks":
                plug = f"{plugin},start={marks[0]:#x},stop={marks[1]:#x}"
            else:
                plug = plugin
            rc, out, counts[how, reps], err = run(target, elf, inp, work, plug, rng)
            assert rc == 0, err
    per_rep = {how: (counts[how, 8] - counts[how, 4]) / 4 for how in ("range", "marks")}
    assert per_rep["marks"] > per_rep["range"] + 1024 / 64, (per_rep, counts)  # memset's 1 KiB at least
    fixed = counts["marks", 4] - 4 * per_rep["marks"]
    assert 0 < fixed < 2000, (fixed, counts)  # the output copy and the calls, no file I/O
    rc, _, total, err = run(target, elf, mix_input(4), tmp_path / "all", plugin)
    assert rc == 0 and total > counts["marks", 4] + 1000, (total, counts)
