/* tinycc portable kernel: conv_s16 (16x8: int16 NHWC activations with zero point 0, int8 weights,
 * per-channel requantization, as TFLite Micro's int16 CONV_2D, DEPTHWISE_CONV_2D and
 * FULLY_CONNECTED; a fully connected layer is a 1x1 convolution over [batches, 1, 1, depth]).
 * tinycc: shared with the host executor. */
#include "tc_conv_s16.h"

void tc_conv_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  tc_conv_s16_body(buf, ip);
}
