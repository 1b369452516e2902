/* tinycc portable kernel: softmax_s16 (TFLite's int16 softmax: differences rescaled onto [-10, 0],
 * exp and 1 / (1 + x) from two interpolated 513-entry int16 tables; output scale 1/32768, zero
 * point 0). In place is allowed (the output row holds the exps first, as in TFLite).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* TFLite's LUTLookup: the top 9 bits of v index the table, the low 7 interpolate. */
static int32_t tc_lut_lookup_s16(int32_t v, const int16_t *lut)
{
  const int32_t index = 256 + tc_asr32(v, 7), offset = (int32_t)((uint32_t)v & 0x7Fu);
  const int32_t base = lut[index];
  const int32_t slope = (int32_t)(((uint32_t)(lut[index + 1] - base) + 32768u) & 0xFFFFu) - 32768;
  return (int32_t)(((uint32_t)(base + tc_asr32(slope * offset + 64, 7)) + 32768u) & 0xFFFFu) - 32768;
}

/* buffers: in, out, exp_lut, recip_lut (int16; the tables 513 entries).
   ip: outer depth mult shift (the input rescale, TFLite's MultiplyByQuantizedMultiplier);
   depth <= 65536 so the sum of exps fits int32. */
void tc_softmax_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int16_t *const x = (const int16_t *)buf[TCB_SOFTMAX_S16_IN];
  int16_t *const y = (int16_t *)buf[TCB_SOFTMAX_S16_OUT];
  const int16_t *const exp_lut = (const int16_t *)buf[TCB_SOFTMAX_S16_EXP_LUT],
                       *const recip_lut = (const int16_t *)buf[TCB_SOFTMAX_S16_RECIP_LUT];
  const ptrdiff_t outer = ip[TCP_SOFTMAX_S16_OUTER], depth = ip[TCP_SOFTMAX_S16_DEPTH];
  const int32_t mult = ip[TCP_SOFTMAX_S16_MULT];
  ptrdiff_t r, i;
  int left, right;
  (void)fp;
  (void)scratch;
  tc_split_shift(ip[TCP_SOFTMAX_S16_SHIFT], &left, &right);
  for (r = 0; r < outer; r++) {
    const int16_t *const xr = x + r * depth;
    int16_t *const yr = y + r * depth;
    int32_t maxv = -32768, sum = 0, recip;
    int headroom_plus_one, right_shift;
    for (i = 0; i < depth; i++)
      maxv = xr[i] > maxv ? xr[i] : maxv;
    for (i = 0; i < depth; i++) {
      const int32_t scaled = tc_mbqm((int32_t)xr[i] - maxv, mult, left, right);
      yr[i] = (int16_t)tc_lut_lookup_s16(tc_sat16(tc_s32((uint32_t)scaled + 32767u)), exp_lut);
      sum += yr[i];
    }
    /* sum >= 32762 (the maximum's own exp in TFLite's table): 1 <= headroom_plus_one <= 17; kept
       in [1, 30] whatever the table holds */
    headroom_plus_one = sum <= 0 ? 30 : tc_clz32((uint32_t)sum);
    headroom_plus_one = headroom_plus_one > 30 ? 30 : headroom_plus_one;
    recip = (int32_t)tc_asr64((int64_t)((uint64_t)(int64_t)sum << (headroom_plus_one - 1)) + (1 << 13), 14);
    recip = tc_lut_lookup_s16(tc_sat16(recip - (1 << 15) - (1 << 16)), recip_lut);
    right_shift = 31 - headroom_plus_one;
    for (i = 0; i < depth; i++) {
      const int64_t v = tc_asr64((int64_t)yr[i] * recip + ((int64_t)1 << (right_shift - 1)), right_shift);
      yr[i] = (int16_t)(v < 0 ? 0 : (v > 32767 ? 32767 : v));
    }
  }
}
