/* tinycc portable kernel: rfft_s16 (TFLite Micro's SignalRfft, int16): kiss_fft's real FFT in 16-bit
 * fixed point (kiss_fftr with FIXED_POINT 16), per frame of in_len samples zero-padded to
 * fft_length. As kiss_fft: the complex FFT of the fft_length/2 (even, odd) sample pairs, mixed radix
 * (fours, then twos, threes, fives), each stage dividing its inputs by the radix (rounded products
 * in Q15), int16 sums wrapping as C stores them; then the split into fft_length/2 + 1 bins. The
 * stages run iteratively (the deepest first: the blocks of one stage are independent), so no
 * recursion; the twiddles come precomputed (tw: fft_length/2 twiddles, then fft_length/4 super
 * twiddles, int16 (re, im) pairs, from the compiler). Scratch: fft_length/2 complex values.
 * tinycc: shared with the host executor. */
#include "tc_signal.h"

typedef struct {
  int16_t r, i;
} tc_cpx;

#define TC_FFT_MAX_STAGES 16 /* fft_length <= 65536: at most 15 factors of its half */

static int16_t tc_sround(int32_t x) /* (x + 2**14) >> 15 wrapped, x an int32 product sum */
{
  return tc_w16(tc_asr32(tc_s32((uint32_t)x + (1u << 14)), 15));
}

static int16_t tc_smul(int32_t a, int32_t b)
{
  return tc_sround(a * b);
}

static tc_cpx tc_cmul(tc_cpx a, tc_cpx b)
{
  tc_cpx m;
  m.r = tc_sround(tc_s32((uint32_t)(a.r * b.r) - (uint32_t)(a.i * b.i)));
  m.i = tc_sround(tc_s32((uint32_t)(a.r * b.i) + (uint32_t)(a.i * b.r)));
  return m;
}

static tc_cpx tc_cadd(tc_cpx a, tc_cpx b)
{
  tc_cpx s;
  s.r = tc_w16(a.r + b.r);
  s.i = tc_w16(a.i + b.i);
  return s;
}

static tc_cpx tc_csub(tc_cpx a, tc_cpx b)
{
  tc_cpx s;
  s.r = tc_w16(a.r - b.r);
  s.i = tc_w16(a.i - b.i);
  return s;
}

static tc_cpx tc_cdiv(tc_cpx c, int k) /* C_FIXDIV */
{
  const int32_t d = 32767 / k;
  c.r = tc_smul(c.r, d);
  c.i = tc_smul(c.i, d);
  return c;
}

/* one radix-p stage on the block at f: p groups of m values, twiddle stride fstride */
static void tc_butterfly(tc_cpx *f, int p, int32_t m, int32_t fstride, const tc_cpx *tw)
{
  int32_t k;
  for (k = 0; k < m; k++) {
    tc_cpx *f0 = f + k, *f1 = f0 + m, *f2 = f1 + m, *f3 = f2 + m, *f4 = f3 + m;
    if (p == 2) {
      tc_cpx t;
      *f0 = tc_cdiv(*f0, 2);
      *f1 = tc_cdiv(*f1, 2);
      t = tc_cmul(*f1, tw[k * fstride]);
      *f1 = tc_csub(*f0, t);
      *f0 = tc_cadd(*f0, t);
    } else if (p == 4) {
      tc_cpx s0, s1, s2, s3, s4, s5;
      *f0 = tc_cdiv(*f0, 4);
      *f1 = tc_cdiv(*f1, 4);
      *f2 = tc_cdiv(*f2, 4);
      *f3 = tc_cdiv(*f3, 4);
      s0 = tc_cmul(*f1, tw[k * fstride]);
      s1 = tc_cmul(*f2, tw[2 * k * fstride]);
      s2 = tc_cmul(*f3, tw[3 * k * fstride]);
      s5 = tc_csub(*f0, s1);
      *f0 = tc_cadd(*f0, s1);
      s3 = tc_cadd(s0, s2);
      s4 = tc_csub(s0, s2);
      *f2 = tc_csub(*f0, s3);
      *f0 = tc_cadd(*f0, s3);
      f1->r = tc_w16(s5.r + s4.i);
      f1->i = tc_w16(s5.i - s4.r);
      f3->r = tc_w16(s5.r - s4.i);
      f3->i = tc_w16(s5.i + s4.r);
    } else if (p == 3) {
      const int32_t e = tw[fstride * m].i;
      tc_cpx s0, s1, s2, s3;
      *f0 = tc_cdiv(*f0, 3);
      *f1 = tc_cdiv(*f1, 3);
      *f2 = tc_cdiv(*f2, 3);
      s1 = tc_cmul(*f1, tw[k * fstride]);
      s2 = tc_cmul(*f2, tw[2 * k * fstride]);
      s3 = tc_cadd(s1, s2);
      s0 = tc_csub(s1, s2);
      f1->r = tc_w16(f0->r - tc_asr32(s3.r, 1));
      f1->i = tc_w16(f0->i - tc_asr32(s3.i, 1));
      s0.r = tc_smul(s0.r, e);
      s0.i = tc_smul(s0.i, e);
      *f0 = tc_cadd(*f0, s3);
      f2->r = tc_w16(f1->r + s0.i);
      f2->i = tc_w16(f1->i - s0.r);
      f1->r = tc_w16(f1->r - s0.i);
      f1->i = tc_w16(f1->i + s0.r);
    } else { /* 5 */
      const tc_cpx ya = tw[fstride * m], yb = tw[2 * fstride * m];
      tc_cpx s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12;
      *f0 = tc_cdiv(*f0, 5);
      *f1 = tc_cdiv(*f1, 5);
      *f2 = tc_cdiv(*f2, 5);
      *f3 = tc_cdiv(*f3, 5);
      *f4 = tc_cdiv(*f4, 5);
      s0 = *f0;
      s1 = tc_cmul(*f1, tw[k * fstride]);
      s2 = tc_cmul(*f2, tw[2 * k * fstride]);
      s3 = tc_cmul(*f3, tw[3 * k * fstride]);
      s4 = tc_cmul(*f4, tw[4 * k * fstride]);
      s7 = tc_cadd(s1, s4);
      s10 = tc_csub(s1, s4);
      s8 = tc_cadd(s2, s3);
      s9 = tc_csub(s2, s3);
      f0->r = tc_w16(f0->r + s7.r + s8.r);
      f0->i = tc_w16(f0->i + s7.i + s8.i);
      s5.r = tc_w16(s0.r + tc_smul(s7.r, ya.r) + tc_smul(s8.r, yb.r));
      s5.i = tc_w16(s0.i + tc_smul(s7.i, ya.r) + tc_smul(s8.i, yb.r));
      s6.r = tc_w16(tc_smul(s10.i, ya.i) + tc_smul(s9.i, yb.i));
      s6.i = tc_w16(-tc_smul(s10.r, ya.i) - tc_smul(s9.r, yb.i));
      *f1 = tc_csub(s5, s6);
      *f4 = tc_cadd(s5, s6);
      s11.r = tc_w16(s0.r + tc_smul(s7.r, yb.r) + tc_smul(s8.r, ya.r));
      s11.i = tc_w16(s0.i + tc_smul(s7.i, yb.r) + tc_smul(s8.i, ya.r));
      s12.r = tc_w16(-tc_smul(s10.i, yb.i) + tc_smul(s9.i, ya.i));
      s12.i = tc_w16(tc_smul(s10.r, yb.i) - tc_smul(s9.r, ya.i));
      *f2 = tc_cadd(s11, s12);
      *f3 = tc_csub(s11, s12);
    }
  }
}

/* buffers: in (frames x in_len), out (frames x (fft_length/2 + 1) pairs), tw. ip: frames in_len fft_length. */
void tc_rfft_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int16_t *in = (const int16_t *)buf[TCB_RFFT_S16_IN];
  tc_cpx *out = (tc_cpx *)buf[TCB_RFFT_S16_OUT];
  const tc_cpx *tw = (const tc_cpx *)buf[TCB_RFFT_S16_TW];
  const int32_t frames = ip[TCP_RFFT_S16_FRAMES], in_len = ip[TCP_RFFT_S16_IN_LEN];
  const int32_t n = ip[TCP_RFFT_S16_FFT_LENGTH] / 2;
  const tc_cpx *stw = tw + n;
  tc_cpx *f = (tc_cpx *)scratch;
  int32_t radix[TC_FFT_MAX_STAGES], len[TC_FFT_MAX_STAGES]; /* stage s: radix, and its sub-FFT length m */
  int stages = 0, s;
  int32_t frame, o, k, rest = n, p = 4;
  (void)fp;
  do { /* kiss_fft's factorisation: fours, then twos, then odd numbers */
    while (rest % p) {
      p = p == 4 ? 2 : p == 2 ? 3 : p + 2;
      if (p * p > rest)
        p = rest;
    }
    rest /= p;
    radix[stages] = p;
    len[stages++] = rest;
  } while (rest > 1 && stages < TC_FFT_MAX_STAGES);
  for (frame = 0; frame < frames; frame++, in += in_len, out += n + 1) {
    tc_cpx dc;
    for (o = 0; o < n; o++) { /* the recursion's leaves: output o = sum j_s len_s reads pair sum j_s stride_s */
      int32_t src = 0, stride = 1, rem = o, t;
      for (s = 0; s < stages; s++) {
        src += rem / len[s] * stride;
        rem %= len[s];
        stride *= radix[s];
      }
      t = 2 * src;
      f[o].r = t < in_len ? in[t] : 0;
      f[o].i = t + 1 < in_len ? in[t + 1] : 0;
    }
    for (s = stages - 1; s >= 0; s--) {
      int32_t fstride = 1, b, block = radix[s] * len[s];
      for (k = 0; k < s; k++)
        fstride *= radix[k];
      for (b = 0; b < fstride; b++)
        tc_butterfly(f + b * block, radix[s], len[s], fstride, tw);
    }
    dc = tc_cdiv(f[0], 2);
    out[0].r = tc_w16(dc.r + dc.i);
    out[0].i = 0;
    out[n].r = tc_w16(dc.r - dc.i);
    out[n].i = 0;
    for (k = 1; k <= n / 2; k++) {
      tc_cpx fpk = f[k], fpnk, f1k, f2k, t;
      fpnk.r = f[n - k].r;
      fpnk.i = tc_w16(-f[n - k].i);
      fpk = tc_cdiv(fpk, 2);
      fpnk = tc_cdiv(fpnk, 2);
      f1k = tc_cadd(fpk, fpnk);
      f2k = tc_csub(fpk, fpnk);
      t = tc_cmul(f2k, stw[k - 1]);
      out[k].r = tc_w16(tc_asr32(f1k.r + t.r, 1));
      out[k].i = tc_w16(tc_asr32(f1k.i + t.i, 1));
      out[n - k].r = tc_w16(tc_asr32(f1k.r - t.r, 1));
      out[n - k].i = tc_w16(tc_asr32(t.i - f1k.i, 1));
    }
  }
}
