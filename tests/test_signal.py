"""TFLite Micro's audio front ends (the signal library's custom ops) against TFLite Micro: the int8
and float preprocessors over the four test recordings, frame by frame as a keyword spotter runs them
(480 samples every 320, no reset between frames: the noise estimate carries over), on the host
(reference interpreter and compiled executor) and on the devices under QEMU; their state; and the
refusals of what TFLite Micro cannot run or tinycc does not support."""
import numpy as np
import pytest

import tinycc
from tinycc.audio import frames, read_wav
from tinycc.errors import ModelFormatError, UnsupportedError
from tinycc.oracle import TFLM
from tinycc.testing import ModelBuilder

from shared_models import MODELS

FRONT_ENDS = ["audio_preprocessor_int8", "audio_preprocessor_float"]
RECORDINGS = ["yes", "no", "noise", "silence"]
WINDOW, STRIDE, FRAMES = 480, 320, 49


def front_end(name):
    path = MODELS / "tflm" / f"{name}.tflite"
    assert path.exists(), f"{path} not found; set TINYCC_MODELS to the models directory"
    return path


def recording(name) -> np.ndarray:
    return read_wav(MODELS / "tflm" / "testdata" / f"{name}_1000ms.wav")  # checks 16 kHz mono 16-bit


def windows(samples) -> list:
    return [w.reshape(1, WINDOW) for w in frames(samples, WINDOW, STRIDE)[:FRAMES]]


def tflm_frames(path, xs) -> np.ndarray:
    """TFLite Micro's outputs over the frames in order, from a fresh interpreter (no reset between)."""
    oracle = TFLM(path)
    return np.stack([oracle([x])[0] for x in xs])


@pytest.mark.parametrize("name", FRONT_ENDS)
def test_front_end_on_the_host(name):
    """Every frame of every recording bit-exact: the reference interpreter and the compiled executor,
    each carrying its own state through the 49 frames."""
    path = front_end(name)
    m = tinycc.compile(path)
    assert m.has_state and m.outputs[0].shape == (40,)
    for rec in RECORDINGS:
        xs = windows(recording(rec))
        want = tflm_frames(path, xs)
        m.reset()
        got = np.stack([m(x) for x in xs])
        ref = np.stack([m.reference(x) for x in xs])
        for what, y in (("compiled", got), ("reference interpreter", ref)):
            bad = np.argwhere(np.any(y != want, axis=1))
            assert not bad.size, f"{name} on {rec}: {what} differs from TFLite Micro first at frame {bad[0][0]}"


@pytest.mark.parametrize("target", ["cortex-m55", "cortex-m4"])
def test_front_end_on_devices(target):
    """Both front ends on the board under QEMU: every recording's 49 frames in one run per model."""
    for name in FRONT_ENDS:
        path = front_end(name)
        m = tinycc.compile(path, target=target)
        recs = RECORDINGS if target == "cortex-m55" else RECORDINGS[:1]
        xs = [x for rec in recs for x in windows(recording(rec))]
        got = np.stack(m.run_sequence(xs)).reshape(len(recs), FRAMES, -1)
        want = tflm_frames(path, xs).reshape(got.shape)  # one sequence: the state runs on across recordings
        for k, rec in enumerate(recs):
            np.testing.assert_array_equal(got[k], want[k], err_msg=f"{name} {rec} on {target}")


def test_front_end_state_and_reset():
    """The noise estimate is state: one frame three times gives three outputs (as in TFLite Micro),
    a reset gives the first again; the state lives beside the arena's scratch and is counted."""
    path = front_end("audio_preprocessor_int8")
    m, oracle = tinycc.compile(path), TFLM(path)
    x = windows(recording("yes"))[20]
    ys = [m(x) for _ in range(3)]
    want = [oracle([x])[0] for _ in range(3)]
    for y, w in zip(ys, want):
        np.testing.assert_array_equal(y, w)
    assert not np.array_equal(ys[0], ys[1]) and not np.array_equal(ys[1], ys[2])
    m.reset()
    oracle.reset()
    np.testing.assert_array_equal(m(x), oracle([x])[0])
    np.testing.assert_array_equal(m(x), ys[1])
    assert m.graph.states() and sum(m.graph.tensor(n).nbytes for n in m.graph.states()) == 40 * 4


def test_same_width_casts_are_aliases():
    """The front end's CASTs between uint32 and int32 (around its STRIDED_SLICE and CONCATENATION) keep
    the bits: zero-copy aliases, no kernel; its CASTs int16 -> int32 and int32 -> int8 are kernels."""
    m = tinycc.compile(front_end("audio_preprocessor_int8"))
    casts = [op for op in m.graph.ops() if op.kind == "CAST"]
    widths = {op.id: {m.graph.tensor(n).dtype.name for n in op.inputs + op.outputs} for op in casts}
    assert sorted(bool(op.attrs.get("alias")) for op in casts) == [False, False, True, True]  # of 4
    assert all(bool(op.attrs.get("alias")) == (widths[op.id] == {"int32", "uint32"}) for op in casts)


@pytest.mark.parametrize("kind", ["zeros", "full scale", "-32768", "tiny"])
def test_front_end_edge_frames(kind):
    """Frames no recording has: silence (the FFT auto scale's maximum of 0), full-scale noise, a
    frame with -32768 (MaxAbs16's int16 wrap), samples of one or two bits."""
    rng = np.random.default_rng(3)
    xs = {"zeros": [np.zeros((1, WINDOW), np.int16)] * 3,
          "full scale": [rng.integers(-32768, 32768, (1, WINDOW)).astype(np.int16) for _ in range(3)],
          "-32768": [np.where(rng.random((1, WINDOW)) < 0.05, -32768, rng.integers(-300, 300, (1, WINDOW)))
                     .astype(np.int16) for _ in range(3)],
          "tiny": [rng.integers(-2, 3, (1, WINDOW)).astype(np.int16) for _ in range(3)]}[kind]
    for name in FRONT_ENDS:
        path = front_end(name)
        m = tinycc.compile(path)
        np.testing.assert_array_equal(np.stack([m(x) for x in xs]), tflm_frames(path, xs), err_msg=f"{name}, {kind}")


def _custom_model(kind, options, n=8, out_dtype="int16", consts=()):
    mb = ModelBuilder("signal error case")
    x = mb.input("x", (n,), "int16")
    y = mb.tensor("y", (n,), out_dtype)
    mb.custom_op(kind, [x] + [mb.const(f"c{i}", c) for i, c in enumerate(consts)], [y], options)
    mb.output(y)
    return mb.build()


def test_refusals():
    """Other custom ops are refused by name; options TFLite Micro would misread, an FFT length its
    kiss_fft cannot run and types tinycc does not implement are refused with the rule."""
    with pytest.raises(UnsupportedError, match=r"'MyOp' \(operator #0\).*SignalRfft"):
        tinycc.compile(_custom_model("MyOp", {"a": 1}))
    with pytest.raises(ModelFormatError, match="keys shift"):
        tinycc.compile(_custom_model("SignalWindow", {"shfit": 3}, consts=[np.ones(8, np.int16)]))
    with pytest.raises(UnsupportedError, match="shift 0..31"):
        tinycc.compile(_custom_model("SignalWindow", {"shift": 40}, consts=[np.ones(8, np.int16)]))
    for length, rule in ((14, "product of 2, 3 and 5"), (16, "must be int16")):
        mb = ModelBuilder("rfft")
        x = mb.input("x", (1, 8), "int16")
        y = mb.tensor("y", (1, 2 * (length // 2 + 1)), "int16")
        mb.custom_op("SignalRfft", [x], [y], {"T": 7 if length == 14 else 1, "fft_length": length})
        mb.output(y)
        with pytest.raises(UnsupportedError, match=rule):
            tinycc.compile(mb.build())


def test_filter_bank_tables_are_checked():
    """A filter bank table pointing outside the spectrum is refused (TFLite Micro would read outside it)."""
    mb = ModelBuilder("filter bank")
    x = mb.input("x", (10,), "uint32")
    y = mb.tensor("y", (2,), "uint64")
    tabs = [np.ones(6, np.int16), np.ones(6, np.int16), np.array([0, 4, 8], np.int16), np.array([0, 2, 4], np.int16),
            np.array([2, 2, 4], np.int16)]  # the last band: input 8..11 of 10
    mb.custom_op("SignalFilterBank", [x] + [mb.const(f"t{i}", t) for i, t in enumerate(tabs)], [y], {"num_channels": 2})
    mb.output(y)
    with pytest.raises(UnsupportedError, match="each channel's band inside the input"):
        tinycc.compile(mb.build())


def test_corrupt_custom_options():
    """Custom options that are not a flexbuffer: a model format error, not a crash."""
    from flatbuffers import flexbuffers
    data = bytearray(_custom_model("SignalWindow", {"shift": 3}, consts=[np.ones(8, np.int16)]))
    good = bytes(flexbuffers.Dumps({"shift": 3}))
    at = bytes(data).find(good)
    assert at > 0
    data[at + len(good) - 1] = 0xEE  # the root's byte width (the flexbuffer's last byte): nonsense
    with pytest.raises(ModelFormatError, match="custom options"):
        tinycc.compile(bytes(data))


KWS_MAIN = r"""
#include <stdio.h>
#include <stdint.h>
#include "fe/model.h"
#include "kws/model.h"
#define MAX(x, y) ((x) > (y) ? (x) : (y))
/* one arena for both: the front end's state is kept apart (FE_STATE_IN_ARENA 0) */
static uint8_t arena[MAX(FE_ARENA_SIZE, KWS_ARENA_SIZE)] __attribute__((aligned(16)));
static int16_t samples[16000];
static int8_t features[49 * 40], scores[4], clobber[4];
int main(void)
{
  FILE *f = fopen("samples.bin", "rb");
  int k;
  if (FE_STATE_IN_ARENA || !FE_HAS_STATE || !f || fread(samples, 2, 16000, f) != 16000)
    return 2;
  fclose(f);
  fe_reset(arena);
  for (k = 0; k < 49; k++) {
    fe_invoke(samples + 320 * k, features + 40 * k, arena);
    kws_invoke(features, clobber, arena); /* the other model uses the arena between frames */
  }
  kws_invoke(features, scores, arena);
  f = fopen("out.bin", "wb");
  fwrite(features, 1, sizeof features, f);
  fwrite(scores, 1, sizeof scores, f);
  return fclose(f) != 0;
}
"""


def test_front_end_and_classifier_share_an_arena(tmp_path):
    """The front end with its state apart (--state-apart) and micro_speech's classifier in one program
    with one arena, the classifier running between the front end's frames: the features and the
    scores equal TFLite Micro's running the two models over the same windows."""
    from test_firmware import link_named
    fe_path, kws_path = front_end("audio_preprocessor_int8"), MODELS / "tflm" / "micro_speech_quantized.tflite"
    compiled = {"fe": tinycc.compile(fe_path, target="c"), "kws": tinycc.compile(kws_path, target="c")}
    prog, _ = link_named(tmp_path, compiled, KWS_MAIN, state_apart=True)
    h = (tmp_path / "fe" / "model.h").read_text()
    assert "#define FE_STATE_SIZE 160" in h and "#define FE_STATE_IN_ARENA 0" in h
    samples = recording("yes")
    (tmp_path / "samples.bin").write_bytes(samples.astype("<i2").tobytes())
    import subprocess
    subprocess.run([str(prog)], cwd=tmp_path, check=True, timeout=60)
    out = np.fromfile(tmp_path / "out.bin", np.int8)
    features = tflm_frames(fe_path, windows(samples)).reshape(1, -1)
    np.testing.assert_array_equal(out[:-4], features[0])
    scores = TFLM(kws_path)([features])[0].reshape(-1)
    np.testing.assert_array_equal(out[-4:], scores)
    assert int(np.argmax(scores)) == 2  # silence, unknown, yes, no
