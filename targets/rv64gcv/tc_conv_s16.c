/* tinycc RVV kernel: conv_s16 (16x8 convolution, depthwise and fully connected;
   generic/tc_conv_s16.h) with the int16 x int8 dot products of convolutions and fully connected
   layers in RVV: int8 weights sign-extended to 16 bits, widening products to 32 bits, widening
   sums into a 64-bit lane. Depthwise layers keep the portable loop. */
#include <riscv_vector.h>

#include "tc_internal.h"

static inline int64_t tc_rvv_dot_s16_s8(const int16_t *x, const int8_t *w, ptrdiff_t n)
{
  vint64m1_t acc = __riscv_vmv_s_x_i64m1(0, 1);
  size_t vl;
  for (; n > 0; n -= (ptrdiff_t)vl, x += vl, w += vl) {
    vl = __riscv_vsetvl_e16m2((size_t)n);
    const vint16m2_t wv = __riscv_vsext_vf2_i16m2(__riscv_vle8_v_i8m1(w, vl), vl);
    const vint32m4_t prod = __riscv_vwmul_vv_i32m4(__riscv_vle16_v_i16m2(x, vl), wv, vl);
    acc = __riscv_vwredsum_vs_i32m4_i64m1(prod, acc, vl);
  }
  return __riscv_vmv_x_s_i64m1_i64(acc);
}

#define TC_CONV_S16_DOT tc_rvv_dot_s16_s8
#include "tc_conv_s16.h"

void tc_conv_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  tc_conv_s16_body(buf, ip);
}
