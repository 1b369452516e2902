/* tinycc portable kernel: unary_f32 (the float32 unary elementwise ops: activations and math
 * functions, one op code per kernel call). No libm: exp, log and sqrt are computed here in
 * float32 (a few ulp, well inside tinycc's 1e-5 float tolerance against TFLite Micro).
 * tinycc: shared with the host executor. */
#include <math.h> /* NAN and INFINITY only: nothing from libm is called */

#include "tc_internal.h"

typedef union {
  float f;
  uint32_t u;
} tc_f32_bits;

/* 2**k as a float, -126 <= k <= 127. */
static float tc_pow2f(int32_t k)
{
  tc_f32_bits b;
  b.u = (uint32_t)(k + 127) << 23;
  return b.f;
}

/* exp(x): x = k ln2 + r (Cody-Waite), a degree-6 polynomial on |r| <= ln2 / 2, scaled by 2**k. */
static float tc_expf(float x)
{
  float r, p, kf;
  int32_t k;
  if (x != x)
    return x;
  if (x > 88.7228394f)
    return INFINITY;
  if (x < -103.972084f)
    return 0.0f;
  kf = x * 1.44269504f;
  k = (int32_t)(kf < 0.0f ? kf - 0.5f : kf + 0.5f);
  kf = (float)k;
  r = (x - kf * 0.693145752f) - kf * 1.42860677e-6f;
  p = 1.0f + r * (1.0f + r * (0.5f + r * (1.66666672e-1f + r * (4.16666679e-2f + r * (8.33333377e-3f
      + r * 1.38888889e-3f)))));
  if (k > 127)
    return p * tc_pow2f(127) * tc_pow2f(k - 127);
  if (k < -126)
    return p * tc_pow2f(k + 100) * tc_pow2f(-100);
  return p * tc_pow2f(k);
}

/* exp(x) - 1, with a series near 0 where the subtraction would cancel. */
static float tc_expm1f(float x)
{
  if (x > -0.125f && x < 0.125f)
    return x * (1.0f + x * (0.5f + x * (1.66666672e-1f + x * (4.16666679e-2f + x * (8.33333377e-3f
           + x * 1.38888889e-3f)))));
  return tc_expf(x) - 1.0f;
}

/* log(x): x = m * 2**e with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh((m - 1) / (m + 1)). */
static float tc_logf(float x)
{
  tc_f32_bits b;
  int32_t e = 0;
  float m, s, s2;
  if (x != x || x == INFINITY)
    return x;
  if (x < 0.0f)
    return NAN;
  if (x == 0.0f)
    return -INFINITY;
  if (x < 1.17549435e-38f) { /* subnormal: make it normal */
    x *= 8388608.0f;
    e = -23;
  }
  b.f = x;
  e += (int32_t)(b.u >> 23) - 127;
  b.u = (b.u & 0x007FFFFFu) | 0x3F800000u; /* m in [1, 2) */
  m = b.f;
  if (m > 1.41421356f) {
    m *= 0.5f;
    e += 1;
  }
  s = (m - 1.0f) / (m + 1.0f);
  s2 = s * s;
  return (float)e * 0.693147182f
         + 2.0f * s * (1.0f + s2 * (0.333333343f + s2 * (0.2f + s2 * (0.142857149f + s2 * 0.111111112f))));
}

/* sqrt(x) by Newton's method from a bit-level first guess. */
static float tc_sqrtf(float x)
{
  tc_f32_bits b;
  float y, scale = 1.0f;
  int i;
  if (x != x || x == INFINITY || x == 0.0f)
    return x;
  if (x < 0.0f)
    return NAN;
  if (x < 1.17549435e-38f) { /* subnormal */
    x *= 16777216.0f;
    scale = 2.44140625e-4f; /* 2**-12 */
  }
  b.f = x;
  b.u = (b.u >> 1) + 0x1FC00000u;
  y = b.f;
  for (i = 0; i < 4; i++)
    y = 0.5f * (y + x / y);
  return y * scale;
}

/* Round to the nearest integer, halves to even (the current rounding mode's rounding of an add). */
static float tc_rintf(float x)
{
  if (!(x > -8388608.0f && x < 8388608.0f)) /* NaN, infinities and integers */
    return x;
  return x >= 0.0f ? (x + 8388608.0f) - 8388608.0f : -((-x + 8388608.0f) - 8388608.0f);
}

static float tc_floorf(float x)
{
  const float t = tc_rintf(x);
  return t > x ? t - 1.0f : t;
}

static float tc_ceilf(float x)
{
  const float t = tc_rintf(x);
  return t < x ? t + 1.0f : t;
}

static float tc_tanhf(float x)
{
  float t;
  if (x > 9.0f)
    return 1.0f;
  if (x < -9.0f)
    return -1.0f;
  if (x > -0.125f && x < 0.125f) {
    const float x2 = x * x;
    return x * (1.0f - x2 * (0.333333343f - x2 * (0.133333340f - x2 * 0.0539682545f)));
  }
  t = tc_expf(2.0f * x);
  return (t - 1.0f) / (t + 1.0f); /* NaN passes through */
}

/* One element of op `op` (the op codes of tinycc/ops/activations.py F32_CODES). */
static float tc_unary_one_f32(int32_t op, float x, float alpha)
{
  float v;
  switch (op) {
  case 0: /* LOGISTIC, as TFLite's reference (cut-offs for large |x|) */
    if (x > TC_LOGISTIC_HI)
      return 1.0f;
    if (x < TC_LOGISTIC_LO)
      return tc_expf(x);
    return 1.0f / (1.0f + tc_expf(-x));
  case 1: return tc_tanhf(x);
  case 2: return x < 0.0f ? 0.0f : x;                                  /* RELU */
  case 3: return x > 6.0f ? 6.0f : (x < 0.0f ? 0.0f : x);              /* RELU6 */
  case 4: return x > 0.0f ? x : x * alpha;                             /* LEAKY_RELU */
  case 5: /* HARD_SWISH: x * min(6, max(0, x + 3)) / 6 */
    v = 0.0f < x + 3.0f ? x + 3.0f : 0.0f;
    return x * (v < 6.0f ? v : 6.0f) / 6.0f;
  case 6: return 1.0f / tc_sqrtf(x);                                   /* RSQRT */
  case 7: return x < 0.0f ? -x : x;                                    /* ABS */
  case 8: return -x;                                                   /* NEG */
  case 9: return x < 0.0f ? tc_expm1f(x) : x;                          /* ELU */
  case 10: return tc_expf(x);
  case 11: return tc_sqrtf(x);
  case 12: return tc_logf(x);
  case 13: return x * x;                                               /* SQUARE */
  case 14: return tc_floorf(x);
  case 15: return tc_ceilf(x);
  case 16: return tc_rintf(x);                                         /* ROUND */
  default: return x;
  }
}

/* buffers: in, out (float32); ip: size op; fp: alpha. In place allowed. */
void tc_unary_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const x = (const float *)buf[TCB_UNARY_F32_IN];
  float *const y = (float *)buf[TCB_UNARY_F32_OUT];
  const ptrdiff_t n = ip[TCP_UNARY_F32_SIZE];
  const int32_t op = ip[TCP_UNARY_F32_OP];
  const float alpha = fp[TCF_UNARY_F32_ALPHA];
  ptrdiff_t i;
  (void)scratch;
  for (i = 0; i < n; i++)
    y[i] = tc_unary_one_f32(op, x[i], alpha);
}
