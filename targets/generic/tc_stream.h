/* tinycc row streaming, shared by tc_run_streamed.c and tc_run_chain.c: the streamable kernels'
 * common buffer indices and the flush of one output row (a copy, or the fused ADD).
 *
 * The add_f32 epilogue is the only floating point here: define TC_NO_FLOAT to leave it out (an int8
 * model on a core without an FPU then links no soft-float helpers); epilogue 2 must not be used then.
 */
#ifndef TC_STREAM_H
#define TC_STREAM_H

#include <string.h>

#include "tc_add_row.h"
#include "tc_internal.h"

/* The input and output buffers' indices: the same in every streamable kernel (those with a Stream in the kernel
   table), checked here. */
#define TC_STREAM_OUT TCB_CONV2D_S8_OUT
#define TC_STREAM_IN TCB_CONV2D_S8_IN
TC_SAME_BUF(CONV2D_S8, DWCONV2D_S8, OUT);
TC_SAME_BUF(CONV2D_S8, DWCONV2D_S8, IN);
TC_SAME_BUF(CONV2D_S8, AVGPOOL_S8, OUT);
TC_SAME_BUF(CONV2D_S8, AVGPOOL_S8, IN);
TC_SAME_BUF(CONV2D_S8, MAXPOOL_S8, OUT);
TC_SAME_BUF(CONV2D_S8, MAXPOOL_S8, IN);
TC_SAME_BUF(CONV2D_S8, CONV2D_F32, OUT);
TC_SAME_BUF(CONV2D_S8, CONV2D_F32, IN);
TC_SAME_BUF(CONV2D_S8, DWCONV2D_F32, OUT);
TC_SAME_BUF(CONV2D_S8, DWCONV2D_F32, IN);
TC_SAME_BUF(CONV2D_S8, AVGPOOL_F32, OUT);
TC_SAME_BUF(CONV2D_S8, AVGPOOL_F32, IN);
TC_SAME_BUF(CONV2D_S8, MAXPOOL_F32, OUT);
TC_SAME_BUF(CONV2D_S8, MAXPOOL_F32, IN);

/* Output row q from its ring slot: a copy, or the fused ADD with row q of `other` (st->other's
   address). */
static inline void tc_flush_row(const tc_stream *st, const tc_add_s8_params *ap, const void *other, uint8_t *out,
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

#endif
