"""TFLite's integer arithmetic: golden values and a scalar re-implementation of the C semantics."""
import math

import numpy as np
import pytest

from tinycc import fixedpoint as fx

I32_MIN, I32_MAX = -(1 << 31), (1 << 31) - 1


def c_div(a, b):  # C integer division, truncating toward zero
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def srdhm_scalar(a, b):
    if a == b == I32_MIN:
        return I32_MAX
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
    return c_div(ab + nudge, 1 << 31)


def rdbpot_scalar(x, e):
    mask = (1 << e) - 1
    rem = x & mask
    thr = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> e) + (1 if rem > thr else 0)


def test_golden_values():
    assert fx.quantize_multiplier(0.5) == (1 << 30, 0)
    assert fx.quantize_multiplier(1.0) == (1 << 30, 1)
    assert fx.quantize_multiplier(0.25) == (1 << 30, -1)
    assert fx.quantize_multiplier(0.0) == (0, 0)
    assert fx.quantize_multiplier(1e-12) == (0, 0)  # below 2**-31: flushed to zero
    assert fx.quantize_multiplier(0.9999999999) == (1 << 30, 1)  # rounds up to 2**31, renormalised
    assert int(fx.srdhm(I32_MIN, I32_MIN)) == I32_MAX
    assert [int(fx.rounding_divide_by_pot(v, 1)) for v in (5, -5, 4, -4, 3, -3)] == [3, -3, 2, -2, 2, -2]
    assert int(fx.exp_on_negative_values(0)) == I32_MAX
    assert fx.tflite_round(2.5) == 3 and fx.tflite_round(-2.5) == -3 and fx.tflite_round(0.49999997) == 0


def test_srdhm_and_rounding_divide_match_scalar_c_semantics():
    rng = np.random.default_rng(0)
    a = rng.integers(I32_MIN, I32_MAX, 2000, endpoint=True)
    b = rng.integers(0, I32_MAX, 2000, endpoint=True)
    a[:3] = [I32_MIN, I32_MAX, 0]
    got = fx.srdhm(a, b)
    assert [int(v) for v in got] == [srdhm_scalar(int(x), int(y)) for x, y in zip(a, b)]
    e = rng.integers(0, 31, 2000)
    got = fx.rounding_divide_by_pot(a, e)
    assert [int(v) for v in got] == [rdbpot_scalar(int(x), int(k)) for x, k in zip(a, e)]


@pytest.mark.parametrize("real", [0.3, 1.7e-3, 2.5e-5, 0.999, 1.5, 3.9])
def test_multiply_by_quantized_multiplier_close_to_real_product(real):
    m, s = fx.quantize_multiplier(real)
    x = np.arange(-100000, 100000, 997)
    got = fx.multiply_by_quantized_multiplier(x, m, s)
    assert np.all(np.abs(got - x * real) <= 1.0)


def test_exp_and_reciprocal_accuracy():
    a = -np.arange(0, 31 << 26, 1 << 20)  # Q5.26 values in [-31, 0]
    e = fx.exp_on_negative_values(a) / 2.0 ** 31
    assert np.all(np.abs(e - np.exp(a / 2.0 ** 26)) < 2e-6)
    x = np.arange(0, I32_MAX, 1 << 22)
    r = fx.one_over_one_plus_x_for_x_in_0_1(x) / 2.0 ** 31
    assert np.all(np.abs(r - 1 / (1 + x / 2.0 ** 31)) < 1e-7)


def test_count_leading_zeros():
    vals = [0, 1, 2, 3, (1 << 31) - 1, 1 << 31, (1 << 32) - 1]
    assert list(fx.count_leading_zeros32(np.array(vals))) == [32 - v.bit_length() for v in vals]
