/* tinycc portable kernel: filter_bank_sqrt (TFLite Micro's SignalFilterBankSquareRoot): the integer
 * square root of each uint64, rounded up when the remainder exceeds the root (Sqrt32 / Sqrt64: at
 * most 0xFFFF below 2**32, 0xFFFFFFFF above), shifted right by shift[0] (0 for a shift outside
 * 0..31). tinycc: shared with the host executor. */
#include "tc_internal.h"

/* bit by bit from the largest power of four not above x: root and remainder */
static uint32_t tc_sqrt_rounded(uint64_t x)
{
  uint64_t res = 0, bit = (uint64_t)1 << 62;
  const uint64_t cap = x >> 32 ? 0xFFFFFFFFu : 0xFFFFu;
  while (bit > x)
    bit >>= 2;
  while (bit) {
    if (x >= res + bit) {
      x -= res + bit;
      res = (res >> 1) + bit;
    } else {
      res >>= 1;
    }
    bit >>= 2;
  }
  if (x > res && res != cap)
    res++;
  return (uint32_t)res;
}

/* buffers: in (uint64), out (uint32), shift (one int32). ip: size. */
void tc_filter_bank_sqrt(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const uint64_t *in = (const uint64_t *)buf[TCB_FILTER_BANK_SQRT_IN];
  uint32_t *out = (uint32_t *)buf[TCB_FILTER_BANK_SQRT_OUT];
  const int32_t shift = *(const int32_t *)buf[TCB_FILTER_BANK_SQRT_SHIFT];
  const int32_t size = ip[TCP_FILTER_BANK_SQRT_SIZE];
  int32_t i;
  (void)fp;
  (void)scratch;
  for (i = 0; i < size; i++)
    out[i] = shift >= 0 && shift < 32 ? tc_sqrt_rounded(in[i]) >> shift : 0;
}
