/* tinycc Armv7E-M DSP kernel (Cortex-M4, M7, M33): avgpool_s8 (int8 average pooling; TFLite's
 * rounding, divisor = the number of input pixels the window covers), 4 channels a word summed with
 * SXTAB16 (tc_dsp_pool.h). Scratch: none. */
#include "tc_dsp_pool.h"

void tc_avgpool_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  tc_dsp_pool(buf, ip, 1);
}
