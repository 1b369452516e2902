"""The C targets against TFLite Micro: every int8 shared model, built for each target and run
(host C compiler; QEMU mps3-an547 for Cortex-M55; QEMU user mode for RV64GCV at VLEN 128 and 256),
must be bit-exact; a sample on the Cortex-M4 (mps2-an386: every int8 model), Cortex-M7 (mps2-an500)
and Cortex-M33 (mps2-an505), with their DSP kernels (targets/cortex-m4). A missing toolchain fails
these tests (bash targets/install_toolchains.sh)."""
import subprocess

import numpy as np
import pytest

import tinycc
from tinycc.oracle import TFLM, random_inputs

from shared_models import INT8_MODELS, model_path

CONFIGS = [("c", 128), ("cortex-m55", 128), ("rv64gcv", 128), ("rv64gcv", 256)]
SAMPLES = 3


@pytest.mark.parametrize("target,vlen", CONFIGS, ids=[f"{t}-vlen{v}" if t == "rv64gcv" else t for t, v in CONFIGS])
@pytest.mark.parametrize("name", INT8_MODELS)
def test_model_bit_exact_on_target(name, target, vlen):
    path = model_path(name)
    m = tinycc.compile(path, target=target, vlen=vlen)
    oracle = TFLM(path, len(m.outputs))
    rng = np.random.default_rng(11)
    for i in range(SAMPLES):
        xs = random_inputs(m.inputs, rng)
        np.testing.assert_array_equal(m(xs[0]), oracle(xs)[0], err_msg=f"{name} on {target}, sample {i}")


#: one sample input per model on the Armv7E-M / Armv8-M cores (their DSP kernels where they have
#: one, elsewhere the same C as the c target, built for each core)
SAMPLED = [(n, "cortex-m4") for n in INT8_MODELS] + [("vww_96_int8", "cortex-m7"), ("kws_ref_model", "cortex-m33")]


@pytest.mark.parametrize("name,target", SAMPLED)
def test_model_verifies_on_cortex_m(name, target):
    from tinycc.verify import verify
    lines = []
    assert verify(model_path(name), target=target, samples=1, out=lines.append), "\n".join(lines)


@pytest.mark.parametrize("cc", [["gcc"], ["clang-19"], ["arm-none-eabi-gcc", "-mcpu=cortex-m55", "-mthumb",
                                                        "-mfloat-abi=hard", "-Os"],
                                ["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard",
                                 "-mfpu=fpv4-sp-d16", "-O2"]])
def test_library_compiles_warning_free(tmp_path, cc):
    for name in ("pretrainedResnet_quant", "vww_96_float"):
        m = tinycc.compile(model_path(name), target="c")
        out = tmp_path / name
        files = m.write(str(out))
        for f in files:
            if f.endswith(".c"):
                subprocess.run(cc + ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-c", f, "-o",
                                     f + ".o"], cwd=out, check=True, capture_output=True)


def test_cortex_m55_library_built_with_clang(tmp_path):
    """The Helium library compiles warning-free with clang 19 too (-Werror), and the clang-built
    code runs bit-exact under QEMU (the harness and newlib stay Arm GCC's)."""
    from tinycc.backend_c import TARGETS_DIR
    from tinycc.ctarget import CortexM55Runner
    path = model_path("kws_ref_model")
    m = tinycc.compile(path, target="cortex-m55")
    m.write(str(tmp_path))
    elf = tmp_path / "model.elf"
    subprocess.run(["make", "-s", "-f", str(TARGETS_DIR / "cortex-m55" / "board.mk"), f"MODEL_DIR={tmp_path}",
                    f"ELF={elf}", "MODEL_CC=clang-19",
                    "MODEL_FLAGS=--target=arm-none-eabi -fshort-enums -isystem /usr/lib/arm-none-eabi/include"],
                   check=True, capture_output=True)
    oracle = TFLM(path)
    rng = np.random.default_rng(3)
    for _ in range(2):
        xs = random_inputs(m.inputs, rng)
        (tmp_path / "input.bin").write_bytes(xs[0].tobytes())
        CortexM55Runner().run(str(elf), str(tmp_path))
        y = np.fromfile(tmp_path / "output.bin", np.int8).reshape(m.outputs[0].shape)
        np.testing.assert_array_equal(y, oracle(xs)[0])


def test_library_is_self_contained_and_minimal(tmp_path):
    m = tinycc.compile(model_path("ad01_int8"), target="c")
    files = set(m.write(str(tmp_path)))
    assert {"model.h", "model.c", "tinycc.mk", "tinycc_kernels.h", "tc_fc_s8.c"} <= files
    assert not any("conv" in f or "softmax" in f for f in files), "only the kernels the model uses"
    src = (tmp_path / "model.c").read_text()
    assert "malloc" not in src and "printf" not in src and "float" not in src
    h = (tmp_path / "model.h").read_text()
    assert f"#define TINYCC_ARENA_SIZE {m.plan.arena_bytes}" in h


@pytest.mark.parametrize("target", ["cortex-m55", "cortex-m4"])
def test_instruction_count_is_reported(target):
    m = tinycc.compile(model_path("ad01_int8"), target=target)
    m.count_instructions = True
    m(np.zeros((1, 640), np.int8))
    macs = m.report()["macs"]
    assert macs / 20 < m.last_instructions < macs * 30


def test_report_sizes_code_per_file_and_weights_per_op(monkeypatch):
    """`tinycc report --target T` on an emulated target: code bytes per source file (together the
    model's code range), the library functions the code calls (memcpy here: the reshape's copy and the
    input's) with their bytes, and per op the constant bytes its kernels take on the target (packed;
    together the weights the binary holds)."""
    from tinycc.report import format_text
    monkeypatch.setenv("TINYCC_OPT", "-Os")
    m = tinycc.compile(model_path("kws_ref_model"), target="cortex-m4")
    r = m.report()
    files = r["code_bytes_by_file"]
    assert 0 <= r["code_bytes"] - sum(files.values()) <= 4 * len(files)  # the range also holds alignment padding
    assert {"model.c", "tc_conv2d_s8.c", "tc_dsp.c", "tc_dwconv2d_s8.c"} <= set(r["code_bytes_by_file"])
    assert "memcpy" in r["library_code_bytes"] and all(n > 0 for n in r["library_code_bytes"].values())
    assert not any(f.startswith(("tc_", "tinycc_")) for f in r["library_code_bytes"])
    per_op = [o["target_weights_bytes"] for o in r["ops"]]
    assert sum(per_op) == r["weights_bytes"] and per_op[0] > 0 and r["ops"][-1]["target_weights_bytes"] == 0
    # the deepest stack: through the streamed chain's row function, once per link (kws: one chain of 10)
    assert r["stack_path"][:3] == ["tinycc_invoke", "tinycc_invoke_io", "tc_run_chain"]
    assert r["stack_path"].count("tc_chain_row") == 10 and r["stack_bytes"] > 10 * 32
    text = format_text(r)
    assert "tc_dsp.c" in text and "memcpy" in text and "weights B" in text and "tc_chain_row x10" in text


STACK_CASES = [(n, "cortex-m4", "-O2") for n in INT8_MODELS] + [("kws_ref_model", "cortex-m4", "-Os"),
                                                                ("str_ww_ref_model", "cortex-m55", "-O2")]


@pytest.mark.parametrize("name,target,opt", STACK_CASES)
def test_stack_bound_holds_on_the_board(name, target, opt, monkeypatch):
    """tinycc report's deepest stack (static: frames over the call graph) is at least what an
    inference uses on the board, measured by the harness (stack painted before the call, the lowest
    byte changed found after it)."""
    monkeypatch.setenv("TINYCC_OPT", opt)
    m = tinycc.compile(model_path(name), target=target)
    used = m.measure_stack(random_inputs(m.inputs, np.random.default_rng(0))[0])
    bound = m.report()["stack_bytes"]
    assert 0 < used <= bound, (used, bound)
