/* tinycc portable kernel: relu_s16 (int16 RELU, RELU6 and LEAKY_RELU as TFLite Micro's).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in, out int16 [size]. ip: size mode in_zp out_zp m1 s1 m2 s2 lo hi neg.
   mode 0 RELU: out_zp + MBQM(x - in_zp, m1, s1); 1 RELU6: the raw x; 2 LEAKY_RELU: x >= in_zp as
   RELU, else out_zp +- MBQM(x - in_zp, m2, s2) (minus when neg); each clamped to [lo, hi].
   In place is allowed. */
void tc_relu_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int16_t *const x = (const int16_t *)buf[TCB_RELU_S16_IN];
  int16_t *const y = (int16_t *)buf[TCB_RELU_S16_OUT];
  const ptrdiff_t size = ip[TCP_RELU_S16_SIZE];
  const int32_t mode = ip[TCP_RELU_S16_MODE], in_zp = ip[TCP_RELU_S16_IN_ZP], out_zp = ip[TCP_RELU_S16_OUT_ZP],
                m1 = ip[TCP_RELU_S16_M1], m2 = ip[TCP_RELU_S16_M2], lo = ip[TCP_RELU_S16_LO], hi = ip[TCP_RELU_S16_HI];
  const int neg = ip[TCP_RELU_S16_NEG] != 0;
  int l1, r1, l2, r2;
  ptrdiff_t i;
  (void)fp;
  (void)scratch;
  tc_split_shift(ip[TCP_RELU_S16_S1], &l1, &r1);
  tc_split_shift(ip[TCP_RELU_S16_S2], &l2, &r2);
  for (i = 0; i < size; i++) {
    const int32_t d = x[i] - in_zp;
    int32_t v;
    if (mode == 1)
      v = x[i];
    else if (mode == 0 || d >= 0)
      v = tc_clamp32(tc_mbqm(d, m1, l1, r1), -65536, 65536) + out_zp;
    else {
      const int32_t s = tc_clamp32(tc_mbqm(d, m2, l2, r2), -65536, 65536);
      v = out_zp + (neg ? -s : s);
    }
    y[i] = (int16_t)tc_clamp32(v, lo, hi);
  }
}
