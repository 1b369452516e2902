/* tinycc portable kernel: filter_bank (TFLite Micro's SignalFilterBank): channels + 1 triangular
 * bands over a uint32 spectrum. Band c sums input[fstart[c] + j] times weights[wstart[c] + j] for
 * j < widths[c] (uint64, each int16 weight sign-extended as C converts it), and the same with the
 * unweights starts the next band's sum; out[c - 1] is band c's sum. The compiler refuses tables
 * reaching outside the input or the weights; a band that would is skipped here all the same.
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in, out, w, uw, fstart, wstart, widths. ip: channels in_size w_size. */
void tc_filter_bank(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const uint32_t *in = (const uint32_t *)buf[TCB_FILTER_BANK_IN];
  uint64_t *out = (uint64_t *)buf[TCB_FILTER_BANK_OUT];
  const int16_t *w = (const int16_t *)buf[TCB_FILTER_BANK_W], *uw = (const int16_t *)buf[TCB_FILTER_BANK_UW];
  const int16_t *fstart = (const int16_t *)buf[TCB_FILTER_BANK_FSTART];
  const int16_t *wstart = (const int16_t *)buf[TCB_FILTER_BANK_WSTART];
  const int16_t *widths = (const int16_t *)buf[TCB_FILTER_BANK_WIDTHS];
  const int32_t channels = ip[TCP_FILTER_BANK_CHANNELS], in_size = ip[TCP_FILTER_BANK_IN_SIZE];
  const int32_t w_size = ip[TCP_FILTER_BANK_W_SIZE];
  uint64_t acc = 0, unacc;
  int32_t c, j;
  (void)fp;
  (void)scratch;
  for (c = 0; c <= channels; c++) {
    const int32_t fs = fstart[c], ws = wstart[c], width = widths[c];
    unacc = 0;
    if (fs >= 0 && ws >= 0 && width >= 0 && fs + width <= in_size && ws + width <= w_size)
      for (j = 0; j < width; j++) {
        const uint64_t x = in[fs + j];
        acc += (uint64_t)(int64_t)w[ws + j] * x;
        unacc += (uint64_t)(int64_t)uw[ws + j] * x;
      }
    if (c > 0)
      out[c - 1] = acc;
    acc = unacc;
  }
}
