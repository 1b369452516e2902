/* tinycc portable kernel: binary_f32 (float32 SUB, MUL, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE,
 * PRELU, DIV, FLOOR_DIV with 6-D broadcasting and activation clamp).
 * tinycc: shared with the host executor. */
#include "tc_broadcast.h"

/* floor of a double without libm (halves of the add round to even, then step down). */
static double tc_floor_f64(double q)
{
  double t;
  if (!(q > -4503599627370496.0 && q < 4503599627370496.0)) /* NaN, infinities and integers */
    return q;
  t = q >= 0.0 ? (q + 4503599627370496.0) - 4503599627370496.0 : -((-q + 4503599627370496.0) - 4503599627370496.0);
  return t > q ? t - 1.0 : t;
}

static float tc_binary_one_f32(int32_t op, float a, float b)
{
  switch (op) {
  case 0: return a - b;
  case 1: return a * b;
  case 2: return a > b ? a : b;
  case 3: return a < b ? a : b;
  case 4: return (a - b) * (a - b);
  case 5: return a >= 0.0f ? a : a * b; /* PRELU */
  case 6: return a / b;
  case 7: return (float)tc_floor_f64((double)a / (double)b); /* FLOOR_DIV in double, as TFLite */
  default: return a;
  }
}

/* ip: d0..d5 a0..a5 b0..b5 op; fp: act_min act_max (SUB, MUL, DIV only). The output may be exactly in1 or in2 when
   that input is not broadcast. */
void tc_binary_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const in1 = (const float *)buf[TCB_BINARY_F32_IN1];
  const float *const in2 = (const float *)buf[TCB_BINARY_F32_IN2];
  float *const y = (float *)buf[TCB_BINARY_F32_OUT];
  const ptrdiff_t d5 = ip[TCP_BINARY_F32_D5], a5 = ip[TCP_BINARY_F32_A5], b5 = ip[TCP_BINARY_F32_B5];
  const int32_t op = ip[TCP_BINARY_F32_OP];
  const float act_min = fp[TCF_BINARY_F32_ACT_MIN], act_max = fp[TCF_BINARY_F32_ACT_MAX];
  const int clamp = op == 0 || op == 1 || op == 6; /* the ops with a fused activation */
  (void)scratch;
  TC_BROADCAST_6D(BINARY_F32, float, float, in1, in2, y, ip, {
    ptrdiff_t i5;
    for (i5 = 0; i5 < d5; i5++) {
      const float v = tc_binary_one_f32(op, pa[i5 * a5], pb[i5 * b5]);
      yp[i5] = clamp ? tc_clampf(v, act_min, act_max) : v;
    }
  });
}
