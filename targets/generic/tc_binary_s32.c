/* tinycc portable kernel: binary_s32 (int32 ADD, SUB, MUL, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE,
 * DIV with 6-D broadcasting and an activation clamp), as TFLite Micro's int32 kernels: sums,
 * differences and products wrap to 32 bits, DIV truncates toward zero (INT32_MIN / -1 wraps to
 * INT32_MIN; a zero divisor, which TFLite Micro refuses at run time, gives 0).
 * tinycc: shared with the host executor. */
#include "tc_broadcast.h"

static int32_t tc_binary_one_s32(int32_t op, int32_t a, int32_t b)
{
  const uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
  switch (op) {
  case 0: return tc_s32(ua - ub);
  case 1: return tc_s32(ua * ub);
  case 2: return a > b ? a : b;
  case 3: return a < b ? a : b;
  case 4: {
    const uint32_t d = ua - ub;
    return tc_s32(d * d);
  }
  case 6:
    if (b == 0)
      return 0;
    if (b == -1)
      return tc_s32(0u - ua);
    return a / b;
  case 8: return tc_s32(ua + ub);
  default: return a;
  }
}

/* ip: d0..d5 a0..a5 b0..b5 op act_min act_max (binary.S32_CODES). The output may be exactly in1 or in2 when that
   input is not broadcast. */
void tc_binary_s32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int32_t *const in1 = (const int32_t *)buf[TCB_BINARY_S32_IN1];
  const int32_t *const in2 = (const int32_t *)buf[TCB_BINARY_S32_IN2];
  int32_t *const y = (int32_t *)buf[TCB_BINARY_S32_OUT];
  const ptrdiff_t d5 = ip[TCP_BINARY_S32_D5], a5 = ip[TCP_BINARY_S32_A5], b5 = ip[TCP_BINARY_S32_B5];
  const int32_t op = ip[TCP_BINARY_S32_OP];
  const int32_t act_min = ip[TCP_BINARY_S32_ACT_MIN], act_max = ip[TCP_BINARY_S32_ACT_MAX];
  (void)fp;
  (void)scratch;
  TC_BROADCAST_6D(BINARY_S32, int32_t, int32_t, in1, in2, y, ip, {
    ptrdiff_t i5;
    for (i5 = 0; i5 < d5; i5++)
      yp[i5] = tc_clamp32(tc_binary_one_s32(op, pa[i5 * a5], pb[i5 * b5]), act_min, act_max);
  });
}
