/* tinycc x86-64 kernels at the AVX-512 VNNI level (AVX-512 F, BW, VL and VNNI: Ice Lake, Sapphire
 * Rapids, Zen 4 and later): the int8 GEMM on vpdpbusd (tc_x86_vnni.h), compiled for that level
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
  g.x = (const int8_t *)buf[TCB_CONV2D_S8_IN], g.y = (int8_t *)buf[TCB_CONV2D_S8_OUT];
  g.w = (const int8_t *)buf[TCB_CONV2D_S8_W], g.bias = (const int32_t *)buf[TCB_CONV2D_S8_BIAS];
  g.mult = (const int32_t *)buf[TCB_CONV2D_S8_MULT], g.shift = (const int32_t *)buf[TCB_CONV2D_S8_SHIFT];
  g.act_min = ip[TCP_CONV2D_S8_ACT_MIN], g.act_max = ip[TCP_CONV2D_S8_ACT_MAX];
  g.in_zp = ip[TCP_CONV2D_S8_IN_ZP], g.out_zp = ip[TCP_CONV2D_S8_OUT_ZP];
  g.n = ip[TCP_CONV2D_S8_N], g.h = ip[TCP_CONV2D_S8_H], g.w_ = ip[TCP_CONV2D_S8_W], g.c = ip[TCP_CONV2D_S8_C];
  g.oh = ip[TCP_CONV2D_S8_OH], g.ow = ip[TCP_CONV2D_S8_OW], g.oc = ip[TCP_CONV2D_S8_OC];
  g.kh = ip[TCP_CONV2D_S8_KH], g.kw = ip[TCP_CONV2D_S8_KW], g.sh = ip[TCP_CONV2D_S8_SH];
  g.sw = ip[TCP_CONV2D_S8_SW], g.dh = ip[TCP_CONV2D_S8_DH], g.dw = ip[TCP_CONV2D_S8_DW];
  g.pt = ip[TCP_CONV2D_S8_PT], g.pl = ip[TCP_CONV2D_S8_PL];
  tc_vnni_conv_s8(&g);
}

void tc_fc_s8_avx512vnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  tc_conv_s8 g;
  (void)fp, (void)scratch;
  g.x = (const int8_t *)buf[TCB_FC_S8_IN], g.y = (int8_t *)buf[TCB_FC_S8_OUT];
  g.w = (const int8_t *)buf[TCB_FC_S8_W], g.bias = (const int32_t *)buf[TCB_FC_S8_BIAS];
  g.mult = (const int32_t *)buf[TCB_FC_S8_MULT], g.shift = (const int32_t *)buf[TCB_FC_S8_SHIFT];
  g.act_min = ip[TCP_FC_S8_ACT_MIN], g.act_max = ip[TCP_FC_S8_ACT_MAX];
  g.in_zp = ip[TCP_FC_S8_IN_ZP], g.out_zp = ip[TCP_FC_S8_OUT_ZP];
  g.n = ip[TCP_FC_S8_BATCHES], g.h = 1, g.w_ = 1, g.c = ip[TCP_FC_S8_DEPTH], g.oh = 1, g.ow = 1;
  g.oc = ip[TCP_FC_S8_UNITS], g.kh = 1, g.kw = 1, g.sh = 1, g.sw = 1, g.dh = 1, g.dw = 1, g.pt = 0, g.pl = 0;
  tc_vnni_conv_s8(&g);
}

void tc_add_s8_avx512vnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp, (void)scratch;
  tc_add_s8_6d(buf, ip, tc_add_s8_run16);
}

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#else
typedef int tc_avx512vnni_unused; /* not x86-64 with GCC or clang: nothing here */
#endif
