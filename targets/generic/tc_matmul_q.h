/* tinycc portable kernels: the loops of the quantized BATCH_MATMUL and TRANSPOSE_CONV kernels,
   shared by their int8 and int16 files (included by those only). Each macro is a whole kernel body
   of kernel K (BATCH_MATMUL_S8, TRANSPOSE_CONV_S16, ...: it reads the operands by K's tc_abi.h
   names) over element type T, accumulating in the unsigned type U (wrapping, as TFLite's int32
   accumulators; int64 ones never wrap) and storing REQUANT(acc, o) (o the output channel). */
#ifndef TC_MATMUL_Q_H
#define TC_MATMUL_Q_H
#include "tc_internal.h"

/* batch_matmul: buffers lhs, rhs, out. ip: b0 b1 b2 la0 la1 la2 ra0 ra1 ra2 m k n lsi lsk rsk rsj
   lhs_zp rhs_zp out_zp mult shift. For every batch (i0, i1, i2) < (b0, b1, b2), row i < m and
   column j < n: out[((i0 * b1 + i1) * b2 + i2) * m * n + i * n + j] = requant(sum over t < k of
   (lhs[L + i * lsi + t * lsk] - lhs_zp) * (rhs[R + t * rsk + j * rsj] - rhs_zp)) with
   L = i0 * la0 + i1 * la1 + i2 * la2 and R = i0 * ra0 + i1 * ra1 + i2 * ra2 (stride 0: broadcast). */
#define TC_BATCH_MATMUL_BODY(K, T, S, U, REQUANT)                                                          \
  const T *const lhs = (const T *)buf[TCB_##K##_LHS];                                                      \
  const T *const rhs = (const T *)buf[TCB_##K##_RHS];                                                      \
  T *y = (T *)buf[TCB_##K##_OUT];                                                                          \
  const ptrdiff_t m = ip[TCP_##K##_M], k = ip[TCP_##K##_K], n = ip[TCP_##K##_N], lsi = ip[TCP_##K##_LSI];  \
  const ptrdiff_t lsk = ip[TCP_##K##_LSK], rsk = ip[TCP_##K##_RSK], rsj = ip[TCP_##K##_RSJ];               \
  const int32_t lzp = ip[TCP_##K##_LHS_ZP], rzp = ip[TCP_##K##_RHS_ZP], out_zp = ip[TCP_##K##_OUT_ZP];     \
  const int32_t mult = ip[TCP_##K##_MULT], shift = ip[TCP_##K##_SHIFT];                                    \
  ptrdiff_t i0, i1, i2, i, j, t;                                                                           \
  (void)fp;                                                                                                \
  (void)scratch;                                                                                           \
  (void)out_zp;                                                                                            \
  for (i0 = 0; i0 < ip[TCP_##K##_B0]; i0++)                                                                \
    for (i1 = 0; i1 < ip[TCP_##K##_B1]; i1++)                                                              \
      for (i2 = 0; i2 < ip[TCP_##K##_B2]; i2++) {                                                          \
        const T *const l = lhs + i0 * ip[TCP_##K##_LA0] + i1 * ip[TCP_##K##_LA1] + i2 * ip[TCP_##K##_LA2]; \
        const T *const r = rhs + i0 * ip[TCP_##K##_RA0] + i1 * ip[TCP_##K##_RA1] + i2 * ip[TCP_##K##_RA2]; \
        for (i = 0; i < m; i++)                                                                            \
          for (j = 0; j < n; j++) {                                                                        \
            U acc = 0;                                                                                     \
            for (t = 0; t < k; t++)                                                                        \
              acc += (U)(((S)l[i * lsi + t * lsk] - lzp) * ((S)r[t * rsk + j * rsj] - rzp));               \
            *y++ = REQUANT(acc, 0);                                                                        \
          }                                                                                                \
      }

/* transpose_conv: buffers in [n][h][w][c], out [n][oh][ow][oc], w [oc][kh][kw][c] int8, bias
   (BIAS_T) / mult / shift [oc]. out[b][oy][ox][o] = requant(bias[o] + sum of (in[b][iy][ix][i] -
   in_zp) * w[o][oy + pt - iy * sh][ox + pl - ix * sw][i] over the taps inside the filter), gathered
   per output element. ip: n h w c oh ow oc kh kw sh sw pt pl act_min act_max [in_zp out_zp]. */
#define TC_TRANSPOSE_CONV_BODY(K, T, S, U, BIAS_T, IN_ZP, REQUANT)                                            \
  const T *const x = (const T *)buf[TCB_##K##_IN];                                                            \
  T *y = (T *)buf[TCB_##K##_OUT];                                                                             \
  const int8_t *const wt = (const int8_t *)buf[TCB_##K##_W];                                                  \
  const BIAS_T *const bias = (const BIAS_T *)buf[TCB_##K##_BIAS];                                             \
  const int32_t *const mult = (const int32_t *)buf[TCB_##K##_MULT];                                           \
  const int32_t *const shift = (const int32_t *)buf[TCB_##K##_SHIFT];                                         \
  const ptrdiff_t n = ip[TCP_##K##_N], h = ip[TCP_##K##_H], w = ip[TCP_##K##_W], c = ip[TCP_##K##_C];         \
  const ptrdiff_t oh = ip[TCP_##K##_OH], ow = ip[TCP_##K##_OW], oc = ip[TCP_##K##_OC];                        \
  const ptrdiff_t kh = ip[TCP_##K##_KH], kw = ip[TCP_##K##_KW], sh = ip[TCP_##K##_SH], sw = ip[TCP_##K##_SW]; \
  const ptrdiff_t pt = ip[TCP_##K##_PT], pl = ip[TCP_##K##_PL];                                               \
  const int32_t act_min = ip[TCP_##K##_ACT_MIN], act_max = ip[TCP_##K##_ACT_MAX], in_zp = (IN_ZP);            \
  ptrdiff_t b, oy, ox, o, iy, ix, i;                                                                          \
  (void)fp;                                                                                                   \
  (void)scratch;                                                                                              \
  for (b = 0; b < n; b++)                                                                                     \
    for (oy = 0; oy < oh; oy++) {                                                                             \
      /* input rows iy with 0 <= oy + pt - iy * sh < kh */                                                    \
      const ptrdiff_t ty = oy + pt, y_lo0 = ty - kh + 1 <= 0 ? 0 : (ty - kh + sh) / sh;                       \
      const ptrdiff_t y_hi = ty / sh < h - 1 ? ty / sh : h - 1;                                               \
      for (ox = 0; ox < ow; ox++) {                                                                           \
        const ptrdiff_t tx = ox + pl, x_lo0 = tx - kw + 1 <= 0 ? 0 : (tx - kw + sw) / sw;                     \
        const ptrdiff_t x_hi = tx / sw < w - 1 ? tx / sw : w - 1;                                             \
        for (o = 0; o < oc; o++) {                                                                            \
          U acc = (U)bias[o];                                                                                 \
          for (iy = y_lo0; iy <= y_hi; iy++)                                                                  \
            for (ix = x_lo0; ix <= x_hi; ix++) {                                                              \
              const T *const xp = x + ((b * h + iy) * w + ix) * c;                                            \
              const int8_t *const wp = wt + ((o * kh + (ty - iy * sh)) * kw + (tx - ix * sw)) * c;            \
              for (i = 0; i < c; i++)                                                                         \
                acc += (U)(((S)xp[i] - in_zp) * (S)wp[i]);                                                    \
            }                                                                                                 \
          *y++ = REQUANT(acc, o);                                                                             \
        }                                                                                                     \
      }                                                                                                       \
    }

#endif
