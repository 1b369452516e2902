/* tinycc block streaming: tc_run_chain (see tinycc_kernels.h), for every target and the host
 * executor: a chain of sliding-window kernels row band by row band, intermediates in line buffers. */
#include "tc_stream.h"

typedef struct {
  const tc_chain *ch;
  uint8_t *arena, *scratch;
  int32_t lo[TC_MAX_CHAIN], hi[TC_MAX_CHAIN], s[TC_MAX_CHAIN]; /* rows [lo, hi) of link j's output, from slot s */
  int32_t lip[TC_MAX_IPARAMS];
  void *lbuf[TC_MAX_BUFS];
} tc_chain_state;

/* Row r of link j's output into dst. */
static void tc_chain_row(tc_chain_state *cs, int32_t j, int32_t r, void *dst)
{
  const tc_chain_link *const L = &cs->ch->link[j];
  const int64_t a = (int64_t)r * L->ip[L->sh_index] - L->ip[L->pt_index]; /* the window's first row */
  const int64_t span = (int64_t)(L->ip[L->kh_index] - 1) * (L->dh_index < 0 ? 1 : L->ip[L->dh_index]) + 1;
  const int64_t h = L->ip[L->h_index];
  int32_t lo = 0, band = (int32_t)h, pt;
  const void *in = tc_ref_at(&L->buf[TC_STREAM_IN], cs->arena);
  int k;
  if (j > 0) {
    const tc_chain_link *const P = &cs->ch->link[j - 1];
    uint8_t *const ring = cs->scratch + P->ring;
    const int32_t p = j - 1;
    int32_t hi;
    lo = (int32_t)(a < 0 ? 0 : a);
    hi = (int32_t)(a + span > h ? h : a + span);
    if (cs->hi[p] <= lo) { /* nothing kept is read again */
      cs->lo[p] = cs->hi[p] = lo;
      cs->s[p] = 0;
    } else if (cs->lo[p] < lo) {
      cs->s[p] += lo - cs->lo[p];
      cs->lo[p] = lo;
    }
    while (cs->hi[p] < hi) {
      if (cs->s[p] + (cs->hi[p] - cs->lo[p]) == P->cap) {
        memmove(ring, ring + (ptrdiff_t)cs->s[p] * P->rb, (size_t)(cs->hi[p] - cs->lo[p]) * (size_t)P->rb);
        cs->s[p] = 0;
      }
      tc_chain_row(cs, p, cs->hi[p], ring + (ptrdiff_t)(cs->s[p] + cs->hi[p] - cs->lo[p]) * P->rb);
      cs->hi[p]++;
    }
    in = ring + (ptrdiff_t)cs->s[p] * P->rb;
    band = hi - lo;
    pt = (int32_t)(lo - a);
  } else {
    pt = a > INT32_MAX ? INT32_MIN : (int32_t)-a; /* as tc_run_streamed: a window far below the image */
  }
  for (k = 0; k < TC_MAX_IPARAMS; k++)
    cs->lip[k] = k < L->nip ? L->ip[k] : 0;
  for (k = 0; k < TC_MAX_BUFS; k++)
    cs->lbuf[k] = k < L->nbuf ? tc_ref_at(&L->buf[k], cs->arena) : 0;
  cs->lip[L->h_index] = band;
  cs->lip[L->oh_index] = 1;
  cs->lip[L->pt_index] = pt;
  cs->lbuf[TC_STREAM_IN] = (void *)(uintptr_t)in;
  cs->lbuf[TC_STREAM_OUT] = dst;
  L->fn(cs->lbuf, cs->lip, L->fp, cs->scratch);
}

/* A global average pooling as a running sum over the rows of the link before it (ch->reduce). */
static void tc_chain_reduce(tc_chain_state *cs)
{
  const tc_chain *const ch = cs->ch;
  const tc_chain_link *const last = &ch->link[ch->n - 1], *const prev = &ch->link[ch->n - 2];
  const int32_t h = last->ip[last->h_index];
  const ptrdiff_t c = ch->reduce == 1 ? last->rb : last->rb / 4, w = prev->rb / (ch->reduce == 1 ? 1 : 4) / c;
  const uint8_t *const row = cs->scratch + prev->ring;
  int32_t *const iacc = (int32_t *)(void *)(cs->scratch + ch->slot);
  void *const out = tc_ref_at(&last->buf[TC_STREAM_OUT], cs->arena);
  int32_t r;
  ptrdiff_t i, x;
  memset(iacc, 0, (size_t)c * 4); /* all bits zero: 0 and 0.0f */
  for (r = 0; r < h; r++) {
    tc_chain_row(cs, ch->n - 2, r, cs->scratch + prev->ring);
    if (ch->reduce == 1) {
      for (x = 0; x < w; x++)
        for (i = 0; i < c; i++)
          iacc[i] += ((const int8_t *)row)[x * c + i];
    }
#ifndef TC_NO_FLOAT
    else {
      float *const facc = (float *)(void *)iacc;
      for (x = 0; x < w; x++)
        for (i = 0; i < c; i++)
          facc[i] += ((const float *)(const void *)row)[x * c + i];
    }
#endif
  }
  if (ch->reduce == 1) {
    for (i = 0; i < c; i++)
      ((int8_t *)out)[i] = tc_avg_s8(iacc[i], (int32_t)(h * w), last->ip[TCP_AVGPOOL_S8_ACT_MIN],
                                                         last->ip[TCP_AVGPOOL_S8_ACT_MAX]);
  }
#ifndef TC_NO_FLOAT
  else {
    for (i = 0; i < c; i++)
      ((float *)out)[i] = tc_clampf(((const float *)(const void *)iacc)[i] / (float)(h * w),
                                                         last->fp[TCF_AVGPOOL_F32_ACT_MIN],
                                                         last->fp[TCF_AVGPOOL_F32_ACT_MAX]);
  }
#endif
}

void tc_run_chain(const tc_chain *ch, uint8_t *arena, void *scratch)
{
  tc_chain_state cs;
  const tc_chain_link *const last = &ch->link[ch->n - 1];
  const int32_t oh = last->ip[last->oh_index];
  uint8_t *const out = (uint8_t *)tc_ref_at(&last->buf[TC_STREAM_OUT], arena);
  uint8_t *const ring = (uint8_t *)scratch + ch->slot;
  const tc_stream *const fl = ch->flush;
  const int32_t d = fl != 0 ? fl->delay : 0, nslot = d + 1;
  const void *const other = fl != 0 ? tc_ref_at(&fl->other, arena) : 0;
  tc_add_s8_params ap;
  int32_t q;
  cs.ch = ch;
  cs.arena = arena;
  cs.scratch = (uint8_t *)scratch;
  for (q = 0; q < ch->n; q++)
    cs.lo[q] = cs.hi[q] = cs.s[q] = 0;
  if (ch->reduce) {
    tc_chain_reduce(&cs);
    return;
  }
  if (fl != 0 && fl->epilogue == 1)
    tc_add_s8_setup(fl->eip, &ap);
  else
    memset(&ap, 0, sizeof ap);
  for (q = 0; q < oh; q++) {
    if (fl == 0) {
      tc_chain_row(&cs, ch->n - 1, q, out + (ptrdiff_t)q * last->rb);
    } else {
      tc_chain_row(&cs, ch->n - 1, q, ring + (ptrdiff_t)(q % nslot) * last->rb);
      if (q >= d)
        tc_flush_row(fl, &ap, other, out, ring, nslot, q - d);
    }
  }
  for (q = oh - d < 0 ? 0 : oh - d; fl != 0 && q < oh; q++)
    tc_flush_row(fl, &ap, other, out, ring, nslot, q);
}
