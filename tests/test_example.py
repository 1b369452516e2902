"""examples/micro_speech: the keyword-spotting firmware built with CMake from a clean directory (one
build per target: cortex-m55 from C, cortex-m4 with main.c compiled as C++), run under QEMU on the
yes and no recordings: the top label, and its features and int8 scores exactly those of TFLite
Micro's Python interpreter running the same two models over the same windows; tinycc.audio's
pipeline on the host gives them too. A missing cmake, Arm GCC or QEMU fails these tests."""
import os
import re
import shutil
import struct
import subprocess
import sys

import numpy as np
import pytest

import tinycc
from tinycc.audio import LABELS, WINDOW, frames, read_wav, run_keyword_pipeline
from tinycc.ctarget import RUNNERS
from tinycc.errors import InputError
from tinycc.oracle import TFLM

from shared_models import MODELS, ROOT
from test_firmware import _cmake_build, _tool

EXAMPLE = ROOT / "examples" / "micro_speech"
FRONTEND = MODELS / "tflm" / "audio_preprocessor_int8.tflite"
CLASSIFIER = MODELS / "tflm" / "micro_speech_quantized.tflite"
WORDS = ("yes", "no")


def _recording(word):
    path = MODELS / "tflm" / "testdata" / f"{word}_1000ms.wav"
    assert path.exists(), f"{path} not found; set TINYCC_MODELS to the models directory"
    return path


def _tflm_pipeline(samples):
    """The oracle: TFLite Micro's front end over the windows in order (one interpreter, never reset),
    its rows into TFLite Micro's classifier."""
    frontend = TFLM(FRONTEND)
    features = np.stack([frontend([w.reshape(1, WINDOW)])[0].reshape(-1) for w in frames(samples)])
    return features, TFLM(CLASSIFIER)([features.reshape(1, -1)])[0].reshape(-1)


@pytest.fixture(scope="module")
def expected():
    out = {w: _tflm_pipeline(read_wav(_recording(w))) for w in WORDS}
    for word, (_, scores) in out.items():
        assert LABELS[int(np.argmax(scores))] == word, (word, scores)
    return out


def test_python_pipeline(expected):
    """tinycc.audio with the two models compiled for the host: TFLite Micro's features and scores."""
    frontend, classifier = tinycc.compile(FRONTEND), tinycc.compile(CLASSIFIER)
    assert frontend.has_state
    for word in WORDS:
        features, scores = run_keyword_pipeline(frontend, classifier, read_wav(_recording(word)))
        np.testing.assert_array_equal(features, expected[word][0], err_msg=word)
        np.testing.assert_array_equal(scores, expected[word][1], err_msg=word)


def _wav(fmt=(1, 1, 16000, 16), data=b"\0\0" * 4, chunks=("fmt ", "data")) -> bytes:
    kind, channels, rate, bits = fmt
    body = {"fmt ": struct.pack("<HHIIHH", kind, channels, rate, rate * channels * bits // 8, channels * bits // 8,
                                bits), "data": data}
    out = b"WAVE" + b"LIST\x03\0\0\0abc\0"  # an odd-sized chunk to skip first (padded)
    for c in chunks:
        out += c.encode() + struct.pack("<I", len(body[c])) + body[c]
    return b"RIFF" + struct.pack("<I", len(out)) + out


BAD_WAVS = {"stereo": (_wav(fmt=(1, 2, 16000, 16)), "2 channel"), "8 kHz": (_wav(fmt=(1, 1, 8000, 16)), "8000 Hz"),
            "float": (_wav(fmt=(3, 1, 16000, 32)), "format 3"), "no fmt": (_wav(chunks=("data",)), "before the 'fmt '"),
            "no data": (_wav(chunks=("fmt ",)), "no 'data' chunk"), "not riff": (b"RIFX" + bytes(40), "not a RIFF")}


def test_read_wav(tmp_path):
    path = tmp_path / "a.wav"
    path.write_bytes(_wav(data=struct.pack("<4h", 1, -2, 300, -32768)))
    np.testing.assert_array_equal(read_wav(path), [1, -2, 300, -32768])
    for name, (data, message) in BAD_WAVS.items():
        path.write_bytes(data)
        with pytest.raises(InputError, match=message):
            read_wav(path)


@pytest.mark.parametrize("target,cxx", [("cortex-m55", False), ("cortex-m4", True)])
def test_example_firmware(tmp_path, monkeypatch, expected, target, cxx):
    _tool("arm-none-eabi-gcc")
    # the cmake project runs this tinycc, with this Python
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([os.path.dirname(os.path.dirname(tinycc.__file__)),
                                                      os.environ.get("PYTHONPATH", "")]))
    build = _cmake_build(EXAMPLE, f"-DPython_EXECUTABLE={sys.executable}", f"-DAUDIO_MODEL={FRONTEND}",
                         f"-DKWS_MODEL={CLASSIFIER}", f"-DTARGET={target}",
                         f"-DMICRO_SPEECH_CXX={'ON' if cxx else 'OFF'}", build=tmp_path / "build")
    assert not (EXAMPLE / "build").exists()
    elf = build / "micro_speech.elf"
    runner = RUNNERS[target]()
    # one arena for both models, the larger of their model.h's sizes (-C: C++ names demangled), the front
    # end's state in its library
    symbols = [line.split() for line in subprocess.run([_tool(runner.nm), "-S", "-C", str(elf)], check=True,
                                                       capture_output=True, text=True).stdout.splitlines()]
    sizes = {s[3]: int(s[1], 16) for s in symbols if len(s) == 4}
    headers = {lib: (build / lib / "model.h").read_text() for lib in ("audio", "kws")}
    assert sizes["arena"] == max(int(re.search(rf"{lib.upper()}_ARENA_SIZE (\d+)", h).group(1))
                                 for lib, h in headers.items())
    assert "#define AUDIO_STATE_IN_ARENA 0" in headers["audio"] and "#define AUDIO_STATE_SIZE 160" in headers["audio"]

    def run(*args):
        return subprocess.run(runner.qemu(str(elf), args), cwd=tmp_path, capture_output=True, text=True, timeout=120)

    for word in WORDS:
        shutil.copy(_recording(word), tmp_path / f"{word}.wav")
        r = run(f"{word}.wav", f"{word}.bin")
        assert r.returncode == 0, r.stdout + r.stderr
        assert f"keyword: {word}\n" in r.stdout, r.stdout
        out = np.fromfile(tmp_path / f"{word}.bin", np.int8)
        features, scores = expected[word]
        np.testing.assert_array_equal(out[:features.size].reshape(features.shape), features, err_msg=word)
        np.testing.assert_array_equal(out[features.size:], scores, err_msg=word)
        for label, score in zip(LABELS, scores):
            assert f"  {label:<8} {score:4d}\n" in r.stdout, r.stdout
    # a file it cannot use: a message, exit status 2
    for name, (data, message) in list(BAD_WAVS.items())[:2]:
        (tmp_path / "bad.wav").write_bytes(data)
        r = run("bad.wav", "bad.bin")
        assert r.returncode == 2 and message in r.stdout + r.stderr, (name, r.stdout + r.stderr)
