/* tinycc x86-64 kernels at the AVX-512 VNNI level (AVX-512 F, BW, VL and VNNI: Ice Lake, Sapphire
 * Rapids, Zen 4 and later): the int8 GEMM and depthwise convolution on vpdpbusd (tc_x86_vnni.h), compiled for that level
 * whatever the build machine is. The other kernels of this level are the AVX2 ones. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#pragma GCC diagnostic ignored "-Wunused-function" /* the shared x86 code this level does not use */
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,avx512f,avx512bw,avx512vl,avx512vnni"))), \
                             apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,avx512f,avx512bw,avx512vl,avx512vnni")
#endif

#include "tc_x86_vnni.h"

/* conv2d_s8 / fc_s8 over weights packed by tinycc/x86_64.py (pack_vnni_s8: bias corrected) */
void tc_conv2d_s8_avx512vnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  tc_conv_s8 g;
  (void)fp, (void)scratch;
  TC_S8_OPERANDS(g, CONV2D_S8);
  TC_CONV_GEOMETRY(g, CONV2D_S8);
  tc_vnni_conv_s8(&g);
}

void tc_fc_s8_avx512vnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  tc_conv_s8 g;
  (void)fp, (void)scratch;
  TC_S8_OPERANDS(g, FC_S8);
  TC_FC_GEOMETRY(g, FC_S8);
  tc_vnni_conv_s8(&g);
}

/* dwconv2d_s8 with depth multiplier 1 over weights packed by tinycc/x86_64.py (pack_dw_vnni_s8): 64 channels
   at a time, and 64 / c pixels at a time for c = 8, 16, 32 or for the last 16 or 32 channels */
void tc_dwconv2d_s8_avx512vnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  tc_conv_s8 g;
  (void)fp, (void)scratch;
  TC_S8_OPERANDS(g, DWCONV2D_S8);
  TC_CONV_GEOMETRY(g, DWCONV2D_S8);
  if (g.c < 64) {
    tc_vnni_dwconv_s8_narrow(&g, 0, g.c);
  } else if (g.c % 64 == 16 || g.c % 64 == 32) { /* the last 16 or 32 channels several pixels at a time */
    tc_vnni_dwconv_s8(&g, g.c / 64);
    tc_vnni_dwconv_s8_narrow(&g, g.c / 64 * 64, g.c % 64);
  } else {
    tc_vnni_dwconv_s8(&g, (g.c + 63) / 64);
  }
}

/* ADD / SUB over their 6-D broadcast geometry, the vector constants prepared once per call (a broadcast
   makes many short runs) */
static void tc_vnni_add(const void *in1, const void *in2, void *out, const int32_t *ip, ptrdiff_t act_min,
                        ptrdiff_t d0, ptrdiff_t es, int sub, tc_add_run_fn run)
{
  tc_fast_add_s8 p;
  tc_add16_c k;
  tc_fast_add_setup(&p, ip, act_min, sub);
  tc_add16_prepare(&p, &k, es);
  p.pre = &k;
  tc_add_6d(in1, in2, out, ip, d0, es, &p, run);
}

void tc_add_s8_avx512vnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp, (void)scratch;
  if (ip[TCP_ADD_S8_LIN]) { /* an exact linear form: contiguous runs by it, the rest as TFLite does */
    tc_add_lin16 k;
    tc_add_lin16_prepare(ip, &k);
    tc_add_s8_with(buf, ip, tc_add_s8_lin_run16, &k);
    return;
  }
  tc_vnni_add(buf[TCB_ADD_S8_IN1], buf[TCB_ADD_S8_IN2], buf[TCB_ADD_S8_OUT], ip, TCP_ADD_S8_ACT_MIN, TCP_ADD_S8_D0, 1,
              0, tc_add_s8_run16);
}

void tc_add_s16_avx512vnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp, (void)scratch;
  tc_vnni_add(buf[TCB_ADD_S16_IN1], buf[TCB_ADD_S16_IN2], buf[TCB_ADD_S16_OUT], ip, TCP_ADD_S16_ACT_MIN,
              TCP_ADD_S16_D0, 2, 0, tc_add_s16_run16);
}

/* SUB on 16 lanes; binary_s16's other ops run the portable kernel */
void tc_binary_s16_avx512vnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  if (ip[TCP_BINARY_S16_OP] != 0) {
    tc_binary_s16(buf, ip, fp, scratch);
    return;
  }
  tc_vnni_add(buf[TCB_BINARY_S16_IN1], buf[TCB_BINARY_S16_IN2], buf[TCB_BINARY_S16_OUT], ip, TCP_BINARY_S16_ACT_MIN,
              TCP_BINARY_S16_D0, 2, 1, tc_add_s16_run16);
}

#include "tc_x86_level_end.h"
#else
typedef int tc_avx512vnni_unused; /* not x86-64 with GCC or clang: nothing here */
#endif
