/* The C-ABI entry points of the x86-64 kernels, defined once per instruction-set level: a level's
 * translation unit (tc_avx2.c, ...) selects its target, defines TC_ISA(name) (tc_<name>_<level>)
 * and includes this. Each entry point reads its operands by the kernel table's index names and
 * runs the level's code (tc_x86_s8.h, tc_x86_f32.h). The conditions under which a level's version
 * may be called (dm == 1, panel sizes) are checked by tinycc/x86_64.py before a call is emitted.
 */
#include "tc_x86_s8.h"
#include "tc_x86_f32.h"

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
  if (ip[TCP_ADD_S8_LIN]) { /* an exact linear form: contiguous runs by it, the rest as TFLite does */
    tc_add_lin8 k;
    tc_add_lin8_prepare(ip, &k);
    tc_add_s8_with(buf, ip, tc_add_s8_lin_run, &k);
  } else {
    tc_add_s8_with(buf, ip, tc_add_s8_run, NULL);
  }
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

/* lstm_f32 over weights packed by tinycc/x86_64.py (pack_lstm_f32); scratch: the gates of one step */
void TC_ISA(lstm_f32)(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  tc_fast_lstm_f32((const float *)buf[TCB_LSTM_F32_IN], (float *)buf[TCB_LSTM_F32_OUT], (float *)buf[TCB_LSTM_F32_H],
                   (float *)buf[TCB_LSTM_F32_C], (const float *)buf[TCB_LSTM_F32_W],
                   (const float *)buf[TCB_LSTM_F32_R], (const float *)buf[TCB_LSTM_F32_BIAS],
                   ip[TCP_LSTM_F32_BATCH], ip[TCP_LSTM_F32_TIME], ip[TCP_LSTM_F32_N_IN], ip[TCP_LSTM_F32_UNITS],
                   ip[TCP_LSTM_F32_TIME_MAJOR], fp[TCF_LSTM_F32_CELL_CLIP], (float *)scratch);
}
