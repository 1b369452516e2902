/* tinycc Armv7E-M DSP kernel (Cortex-M4, M7, M33): maxpool_s8 (int8 max pooling), 4 channels a
 * word with SSUB8 / SEL (tc_dsp_pool.h). Scratch: none. */
#include "tc_dsp_pool.h"

void tc_maxpool_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  tc_dsp_pool(buf, ip, 0);
}
