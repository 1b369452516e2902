/* The C-ABI entry points of the x86-64 kernels, defined once per instruction-set level: a level's
 * translation unit (tc_avx2.c, ...) selects its target, defines TC_ISA(name) (tc_<name>_<level>)
 * and includes this. Each entry point reads its operands by the kernel table's index names and
 * runs the level's code (tc_x86_s8.h, tc_x86_f32.h). The conditions under which a level's version
 * may be called (dm == 1, panel sizes) are checked by tinycc/x86_64.py before a call is emitted.
 */
#include "tc_x86_s8.h"
#include "tc_x86_f32.h"

#define TC_CONV_GEOMETRY(g, K)                                                                                \
  (g).n = ip[TCP_##K##_N], (g).h = ip[TCP_##K##_H], (g).w_ = ip[TCP_##K##_W], (g).c = ip[TCP_##K##_C],           \
  (g).oh = ip[TCP_##K##_OH], (g).ow = ip[TCP_##K##_OW], (g).oc = ip[TCP_##K##_OC], (g).kh = ip[TCP_##K##_KH],     \
  (g).kw = ip[TCP_##K##_KW], (g).sh = ip[TCP_##K##_SH], (g).sw = ip[TCP_##K##_SW], (g).dh = ip[TCP_##K##_DH],     \
  (g).dw = ip[TCP_##K##_DW], (g).pt = ip[TCP_##K##_PT], (g).pl = ip[TCP_##K##_PL]

/* a fully connected layer as the 1x1 convolution of `batches` pixels of `depth` channels */
#define TC_FC_GEOMETRY(g, K)                                                                                  \
  (g).n = ip[TCP_##K##_BATCHES], (g).h = 1, (g).w_ = 1, (g).c = ip[TCP_##K##_DEPTH], (g).oh = 1, (g).ow = 1,    \
  (g).oc = ip[TCP_##K##_UNITS], (g).kh = 1, (g).kw = 1, (g).sh = 1, (g).sw = 1, (g).dh = 1, (g).dw = 1,         \
  (g).pt = 0, (g).pl = 0

#define TC_S8_OPERANDS(g, K)                                                                                  \
  (g).x = (const int8_t *)buf[TCB_##K##_IN], (g).y = (int8_t *)buf[TCB_##K##_OUT],                            \
  (g).w = (const int8_t *)buf[TCB_##K##_W], (g).bias = (const int32_t *)buf[TCB_##K##_BIAS],                    \
  (g).mult = (const int32_t *)buf[TCB_##K##_MULT], (g).shift = (const int32_t *)buf[TCB_##K##_SHIFT],           \
  (g).act_min = ip[TCP_##K##_ACT_MIN], (g).act_max = ip[TCP_##K##_ACT_MAX], (g).in_zp = ip[TCP_##K##_IN_ZP],    \
  (g).out_zp = ip[TCP_##K##_OUT_ZP]

#define TC_F32_OPERANDS(g, K)                                                                                 \
  (g).x = (const float *)buf[TCB_##K##_IN], (g).y = (float *)buf[TCB_##K##_OUT],                              \
  (g).w = (const float *)buf[TCB_##K##_W], (g).bias = (const float *)buf[TCB_##K##_BIAS],                       \
  (g).act_min = fp[TCF_##K##_ACT_MIN], (g).act_max = fp[TCF_##K##_ACT_MAX]

/* conv2d_s8 over weights packed by tinycc/x86_64.py (pack_gemm_s8) */
void TC_ISA(conv2d_s8)(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  tc_conv_s8 g;
  (void)fp, (void)scratch;
  TC_S8_OPERANDS(g, CONV2D_S8);
  TC_CONV_GEOMETRY(g, CONV2D_S8);
  tc_conv2d_s8_packed(&g);
}

void TC_ISA(fc_s8)(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  tc_conv_s8 g;
  (void)fp, (void)scratch;
  TC_S8_OPERANDS(g, FC_S8);
  TC_FC_GEOMETRY(g, FC_S8);
  tc_conv2d_s8_packed(&g);
}

/* depth multiplier 1 */
void TC_ISA(dwconv2d_s8)(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  tc_conv_s8 g;
  (void)fp, (void)scratch;
  TC_S8_OPERANDS(g, DWCONV2D_S8);
  TC_CONV_GEOMETRY(g, DWCONV2D_S8);
  tc_fast_dwconv2d_s8(&g);
}

void TC_ISA(add_s8)(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp, (void)scratch;
  tc_add_s8_6d(buf, ip, tc_add_s8_run);
}

/* conv2d_f32 over weights packed by tinycc/x86_64.py (pack_gemm_f32) */
void TC_ISA(conv2d_f32)(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  tc_conv_f32 g;
  (void)scratch;
  TC_F32_OPERANDS(g, CONV2D_F32);
  TC_CONV_GEOMETRY(g, CONV2D_F32);
  tc_conv2d_f32_packed(&g);
}

void TC_ISA(fc_f32)(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  tc_conv_f32 g;
  (void)scratch;
  TC_F32_OPERANDS(g, FC_F32);
  TC_FC_GEOMETRY(g, FC_F32);
  tc_conv2d_f32_packed(&g);
}

/* depth multiplier 1 */
void TC_ISA(dwconv2d_f32)(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  tc_conv_f32 g;
  (void)scratch;
  TC_F32_OPERANDS(g, DWCONV2D_F32);
  TC_CONV_GEOMETRY(g, DWCONV2D_F32);
  tc_fast_dwconv2d_f32(&g);
}
