/* tinycc Cortex-M55 (Helium / MVE) kernel: conv_s16 (16x8 convolution, depthwise and fully
   connected; generic/tc_conv_s16.h) with the int16 x int8 dot products of convolutions and fully
   connected layers in MVE: 8 lanes per step, int8 weights widened on load, tail predicated
   (dlstp / letp), summed into 64 bits (vmlaldava). Depthwise layers keep the portable loop. */
#include <arm_mve.h>

#include "tc_internal.h"

static inline int64_t tc_mve_dot_s16_s8(const int16_t *x, const int8_t *w, ptrdiff_t n)
{
  /* one tail-predicated low-overhead loop in asm (GCC 12 spills the accumulator around the
     intrinsics); a 64-bit operand sits in an even / odd register pair, as vmlaldava needs; the
     widening load takes a low base register */
  int64_t acc = 0;
  register uint32_t lr_ __asm__("lr") = (uint32_t)n;
  int16x8_t t0_, t1_;
  if (n <= 0)
    return 0;
  __asm__("dlstp.16 lr, lr\n"
          "1:\n\t"
          "vldrh.s16 %q3, [%1], #16\n\t"
          "vldrb.s16 %q4, [%2], #8\n\t"
          "vmlaldava.s16 %Q0, %R0, %q3, %q4\n\t"
          "letp lr, 1b"
          : "+r"(acc), "+r"(x), "+l"(w), "=&w"(t0_), "=&w"(t1_), "+r"(lr_)
          :
          : "memory");
  return acc;
}

#define TC_CONV_S16_DOT tc_mve_dot_s16_s8
#include "tc_conv_s16.h"

void tc_conv_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  tc_conv_s16_body(buf, ip);
}
