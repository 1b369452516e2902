/* tinycc: the loop nest of ADD's 6-D broadcast geometry (d0..d5 output dims, a0..a5 / b0..b5 input
 * element strides), shared by the binary kernels whose parameters start with it (binary_f32,
 * binary_s32). K is the kernel's ABI name (its TCP_<K>_D0 ... parameter indices); for each
 * innermost run of d5 outputs, the statements given last run with pa / pb (the inputs at the
 * run's start, strides a5 / b5) and yp (the output's, dense). */
#ifndef TC_BROADCAST_H
#define TC_BROADCAST_H

#include "tc_internal.h"

#define TC_BROADCAST_6D(K, T_IN, T_OUT, in1, in2, y, ip, ...)                                            \
  do {                                                                                                   \
    ptrdiff_t i0_, i1_, i2_, i3_, i4_, k_ = 0;                                                           \
    for (i0_ = 0; i0_ < (ip)[TCP_##K##_D0]; i0_++)                                                       \
      for (i1_ = 0; i1_ < (ip)[TCP_##K##_D1]; i1_++)                                                     \
        for (i2_ = 0; i2_ < (ip)[TCP_##K##_D2]; i2_++)                                                   \
          for (i3_ = 0; i3_ < (ip)[TCP_##K##_D3]; i3_++)                                                 \
            for (i4_ = 0; i4_ < (ip)[TCP_##K##_D4]; i4_++) {                                             \
              const T_IN *const pa = (in1) + i0_ * (ip)[TCP_##K##_A0] + i1_ * (ip)[TCP_##K##_A1]         \
                                     + i2_ * (ip)[TCP_##K##_A2] + i3_ * (ip)[TCP_##K##_A3]               \
                                     + i4_ * (ip)[TCP_##K##_A4];                                         \
              const T_IN *const pb = (in2) + i0_ * (ip)[TCP_##K##_B0] + i1_ * (ip)[TCP_##K##_B1]         \
                                     + i2_ * (ip)[TCP_##K##_B2] + i3_ * (ip)[TCP_##K##_B3]               \
                                     + i4_ * (ip)[TCP_##K##_B4];                                         \
              T_OUT *const yp = (y) + k_;                                                                \
              __VA_ARGS__;                                                                               \
              k_ += (ip)[TCP_##K##_D5];                                                                  \
            }                                                                                            \
  } while (0)

#endif
