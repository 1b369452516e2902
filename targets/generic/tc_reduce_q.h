/* tinycc portable kernels: the quantized reductions shared by reduce_s8 and reduce_s16 (included by
   their files only): MEAN, SUM, REDUCE_MAX, REDUCE_MIN with the input seen as up to 3 kept and 3
   reduced dimension groups with element strides. */
#ifndef TC_REDUCE_Q_H
#define TC_REDUCE_Q_H
#include "tc_internal.h"

/* reduce_s16 has reduce_s8's operand layout: tc_reduce_q reads both by reduce_s8's names. */
#define TC_REDUCE_Q_SAME(P) TC_SAME_IP(REDUCE_S8, REDUCE_S16, P)
TC_SAME_BUF(REDUCE_S8, REDUCE_S16, IN);
TC_SAME_BUF(REDUCE_S8, REDUCE_S16, OUT);
TC_REDUCE_Q_SAME(MODE);
TC_REDUCE_Q_SAME(O0);
TC_REDUCE_Q_SAME(O1);
TC_REDUCE_Q_SAME(O2);
TC_REDUCE_Q_SAME(OA0);
TC_REDUCE_Q_SAME(OA1);
TC_REDUCE_Q_SAME(OA2);
TC_REDUCE_Q_SAME(R0);
TC_REDUCE_Q_SAME(R1);
TC_REDUCE_Q_SAME(R2);
TC_REDUCE_Q_SAME(RA0);
TC_REDUCE_Q_SAME(RA1);
TC_REDUCE_Q_SAME(RA2);
TC_REDUCE_Q_SAME(IN_ZP);
TC_REDUCE_Q_SAME(OUT_ZP);
TC_REDUCE_Q_SAME(MULT);
TC_REDUCE_Q_SAME(SHIFT);

/* buffers: in, out: int8 (wide 0) or int16 (wide 1).
   ip: mode o0 o1 o2 oa0 oa1 oa2 r0 r1 r2 ra0 ra1 ra2 in_zp out_zp mult shift.
   out[(i0 * o1 + i1) * o2 + i2] reduces in[i0 * oa0 + i1 * oa1 + i2 * oa2 + j0 * ra0 + j1 * ra1
   + j2 * ra2] over 0 <= j_k < r_k (in that order). mode 0: sum, minus in_zp times the count,
   requantized with (mult, shift) and out_zp (TFLite's SUM and MEAN, the mean's 1/count folded
   into mult and shift); 1: maximum; 2: minimum (raw values). */
static void tc_reduce_q(void *const *buf, const int32_t *ip, int wide)
{
  const int32_t mode = ip[TCP_REDUCE_S8_MODE], lo = wide ? -32768 : -128, hi = wide ? 32767 : 127;
  const uint32_t zp_times_count = (uint32_t)ip[TCP_REDUCE_S8_IN_ZP] * ((uint32_t)ip[TCP_REDUCE_S8_R0]
                                  * (uint32_t)ip[TCP_REDUCE_S8_R1] * (uint32_t)ip[TCP_REDUCE_S8_R2]);
  ptrdiff_t i0, i1, i2, j0, j1, j2, n = 0;
  int l, r;
  tc_split_shift(ip[TCP_REDUCE_S8_SHIFT], &l, &r);
  for (i0 = 0; i0 < ip[TCP_REDUCE_S8_O0]; i0++)
    for (i1 = 0; i1 < ip[TCP_REDUCE_S8_O1]; i1++)
      for (i2 = 0; i2 < ip[TCP_REDUCE_S8_O2]; i2++, n++) {
        const ptrdiff_t o = i0 * ip[TCP_REDUCE_S8_OA0] + i1 * ip[TCP_REDUCE_S8_OA1] + i2 * ip[TCP_REDUCE_S8_OA2];
        uint32_t acc = 0;
        int32_t best = mode == 1 ? lo : hi, v;
        for (j0 = 0; j0 < ip[TCP_REDUCE_S8_R0]; j0++)
          for (j1 = 0; j1 < ip[TCP_REDUCE_S8_R1]; j1++)
            for (j2 = 0; j2 < ip[TCP_REDUCE_S8_R2]; j2++) {
              const ptrdiff_t k = o + j0 * ip[TCP_REDUCE_S8_RA0] + j1 * ip[TCP_REDUCE_S8_RA1]
                                  + j2 * ip[TCP_REDUCE_S8_RA2];
              const int32_t x = wide ? ((const int16_t *)buf[TCB_REDUCE_S8_IN])[k]
                                   : ((const int8_t *)buf[TCB_REDUCE_S8_IN])[k];
              acc += (uint32_t)x;
              if (mode == 1 ? x > best : x < best)
                best = x;
            }
        if (mode == 0) {
          v = tc_mbqm(tc_s32(acc - zp_times_count), ip[TCP_REDUCE_S8_MULT], l, r);
          v = tc_clamp32(v, lo - ip[TCP_REDUCE_S8_OUT_ZP], hi - ip[TCP_REDUCE_S8_OUT_ZP]) + ip[TCP_REDUCE_S8_OUT_ZP];
        } else {
          v = best;
        }
        if (wide)
          ((int16_t *)buf[TCB_REDUCE_S8_OUT])[n] = (int16_t)v;
        else
          ((int8_t *)buf[TCB_REDUCE_S8_OUT])[n] = (int8_t)v;
      }
}

#endif
