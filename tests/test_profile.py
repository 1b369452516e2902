"""Per-step profiles (tinycc run --profile): instructions on the emulated targets, nanoseconds on the host."""
import subprocess

import numpy as np
import pytest

import tinycc
from tinycc.cli import main
from tinycc.plot import write_profile

from shared_models import model_path


@pytest.mark.parametrize("target", ["cortex-m4", "rv64gcv"])
def test_profile_steps_sum_to_the_count(target):
    m = tinycc.compile(model_path("kws_ref_model"), target=target)
    x = np.random.default_rng(1).integers(-128, 128, m.inputs[0].shape).astype(m.inputs[0].dtype)
    rows = m.profile(x)
    assert len(rows) == len(m.program.calls) == len(m.step_labels())
    assert all(v > 0 for _, v in rows)
    assert rows[0][0].startswith("#0 CONV_2D")
    profiled_total = m.last_instructions
    m.count_instructions = True
    m(x)
    # the profile build adds a mark call per step, and leaves the input copy before the first step out
    assert abs(sum(v for _, v in rows) - m.last_instructions) <= 500 + 20 * len(rows)
    assert sum(v for _, v in rows) + m.last_profile_overhead == profiled_total
    if target == "cortex-m4":  # a normal library: no mark, no symbol
        syms = subprocess.run(["arm-none-eabi-nm", m._built()], capture_output=True, text=True, check=True).stdout
        assert "harness_count_start" in syms and "tc_profile_mark" not in syms


def test_cli_profile_table_and_plot(tmp_path, capsys):
    out = tmp_path / "p.svg"
    main(["run", str(model_path("kws_ref_model")), "--target", "cortex-m4", "--random", "1", "--profile",
          "--plot", str(out)])
    text = capsys.readouterr().out
    assert "instructions" in text and "FULLY_CONNECTED" in text and "fc_s8" in text and "%" in text
    assert out.read_text().startswith("<svg") and "fc_s8" in out.read_text()
    write_profile([("#0 CONV_2D: conv2d_s8", 900), ("#1 SOFTMAX: softmax_s8", 100)], "t", str(tmp_path / "p.png"))
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_host_profile_times_each_step():
    m = tinycc.compile(model_path("kws_ref_model"))
    x = np.random.default_rng(1).integers(-128, 128, m.inputs[0].shape).astype(m.inputs[0].dtype)
    rows = m.profile(x, repeats=5)
    assert m.profile_unit == "ns" and len(rows) == len(m.program.calls) == len(m.program.executor.kernels)
    assert all(v >= 0 for _, v in rows) and rows[0][0].startswith("#0 CONV_2D")
    by_kind = {label.split(": ")[0].split()[1]: v for label, v in rows}
    assert by_kind["CONV_2D"] > by_kind["SOFTMAX"]  # the last conv (64 x 64 channels) against 12 values
    np.testing.assert_array_equal(m(x), m.reference(x))  # the profile ran the plan on x, as a call does


def test_cli_profile_on_the_host(capsys):
    main(["run", str(model_path("kws_ref_model")), "--random", "1", "--profile"])
    text = capsys.readouterr().out
    assert "on host (" in text and " ns in " in text and "SOFTMAX" in text and "softmax_s8" in text


def test_cli_profile_needs_an_emulated_target(capsys):
    with pytest.raises(SystemExit):
        main(["run", str(model_path("kws_ref_model")), "--target", "c", "--random", "1", "--profile"])
