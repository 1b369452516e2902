/* tinycc row streaming: the flush of one output row (tc_stream.h), shared by tc_run_streamed and
 * tc_run_chain. */
#include "tc_stream.h"

void tc_flush_row(const tc_stream *st, const tc_add_s8_params *ap, const void *other, uint8_t *out,
                  const uint8_t *ring, int32_t nslot, int32_t q)
{
  const ptrdiff_t rb = st->rb;
  uint8_t *const dst = out + (ptrdiff_t)q * rb;
  const uint8_t *const slot = ring + (ptrdiff_t)(q % nslot) * rb;
  if (st->epilogue == 1) {
    /* `other` may be the output itself: each element is read before it is written */
    const int8_t *const o = (const int8_t *)other + (ptrdiff_t)q * rb;
    const int8_t *const s = (const int8_t *)slot;
    tc_add_s8_row(st->conv_first ? s : o, st->conv_first ? o : s, (int8_t *)dst, rb, ap);
  }
#ifndef TC_NO_FLOAT
  else if (st->epilogue == 2) {
    const float *const o = (const float *)other + (ptrdiff_t)q * (rb / 4);
    const float *const s = (const float *)(const void *)slot;
    float *const d = (float *)(void *)dst;
    const float lo = st->efp[TCF_ADD_F32_ACT_MIN], hi = st->efp[TCF_ADD_F32_ACT_MAX];
    const ptrdiff_t m = rb / 4;
    ptrdiff_t j;
    if (st->conv_first)
      for (j = 0; j < m; j++)
        d[j] = tc_clampf(s[j] + o[j], lo, hi);
    else
      for (j = 0; j < m; j++)
        d[j] = tc_clampf(o[j] + s[j], lo, hi);
  }
#endif
  else {
    memcpy(dst, slot, (size_t)rb); /* the ring is in scratch: no overlap */
  }
}
