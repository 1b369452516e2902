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

/* binary_s16 has binary_s8's operand layout: tc_binary_q reads both by binary_s8's names. */
#define TC_BINARY_Q_SAME(P) TC_SAME_IP(BINARY_S8, BINARY_S16, P)
TC_SAME_BUF(BINARY_S8, BINARY_S16, IN1);
TC_SAME_BUF(BINARY_S8, BINARY_S16, IN2);
TC_SAME_BUF(BINARY_S8, BINARY_S16, OUT);
TC_BINARY_Q_SAME(D0);
TC_BINARY_Q_SAME(D1);
TC_BINARY_Q_SAME(D2);
TC_BINARY_Q_SAME(D3);
TC_BINARY_Q_SAME(D4);
TC_BINARY_Q_SAME(D5);
TC_BINARY_Q_SAME(A0);
TC_BINARY_Q_SAME(A1);
TC_BINARY_Q_SAME(A2);
TC_BINARY_Q_SAME(A3);
TC_BINARY_Q_SAME(A4);
TC_BINARY_Q_SAME(A5);
TC_BINARY_Q_SAME(B0);
TC_BINARY_Q_SAME(B1);
TC_BINARY_Q_SAME(B2);
TC_BINARY_Q_SAME(B3);
TC_BINARY_Q_SAME(B4);
TC_BINARY_Q_SAME(B5);
TC_BINARY_Q_SAME(OP);
TC_BINARY_Q_SAME(ACT_MIN);
TC_BINARY_Q_SAME(ACT_MAX);
TC_BINARY_Q_SAME(IN1_OFF);
TC_BINARY_Q_SAME(IN2_OFF);
TC_BINARY_Q_SAME(OUT_OFF);
TC_BINARY_Q_SAME(LEFT_SHIFT);
TC_BINARY_Q_SAME(M1);
TC_BINARY_Q_SAME(S1);
TC_BINARY_Q_SAME(M2);
TC_BINARY_Q_SAME(S2);
TC_BINARY_Q_SAME(MO);
TC_BINARY_Q_SAME(SO);

/* buffers in1, in2, out: int8 (wide 0) or int16 (wide 1).
   ip: d0..d5 a0..a5 b0..b5 op act_min act_max in1_off in2_off out_off left_shift m1 s1 m2 s2 mo so.
   The output may be exactly in1 or in2 when that input is not broadcast. */
static void tc_binary_q(void *const *buf, const int32_t *ip, int wide)
{
  const ptrdiff_t d5 = ip[TCP_BINARY_S8_D5], a5 = ip[TCP_BINARY_S8_A5], b5 = ip[TCP_BINARY_S8_B5];
  int32_t left_shift;
  tc_binary_q_params p;
  ptrdiff_t i0, i1, i2, i3, i4, i5, k = 0;
  p.op = ip[TCP_BINARY_S8_OP];
  p.act_min = ip[TCP_BINARY_S8_ACT_MIN];
  p.act_max = ip[TCP_BINARY_S8_ACT_MAX];
  p.in1_off = ip[TCP_BINARY_S8_IN1_OFF];
  p.in2_off = ip[TCP_BINARY_S8_IN2_OFF];
  p.out_off = ip[TCP_BINARY_S8_OUT_OFF];
  left_shift = ip[TCP_BINARY_S8_LEFT_SHIFT];
  p.left_shift = left_shift < 0 ? 0 : (left_shift > 31 ? 31 : (int)left_shift);
  p.m1 = ip[TCP_BINARY_S8_M1];
  tc_split_shift(ip[TCP_BINARY_S8_S1], &p.l1, &p.r1);
  p.m2 = ip[TCP_BINARY_S8_M2];
  tc_split_shift(ip[TCP_BINARY_S8_S2], &p.l2, &p.r2);
  p.mo = ip[TCP_BINARY_S8_MO];
  tc_split_shift(ip[TCP_BINARY_S8_SO], &p.lo, &p.ro);
  for (i0 = 0; i0 < ip[TCP_BINARY_S8_D0]; i0++)
    for (i1 = 0; i1 < ip[TCP_BINARY_S8_D1]; i1++)
      for (i2 = 0; i2 < ip[TCP_BINARY_S8_D2]; i2++)
        for (i3 = 0; i3 < ip[TCP_BINARY_S8_D3]; i3++)
          for (i4 = 0; i4 < ip[TCP_BINARY_S8_D4]; i4++) {
            const ptrdiff_t ia = i0 * ip[TCP_BINARY_S8_A0] + i1 * ip[TCP_BINARY_S8_A1] + i2 * ip[TCP_BINARY_S8_A2]
                                 + i3 * ip[TCP_BINARY_S8_A3] + i4 * ip[TCP_BINARY_S8_A4];
            const ptrdiff_t ib = i0 * ip[TCP_BINARY_S8_B0] + i1 * ip[TCP_BINARY_S8_B1] + i2 * ip[TCP_BINARY_S8_B2]
                                 + i3 * ip[TCP_BINARY_S8_B3] + i4 * ip[TCP_BINARY_S8_B4];
            for (i5 = 0; i5 < d5; i5++, k++) {
              if (wide)
                ((int16_t *)buf[TCB_BINARY_S8_OUT])[k] =
                    (int16_t)tc_binary_one(((const int16_t *)buf[TCB_BINARY_S8_IN1])[ia + i5 * a5],
                                           ((const int16_t *)buf[TCB_BINARY_S8_IN2])[ib + i5 * b5], &p);
              else
                ((int8_t *)buf[TCB_BINARY_S8_OUT])[k] =
                    (int8_t)tc_binary_one(((const int8_t *)buf[TCB_BINARY_S8_IN1])[ia + i5 * a5],
                                          ((const int8_t *)buf[TCB_BINARY_S8_IN2])[ib + i5 * b5], &p);
            }
          }
}

#endif
