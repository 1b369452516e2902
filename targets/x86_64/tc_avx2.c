/* tinycc x86-64 kernels at the AVX2 level (AVX2 and FMA: Haswell and later, Zen and later): the
 * entry points tc_<kernel>_avx2, compiled for that level whatever the build machine is. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

#define TC_ISA(name) tc_##name##_avx2
#include "tc_x86_entry.h"

/* copy_nd interleaving three planes (NCHW -> NHWC of an RGB image, PyTorch conversions' input
 * transpose): the innermost walk reads each plane contiguously (a5 = 1) and writes every third byte
 * (b5 = 3, d4 = 3 planes a4 apart, b4 = 1), 16 pixels (48 bytes) at a time by byte shuffles. Other
 * copies run the portable kernel. */
void tc_copy_nd_avx2(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const uint8_t *const x = (const uint8_t *)buf[TCB_COPY_ND_IN];
  uint8_t *const y = (uint8_t *)buf[TCB_COPY_ND_OUT];
  const ptrdiff_t n = ip[TCP_COPY_ND_D5], plane = ip[TCP_COPY_ND_A4];
  __m128i mask[3][3]; /* [output vector][plane]: the plane's byte for each output byte, or none (0x80) */
  ptrdiff_t i0, i1, i2, i3, i, v, j;
  if (ip[TCP_COPY_ND_ESIZE] != 1 || ip[TCP_COPY_ND_D4] != 3 || ip[TCP_COPY_ND_A5] != 1 || ip[TCP_COPY_ND_B5] != 3 ||
      ip[TCP_COPY_ND_B4] != 1) {
    tc_copy_nd(buf, ip, fp, scratch);
    return;
  }
  for (v = 0; v < 3; v++) {
    int8_t m[3][16];
    for (j = 0; j < 16; j++) {
      const ptrdiff_t k = 16 * v + j;
      m[0][j] = m[1][j] = m[2][j] = (int8_t)0x80;
      m[k % 3][j] = (int8_t)(k / 3);
    }
    for (j = 0; j < 3; j++)
      mask[v][j] = _mm_loadu_si128((const __m128i *)m[j]);
  }
  for (i0 = 0; i0 < ip[TCP_COPY_ND_D0]; i0++)
    for (i1 = 0; i1 < ip[TCP_COPY_ND_D1]; i1++)
      for (i2 = 0; i2 < ip[TCP_COPY_ND_D2]; i2++)
        for (i3 = 0; i3 < ip[TCP_COPY_ND_D3]; i3++) {
          const uint8_t *p = x + ip[TCP_COPY_ND_IN_OFF] + i0 * ip[TCP_COPY_ND_A0] + i1 * ip[TCP_COPY_ND_A1] +
                             i2 * ip[TCP_COPY_ND_A2] + i3 * ip[TCP_COPY_ND_A3];
          uint8_t *d = y + ip[TCP_COPY_ND_OUT_OFF] + i0 * ip[TCP_COPY_ND_B0] + i1 * ip[TCP_COPY_ND_B1] +
                       i2 * ip[TCP_COPY_ND_B2] + i3 * ip[TCP_COPY_ND_B3];
          for (i = 0; i + 16 <= n; i += 16) {
            const __m128i a = _mm_loadu_si128((const __m128i *)(p + i));
            const __m128i b = _mm_loadu_si128((const __m128i *)(p + plane + i));
            const __m128i c = _mm_loadu_si128((const __m128i *)(p + 2 * plane + i));
            for (v = 0; v < 3; v++)
              _mm_storeu_si128((__m128i *)(d + 3 * i + 16 * v),
                               _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(a, mask[v][0]), _mm_shuffle_epi8(b, mask[v][1])),
                                            _mm_shuffle_epi8(c, mask[v][2])));
          }
          for (; i < n; i++) {
            d[3 * i] = p[i];
            d[3 * i + 1] = p[plane + i];
            d[3 * i + 2] = p[2 * plane + i];
          }
        }
}

#include "tc_x86_level_end.h"
#else
typedef int tc_avx2_unused; /* not x86-64 with GCC or clang: nothing here (ISO C: no empty file) */
#endif
