/* tinycc portable kernels: the loops of the quantized BATCH_MATMUL and TRANSPOSE_CONV kernels,
   shared by their int8 and int16 files (included by those only). Each macro is a whole kernel body
   over element type T, accumulating in the unsigned type U (wrapping, as TFLite's int32
   accumulators; int64 ones never wrap) and storing REQUANT(acc, o) (o the output channel). */
#ifndef TC_MATMUL_Q_H
#define TC_MATMUL_Q_H
#include "tc_internal.h"

/* batch_matmul: buffers lhs, rhs, out. ip: b0 b1 b2 la0 la1 la2 ra0 ra1 ra2 m k n lsi lsk rsk rsj
   lhs_zp rhs_zp out_zp mult shift. For every batch (i0, i1, i2) < (b0, b1, b2), row i < m and
   column j < n: out[((i0 * b1 + i1) * b2 + i2) * m * n + i * n + j] = requant(sum over t < k of
   (lhs[L + i * lsi + t * lsk] - lhs_zp) * (rhs[R + t * rsk + j * rsj] - rhs_zp)) with
   L = i0 * la0 + i1 * la1 + i2 * la2 and R = i0 * ra0 + i1 * ra1 + i2 * ra2 (stride 0: broadcast). */
#define TC_BATCH_MATMUL_BODY(T, S, U, REQUANT)                                                      \
  const T *const lhs = (const T *)buf[0];                                                           \
  const T *const rhs = (const T *)buf[1];                                                           \
  T *y = (T *)buf[2];                                                                               \
  const int32_t *const b = ip, *const la = ip + 3, *const ra = ip + 6;                              \
  const ptrdiff_t m = ip[9], k = ip[10], n = ip[11], lsi = ip[12], lsk = ip[13], rsk = ip[14];      \
  const ptrdiff_t rsj = ip[15];                                                                     \
  const int32_t lzp = ip[16], rzp = ip[17], out_zp = ip[18], mult = ip[19], shift = ip[20];        \
  ptrdiff_t i0, i1, i2, i, j, t;                                                                    \
  (void)fp;                                                                                         \
  (void)scratch;                                                                                    \
  (void)out_zp;                                                                                     \
  for (i0 = 0; i0 < b[0]; i0++)                                                                     \
    for (i1 = 0; i1 < b[1]; i1++)                                                                   \
      for (i2 = 0; i2 < b[2]; i2++) {                                                               \
        const T *const l = lhs + i0 * la[0] + i1 * la[1] + i2 * la[2];                              \
        const T *const r = rhs + i0 * ra[0] + i1 * ra[1] + i2 * ra[2];                              \
        for (i = 0; i < m; i++)                                                                     \
          for (j = 0; j < n; j++) {                                                                 \
            U acc = 0;                                                                              \
            for (t = 0; t < k; t++)                                                                 \
              acc += (U)(((S)l[i * lsi + t * lsk] - lzp) * ((S)r[t * rsk + j * rsj] - rzp));        \
            *y++ = REQUANT(acc, 0);                                                                 \
          }                                                                                         \
      }

/* transpose_conv: buffers in [n][h][w][c], out [n][oh][ow][oc], w [oc][kh][kw][c] int8, bias
   (BIAS_T) / mult / shift [oc]. out[b][oy][ox][o] = requant(bias[o] + sum of (in[b][iy][ix][i] -
   in_zp) * w[o][oy + pt - iy * sh][ox + pl - ix * sw][i] over the taps inside the filter), gathered
   per output element. ip: n h w c oh ow oc kh kw sh sw pt pl act_min act_max [in_zp out_zp]. */
#define TC_TRANSPOSE_CONV_BODY(T, S, U, BIAS_T, IN_ZP, REQUANT)                                     \
  const T *const x = (const T *)buf[0];                                                             \
  T *y = (T *)buf[1];                                                                               \
  const int8_t *const wt = (const int8_t *)buf[2];                                                  \
  const BIAS_T *const bias = (const BIAS_T *)buf[3];                                                \
  const int32_t *const mult = (const int32_t *)buf[4];                                              \
  const int32_t *const shift = (const int32_t *)buf[5];                                             \
  const ptrdiff_t n = ip[0], h = ip[1], w = ip[2], c = ip[3], oh = ip[4], ow = ip[5], oc = ip[6];   \
  const ptrdiff_t kh = ip[7], kw = ip[8], sh = ip[9], sw = ip[10], pt = ip[11], pl = ip[12];        \
  const int32_t act_min = ip[13], act_max = ip[14], in_zp = (IN_ZP);                                \
  ptrdiff_t b, oy, ox, o, iy, ix, i;                                                                \
  (void)fp;                                                                                         \
  (void)scratch;                                                                                    \
  for (b = 0; b < n; b++)                                                                           \
    for (oy = 0; oy < oh; oy++) {                                                                   \
      /* input rows iy with 0 <= oy + pt - iy * sh < kh */                                          \
      const ptrdiff_t ty = oy + pt, y_lo0 = ty - kh + 1 <= 0 ? 0 : (ty - kh + sh) / sh;             \
      const ptrdiff_t y_hi = ty / sh < h - 1 ? ty / sh : h - 1;                                     \
      for (ox = 0; ox < ow; ox++) {                                                                 \
        const ptrdiff_t tx = ox + pl, x_lo0 = tx - kw + 1 <= 0 ? 0 : (tx - kw + sw) / sw;           \
        const ptrdiff_t x_hi = tx / sw < w - 1 ? tx / sw : w - 1;                                   \
        for (o = 0; o < oc; o++) {                                                                  \
          U acc = (U)bias[o];                                                                       \
          for (iy = y_lo0; iy <= y_hi; iy++)                                                        \
            for (ix = x_lo0; ix <= x_hi; ix++) {                                                    \
              const T *const xp = x + ((b * h + iy) * w + ix) * c;                                  \
              const int8_t *const wp = wt + ((o * kh + (ty - iy * sh)) * kw + (tx - ix * sw)) * c;  \
              for (i = 0; i < c; i++)                                                               \
                acc += (U)(((S)xp[i] - in_zp) * (S)wp[i]);                                          \
            }                                                                                       \
          *y++ = REQUANT(acc, o);                                                                   \
        }                                                                                           \
      }                                                                                             \
    }

#endif
