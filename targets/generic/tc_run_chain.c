/* tinycc block streaming: tc_run_chain (see tinycc_kernels.h), for every target and the host
 * executor: a chain of sliding-window kernels row band by row band, intermediates in line buffers. */
#include "tc_stream.h"

typedef struct {
  const tc_chain *ch;
  uint8_t *arena, *scratch;
  const uint8_t *in; /* the chain's input */
  /* line buffer j holds link j's input: rows [lo, hi) from slot s, rb bytes a row (link j - 1's output; with
     patches, line buffer 0 holds the stripe's columns of the chain's input) */
  int32_t lo[TC_MAX_CHAIN], hi[TC_MAX_CHAIN], s[TC_MAX_CHAIN], rb[TC_MAX_CHAIN]; /* rb: with patches */
  int32_t a[TC_MAX_CHAIN], b[TC_MAX_CHAIN], u[TC_MAX_CHAIN], v[TC_MAX_CHAIN]; /* the stripe: link j's output
                                                                                 columns [a, b), input [u, v) */
  int32_t lip[TC_MAX_IPARAMS];
  void *lbuf[TC_MAX_BUFS];
} tc_chain_state;

static void tc_chain_row(tc_chain_state *cs, int32_t j, int32_t r, void *dst);

/* Rows [lo, hi) of link j's input in its line buffer (computed or copied as needed; requests come in
   order); the address of row lo. */
static const uint8_t *tc_chain_rows(tc_chain_state *cs, int32_t j, int32_t lo, int32_t hi)
{
  const tc_chain *const ch = cs->ch;
  uint8_t *const ring = cs->scratch + (j > 0 ? ch->link[j - 1].ring : ch->in_ring);
  const int32_t cap = j > 0 ? ch->link[j - 1].cap : ch->in_cap, rb = ch->stripes > 1 ? cs->rb[j] : ch->link[j - 1].rb;
  if (cs->hi[j] <= lo) { /* nothing kept is read again */
    cs->lo[j] = cs->hi[j] = lo;
    cs->s[j] = 0;
  } else if (cs->lo[j] < lo) {
    cs->s[j] += lo - cs->lo[j];
    cs->lo[j] = lo;
  }
  while (cs->hi[j] < hi) {
    uint8_t *row;
    if (cs->s[j] + (cs->hi[j] - cs->lo[j]) == cap) {
      memmove(ring, ring + (ptrdiff_t)cs->s[j] * rb, (size_t)(cs->hi[j] - cs->lo[j]) * (size_t)rb);
      cs->s[j] = 0;
    }
    row = ring + (ptrdiff_t)(cs->s[j] + cs->hi[j] - cs->lo[j]) * rb;
    if (j > 0) {
      tc_chain_row(cs, j - 1, cs->hi[j], row);
    } else {
      const tc_chain_link *const L = &ch->link[0];
      const ptrdiff_t w = L->ip[L->w_index], y = cs->hi[j];
      if (ch->in_c == 0) {
        memcpy(row, cs->in + (y * w + cs->u[0]) * ch->in_px, (size_t)rb);
      } else { /* NCHW: the stripe's part of row y of every channel plane, plane after plane */
        const ptrdiff_t es = ch->in_px / ch->in_c, n = (ptrdiff_t)(cs->v[0] - cs->u[0]) * es;
        const ptrdiff_t plane = (ptrdiff_t)L->ip[L->h_index] * w * es;
        ptrdiff_t i;
        for (i = 0; i < ch->in_c; i++)
          memcpy(row + i * n, cs->in + i * plane + (y * w + cs->u[0]) * es, (size_t)n);
      }
    }
    cs->hi[j]++;
  }
  return ring + (ptrdiff_t)cs->s[j] * rb;
}

/* Row r of link j's output (the stripe's columns with patches) into dst. */
static void tc_chain_row(tc_chain_state *cs, int32_t j, int32_t r, void *dst)
{
  const tc_chain_link *const L = &cs->ch->link[j];
  const int64_t a = (int64_t)r * L->ip[L->sh_index] - L->ip[L->pt_index]; /* the window's first row */
  const int64_t span = (int64_t)(L->ip[L->kh_index] - 1) * (L->dh_index < 0 ? 1 : L->ip[L->dh_index]) + 1;
  const int64_t h = L->ip[L->h_index];
  int32_t band = (int32_t)h, pt;
  const void *in = cs->in;
  int k;
  if (j > 0 || cs->ch->stripes > 1) {
    const int32_t lo = (int32_t)(a < 0 ? 0 : a), hi = (int32_t)(a + span > h ? h : a + span);
    in = tc_chain_rows(cs, j, lo, hi);
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
  if (cs->ch->stripes > 1) {
    cs->lip[L->w_index] = cs->v[j] - cs->u[j];
    cs->lip[L->ow_index] = cs->b[j] - cs->a[j];
    cs->lip[L->pl_index] = (int32_t)((int64_t)L->ip[L->pl_index] - (int64_t)cs->a[j] * L->ip[L->sw_index] + cs->u[j]);
  }
  cs->lbuf[TC_STREAM_IN] = (void *)(uintptr_t)in;
  cs->lbuf[TC_STREAM_OUT] = dst;
  L->fn(cs->lbuf, cs->lip, L->fp, cs->scratch);
}

/* The columns of stripe [x0, x1) of the last link's output each link computes and reads, their line buffers
   emptied. */
static void tc_chain_stripe(tc_chain_state *cs, int32_t x0, int32_t x1)
{
  const tc_chain *const ch = cs->ch;
  int32_t j;
  for (j = ch->n - 1; j >= 0; j--) {
    const tc_chain_link *const L = &ch->link[j];
    const int64_t sw = L->ip[L->sw_index], pl = L->ip[L->pl_index], w = L->ip[L->w_index];
    const int64_t wspan = (int64_t)(L->ip[L->kw_index] - 1) * (L->dw_index < 0 ? 1 : L->ip[L->dw_index]) + 1;
    const int64_t a = j == ch->n - 1 ? x0 : cs->u[j + 1], b = j == ch->n - 1 ? x1 : cs->v[j + 1];
    const int64_t u = a * sw - pl, v = (b - 1) * sw - pl + wspan;
    cs->a[j] = (int32_t)a, cs->b[j] = (int32_t)b;
    cs->u[j] = (int32_t)(u < 0 ? 0 : u), cs->v[j] = (int32_t)(v > w ? w : v);
    cs->rb[j] = j > 0 ? (int32_t)(cs->v[j] - cs->u[j]) * (ch->link[j - 1].rb / ch->link[j - 1].ip[ch->link[j - 1].ow_index])
                      : (cs->v[0] - cs->u[0]) * ch->in_px;
    cs->lo[j] = cs->hi[j] = cs->s[j] = 0;
  }
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
  const int32_t oh = last->ip[last->oh_index], ow = last->ip[last->ow_index];
  uint8_t *const out = (uint8_t *)tc_ref_at(&last->buf[TC_STREAM_OUT], arena);
  uint8_t *const ring = (uint8_t *)scratch + ch->slot;
  const tc_stream *const fl = ch->flush;
  const int32_t d = fl != 0 ? fl->delay : 0, nslot = ch->stripes > 1 ? ch->band + d : d + 1;
  const void *const other = fl != 0 ? tc_ref_at(&fl->other, arena) : 0;
  tc_add_s8_params ap;
  int32_t q, j;
  cs.ch = ch;
  cs.arena = arena;
  cs.scratch = (uint8_t *)scratch;
  cs.in = (const uint8_t *)tc_ref_at(&ch->link[0].buf[TC_STREAM_IN], arena);
  for (j = 0; j < ch->n; j++) /* (rb: per stripe, tc_chain_stripe) */
    cs.lo[j] = cs.hi[j] = cs.s[j] = 0;
  if (ch->reduce) {
    tc_chain_reduce(&cs);
    return;
  }
  if (fl != 0 && fl->epilogue == 1)
    tc_add_s8_setup(fl->eip, &ap);
  else
    memset(&ap, 0, sizeof ap);
  if (ch->stripes > 1) { /* patches: band by band, each stripe by stripe */
    const ptrdiff_t px = last->rb / ow;
    int32_t q0, st, f = 0;
    for (q0 = 0; q0 < oh; q0 += ch->band) {
      const int32_t q1 = oh - q0 > ch->band ? q0 + ch->band : oh;
      for (st = 0; st < ch->stripes; st++) {
        const int32_t x0 = st * ow / ch->stripes, x1 = (st + 1) * ow / ch->stripes; /* ow * stripes < 2**31 */
        tc_chain_stripe(&cs, x0, x1);
        for (q = q0; q < q1; q++)
          tc_chain_row(&cs, ch->n - 1, q, (fl == 0 ? out + (ptrdiff_t)q * last->rb : ring + (ptrdiff_t)(q % nslot) * last->rb)
                                              + x0 * px);
      }
      for (; fl != 0 && f <= q1 - 1 - d; f++)
        tc_flush_row(fl, &ap, other, out, ring, nslot, f);
    }
    for (; fl != 0 && f < oh; f++)
      tc_flush_row(fl, &ap, other, out, ring, nslot, f);
    return;
  }
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
