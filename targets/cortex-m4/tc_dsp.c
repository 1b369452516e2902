/* tinycc Armv7E-M / Armv8-M DSP kernels (Cortex-M4, M7, M33): at -Os, the one definition of the
 * int8 GEMM of conv2d_s8 and fc_s8 and of its row helpers (tc_dsp.h; at other levels they are inlined
 * into the two kernels and this file compiles to nothing). */
#define TC_DSP_HERE
#include "tc_dsp.h"
