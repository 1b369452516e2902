"""Keyword spotting on a recording with two compiled models, as examples/micro_speech runs it on a
board: a stateful audio front end (TFLite Micro's audio_preprocessor_int8: 480 samples in, 40
features out) run on overlapping windows, then a classifier (micro_speech_quantized: 49x40 features
in, the scores of silence, unknown, yes, no out).

    samples = read_wav("yes_1000ms.wav")
    features, scores = run_keyword_pipeline(tinycc.compile(frontend), tinycc.compile(classifier), samples)
"""
from __future__ import annotations

import struct

import numpy as np

from .errors import InputError

LABELS = ("silence", "unknown", "yes", "no")
RATE, WINDOW, STRIDE = 16000, 480, 320


def read_wav(path) -> np.ndarray:
    """The int16 samples of a 16 kHz mono 16-bit PCM WAV file (the checks examples/micro_speech/main.c
    makes: a RIFF/WAVE file, its 'fmt ' chunk before its 'data' chunk, other chunks skipped)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise InputError(f"{path}: not a RIFF/WAVE file")
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        tag, size = data[pos:pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        body = data[pos + 8:pos + 8 + size]
        if tag == b"fmt ":
            if size < 16:
                raise InputError(f"{path}: a 'fmt ' chunk of {size} bytes")
            fmt = struct.unpack_from("<HHIIHH", body)
            kind, channels, rate, _, _, bits = fmt
            if (kind, channels, rate, bits) != (1, 1, RATE, 16):
                raise InputError(f"{path}: format {kind}, {channels} channel(s), {rate} Hz, {bits} bits; "
                                 f"want PCM (format 1), mono, {RATE} Hz, 16 bits")
        elif tag == b"data":
            if fmt is None:
                raise InputError(f"{path}: a 'data' chunk before the 'fmt ' chunk")
            if len(body) < size:
                raise InputError(f"{path}: the 'data' chunk says {size} bytes, the file holds {len(body)}")
            return np.frombuffer(body[:size - size % 2], "<i2").astype(np.int16)
        pos += 8 + size + size % 2  # chunks are padded to an even size
    raise InputError(f"{path}: no 'data' chunk")


def frames(samples: np.ndarray, window: int = WINDOW, stride: int = STRIDE) -> np.ndarray:
    """The whole windows of ``samples``, ``stride`` apart: shape (n, window)."""
    n = 1 + (len(samples) - window) // stride if len(samples) >= window else 0
    return np.stack([samples[k * stride:k * stride + window] for k in range(n)]) if n else \
        np.zeros((0, window), samples.dtype)


def run_keyword_pipeline(frontend, classifier, samples: np.ndarray) -> tuple:
    """(features, scores): the front end reset, then run on each window in order (its state carried
    from one to the next), its outputs as the rows of the classifier's input; the classifier's int8
    scores (LABELS)."""
    shape = frontend.inputs[0].shape
    rows = classifier.inputs[0].shape[-1] // int(np.prod(frontend.outputs[0].shape))
    windows = frames(samples, int(np.prod(shape)))[:rows]
    if len(windows) < rows:
        raise InputError(f"{len(samples)} samples make {len(windows)} windows; the classifier takes {rows}")
    features = np.stack([y.reshape(-1) for y in frontend.run_sequence([w.reshape(shape) for w in windows])])
    scores = classifier(features.reshape(classifier.inputs[0].shape))
    return features, scores.reshape(-1)
