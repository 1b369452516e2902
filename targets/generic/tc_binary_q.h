/* tinycc portable kernels: the quantized binary elementwise ops shared by binary_s8 and binary_s16
   (included by their files only): SUB, MUL, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, PRELU with 6-D
   broadcasting, TFLite Micro's integer arithmetic (int16: SUB's left shift is 15). */
#ifndef TC_BINARY_Q_H
#define TC_BINARY_Q_H
#include "tc_internal.h"

typedef struct {
  int32_t op, act_min, act_max, in1_off, in2_off, out_off;
  int left_shift;
  int32_t m1, m2, mo;
  int l1, r1, l2, r2, lo, ro;
} tc_binary_q_params;

static int32_t tc_binary_one(int32_t x1, int32_t x2, const tc_binary_q_params *p)
{
  /* x + offset is in [-383, 382] (int8) or +-65535 (int16, where TFLite's products overflow int32 too) */
  const int32_t v1 = x1 + p->in1_off, v2 = x2 + p->in2_off;
  int32_t v, a, b, d;
  switch (p->op) {
  case 0: /* SUB: ADD's rescaling with the difference */
    a = tc_mbqm(tc_shl32(v1, p->left_shift), p->m1, p->l1, p->r1);
    b = tc_mbqm(tc_shl32(v2, p->left_shift), p->m2, p->l2, p->r2);
    v = tc_mbqm(tc_s32((uint32_t)a - (uint32_t)b), p->mo, p->lo, p->ro);
    break;
  case 1: /* MUL */
    v = tc_mbqm(tc_s32((uint32_t)v1 * (uint32_t)v2), p->mo, p->lo, p->ro);
    break;
  case 2: /* MAXIMUM on the raw values */
    return x1 > x2 ? x1 : x2;
  case 3: /* MINIMUM */
    return x1 < x2 ? x1 : x2;
  case 4: /* SQUARED_DIFFERENCE */
    a = tc_mbqm(tc_shl32(v1, p->left_shift), p->m1, p->l1, p->r1);
    b = tc_mbqm(tc_shl32(v2, p->left_shift), p->m2, p->l2, p->r2);
    d = tc_s32((uint32_t)a - (uint32_t)b);
    v = tc_mbqm(tc_s32((uint32_t)((uint64_t)((int64_t)d * (int64_t)d))), p->mo, p->lo, p->ro);
    break;
  default: /* PRELU: identity branch (m1, s1), alpha branch (m2, s2) */
    v = v1 >= 0 ? tc_mbqm(v1, p->m1, p->l1, p->r1) : tc_mbqm(tc_s32((uint32_t)v1 * (uint32_t)v2), p->m2, p->l2, p->r2);
    break;
  }
  return tc_clamp32(v, p->act_min - p->out_off, p->act_max - p->out_off) + p->out_off;
}

/* buffers in1, in2, out: int8 (wide 0) or int16 (wide 1).
   ip: d0..d5 a0..a5 b0..b5 op act_min act_max in1_off in2_off out_off left_shift m1 s1 m2 s2 mo so.
   The output may be exactly in1 or in2 when that input is not broadcast. */
static void tc_binary_q(void *const *buf, const int32_t *ip, int wide)
{
  const ptrdiff_t d5 = ip[5], a5 = ip[11], b5 = ip[17];
  const int32_t *const q = ip + 18;
  tc_binary_q_params p;
  ptrdiff_t i0, i1, i2, i3, i4, i5, k = 0;
  p.op = q[0];
  p.act_min = q[1];
  p.act_max = q[2];
  p.in1_off = q[3];
  p.in2_off = q[4];
  p.out_off = q[5];
  p.left_shift = q[6] < 0 ? 0 : (q[6] > 31 ? 31 : (int)q[6]);
  p.m1 = q[7];
  tc_split_shift(q[8], &p.l1, &p.r1);
  p.m2 = q[9];
  tc_split_shift(q[10], &p.l2, &p.r2);
  p.mo = q[11];
  tc_split_shift(q[12], &p.lo, &p.ro);
  for (i0 = 0; i0 < ip[0]; i0++)
    for (i1 = 0; i1 < ip[1]; i1++)
      for (i2 = 0; i2 < ip[2]; i2++)
        for (i3 = 0; i3 < ip[3]; i3++)
          for (i4 = 0; i4 < ip[4]; i4++) {
            const ptrdiff_t ia = i0 * ip[6] + i1 * ip[7] + i2 * ip[8] + i3 * ip[9] + i4 * ip[10];
            const ptrdiff_t ib = i0 * ip[12] + i1 * ip[13] + i2 * ip[14] + i3 * ip[15] + i4 * ip[16];
            for (i5 = 0; i5 < d5; i5++, k++) {
              if (wide)
                ((int16_t *)buf[2])[k] = (int16_t)tc_binary_one(((const int16_t *)buf[0])[ia + i5 * a5],
                                                                ((const int16_t *)buf[1])[ib + i5 * b5], &p);
              else
                ((int8_t *)buf[2])[k] = (int8_t)tc_binary_one(((const int8_t *)buf[0])[ia + i5 * a5],
                                                              ((const int8_t *)buf[1])[ib + i5 * b5], &p);
            }
          }
}

#endif
