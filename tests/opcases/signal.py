"""Cases of TFLite Micro's signal-library ops (the audio front end's custom operators), at the regimes
of its audio preprocessor (480-sample frames, a Q12 window, fft_length 512, 40 mel channels,
spectral subtraction with 10 smoothing bits and 14 subtraction bits, PCAN with snr_shift 6, a log
with 3 correction bits and scale 64) and around them: other FFT lengths (every radix kiss_fft
has: 2, 3, 4, 5), full-scale and tiny samples, -32768, energies and noise estimates over the whole
uint32 range, 64-bit filter bank sums, clamping on and off."""
import numpy as np

from tinycc.testing import ModelBuilder

from . import case

I16 = np.iinfo(np.int16)
#: FFT lengths whose half factors into 2, 3, 4 and 5 (kiss_fft's radices)
FFT_LENGTHS = (4, 6, 8, 10, 12, 16, 18, 20, 24, 30, 32, 40, 48, 50, 60, 64, 90, 96, 120, 128, 160, 250, 256, 320,
               480, 512)


def _samples(rng, shape):
    """int16 audio: full scale, quiet, silent with -32768 spikes, or the extremes."""
    regime = int(rng.integers(5))
    if regime == 0:
        return rng.integers(I16.min, I16.max, shape, endpoint=True).astype(np.int16)
    if regime == 1:
        bits = int(rng.integers(1, 15))
        return rng.integers(-(1 << bits), 1 << bits, shape).astype(np.int16)
    if regime == 2:
        x = np.zeros(shape, np.int16)
        x.flat[rng.integers(0, x.size, max(1, x.size // 8))] = rng.choice([I16.min, I16.max, -1, 1])
        return x
    if regime == 3:
        t = np.arange(int(np.prod(shape))) * rng.uniform(0.01, 1.5)
        return (np.sin(t) * rng.uniform(10, 32767)).astype(np.int16).reshape(shape)
    return rng.choice(np.array([I16.min, I16.min + 1, -1, 0, 1, I16.max], np.int16), shape)


def _uint32(rng, shape, top=32):
    """uint32 values log-uniform up to 2**top (every magnitude a front end sees), with 0, 1 and 2."""
    bits = rng.integers(0, top + 1, shape)
    v = (rng.random(shape) * (2.0 ** bits)).astype(np.uint64)
    v = np.minimum(v, (1 << 32) - 1).astype(np.uint32)
    small = rng.random(shape) < 0.1
    return np.where(small, rng.integers(0, 3, shape).astype(np.uint32), v)


def _model(kind, inputs, consts, outputs, options):
    """One custom op: graph inputs (name, shape, dtype), constant operands, outputs (shape, dtype)."""
    mb = ModelBuilder(f"tinycc {kind} case")
    ins = [mb.input(f"x{i}", s, d) for i, (s, d) in enumerate(inputs)]
    cs = [mb.const(f"c{i}", c) for i, c in enumerate(consts)]
    outs = [mb.tensor(f"y{i}", s, d) for i, (s, d) in enumerate(outputs)]
    mb.custom_op(kind, ins + cs, outs, options)
    mb.output(*outs)
    return mb.build()


@case("SignalWindow")
def window(rng, size):
    n = int(rng.integers(1, 8 * size + 1))
    reps = int(rng.integers(1, 4))
    shape = (1, reps * n) if rng.random() < 0.5 else (reps, n)
    if rng.random() < 0.5:  # a Hann window in Q12, as the preprocessor's
        w = np.round(4096 * np.sin(np.pi * (np.arange(n) + 0.5) / n) ** 2).astype(np.int16)
        shift = 12
    else:
        w = rng.integers(I16.min, I16.max, n, endpoint=True).astype(np.int16)
        shift = int(rng.integers(0, 32))
    data = _model("SignalWindow", [(shape, "int16")], [w], [(shape, "int16")], {"shift": shift})
    return data, [_samples(rng, shape)]


@case("SignalFftAutoScale")
def fft_auto_scale(rng, size):
    n = int(rng.integers(1, 8 * size + 1))
    data = _model("SignalFftAutoScale", [((n,), "int16")], [], [((n,), "int16"), ((), "int32")], {})
    return data, [_samples(rng, (n,))]


@case("SignalRfft")
def rfft(rng, size):
    lengths = [n for n in FFT_LENGTHS if n <= 64 * size]
    n = int(rng.choice(lengths))
    in_len = n if rng.random() < 0.4 else int(rng.integers(1, n + 1))
    frames = int(rng.integers(1, 3))
    shape = (frames, in_len)
    data = _model("SignalRfft", [(shape, "int16")], [], [((frames, 2 * (n // 2 + 1)), "int16")],
                  {"T": 7, "fft_length": n})
    return data, [_samples(rng, shape)]


@case("SignalEnergy")
def energy(rng, size):
    """TFLite Micro leaves the energies outside [start_index, end_index) unwritten: as in the
    preprocessor, the model keeps only that range (CAST to int32, SLICE)."""
    n = int(rng.integers(1, 16 * size + 2))
    start, end = (0, n) if rng.random() < 0.4 else sorted(int(v) for v in rng.choice(n + 1, 2, replace=False))
    mb = ModelBuilder("tinycc SignalEnergy case")
    x = mb.input("x", (2 * n,), "int16")
    e, c, y = mb.tensor("e", (n,), "uint32"), mb.tensor("c", (n,), "int32"), mb.tensor("y", (end - start,), "int32")
    mb.custom_op("SignalEnergy", [x], [e], {"start_index": start, "end_index": end})
    mb.op("CAST", [e], [c])
    mb.op("SLICE", [c, mb.const("begin", np.array([start], np.int32)), mb.const("size", np.array([end - start],
                                                                                                np.int32))], [y])
    mb.output(y)
    return mb.build(), [_samples(rng, (2 * n,))]


@case("SignalFilterBank")
def filter_bank(rng, size):
    n_in = int(rng.integers(2, 32 * size + 3))
    channels = int(rng.integers(1, 2 * size + 2))
    widths = rng.integers(0, min(16, n_in) + 1, channels + 1)
    fstart = np.array([rng.integers(0, n_in - w + 1) for w in widths])
    wstart = np.concatenate([[0], np.cumsum(widths)[:-1]])
    n_w = int(widths.sum()) + int(rng.integers(0, 3))
    if rng.random() < 0.7:  # triangular weights in Q12 with their complements, as a mel filter bank's
        w = rng.integers(0, 4097, n_w)
        uw = 4096 - w
    else:  # any int16 (negative weights are sign-extended into the uint64 sums)
        w, uw = (rng.integers(I16.min, I16.max, n_w, endpoint=True) for _ in range(2))
    tabs = [w, uw, fstart, wstart, widths]
    data = _model("SignalFilterBank", [((n_in,), "uint32")], [t.astype(np.int16) for t in tabs],
                  [((channels,), "uint64")], {"num_channels": channels})
    return data, [_uint32(rng, (n_in,))]


@case("SignalFilterBankSquareRoot")
def filter_bank_sqrt(rng, size):
    n = int(rng.integers(1, 8 * size + 1))
    bits = rng.integers(0, 65, n)
    v = np.array([int(rng.integers(0, 1 << 62)) >> max(0, 62 - int(b)) for b in bits], dtype=object)
    roots = rng.integers(0, 1 << 32, n, dtype=np.uint64).astype(object)
    edge = [r * r + int(rng.integers(-1, 3)) + (r if rng.random() < 0.5 else 0) for r in roots]
    pick = rng.random(n) < 0.4
    x = np.array([max(0, min(int(e if p else a), (1 << 64) - 1)) for a, e, p in zip(v, edge, pick)], np.uint64)
    if n > 1 and rng.random() < 0.3:
        x[0], x[-1] = (1 << 64) - 1, (1 << 32) - 1
    data = _model("SignalFilterBankSquareRoot", [((n,), "uint64"), ((), "int32")], [], [((n,), "uint32")], {})
    return data, [x, np.array(int(rng.integers(0, 16)), np.int32)]


@case("SignalFilterBankSpectralSubtraction")
def spectral_subtraction(rng, size):
    n = int(rng.integers(1, 8 * size + 1))
    ssb = int(rng.choice([14, 14, int(rng.integers(8, 17))]))
    one = 1 << ssb
    s, alt = (int(rng.integers(0, one + 1)) for _ in range(2))
    opts = {"num_channels": n, "smoothing": s, "one_minus_smoothing": one - s, "alternate_smoothing": alt,
            "alternate_one_minus_smoothing": one - alt, "smoothing_bits": int(rng.choice([10, int(rng.integers(0, 17))])),
            "spectral_subtraction_bits": ssb, "min_signal_remaining": int(rng.integers(0, one + 1)),
            "clamping": bool(rng.random() < 0.5)}
    data = _model("SignalFilterBankSpectralSubtraction", [((n,), "uint32")], [],
                  [((n,), "uint32"), ((n,), "uint32")], opts)
    return data, [_uint32(rng, (n,), int(rng.choice([16, 22, 32])))]


def _pcan_lut(rng):
    """A gain table like the preprocessor's (a gain falling from 32767 per interval at lut[4i - 6],
    small slope and curvature terms beside it), or any int16 values."""
    if rng.random() < 0.3:
        return rng.integers(I16.min, I16.max, 125, endpoint=True).astype(np.int16)
    lut = rng.integers(-100, 100, 125)
    lut[:3] = 32767 - rng.integers(0, 200, 3)
    lut[6::4] = np.sort(rng.integers(0, 32767, lut[6::4].size))[::-1]
    return lut.astype(np.int16)


@case("SignalPCAN")
def pcan(rng, size):
    n = int(rng.integers(1, 8 * size + 1))
    data = _model("SignalPCAN", [((n,), "uint32"), ((n,), "uint32")], [_pcan_lut(rng)], [((n,), "uint32")],
                  {"snr_shift": int(rng.choice([6, int(rng.integers(0, 20))]))})
    return data, [_uint32(rng, (n,), int(rng.choice([16, 24, 32]))), _uint32(rng, (n,))]


@case("SignalFilterBankLog")
def filter_bank_log(rng, size):
    n = int(rng.integers(1, 8 * size + 1))
    opts = {"input_correction_bits": int(rng.choice([3, int(rng.integers(0, 32))])),
            "output_scale": int(rng.choice([64, int(rng.integers(1, 1 << 12)), int(rng.integers(1, 1 << 31))]))}
    data = _model("SignalFilterBankLog", [((n,), "uint32")], [], [((n,), "int16")], opts)
    return data, [_uint32(rng, (n,))]
