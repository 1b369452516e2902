/* tinycc portable row streaming: tc_run_streamed (see tinycc_kernels.h), for every target and the
 * host executor.
 *
 * The fused ADD epilogue is computed here (not by calling tc_add_s8 / tc_add_f32), so this file
 * links on its own with just the kernel it streams. The add_f32 epilogue is the only floating
 * point in this file: define TC_NO_FLOAT to leave it out (an int8 model on a core without an
 * FPU then links no soft-float helpers); epilogue 2 must not be used then.
 */
#include <string.h>

#include "tc_internal.h"

/* The output buffer's index: the same in every streamable kernel (those with a Stream in the kernel
   table), checked here. */
#define TC_STREAM_OUT TCB_CONV2D_S8_OUT
TC_SAME_BUF(CONV2D_S8, DWCONV2D_S8, OUT);
TC_SAME_BUF(CONV2D_S8, AVGPOOL_S8, OUT);
TC_SAME_BUF(CONV2D_S8, MAXPOOL_S8, OUT);
TC_SAME_BUF(CONV2D_S8, CONV2D_F32, OUT);
TC_SAME_BUF(CONV2D_S8, DWCONV2D_F32, OUT);
TC_SAME_BUF(CONV2D_S8, AVGPOOL_F32, OUT);
TC_SAME_BUF(CONV2D_S8, MAXPOOL_F32, OUT);

/* Output row q from its ring slot: a copy, or the fused ADD with row q of `other`. */
static void tc_flush_row(const tc_stream *st, const tc_add_s8_params *ap, uint8_t *out, const uint8_t *ring,
                         int32_t nslot, int32_t q)
{
  const ptrdiff_t rb = st->rb;
  uint8_t *const dst = out + (ptrdiff_t)q * rb;
  const uint8_t *const slot = ring + (ptrdiff_t)(q % nslot) * rb;
  ptrdiff_t j;
  if (st->epilogue == 1) {
    /* `other` may be the output itself: each element is read before it is written */
    const int8_t *const o = (const int8_t *)st->other + (ptrdiff_t)q * rb;
    const int8_t *const s = (const int8_t *)slot;
    int8_t *const d = (int8_t *)dst;
    if (st->conv_first)
      for (j = 0; j < rb; j++)
        d[j] = tc_add_one_s8(s[j], o[j], ap);
    else
      for (j = 0; j < rb; j++)
        d[j] = tc_add_one_s8(o[j], s[j], ap);
  }
#ifndef TC_NO_FLOAT
  else if (st->epilogue == 2) {
    const float *const o = (const float *)st->other + (ptrdiff_t)q * (rb / 4);
    const float *const s = (const float *)(const void *)slot;
    float *const d = (float *)(void *)dst;
    const float lo = st->efp[TCF_ADD_F32_ACT_MIN], hi = st->efp[TCF_ADD_F32_ACT_MAX];
    const ptrdiff_t m = rb / 4;
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

void tc_run_streamed(tc_kernel_fn fn, void *const *buf, const int32_t *ip, const float *fp, void *scratch,
                     const tc_stream *st)
{
  int32_t lip[TC_MAX_IPARAMS];
  void *lbuf[TC_MAX_BUFS];
  tc_add_s8_params ap;
  const int32_t oh = ip[st->oh_index];
  const int32_t d = st->delay, nslot = st->delay + 1;
  const int64_t pt = ip[st->pt_index], sh = ip[st->sh_index];
  uint8_t *const out = (uint8_t *)buf[TC_STREAM_OUT];
  uint8_t *const ring = (uint8_t *)scratch + (((ptrdiff_t)st->kscratch + 63) & ~(ptrdiff_t)63);
  int j;
  int32_t i, r;

  /* the kernel's own parameters and buffers (nip and nbuf from the kernel table) */
  for (j = 0; j < TC_MAX_IPARAMS; j++)
    lip[j] = j < st->nip ? ip[j] : 0;
  for (j = 0; j < TC_MAX_BUFS; j++)
    lbuf[j] = j < st->nbuf ? buf[j] : 0;
  lip[st->oh_index] = 1;
  if (st->epilogue == 1)
    tc_add_s8_setup(st->eip, &ap);
  else
    memset(&ap, 0, sizeof ap);

  /* forward: rows 0, 1, ..., oh - 1, row i - d flushed after row i; reverse: rows oh - 1, ...,
     0, row r + d flushed after row r. Then the rows still in the ring, in the same order. */
  for (i = 0; i < oh; i++) {
    r = st->reverse ? oh - 1 - i : i;
    {
      /* pt - r * sh <= pt fits int32 unless it is below INT32_MIN; then the row's window starts
         more than INT32_MAX rows down, below any image, as it does from INT32_MIN */
      const int64_t p = pt - (int64_t)r * sh;
      lip[st->pt_index] = p < INT32_MIN ? INT32_MIN : (int32_t)p;
    }
    lbuf[TC_STREAM_OUT] = ring + (ptrdiff_t)(r % nslot) * st->rb;
    fn(lbuf, lip, fp, scratch);
    if (i >= d)
      tc_flush_row(st, &ap, out, ring, nslot, st->reverse ? r + d : r - d);
  }
  for (i = oh - d < 0 ? 0 : oh - d; i < oh; i++)
    tc_flush_row(st, &ap, out, ring, nslot, st->reverse ? oh - 1 - i : i);
}
