/* tinycc Armv7E-M / Armv8-M DSP kernels (Cortex-M4, M7, M33): at -Os, the one definition of the
 * row builders and the int8 GEMM of conv2d_s8, fc_s8 and conv_s16 (tc_dsp.h; at other levels they are inlined
 * into the kernels and this file compiles to nothing). */
#define TC_DSP_HERE
#include "tc_dsp.h"
