/* tinycc portable kernels: the quantized reductions shared by reduce_s8 and reduce_s16 (included by
   their files only): MEAN, SUM, REDUCE_MAX, REDUCE_MIN with the input seen as up to 3 kept and 3
   reduced dimension groups with element strides. */
#ifndef TC_REDUCE_Q_H
#define TC_REDUCE_Q_H
#include "tc_internal.h"

/* buffers: in, out: int8 (wide 0) or int16 (wide 1).
   ip: mode o0 o1 o2 oa0 oa1 oa2 r0 r1 r2 ra0 ra1 ra2 in_zp out_zp mult shift.
   out[(i0 * o1 + i1) * o2 + i2] reduces in[i0 * oa0 + i1 * oa1 + i2 * oa2 + j0 * ra0 + j1 * ra1
   + j2 * ra2] over 0 <= j_k < r_k (in that order). mode 0: sum, minus in_zp times the count,
   requantized with (mult, shift) and out_zp (TFLite's SUM and MEAN, the mean's 1/count folded
   into mult and shift); 1: maximum; 2: minimum (raw values). */
static void tc_reduce_q(void *const *buf, const int32_t *ip, int wide)
{
  const int32_t mode = ip[0], lo = wide ? -32768 : -128, hi = wide ? 32767 : 127;
  const int32_t *const od = ip + 1, *const oa = ip + 4, *const rd = ip + 7, *const ra = ip + 10;
  const uint32_t zp_times_count = (uint32_t)ip[13] * ((uint32_t)rd[0] * (uint32_t)rd[1] * (uint32_t)rd[2]);
  ptrdiff_t i0, i1, i2, j0, j1, j2, n = 0;
  int l, r;
  tc_split_shift(ip[16], &l, &r);
  for (i0 = 0; i0 < od[0]; i0++)
    for (i1 = 0; i1 < od[1]; i1++)
      for (i2 = 0; i2 < od[2]; i2++, n++) {
        const ptrdiff_t o = i0 * oa[0] + i1 * oa[1] + i2 * oa[2];
        uint32_t acc = 0;
        int32_t best = mode == 1 ? lo : hi, v;
        for (j0 = 0; j0 < rd[0]; j0++)
          for (j1 = 0; j1 < rd[1]; j1++)
            for (j2 = 0; j2 < rd[2]; j2++) {
              const ptrdiff_t k = o + j0 * ra[0] + j1 * ra[1] + j2 * ra[2];
              const int32_t x = wide ? ((const int16_t *)buf[0])[k] : ((const int8_t *)buf[0])[k];
              acc += (uint32_t)x;
              if (mode == 1 ? x > best : x < best)
                best = x;
            }
        if (mode == 0) {
          v = tc_mbqm(tc_s32(acc - zp_times_count), ip[15], l, r);
          v = tc_clamp32(v, lo - ip[14], hi - ip[14]) + ip[14];
        } else {
          v = best;
        }
        if (wide)
          ((int16_t *)buf[1])[n] = (int16_t)v;
        else
          ((int8_t *)buf[1])[n] = (int8_t)v;
      }
}

#endif
