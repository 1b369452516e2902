"""The shipped extension is built for any x86-64 CPU and picks its kernels at run time: a wheel built
with `pip wheel .` is installed on its own and runs a model end to end under `qemu-x86_64 -cpu
Haswell` (AVX2, no AVX-512: it must choose the AVX2 kernels) and `-cpu Nehalem` (no AVX: the
portable C kernels), bit-exact with TFLite Micro. qemu-user comes from targets/install_toolchains.sh."""
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest

from tinycc.oracle import TFLM, random_inputs

from shared_models import model_path

ROOT = pathlib.Path(__file__).resolve().parent.parent

# runs inside the emulated CPU, from the installed wheel only
SCRIPT = """
import sys, numpy as np
sys.path.insert(0, sys.argv[1])
import tinycc
from tinycc import isa
assert tinycc.__file__.startswith(sys.argv[1]), tinycc.__file__
data = np.load(sys.argv[3])
m = tinycc.compile(sys.argv[2])
np.save(sys.argv[4], np.stack([m(x) for x in data["x"]]))
print(",".join(isa.cpu_levels()), m.isa)
"""


@pytest.fixture(scope="module")
def wheel_dir(tmp_path_factory):
    qemu = shutil.which("qemu-x86_64")
    assert qemu, "qemu-x86_64 is missing: run targets/install_toolchains.sh (Debian's qemu-user)"
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out / "dist")], check=True, cwd=out, timeout=900)
    wheel, = (out / "dist").glob("tinycc-*.whl")
    site = out / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, timeout=300)
    return out, site


@pytest.mark.parametrize("cpu, levels", [("Haswell", "portable,avx2"), ("Nehalem", "portable")])
def test_wheel_runs_on_a_cpu_without_avx512(wheel_dir, cpu, levels):
    out, site = wheel_dir
    path = model_path("kws_ref_model")
    m = TFLM(path)
    import tinycc
    info = tinycc.compile(path).inputs
    xs = np.stack([random_inputs(info, np.random.default_rng(k))[0] for k in range(3)])
    want = np.stack([m([x])[0] for x in xs])
    np.savez(out / "in.npz", x=xs)
    got_path = out / f"out_{cpu}.npy"
    r = subprocess.run(["qemu-x86_64", "-cpu", cpu, sys.executable, "-c", SCRIPT, str(site), str(path),
                        str(out / "in.npz"), str(got_path)], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    have, chosen = r.stdout.split()[-2:]
    assert have == levels and chosen == levels.split(",")[-1], r.stdout
    np.testing.assert_array_equal(np.load(got_path), want)
