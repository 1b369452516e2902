/* tinycc portable kernel: log_softmax_s8 (LOG_SOFTMAX over the last axis, int8: TFLite's
 * fixed-point exp, Q12 sum and fixed-point log; output scale 16/256, zero point 127).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* SaturatingRoundingMultiplyByPOTParam, 0 <= e <= 31. */
static int32_t tc_lsm_shl_sat(int32_t x, int e)
{
  return e <= 0 ? x : tc_saturating_shl(x, e < 31 ? e : 31);
}

static int32_t tc_lsm_sat(int64_t v)
{
  return v > INT32_MAX ? INT32_MAX : (v < INT32_MIN ? INT32_MIN : (int32_t)v);
}

static int32_t tc_lsm_add(int32_t a, int32_t b)
{
  return tc_s32((uint32_t)a + (uint32_t)b);
}

/* ln(x) in Q5.26 of x >= 1 in Q12.19 (TFLite's log_x_for_x_greater_than_or_equal_to_1). */
static int32_t tc_lsm_log(int32_t x)
{
  const int32_t log_2 = 1488522236, sqrt_sqrt_half = 1805811301, sqrt_half = 1518500250;
  const int32_t alpha_n = 117049297, alpha_d = 127690142, alpha_i = 1057819769, alpha_f = 638450708;
  const int32_t shifted_quarter = (int32_t)1 << 23; /* 1/4 in Q6 */
  const int z_a_hp1 = tc_clz32((uint32_t)x);
  const int32_t r_a_raw = tc_lsm_shl_sat(tc_srdhm(tc_lsm_shl_sat(x, z_a_hp1 - 1), sqrt_half), 1);
  const int32_t z_a_pow_2_adj = tc_lsm_sat((int64_t)tc_lsm_shl_sat(12 - z_a_hp1, 25) + shifted_quarter);
  const int32_t z_b = tc_srdhm(x, sqrt_half);
  const int z_b_headroom = tc_clz32((uint32_t)z_b) - 1;
  const int32_t r_b_raw = tc_lsm_shl_sat(x, z_b_headroom);
  const int32_t z_b_pow_2_adj = tc_lsm_sat((int64_t)tc_lsm_shl_sat(12 - z_b_headroom, 25) - shifted_quarter);
  const int32_t r = r_a_raw < r_b_raw ? r_a_raw : r_b_raw;
  const int32_t z_pow_2_adj = z_a_pow_2_adj > z_b_pow_2_adj ? z_a_pow_2_adj : z_b_pow_2_adj;
  const int64_t half_sum = (int64_t)r + sqrt_sqrt_half;
  const int32_t p = (int32_t)((half_sum + (half_sum >= 0 ? 1 : -1)) / 2);
  const int32_t q0 = tc_s32((uint32_t)r - (uint32_t)sqrt_sqrt_half);
  const int32_t q = tc_lsm_add(q0, q0);
  const int32_t common_sq = tc_srdhm(q, q);
  const int32_t num = tc_lsm_add(tc_srdhm(q, r), tc_srdhm(tc_srdhm(q, common_sq), alpha_n));
  const int32_t denom_minus_one = tc_lsm_add(
      tc_srdhm(p, tc_lsm_add(tc_lsm_add(alpha_i, q), tc_srdhm(alpha_d, common_sq))), tc_srdhm(alpha_f, q));
  const int32_t recip_denom = tc_one_over_one_plus_x_for_x_in_0_1(denom_minus_one);
  const int32_t num_scaled = tc_rdbpot32(num, 6);
  return tc_saturating_shl(tc_lsm_add(tc_srdhm(z_pow_2_adj, log_2), tc_srdhm(num_scaled, recip_denom)), 1);
}

/* buffers: in, out [outer][depth]. ip: outer depth mult left_shift rev_div rev_shift diff_min
   (TFLite's PreprocessLogSoftmaxScalingExp and input radius). */
void tc_log_softmax_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *x = (const int8_t *)buf[TCB_LOG_SOFTMAX_S8_IN];
  int8_t *y = (int8_t *)buf[TCB_LOG_SOFTMAX_S8_OUT];
  const ptrdiff_t outer = ip[TCP_LOG_SOFTMAX_S8_OUTER], depth = ip[TCP_LOG_SOFTMAX_S8_DEPTH];
  const int32_t mult = ip[TCP_LOG_SOFTMAX_S8_MULT], rev_div = ip[TCP_LOG_SOFTMAX_S8_REV_DIV],
                diff_min = ip[TCP_LOG_SOFTMAX_S8_DIFF_MIN];
  const int32_t shift_in = ip[TCP_LOG_SOFTMAX_S8_LEFT_SHIFT];
  const int left_shift = shift_in < 0 ? 0 : (shift_in > 31 ? 31 : (int)shift_in);
  int rl, rr;
  ptrdiff_t o, i;
  (void)fp;
  (void)scratch;
  tc_split_shift(ip[TCP_LOG_SOFTMAX_S8_REV_SHIFT], &rl, &rr);
  for (o = 0; o < outer; o++, x += depth, y += depth) {
    int32_t max = -128, sum = 0, log_sum, adjusted, rev;
    for (i = 0; i < depth; i++)
      max = x[i] > max ? x[i] : max;
    for (i = 0; i < depth; i++) {
      const int32_t diff = x[i] - max;
      if (diff >= diff_min) {
        const int32_t scaled = tc_mbqm(diff, mult, left_shift, 0);
        sum = tc_lsm_add(sum, tc_rdbpot32(tc_exp_on_negative_values_5(scaled), 12));
      }
    }
    log_sum = tc_lsm_log(sum);
    rev = tc_mbqm(tc_s32((uint32_t)log_sum + 0x80000000u), rev_div, rl, rr);
    adjusted = diff_min - 1 > rev ? diff_min - 1 : rev;
    for (i = 0; i < depth; i++) {
      const int32_t diff = x[i] - max;
      if (diff > adjusted) {
        const int32_t scaled = tc_mbqm(diff, mult, left_shift, 0);
        const int32_t v = tc_rdbpot32(tc_s32((uint32_t)scaled - (uint32_t)log_sum), 22) + 127;
        y[i] = (int8_t)tc_clamp32(v, -128, 127);
      } else {
        y[i] = -128;
      }
    }
  }
}
