/* tinycc portable row streaming: tc_run_streamed (see tinycc_kernels.h), for every target and the
 * host executor.
 *
 * The fused ADD epilogue is computed by tc_stream.h (not by calling tc_add_s8 / tc_add_f32), so this
 * file links on its own with just the kernel it streams (TC_NO_FLOAT: see tc_stream.h).
 */
#include "tc_stream.h"

void tc_run_streamed(tc_kernel_fn fn, void *const *buf, const int32_t *ip, const float *fp, void *scratch,
                     const tc_stream *st, uint8_t *arena)
{
  const void *const other = tc_ref_at(&st->other, arena);
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
      tc_flush_row(st, &ap, other, out, ring, nslot, st->reverse ? r + d : r - d);
  }
  for (i = oh - d < 0 ? 0 : oh - d; i < oh; i++)
    tc_flush_row(st, &ap, other, out, ring, nslot, st->reverse ? oh - 1 - i : i);
}
