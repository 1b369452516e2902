/* tinycc kernel ABI: generated from tinycc/kernels.py by `python -m tinycc.kernels > targets/generic/tc_abi.h`;
 * do not edit. Every kernel is tc_<name>(buf, ip, fp, scratch); the index names below say
 * which element of buf (TCB_), ip (TCP_) and fp (TCF_) holds which operand; TCN_ count them. */
#ifndef TINYCC_TC_ABI_H
#define TINYCC_TC_ABI_H

#include <stdint.h>

#define TC_MAX_BUFS 10
#define TC_MAX_IPARAMS 38
#define TC_MAX_FPARAMS 2

/* conv2d_s8: CONV_2D int8 (NHWC); w [oc][kh][kw][c], bias / mult / shift per output channel. buf: in(1) out*(1) w(1) bias(4) mult(4) shift(4) (* written, (bytes per element)) */
void tc_conv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_CONV2D_S8_IN, TCB_CONV2D_S8_OUT, TCB_CONV2D_S8_W, TCB_CONV2D_S8_BIAS, TCB_CONV2D_S8_MULT, TCB_CONV2D_S8_SHIFT, TCN_CONV2D_S8_BUFS };
enum { TCP_CONV2D_S8_N, TCP_CONV2D_S8_H, TCP_CONV2D_S8_W, TCP_CONV2D_S8_C, TCP_CONV2D_S8_OH, TCP_CONV2D_S8_OW, TCP_CONV2D_S8_OC, TCP_CONV2D_S8_KH, TCP_CONV2D_S8_KW, TCP_CONV2D_S8_SH, TCP_CONV2D_S8_SW, TCP_CONV2D_S8_DH, TCP_CONV2D_S8_DW, TCP_CONV2D_S8_PT, TCP_CONV2D_S8_PL, TCP_CONV2D_S8_ACT_MIN, TCP_CONV2D_S8_ACT_MAX, TCP_CONV2D_S8_IN_ZP, TCP_CONV2D_S8_OUT_ZP, TCN_CONV2D_S8_IPARAMS };

/* dwconv2d_s8: DEPTHWISE_CONV_2D int8; w [kh][kw][oc], oc = c * dm; scratch oc * 4. buf: in(1) out*(1) w(1) bias(4) mult(4) shift(4) (* written, (bytes per element)) */
void tc_dwconv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_DWCONV2D_S8_IN, TCB_DWCONV2D_S8_OUT, TCB_DWCONV2D_S8_W, TCB_DWCONV2D_S8_BIAS, TCB_DWCONV2D_S8_MULT, TCB_DWCONV2D_S8_SHIFT, TCN_DWCONV2D_S8_BUFS };
enum { TCP_DWCONV2D_S8_N, TCP_DWCONV2D_S8_H, TCP_DWCONV2D_S8_W, TCP_DWCONV2D_S8_C, TCP_DWCONV2D_S8_OH, TCP_DWCONV2D_S8_OW, TCP_DWCONV2D_S8_OC, TCP_DWCONV2D_S8_KH, TCP_DWCONV2D_S8_KW, TCP_DWCONV2D_S8_SH, TCP_DWCONV2D_S8_SW, TCP_DWCONV2D_S8_DH, TCP_DWCONV2D_S8_DW, TCP_DWCONV2D_S8_PT, TCP_DWCONV2D_S8_PL, TCP_DWCONV2D_S8_ACT_MIN, TCP_DWCONV2D_S8_ACT_MAX, TCP_DWCONV2D_S8_IN_ZP, TCP_DWCONV2D_S8_OUT_ZP, TCP_DWCONV2D_S8_DM, TCN_DWCONV2D_S8_IPARAMS };

/* fc_s8: FULLY_CONNECTED int8; w is [units][depth]. buf: in(1) out*(1) w(1) bias(4) mult(4) shift(4) (* written, (bytes per element)) */
void tc_fc_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_FC_S8_IN, TCB_FC_S8_OUT, TCB_FC_S8_W, TCB_FC_S8_BIAS, TCB_FC_S8_MULT, TCB_FC_S8_SHIFT, TCN_FC_S8_BUFS };
enum { TCP_FC_S8_BATCHES, TCP_FC_S8_DEPTH, TCP_FC_S8_UNITS, TCP_FC_S8_ACT_MIN, TCP_FC_S8_ACT_MAX, TCP_FC_S8_IN_ZP, TCP_FC_S8_OUT_ZP, TCN_FC_S8_IPARAMS };

/* avgpool_s8: AVERAGE_POOL_2D int8; scratch c * 4. buf: in(1) out*(1) (* written, (bytes per element)) */
void tc_avgpool_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_AVGPOOL_S8_IN, TCB_AVGPOOL_S8_OUT, TCN_AVGPOOL_S8_BUFS };
enum { TCP_AVGPOOL_S8_N, TCP_AVGPOOL_S8_H, TCP_AVGPOOL_S8_W, TCP_AVGPOOL_S8_C, TCP_AVGPOOL_S8_OH, TCP_AVGPOOL_S8_OW, TCP_AVGPOOL_S8_KH, TCP_AVGPOOL_S8_KW, TCP_AVGPOOL_S8_SH, TCP_AVGPOOL_S8_SW, TCP_AVGPOOL_S8_PT, TCP_AVGPOOL_S8_PL, TCP_AVGPOOL_S8_ACT_MIN, TCP_AVGPOOL_S8_ACT_MAX, TCN_AVGPOOL_S8_IPARAMS };

/* maxpool_s8: MAX_POOL_2D int8; scratch c * 4 (unused). buf: in(1) out*(1) (* written, (bytes per element)) */
void tc_maxpool_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_MAXPOOL_S8_IN, TCB_MAXPOOL_S8_OUT, TCN_MAXPOOL_S8_BUFS };
enum { TCP_MAXPOOL_S8_N, TCP_MAXPOOL_S8_H, TCP_MAXPOOL_S8_W, TCP_MAXPOOL_S8_C, TCP_MAXPOOL_S8_OH, TCP_MAXPOOL_S8_OW, TCP_MAXPOOL_S8_KH, TCP_MAXPOOL_S8_KW, TCP_MAXPOOL_S8_SH, TCP_MAXPOOL_S8_SW, TCP_MAXPOOL_S8_PT, TCP_MAXPOOL_S8_PL, TCP_MAXPOOL_S8_ACT_MIN, TCP_MAXPOOL_S8_ACT_MAX, TCN_MAXPOOL_S8_IPARAMS };

/* transpose_nchw_s8: TRANSPOSE perm (0, 2, 3, 1) of int8 NCHW as a 1x1 window (a streamed block's head). buf: in(1) out*(1) (* written, (bytes per element)) */
void tc_transpose_nchw_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_TRANSPOSE_NCHW_S8_IN, TCB_TRANSPOSE_NCHW_S8_OUT, TCN_TRANSPOSE_NCHW_S8_BUFS };
enum { TCP_TRANSPOSE_NCHW_S8_N, TCP_TRANSPOSE_NCHW_S8_H, TCP_TRANSPOSE_NCHW_S8_W, TCP_TRANSPOSE_NCHW_S8_C, TCP_TRANSPOSE_NCHW_S8_OH, TCP_TRANSPOSE_NCHW_S8_OW, TCP_TRANSPOSE_NCHW_S8_KH, TCP_TRANSPOSE_NCHW_S8_KW, TCP_TRANSPOSE_NCHW_S8_SH, TCP_TRANSPOSE_NCHW_S8_SW, TCP_TRANSPOSE_NCHW_S8_PT, TCP_TRANSPOSE_NCHW_S8_PL, TCN_TRANSPOSE_NCHW_S8_IPARAMS };

/* transpose_nchw_f32: TRANSPOSE perm (0, 2, 3, 1) of float32 NCHW as a 1x1 window (a streamed block's head). buf: in(4) out*(4) (* written, (bytes per element)) */
void tc_transpose_nchw_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_TRANSPOSE_NCHW_F32_IN, TCB_TRANSPOSE_NCHW_F32_OUT, TCN_TRANSPOSE_NCHW_F32_BUFS };
enum { TCP_TRANSPOSE_NCHW_F32_N, TCP_TRANSPOSE_NCHW_F32_H, TCP_TRANSPOSE_NCHW_F32_W, TCP_TRANSPOSE_NCHW_F32_C, TCP_TRANSPOSE_NCHW_F32_OH, TCP_TRANSPOSE_NCHW_F32_OW, TCP_TRANSPOSE_NCHW_F32_KH, TCP_TRANSPOSE_NCHW_F32_KW, TCP_TRANSPOSE_NCHW_F32_SH, TCP_TRANSPOSE_NCHW_F32_SW, TCP_TRANSPOSE_NCHW_F32_PT, TCP_TRANSPOSE_NCHW_F32_PL, TCN_TRANSPOSE_NCHW_F32_IPARAMS };

/* add_s8: ADD int8, broadcast over 6-D: out dense d0..d5, in1 / in2 element strides a0..a5 / b0..b5; lin_*: the same ADD as one exact linear form (ops.elementwise.add_linear; lin = 0: none). buf: in1(1) in2(1) out*(1) (* written, (bytes per element)) */
void tc_add_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_ADD_S8_IN1, TCB_ADD_S8_IN2, TCB_ADD_S8_OUT, TCN_ADD_S8_BUFS };
enum { TCP_ADD_S8_D0, TCP_ADD_S8_D1, TCP_ADD_S8_D2, TCP_ADD_S8_D3, TCP_ADD_S8_D4, TCP_ADD_S8_D5, TCP_ADD_S8_A0, TCP_ADD_S8_A1, TCP_ADD_S8_A2, TCP_ADD_S8_A3, TCP_ADD_S8_A4, TCP_ADD_S8_A5, TCP_ADD_S8_B0, TCP_ADD_S8_B1, TCP_ADD_S8_B2, TCP_ADD_S8_B3, TCP_ADD_S8_B4, TCP_ADD_S8_B5, TCP_ADD_S8_ACT_MIN, TCP_ADD_S8_ACT_MAX, TCP_ADD_S8_IN1_OFF, TCP_ADD_S8_IN2_OFF, TCP_ADD_S8_OUT_OFF, TCP_ADD_S8_LEFT_SHIFT, TCP_ADD_S8_M1, TCP_ADD_S8_S1, TCP_ADD_S8_M2, TCP_ADD_S8_S2, TCP_ADD_S8_MO, TCP_ADD_S8_SO, TCP_ADD_S8_LIN, TCP_ADD_S8_LIN_A0, TCP_ADD_S8_LIN_A1, TCP_ADD_S8_LIN_B0, TCP_ADD_S8_LIN_B1, TCP_ADD_S8_LIN_C0, TCP_ADD_S8_LIN_C1, TCP_ADD_S8_LIN_SHIFT, TCN_ADD_S8_IPARAMS };

/* softmax_s8: SOFTMAX int8 over rows of depth. buf: in(1) out*(1) (* written, (bytes per element)) */
void tc_softmax_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_SOFTMAX_S8_IN, TCB_SOFTMAX_S8_OUT, TCN_SOFTMAX_S8_BUFS };
enum { TCP_SOFTMAX_S8_OUTER, TCP_SOFTMAX_S8_DEPTH, TCP_SOFTMAX_S8_MULT, TCP_SOFTMAX_S8_LEFT_SHIFT, TCP_SOFTMAX_S8_DIFF_MIN, TCN_SOFTMAX_S8_IPARAMS };

/* copy: a byte copy (memmove). buf: in(1) out*(1) (* written, (bytes per element)) */
void tc_copy(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_COPY_IN, TCB_COPY_OUT, TCN_COPY_BUFS };
enum { TCP_COPY_NBYTES, TCN_COPY_IPARAMS };

/* quantize_f32_s8: QUANTIZE float32 -> int8 (round half away from zero, saturate; NaN -> -128). buf: in(4) out*(1) (* written, (bytes per element)) */
void tc_quantize_f32_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_QUANTIZE_F32_S8_IN, TCB_QUANTIZE_F32_S8_OUT, TCN_QUANTIZE_F32_S8_BUFS };
enum { TCP_QUANTIZE_F32_S8_SIZE, TCP_QUANTIZE_F32_S8_ZP, TCN_QUANTIZE_F32_S8_IPARAMS };
enum { TCF_QUANTIZE_F32_S8_SCALE, TCN_QUANTIZE_F32_S8_FPARAMS };

/* requantize_s8: QUANTIZE int8 -> int8. buf: in(1) out*(1) (* written, (bytes per element)) */
void tc_requantize_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_REQUANTIZE_S8_IN, TCB_REQUANTIZE_S8_OUT, TCN_REQUANTIZE_S8_BUFS };
enum { TCP_REQUANTIZE_S8_SIZE, TCP_REQUANTIZE_S8_IN_ZP, TCP_REQUANTIZE_S8_OUT_ZP, TCP_REQUANTIZE_S8_MULT, TCP_REQUANTIZE_S8_SHIFT, TCN_REQUANTIZE_S8_IPARAMS };

/* dequantize_s8_f32: DEQUANTIZE int8 -> float32. buf: in(1) out*(4) (* written, (bytes per element)) */
void tc_dequantize_s8_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_DEQUANTIZE_S8_F32_IN, TCB_DEQUANTIZE_S8_F32_OUT, TCN_DEQUANTIZE_S8_F32_BUFS };
enum { TCP_DEQUANTIZE_S8_F32_SIZE, TCP_DEQUANTIZE_S8_F32_ZP, TCN_DEQUANTIZE_S8_F32_IPARAMS };
enum { TCF_DEQUANTIZE_S8_F32_SCALE, TCN_DEQUANTIZE_S8_F32_FPARAMS };

/* conv2d_f32: CONV_2D float32. buf: in(4) out*(4) w(4) bias(4) (* written, (bytes per element)) */
void tc_conv2d_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_CONV2D_F32_IN, TCB_CONV2D_F32_OUT, TCB_CONV2D_F32_W, TCB_CONV2D_F32_BIAS, TCN_CONV2D_F32_BUFS };
enum { TCP_CONV2D_F32_N, TCP_CONV2D_F32_H, TCP_CONV2D_F32_W, TCP_CONV2D_F32_C, TCP_CONV2D_F32_OH, TCP_CONV2D_F32_OW, TCP_CONV2D_F32_OC, TCP_CONV2D_F32_KH, TCP_CONV2D_F32_KW, TCP_CONV2D_F32_SH, TCP_CONV2D_F32_SW, TCP_CONV2D_F32_DH, TCP_CONV2D_F32_DW, TCP_CONV2D_F32_PT, TCP_CONV2D_F32_PL, TCN_CONV2D_F32_IPARAMS };
enum { TCF_CONV2D_F32_ACT_MIN, TCF_CONV2D_F32_ACT_MAX, TCN_CONV2D_F32_FPARAMS };

/* dwconv2d_f32: DEPTHWISE_CONV_2D float32; scratch oc * 4. buf: in(4) out*(4) w(4) bias(4) (* written, (bytes per element)) */
void tc_dwconv2d_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_DWCONV2D_F32_IN, TCB_DWCONV2D_F32_OUT, TCB_DWCONV2D_F32_W, TCB_DWCONV2D_F32_BIAS, TCN_DWCONV2D_F32_BUFS };
enum { TCP_DWCONV2D_F32_N, TCP_DWCONV2D_F32_H, TCP_DWCONV2D_F32_W, TCP_DWCONV2D_F32_C, TCP_DWCONV2D_F32_OH, TCP_DWCONV2D_F32_OW, TCP_DWCONV2D_F32_OC, TCP_DWCONV2D_F32_KH, TCP_DWCONV2D_F32_KW, TCP_DWCONV2D_F32_SH, TCP_DWCONV2D_F32_SW, TCP_DWCONV2D_F32_DH, TCP_DWCONV2D_F32_DW, TCP_DWCONV2D_F32_PT, TCP_DWCONV2D_F32_PL, TCP_DWCONV2D_F32_DM, TCN_DWCONV2D_F32_IPARAMS };
enum { TCF_DWCONV2D_F32_ACT_MIN, TCF_DWCONV2D_F32_ACT_MAX, TCN_DWCONV2D_F32_FPARAMS };

/* fc_f32: FULLY_CONNECTED float32. buf: in(4) out*(4) w(4) bias(4) (* written, (bytes per element)) */
void tc_fc_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_FC_F32_IN, TCB_FC_F32_OUT, TCB_FC_F32_W, TCB_FC_F32_BIAS, TCN_FC_F32_BUFS };
enum { TCP_FC_F32_BATCHES, TCP_FC_F32_DEPTH, TCP_FC_F32_UNITS, TCN_FC_F32_IPARAMS };
enum { TCF_FC_F32_ACT_MIN, TCF_FC_F32_ACT_MAX, TCN_FC_F32_FPARAMS };

/* avgpool_f32: AVERAGE_POOL_2D float32; scratch c * 4. buf: in(4) out*(4) (* written, (bytes per element)) */
void tc_avgpool_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_AVGPOOL_F32_IN, TCB_AVGPOOL_F32_OUT, TCN_AVGPOOL_F32_BUFS };
enum { TCP_AVGPOOL_F32_N, TCP_AVGPOOL_F32_H, TCP_AVGPOOL_F32_W, TCP_AVGPOOL_F32_C, TCP_AVGPOOL_F32_OH, TCP_AVGPOOL_F32_OW, TCP_AVGPOOL_F32_KH, TCP_AVGPOOL_F32_KW, TCP_AVGPOOL_F32_SH, TCP_AVGPOOL_F32_SW, TCP_AVGPOOL_F32_PT, TCP_AVGPOOL_F32_PL, TCN_AVGPOOL_F32_IPARAMS };
enum { TCF_AVGPOOL_F32_ACT_MIN, TCF_AVGPOOL_F32_ACT_MAX, TCN_AVGPOOL_F32_FPARAMS };

/* maxpool_f32: MAX_POOL_2D float32; scratch c * 4. buf: in(4) out*(4) (* written, (bytes per element)) */
void tc_maxpool_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_MAXPOOL_F32_IN, TCB_MAXPOOL_F32_OUT, TCN_MAXPOOL_F32_BUFS };
enum { TCP_MAXPOOL_F32_N, TCP_MAXPOOL_F32_H, TCP_MAXPOOL_F32_W, TCP_MAXPOOL_F32_C, TCP_MAXPOOL_F32_OH, TCP_MAXPOOL_F32_OW, TCP_MAXPOOL_F32_KH, TCP_MAXPOOL_F32_KW, TCP_MAXPOOL_F32_SH, TCP_MAXPOOL_F32_SW, TCP_MAXPOOL_F32_PT, TCP_MAXPOOL_F32_PL, TCN_MAXPOOL_F32_IPARAMS };
enum { TCF_MAXPOOL_F32_ACT_MIN, TCF_MAXPOOL_F32_ACT_MAX, TCN_MAXPOOL_F32_FPARAMS };

/* add_f32: ADD float32, broadcast as add_s8. buf: in1(4) in2(4) out*(4) (* written, (bytes per element)) */
void tc_add_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_ADD_F32_IN1, TCB_ADD_F32_IN2, TCB_ADD_F32_OUT, TCN_ADD_F32_BUFS };
enum { TCP_ADD_F32_D0, TCP_ADD_F32_D1, TCP_ADD_F32_D2, TCP_ADD_F32_D3, TCP_ADD_F32_D4, TCP_ADD_F32_D5, TCP_ADD_F32_A0, TCP_ADD_F32_A1, TCP_ADD_F32_A2, TCP_ADD_F32_A3, TCP_ADD_F32_A4, TCP_ADD_F32_A5, TCP_ADD_F32_B0, TCP_ADD_F32_B1, TCP_ADD_F32_B2, TCP_ADD_F32_B3, TCP_ADD_F32_B4, TCP_ADD_F32_B5, TCN_ADD_F32_IPARAMS };
enum { TCF_ADD_F32_ACT_MIN, TCF_ADD_F32_ACT_MAX, TCN_ADD_F32_FPARAMS };

/* softmax_f32: SOFTMAX float32 (expf). buf: in(4) out*(4) (* written, (bytes per element)) */
void tc_softmax_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_SOFTMAX_F32_IN, TCB_SOFTMAX_F32_OUT, TCN_SOFTMAX_F32_BUFS };
enum { TCP_SOFTMAX_F32_OUTER, TCP_SOFTMAX_F32_DEPTH, TCN_SOFTMAX_F32_IPARAMS };
enum { TCF_SOFTMAX_F32_BETA, TCN_SOFTMAX_F32_FPARAMS };

/* copy_nd: elements of esize bytes over a 6-D affine walk (offsets and strides in elements). buf: in(1) out*(1) (* written, (bytes per element)) */
void tc_copy_nd(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_COPY_ND_IN, TCB_COPY_ND_OUT, TCN_COPY_ND_BUFS };
enum { TCP_COPY_ND_ESIZE, TCP_COPY_ND_IN_OFF, TCP_COPY_ND_OUT_OFF, TCP_COPY_ND_D0, TCP_COPY_ND_D1, TCP_COPY_ND_D2, TCP_COPY_ND_D3, TCP_COPY_ND_D4, TCP_COPY_ND_D5, TCP_COPY_ND_A0, TCP_COPY_ND_A1, TCP_COPY_ND_A2, TCP_COPY_ND_A3, TCP_COPY_ND_A4, TCP_COPY_ND_A5, TCP_COPY_ND_B0, TCP_COPY_ND_B1, TCP_COPY_ND_B2, TCP_COPY_ND_B3, TCP_COPY_ND_B4, TCP_COPY_ND_B5, TCN_COPY_ND_IPARAMS };

/* fill: count elements of value. buf: out*(1) (* written, (bytes per element)) */
void tc_fill(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_FILL_OUT, TCN_FILL_BUFS };
enum { TCP_FILL_ESIZE, TCP_FILL_COUNT, TCP_FILL_VALUE, TCN_FILL_IPARAMS };

/* lut_s8: a 256-entry int8 table lookup. buf: in(1) out*(1) table(1) (* written, (bytes per element)) */
void tc_lut_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_LUT_S8_IN, TCB_LUT_S8_OUT, TCB_LUT_S8_TABLE, TCN_LUT_S8_BUFS };
enum { TCP_LUT_S8_SIZE, TCN_LUT_S8_IPARAMS };

/* unary_f32: float32 unary ops by op code (activations.F32_CODES). buf: in(4) out*(4) (* written, (bytes per element)) */
void tc_unary_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_UNARY_F32_IN, TCB_UNARY_F32_OUT, TCN_UNARY_F32_BUFS };
enum { TCP_UNARY_F32_SIZE, TCP_UNARY_F32_OP, TCN_UNARY_F32_IPARAMS };
enum { TCF_UNARY_F32_ALPHA, TCN_UNARY_F32_FPARAMS };

/* binary_s8: int8 binary ops by op code (binary.CODES 0..5), broadcast as add_s8. buf: in1(1) in2(1) out*(1) (* written, (bytes per element)) */
void tc_binary_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_BINARY_S8_IN1, TCB_BINARY_S8_IN2, TCB_BINARY_S8_OUT, TCN_BINARY_S8_BUFS };
enum { TCP_BINARY_S8_D0, TCP_BINARY_S8_D1, TCP_BINARY_S8_D2, TCP_BINARY_S8_D3, TCP_BINARY_S8_D4, TCP_BINARY_S8_D5, TCP_BINARY_S8_A0, TCP_BINARY_S8_A1, TCP_BINARY_S8_A2, TCP_BINARY_S8_A3, TCP_BINARY_S8_A4, TCP_BINARY_S8_A5, TCP_BINARY_S8_B0, TCP_BINARY_S8_B1, TCP_BINARY_S8_B2, TCP_BINARY_S8_B3, TCP_BINARY_S8_B4, TCP_BINARY_S8_B5, TCP_BINARY_S8_OP, TCP_BINARY_S8_ACT_MIN, TCP_BINARY_S8_ACT_MAX, TCP_BINARY_S8_IN1_OFF, TCP_BINARY_S8_IN2_OFF, TCP_BINARY_S8_OUT_OFF, TCP_BINARY_S8_LEFT_SHIFT, TCP_BINARY_S8_M1, TCP_BINARY_S8_S1, TCP_BINARY_S8_M2, TCP_BINARY_S8_S2, TCP_BINARY_S8_MO, TCP_BINARY_S8_SO, TCN_BINARY_S8_IPARAMS };

/* binary_s16: int16 SUB, MUL, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, broadcast as add_s8. buf: in1(2) in2(2) out*(2) (* written, (bytes per element)) */
void tc_binary_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_BINARY_S16_IN1, TCB_BINARY_S16_IN2, TCB_BINARY_S16_OUT, TCN_BINARY_S16_BUFS };
enum { TCP_BINARY_S16_D0, TCP_BINARY_S16_D1, TCP_BINARY_S16_D2, TCP_BINARY_S16_D3, TCP_BINARY_S16_D4, TCP_BINARY_S16_D5, TCP_BINARY_S16_A0, TCP_BINARY_S16_A1, TCP_BINARY_S16_A2, TCP_BINARY_S16_A3, TCP_BINARY_S16_A4, TCP_BINARY_S16_A5, TCP_BINARY_S16_B0, TCP_BINARY_S16_B1, TCP_BINARY_S16_B2, TCP_BINARY_S16_B3, TCP_BINARY_S16_B4, TCP_BINARY_S16_B5, TCP_BINARY_S16_OP, TCP_BINARY_S16_ACT_MIN, TCP_BINARY_S16_ACT_MAX, TCP_BINARY_S16_IN1_OFF, TCP_BINARY_S16_IN2_OFF, TCP_BINARY_S16_OUT_OFF, TCP_BINARY_S16_LEFT_SHIFT, TCP_BINARY_S16_M1, TCP_BINARY_S16_S1, TCP_BINARY_S16_M2, TCP_BINARY_S16_S2, TCP_BINARY_S16_MO, TCP_BINARY_S16_SO, TCN_BINARY_S16_IPARAMS };

/* binary_f32: float32 binary ops by op code (binary.CODES 0..7), broadcast as add_s8. buf: in1(4) in2(4) out*(4) (* written, (bytes per element)) */
void tc_binary_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_BINARY_F32_IN1, TCB_BINARY_F32_IN2, TCB_BINARY_F32_OUT, TCN_BINARY_F32_BUFS };
enum { TCP_BINARY_F32_D0, TCP_BINARY_F32_D1, TCP_BINARY_F32_D2, TCP_BINARY_F32_D3, TCP_BINARY_F32_D4, TCP_BINARY_F32_D5, TCP_BINARY_F32_A0, TCP_BINARY_F32_A1, TCP_BINARY_F32_A2, TCP_BINARY_F32_A3, TCP_BINARY_F32_A4, TCP_BINARY_F32_A5, TCP_BINARY_F32_B0, TCP_BINARY_F32_B1, TCP_BINARY_F32_B2, TCP_BINARY_F32_B3, TCP_BINARY_F32_B4, TCP_BINARY_F32_B5, TCP_BINARY_F32_OP, TCN_BINARY_F32_IPARAMS };
enum { TCF_BINARY_F32_ACT_MIN, TCF_BINARY_F32_ACT_MAX, TCN_BINARY_F32_FPARAMS };

/* reduce_s8: MEAN / SUM (mode 0: requantized sum), REDUCE_MAX (1), REDUCE_MIN (2) int8 over up to 3 reduced groups (sizes r0..r2, element strides ra0..ra2) for each of up to 3 kept groups (o0..o2, oa0..oa2); out dense [o0][o1][o2]. buf: in(1) out*(1) (* written, (bytes per element)) */
void tc_reduce_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_REDUCE_S8_IN, TCB_REDUCE_S8_OUT, TCN_REDUCE_S8_BUFS };
enum { TCP_REDUCE_S8_MODE, TCP_REDUCE_S8_O0, TCP_REDUCE_S8_O1, TCP_REDUCE_S8_O2, TCP_REDUCE_S8_OA0, TCP_REDUCE_S8_OA1, TCP_REDUCE_S8_OA2, TCP_REDUCE_S8_R0, TCP_REDUCE_S8_R1, TCP_REDUCE_S8_R2, TCP_REDUCE_S8_RA0, TCP_REDUCE_S8_RA1, TCP_REDUCE_S8_RA2, TCP_REDUCE_S8_IN_ZP, TCP_REDUCE_S8_OUT_ZP, TCP_REDUCE_S8_MULT, TCP_REDUCE_S8_SHIFT, TCN_REDUCE_S8_IPARAMS };

/* reduce_s16: MEAN / SUM / REDUCE_MAX / REDUCE_MIN int16, as reduce_s8. buf: in(2) out*(2) (* written, (bytes per element)) */
void tc_reduce_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_REDUCE_S16_IN, TCB_REDUCE_S16_OUT, TCN_REDUCE_S16_BUFS };
enum { TCP_REDUCE_S16_MODE, TCP_REDUCE_S16_O0, TCP_REDUCE_S16_O1, TCP_REDUCE_S16_O2, TCP_REDUCE_S16_OA0, TCP_REDUCE_S16_OA1, TCP_REDUCE_S16_OA2, TCP_REDUCE_S16_R0, TCP_REDUCE_S16_R1, TCP_REDUCE_S16_R2, TCP_REDUCE_S16_RA0, TCP_REDUCE_S16_RA1, TCP_REDUCE_S16_RA2, TCP_REDUCE_S16_IN_ZP, TCP_REDUCE_S16_OUT_ZP, TCP_REDUCE_S16_MULT, TCP_REDUCE_S16_SHIFT, TCN_REDUCE_S16_IPARAMS };

/* reduce_f32: reductions float32 as reduce_s8; mode 0: sum, 1: mean, 2: max, 3: min. buf: in(4) out*(4) (* written, (bytes per element)) */
void tc_reduce_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_REDUCE_F32_IN, TCB_REDUCE_F32_OUT, TCN_REDUCE_F32_BUFS };
enum { TCP_REDUCE_F32_MODE, TCP_REDUCE_F32_O0, TCP_REDUCE_F32_O1, TCP_REDUCE_F32_O2, TCP_REDUCE_F32_OA0, TCP_REDUCE_F32_OA1, TCP_REDUCE_F32_OA2, TCP_REDUCE_F32_R0, TCP_REDUCE_F32_R1, TCP_REDUCE_F32_R2, TCP_REDUCE_F32_RA0, TCP_REDUCE_F32_RA1, TCP_REDUCE_F32_RA2, TCN_REDUCE_F32_IPARAMS };

/* argminmax_s8: ARG_MAX (mode 1) / ARG_MIN (0): in int8 [outer][axis][inner] -> out int32 [outer][inner]. buf: in(1) out*(4) (* written, (bytes per element)) */
void tc_argminmax_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_ARGMINMAX_S8_IN, TCB_ARGMINMAX_S8_OUT, TCN_ARGMINMAX_S8_BUFS };
enum { TCP_ARGMINMAX_S8_MODE, TCP_ARGMINMAX_S8_OUTER, TCP_ARGMINMAX_S8_AXIS, TCP_ARGMINMAX_S8_INNER, TCN_ARGMINMAX_S8_IPARAMS };

/* argminmax_f32: ARG_MAX (mode 1) / ARG_MIN (0): in float32 [outer][axis][inner] -> out int32 [outer][inner]. buf: in(4) out*(4) (* written, (bytes per element)) */
void tc_argminmax_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_ARGMINMAX_F32_IN, TCB_ARGMINMAX_F32_OUT, TCN_ARGMINMAX_F32_BUFS };
enum { TCP_ARGMINMAX_F32_MODE, TCP_ARGMINMAX_F32_OUTER, TCP_ARGMINMAX_F32_AXIS, TCP_ARGMINMAX_F32_INNER, TCN_ARGMINMAX_F32_IPARAMS };

/* resize_nearest: NHWC nearest-neighbour resize (and GATHER) by tables: ytab oh input rows, xtab ow input columns (int32). buf: in(1) out*(1) ytab(4) xtab(4) (* written, (bytes per element)) */
void tc_resize_nearest(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_RESIZE_NEAREST_IN, TCB_RESIZE_NEAREST_OUT, TCB_RESIZE_NEAREST_YTAB, TCB_RESIZE_NEAREST_XTAB, TCN_RESIZE_NEAREST_BUFS };
enum { TCP_RESIZE_NEAREST_ESIZE, TCP_RESIZE_NEAREST_N, TCP_RESIZE_NEAREST_H, TCP_RESIZE_NEAREST_W, TCP_RESIZE_NEAREST_C, TCP_RESIZE_NEAREST_OH, TCP_RESIZE_NEAREST_OW, TCN_RESIZE_NEAREST_IPARAMS };

/* resize_bilinear_s8: RESIZE_BILINEAR int8: ytab oh x {y0 y1 wy0 wy1}, xtab ow x {x0 x1 wx0 wx1} int32 (10-bit weights). buf: in(1) out*(1) ytab(4) xtab(4) (* written, (bytes per element)) */
void tc_resize_bilinear_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_RESIZE_BILINEAR_S8_IN, TCB_RESIZE_BILINEAR_S8_OUT, TCB_RESIZE_BILINEAR_S8_YTAB, TCB_RESIZE_BILINEAR_S8_XTAB, TCN_RESIZE_BILINEAR_S8_BUFS };
enum { TCP_RESIZE_BILINEAR_S8_N, TCP_RESIZE_BILINEAR_S8_H, TCP_RESIZE_BILINEAR_S8_W, TCP_RESIZE_BILINEAR_S8_C, TCP_RESIZE_BILINEAR_S8_OH, TCP_RESIZE_BILINEAR_S8_OW, TCN_RESIZE_BILINEAR_S8_IPARAMS };

/* resize_bilinear_f32: RESIZE_BILINEAR float32: yidx oh x {y0 y1}, xidx ow x {x0 x1} int32; yw, xw {1 - d, d} float32. buf: in(4) out*(4) yidx(4) xidx(4) yw(4) xw(4) (* written, (bytes per element)) */
void tc_resize_bilinear_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_RESIZE_BILINEAR_F32_IN, TCB_RESIZE_BILINEAR_F32_OUT, TCB_RESIZE_BILINEAR_F32_YIDX, TCB_RESIZE_BILINEAR_F32_XIDX, TCB_RESIZE_BILINEAR_F32_YW, TCB_RESIZE_BILINEAR_F32_XW, TCN_RESIZE_BILINEAR_F32_BUFS };
enum { TCP_RESIZE_BILINEAR_F32_N, TCP_RESIZE_BILINEAR_F32_H, TCP_RESIZE_BILINEAR_F32_W, TCP_RESIZE_BILINEAR_F32_C, TCP_RESIZE_BILINEAR_F32_OH, TCP_RESIZE_BILINEAR_F32_OW, TCN_RESIZE_BILINEAR_F32_IPARAMS };

/* batch_matmul_s8: BATCH_MATMUL int8, out dense [b0][b1][b2][m][n]; lhs (i, t) at batch offset + i * lsi + t * lsk, rhs (t, j) at batch offset + t * rsk + j * rsj; batch offsets i0 * la0 + ... (0: broadcast). buf: lhs(1) rhs(1) out*(1) (* written, (bytes per element)) */
void tc_batch_matmul_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_BATCH_MATMUL_S8_LHS, TCB_BATCH_MATMUL_S8_RHS, TCB_BATCH_MATMUL_S8_OUT, TCN_BATCH_MATMUL_S8_BUFS };
enum { TCP_BATCH_MATMUL_S8_B0, TCP_BATCH_MATMUL_S8_B1, TCP_BATCH_MATMUL_S8_B2, TCP_BATCH_MATMUL_S8_LA0, TCP_BATCH_MATMUL_S8_LA1, TCP_BATCH_MATMUL_S8_LA2, TCP_BATCH_MATMUL_S8_RA0, TCP_BATCH_MATMUL_S8_RA1, TCP_BATCH_MATMUL_S8_RA2, TCP_BATCH_MATMUL_S8_M, TCP_BATCH_MATMUL_S8_K, TCP_BATCH_MATMUL_S8_N, TCP_BATCH_MATMUL_S8_LSI, TCP_BATCH_MATMUL_S8_LSK, TCP_BATCH_MATMUL_S8_RSK, TCP_BATCH_MATMUL_S8_RSJ, TCP_BATCH_MATMUL_S8_LHS_ZP, TCP_BATCH_MATMUL_S8_RHS_ZP, TCP_BATCH_MATMUL_S8_OUT_ZP, TCP_BATCH_MATMUL_S8_MULT, TCP_BATCH_MATMUL_S8_SHIFT, TCN_BATCH_MATMUL_S8_IPARAMS };

/* batch_matmul_s16: BATCH_MATMUL int16 (zero points 0, int64 accumulation), as batch_matmul_s8. buf: lhs(2) rhs(2) out*(2) (* written, (bytes per element)) */
void tc_batch_matmul_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_BATCH_MATMUL_S16_LHS, TCB_BATCH_MATMUL_S16_RHS, TCB_BATCH_MATMUL_S16_OUT, TCN_BATCH_MATMUL_S16_BUFS };
enum { TCP_BATCH_MATMUL_S16_B0, TCP_BATCH_MATMUL_S16_B1, TCP_BATCH_MATMUL_S16_B2, TCP_BATCH_MATMUL_S16_LA0, TCP_BATCH_MATMUL_S16_LA1, TCP_BATCH_MATMUL_S16_LA2, TCP_BATCH_MATMUL_S16_RA0, TCP_BATCH_MATMUL_S16_RA1, TCP_BATCH_MATMUL_S16_RA2, TCP_BATCH_MATMUL_S16_M, TCP_BATCH_MATMUL_S16_K, TCP_BATCH_MATMUL_S16_N, TCP_BATCH_MATMUL_S16_LSI, TCP_BATCH_MATMUL_S16_LSK, TCP_BATCH_MATMUL_S16_RSK, TCP_BATCH_MATMUL_S16_RSJ, TCP_BATCH_MATMUL_S16_LHS_ZP, TCP_BATCH_MATMUL_S16_RHS_ZP, TCP_BATCH_MATMUL_S16_OUT_ZP, TCP_BATCH_MATMUL_S16_MULT, TCP_BATCH_MATMUL_S16_SHIFT, TCN_BATCH_MATMUL_S16_IPARAMS };

/* batch_matmul_f32: BATCH_MATMUL float32. buf: lhs(4) rhs(4) out*(4) (* written, (bytes per element)) */
void tc_batch_matmul_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_BATCH_MATMUL_F32_LHS, TCB_BATCH_MATMUL_F32_RHS, TCB_BATCH_MATMUL_F32_OUT, TCN_BATCH_MATMUL_F32_BUFS };
enum { TCP_BATCH_MATMUL_F32_B0, TCP_BATCH_MATMUL_F32_B1, TCP_BATCH_MATMUL_F32_B2, TCP_BATCH_MATMUL_F32_LA0, TCP_BATCH_MATMUL_F32_LA1, TCP_BATCH_MATMUL_F32_LA2, TCP_BATCH_MATMUL_F32_RA0, TCP_BATCH_MATMUL_F32_RA1, TCP_BATCH_MATMUL_F32_RA2, TCP_BATCH_MATMUL_F32_M, TCP_BATCH_MATMUL_F32_K, TCP_BATCH_MATMUL_F32_N, TCP_BATCH_MATMUL_F32_LSI, TCP_BATCH_MATMUL_F32_LSK, TCP_BATCH_MATMUL_F32_RSK, TCP_BATCH_MATMUL_F32_RSJ, TCN_BATCH_MATMUL_F32_IPARAMS };

/* transpose_conv_s8: TRANSPOSE_CONV int8 (gathered); w [oc][kh][kw][c]; pt, pl: the forward convolution's padding. buf: in(1) out*(1) w(1) bias(4) mult(4) shift(4) (* written, (bytes per element)) */
void tc_transpose_conv_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_TRANSPOSE_CONV_S8_IN, TCB_TRANSPOSE_CONV_S8_OUT, TCB_TRANSPOSE_CONV_S8_W, TCB_TRANSPOSE_CONV_S8_BIAS, TCB_TRANSPOSE_CONV_S8_MULT, TCB_TRANSPOSE_CONV_S8_SHIFT, TCN_TRANSPOSE_CONV_S8_BUFS };
enum { TCP_TRANSPOSE_CONV_S8_N, TCP_TRANSPOSE_CONV_S8_H, TCP_TRANSPOSE_CONV_S8_W, TCP_TRANSPOSE_CONV_S8_C, TCP_TRANSPOSE_CONV_S8_OH, TCP_TRANSPOSE_CONV_S8_OW, TCP_TRANSPOSE_CONV_S8_OC, TCP_TRANSPOSE_CONV_S8_KH, TCP_TRANSPOSE_CONV_S8_KW, TCP_TRANSPOSE_CONV_S8_SH, TCP_TRANSPOSE_CONV_S8_SW, TCP_TRANSPOSE_CONV_S8_PT, TCP_TRANSPOSE_CONV_S8_PL, TCP_TRANSPOSE_CONV_S8_ACT_MIN, TCP_TRANSPOSE_CONV_S8_ACT_MAX, TCP_TRANSPOSE_CONV_S8_IN_ZP, TCP_TRANSPOSE_CONV_S8_OUT_ZP, TCN_TRANSPOSE_CONV_S8_IPARAMS };

/* transpose_conv_s16: TRANSPOSE_CONV 16x8 (int64 bias and accumulation), as transpose_conv_s8. buf: in(2) out*(2) w(1) bias(8) mult(4) shift(4) (* written, (bytes per element)) */
void tc_transpose_conv_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_TRANSPOSE_CONV_S16_IN, TCB_TRANSPOSE_CONV_S16_OUT, TCB_TRANSPOSE_CONV_S16_W, TCB_TRANSPOSE_CONV_S16_BIAS, TCB_TRANSPOSE_CONV_S16_MULT, TCB_TRANSPOSE_CONV_S16_SHIFT, TCN_TRANSPOSE_CONV_S16_BUFS };
enum { TCP_TRANSPOSE_CONV_S16_N, TCP_TRANSPOSE_CONV_S16_H, TCP_TRANSPOSE_CONV_S16_W, TCP_TRANSPOSE_CONV_S16_C, TCP_TRANSPOSE_CONV_S16_OH, TCP_TRANSPOSE_CONV_S16_OW, TCP_TRANSPOSE_CONV_S16_OC, TCP_TRANSPOSE_CONV_S16_KH, TCP_TRANSPOSE_CONV_S16_KW, TCP_TRANSPOSE_CONV_S16_SH, TCP_TRANSPOSE_CONV_S16_SW, TCP_TRANSPOSE_CONV_S16_PT, TCP_TRANSPOSE_CONV_S16_PL, TCP_TRANSPOSE_CONV_S16_ACT_MIN, TCP_TRANSPOSE_CONV_S16_ACT_MAX, TCN_TRANSPOSE_CONV_S16_IPARAMS };

/* transpose_conv_f32: TRANSPOSE_CONV float32. buf: in(4) out*(4) w(4) bias(4) (* written, (bytes per element)) */
void tc_transpose_conv_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_TRANSPOSE_CONV_F32_IN, TCB_TRANSPOSE_CONV_F32_OUT, TCB_TRANSPOSE_CONV_F32_W, TCB_TRANSPOSE_CONV_F32_BIAS, TCN_TRANSPOSE_CONV_F32_BUFS };
enum { TCP_TRANSPOSE_CONV_F32_N, TCP_TRANSPOSE_CONV_F32_H, TCP_TRANSPOSE_CONV_F32_W, TCP_TRANSPOSE_CONV_F32_C, TCP_TRANSPOSE_CONV_F32_OH, TCP_TRANSPOSE_CONV_F32_OW, TCP_TRANSPOSE_CONV_F32_OC, TCP_TRANSPOSE_CONV_F32_KH, TCP_TRANSPOSE_CONV_F32_KW, TCP_TRANSPOSE_CONV_F32_SH, TCP_TRANSPOSE_CONV_F32_SW, TCP_TRANSPOSE_CONV_F32_PT, TCP_TRANSPOSE_CONV_F32_PL, TCN_TRANSPOSE_CONV_F32_IPARAMS };
enum { TCF_TRANSPOSE_CONV_F32_ACT_MIN, TCF_TRANSPOSE_CONV_F32_ACT_MAX, TCN_TRANSPOSE_CONV_F32_FPARAMS };

/* log_softmax_s8: LOG_SOFTMAX int8 over the last axis (output scale 16/256, zero point 127). buf: in(1) out*(1) (* written, (bytes per element)) */
void tc_log_softmax_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_LOG_SOFTMAX_S8_IN, TCB_LOG_SOFTMAX_S8_OUT, TCN_LOG_SOFTMAX_S8_BUFS };
enum { TCP_LOG_SOFTMAX_S8_OUTER, TCP_LOG_SOFTMAX_S8_DEPTH, TCP_LOG_SOFTMAX_S8_MULT, TCP_LOG_SOFTMAX_S8_LEFT_SHIFT, TCP_LOG_SOFTMAX_S8_REV_DIV, TCP_LOG_SOFTMAX_S8_REV_SHIFT, TCP_LOG_SOFTMAX_S8_DIFF_MIN, TCN_LOG_SOFTMAX_S8_IPARAMS };

/* log_softmax_f32: LOG_SOFTMAX float32 over the last axis. buf: in(4) out*(4) (* written, (bytes per element)) */
void tc_log_softmax_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_LOG_SOFTMAX_F32_IN, TCB_LOG_SOFTMAX_F32_OUT, TCN_LOG_SOFTMAX_F32_BUFS };
enum { TCP_LOG_SOFTMAX_F32_OUTER, TCP_LOG_SOFTMAX_F32_DEPTH, TCN_LOG_SOFTMAX_F32_IPARAMS };

/* l2norm_s8: L2_NORMALIZATION int8 over the last axis (output scale 1/128, zero point 0). buf: in(1) out*(1) (* written, (bytes per element)) */
void tc_l2norm_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_L2NORM_S8_IN, TCB_L2NORM_S8_OUT, TCN_L2NORM_S8_BUFS };
enum { TCP_L2NORM_S8_OUTER, TCP_L2NORM_S8_DEPTH, TCP_L2NORM_S8_ZP, TCN_L2NORM_S8_IPARAMS };

/* l2norm_f32: L2_NORMALIZATION float32. buf: in(4) out*(4) (* written, (bytes per element)) */
void tc_l2norm_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_L2NORM_F32_IN, TCB_L2NORM_F32_OUT, TCN_L2NORM_F32_BUFS };
enum { TCP_L2NORM_F32_OUTER, TCP_L2NORM_F32_DEPTH, TCN_L2NORM_F32_IPARAMS };

/* lstm_s8: UNIDIRECTIONAL_SEQUENCE_LSTM int8 (8x8->16); h and c are the state, read and updated. buf: in(1) out*(1) h*(1) c*(2) w(1) r(1) bias(4) mult(4) shift(4) table(2) (* written, (bytes per element)) */
void tc_lstm_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_LSTM_S8_IN, TCB_LSTM_S8_OUT, TCB_LSTM_S8_H, TCB_LSTM_S8_C, TCB_LSTM_S8_W, TCB_LSTM_S8_R, TCB_LSTM_S8_BIAS, TCB_LSTM_S8_MULT, TCB_LSTM_S8_SHIFT, TCB_LSTM_S8_TABLE, TCN_LSTM_S8_BUFS };
enum { TCP_LSTM_S8_BATCH, TCP_LSTM_S8_TIME, TCP_LSTM_S8_N_IN, TCP_LSTM_S8_UNITS, TCP_LSTM_S8_TIME_MAJOR, TCP_LSTM_S8_IN_ZP, TCP_LSTM_S8_H_ZP, TCP_LSTM_S8_M_FC, TCP_LSTM_S8_S_FC, TCP_LSTM_S8_M_IG, TCP_LSTM_S8_S_IG, TCP_LSTM_S8_M_O, TCP_LSTM_S8_S_O, TCP_LSTM_S8_TANH_MULT, TCP_LSTM_S8_TANH_SHIFT, TCP_LSTM_S8_CLIP, TCN_LSTM_S8_IPARAMS };

/* lstm_s16: UNIDIRECTIONAL_SEQUENCE_LSTM 16x8 (int16 in, out and h, int64 bias), as lstm_s8. buf: in(2) out*(2) h*(2) c*(2) w(1) r(1) bias(8) mult(4) shift(4) table(2) (* written, (bytes per element)) */
void tc_lstm_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_LSTM_S16_IN, TCB_LSTM_S16_OUT, TCB_LSTM_S16_H, TCB_LSTM_S16_C, TCB_LSTM_S16_W, TCB_LSTM_S16_R, TCB_LSTM_S16_BIAS, TCB_LSTM_S16_MULT, TCB_LSTM_S16_SHIFT, TCB_LSTM_S16_TABLE, TCN_LSTM_S16_BUFS };
enum { TCP_LSTM_S16_BATCH, TCP_LSTM_S16_TIME, TCP_LSTM_S16_N_IN, TCP_LSTM_S16_UNITS, TCP_LSTM_S16_TIME_MAJOR, TCP_LSTM_S16_IN_ZP, TCP_LSTM_S16_H_ZP, TCP_LSTM_S16_M_FC, TCP_LSTM_S16_S_FC, TCP_LSTM_S16_M_IG, TCP_LSTM_S16_S_IG, TCP_LSTM_S16_M_O, TCP_LSTM_S16_S_O, TCP_LSTM_S16_TANH_MULT, TCP_LSTM_S16_TANH_SHIFT, TCP_LSTM_S16_CLIP, TCN_LSTM_S16_IPARAMS };

/* lstm_f32: UNIDIRECTIONAL_SEQUENCE_LSTM float32. buf: in(4) out*(4) h*(4) c*(4) w(4) r(4) bias(4) (* written, (bytes per element)) */
void tc_lstm_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_LSTM_F32_IN, TCB_LSTM_F32_OUT, TCB_LSTM_F32_H, TCB_LSTM_F32_C, TCB_LSTM_F32_W, TCB_LSTM_F32_R, TCB_LSTM_F32_BIAS, TCN_LSTM_F32_BUFS };
enum { TCP_LSTM_F32_BATCH, TCP_LSTM_F32_TIME, TCP_LSTM_F32_N_IN, TCP_LSTM_F32_UNITS, TCP_LSTM_F32_TIME_MAJOR, TCN_LSTM_F32_IPARAMS };
enum { TCF_LSTM_F32_CELL_CLIP, TCN_LSTM_F32_FPARAMS };

/* relu_s16: RELU / RELU6 / LEAKY_RELU int16; int16 RELU (mode 0), RELU6 (1), LEAKY_RELU (2). buf: in(2) out*(2) (* written, (bytes per element)) */
void tc_relu_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_RELU_S16_IN, TCB_RELU_S16_OUT, TCN_RELU_S16_BUFS };
enum { TCP_RELU_S16_SIZE, TCP_RELU_S16_MODE, TCP_RELU_S16_IN_ZP, TCP_RELU_S16_OUT_ZP, TCP_RELU_S16_M1, TCP_RELU_S16_S1, TCP_RELU_S16_M2, TCP_RELU_S16_S2, TCP_RELU_S16_LO, TCP_RELU_S16_HI, TCP_RELU_S16_NEG, TCN_RELU_S16_IPARAMS };

/* conv_s16: 16x8 convolution (dm 0), depthwise (dm >= 1) or fully connected (1x1): int16 activations, int8 weights, int64 bias. buf: in(2) out*(2) w(1) bias(8) mult(4) shift(4) (* written, (bytes per element)) */
void tc_conv_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_CONV_S16_IN, TCB_CONV_S16_OUT, TCB_CONV_S16_W, TCB_CONV_S16_BIAS, TCB_CONV_S16_MULT, TCB_CONV_S16_SHIFT, TCN_CONV_S16_BUFS };
enum { TCP_CONV_S16_N, TCP_CONV_S16_H, TCP_CONV_S16_W, TCP_CONV_S16_C, TCP_CONV_S16_OH, TCP_CONV_S16_OW, TCP_CONV_S16_OC, TCP_CONV_S16_KH, TCP_CONV_S16_KW, TCP_CONV_S16_SH, TCP_CONV_S16_SW, TCP_CONV_S16_DH, TCP_CONV_S16_DW, TCP_CONV_S16_PT, TCP_CONV_S16_PL, TCP_CONV_S16_DM, TCP_CONV_S16_ACT_MIN, TCP_CONV_S16_ACT_MAX, TCP_CONV_S16_WIDE, TCN_CONV_S16_IPARAMS };

/* convert_s16: QUANTIZE float32 -> int16 (mode 0), DEQUANTIZE int16 -> float32 (1). buf: in(2) out*(2) (* written, (bytes per element)) */
void tc_convert_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_CONVERT_S16_IN, TCB_CONVERT_S16_OUT, TCN_CONVERT_S16_BUFS };
enum { TCP_CONVERT_S16_MODE, TCP_CONVERT_S16_SIZE, TCP_CONVERT_S16_ZP, TCN_CONVERT_S16_IPARAMS };
enum { TCF_CONVERT_S16_SCALE, TCN_CONVERT_S16_FPARAMS };

/* requantize_s16: QUANTIZE between int8, int16 and int32 (in_bytes, out_bytes: 1, 2 or 4). buf: in(1) out*(1) (* written, (bytes per element)) */
void tc_requantize_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_REQUANTIZE_S16_IN, TCB_REQUANTIZE_S16_OUT, TCN_REQUANTIZE_S16_BUFS };
enum { TCP_REQUANTIZE_S16_SIZE, TCP_REQUANTIZE_S16_IN_ZP, TCP_REQUANTIZE_S16_OUT_ZP, TCP_REQUANTIZE_S16_MULT, TCP_REQUANTIZE_S16_SHIFT, TCP_REQUANTIZE_S16_IN_BYTES, TCP_REQUANTIZE_S16_OUT_BYTES, TCN_REQUANTIZE_S16_IPARAMS };

/* pool_s16: AVERAGE_POOL_2D (mode 0) / MAX_POOL_2D (1) int16. buf: in(2) out*(2) (* written, (bytes per element)) */
void tc_pool_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_POOL_S16_IN, TCB_POOL_S16_OUT, TCN_POOL_S16_BUFS };
enum { TCP_POOL_S16_N, TCP_POOL_S16_H, TCP_POOL_S16_W, TCP_POOL_S16_C, TCP_POOL_S16_OH, TCP_POOL_S16_OW, TCP_POOL_S16_KH, TCP_POOL_S16_KW, TCP_POOL_S16_SH, TCP_POOL_S16_SW, TCP_POOL_S16_PT, TCP_POOL_S16_PL, TCP_POOL_S16_ACT_MIN, TCP_POOL_S16_ACT_MAX, TCP_POOL_S16_MODE, TCN_POOL_S16_IPARAMS };

/* add_s16: ADD int16 (left shift 15), broadcast as add_s8. buf: in1(2) in2(2) out*(2) (* written, (bytes per element)) */
void tc_add_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_ADD_S16_IN1, TCB_ADD_S16_IN2, TCB_ADD_S16_OUT, TCN_ADD_S16_BUFS };
enum { TCP_ADD_S16_D0, TCP_ADD_S16_D1, TCP_ADD_S16_D2, TCP_ADD_S16_D3, TCP_ADD_S16_D4, TCP_ADD_S16_D5, TCP_ADD_S16_A0, TCP_ADD_S16_A1, TCP_ADD_S16_A2, TCP_ADD_S16_A3, TCP_ADD_S16_A4, TCP_ADD_S16_A5, TCP_ADD_S16_B0, TCP_ADD_S16_B1, TCP_ADD_S16_B2, TCP_ADD_S16_B3, TCP_ADD_S16_B4, TCP_ADD_S16_B5, TCP_ADD_S16_ACT_MIN, TCP_ADD_S16_ACT_MAX, TCP_ADD_S16_IN1_OFF, TCP_ADD_S16_IN2_OFF, TCP_ADD_S16_OUT_OFF, TCP_ADD_S16_LEFT_SHIFT, TCP_ADD_S16_M1, TCP_ADD_S16_S1, TCP_ADD_S16_M2, TCP_ADD_S16_S2, TCP_ADD_S16_MO, TCP_ADD_S16_SO, TCN_ADD_S16_IPARAMS };

/* sigmoid_tanh_s16: LOGISTIC (mode 0) / TANH (1) int16 by TFLite's table interpolation. buf: in(2) out*(2) table(2) (* written, (bytes per element)) */
void tc_sigmoid_tanh_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_SIGMOID_TANH_S16_IN, TCB_SIGMOID_TANH_S16_OUT, TCB_SIGMOID_TANH_S16_TABLE, TCN_SIGMOID_TANH_S16_BUFS };
enum { TCP_SIGMOID_TANH_S16_SIZE, TCP_SIGMOID_TANH_S16_MODE, TCP_SIGMOID_TANH_S16_MULT, TCP_SIGMOID_TANH_S16_SHIFT, TCN_SIGMOID_TANH_S16_IPARAMS };

/* softmax_s8_s16: SOFTMAX int8 -> int16 (scale 1/65536, zero point -32768). buf: in(1) out*(2) (* written, (bytes per element)) */
void tc_softmax_s8_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_SOFTMAX_S8_S16_IN, TCB_SOFTMAX_S8_S16_OUT, TCN_SOFTMAX_S8_S16_BUFS };
enum { TCP_SOFTMAX_S8_S16_OUTER, TCP_SOFTMAX_S8_S16_DEPTH, TCP_SOFTMAX_S8_S16_MULT, TCP_SOFTMAX_S8_S16_LEFT_SHIFT, TCP_SOFTMAX_S8_S16_DIFF_MIN, TCN_SOFTMAX_S8_S16_IPARAMS };

/* softmax_s16: SOFTMAX int16 -> int16 with TFLite's two 513-entry tables. buf: in(2) out*(2) exp_lut(2) recip_lut(2) (* written, (bytes per element)) */
void tc_softmax_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_SOFTMAX_S16_IN, TCB_SOFTMAX_S16_OUT, TCB_SOFTMAX_S16_EXP_LUT, TCB_SOFTMAX_S16_RECIP_LUT, TCN_SOFTMAX_S16_BUFS };
enum { TCP_SOFTMAX_S16_OUTER, TCP_SOFTMAX_S16_DEPTH, TCP_SOFTMAX_S16_MULT, TCP_SOFTMAX_S16_SHIFT, TCN_SOFTMAX_S16_IPARAMS };

/* unary_s16: RSQRT (mode 0) / ABS (1) int16. buf: in(2) out*(2) (* written, (bytes per element)) */
void tc_unary_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_UNARY_S16_IN, TCB_UNARY_S16_OUT, TCN_UNARY_S16_BUFS };
enum { TCP_UNARY_S16_SIZE, TCP_UNARY_S16_MODE, TCP_UNARY_S16_RESCALE, TCP_UNARY_S16_MULT, TCP_UNARY_S16_SHIFT, TCN_UNARY_S16_IPARAMS };

/* svdf_s8: SVDF: state [batch][units * rank][memory] read and updated; int8 in, out, wf, state and wt; int32 bias. buf: in(1) out*(1) state*(1) wf(1) wt(1) bias(4) (* written, (bytes per element)) */
void tc_svdf_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_SVDF_S8_IN, TCB_SVDF_S8_OUT, TCB_SVDF_S8_STATE, TCB_SVDF_S8_WF, TCB_SVDF_S8_WT, TCB_SVDF_S8_BIAS, TCN_SVDF_S8_BUFS };
enum { TCP_SVDF_S8_BATCH, TCP_SVDF_S8_N_IN, TCP_SVDF_S8_UNITS, TCP_SVDF_S8_RANK, TCP_SVDF_S8_MEMORY, TCP_SVDF_S8_IN_ZP, TCP_SVDF_S8_STATE_ZP, TCP_SVDF_S8_OUT_ZP, TCP_SVDF_S8_M1, TCP_SVDF_S8_S1, TCP_SVDF_S8_M2, TCP_SVDF_S8_S2, TCN_SVDF_S8_IPARAMS };

/* svdf_s16: SVDF as svdf_s8 with an int16 state and wt. buf: in(1) out*(1) state*(2) wf(1) wt(2) bias(4) (* written, (bytes per element)) */
void tc_svdf_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_SVDF_S16_IN, TCB_SVDF_S16_OUT, TCB_SVDF_S16_STATE, TCB_SVDF_S16_WF, TCB_SVDF_S16_WT, TCB_SVDF_S16_BIAS, TCN_SVDF_S16_BUFS };
enum { TCP_SVDF_S16_BATCH, TCP_SVDF_S16_N_IN, TCP_SVDF_S16_UNITS, TCP_SVDF_S16_RANK, TCP_SVDF_S16_MEMORY, TCP_SVDF_S16_IN_ZP, TCP_SVDF_S16_STATE_ZP, TCP_SVDF_S16_OUT_ZP, TCP_SVDF_S16_M1, TCP_SVDF_S16_S1, TCP_SVDF_S16_M2, TCP_SVDF_S16_S2, TCN_SVDF_S16_IPARAMS };

/* svdf_f32: SVDF float32; float32 SVDF. buf: in(4) out*(4) state*(4) wf(4) wt(4) bias(4) (* written, (bytes per element)) */
void tc_svdf_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_SVDF_F32_IN, TCB_SVDF_F32_OUT, TCB_SVDF_F32_STATE, TCB_SVDF_F32_WF, TCB_SVDF_F32_WT, TCB_SVDF_F32_BIAS, TCN_SVDF_F32_BUFS };
enum { TCP_SVDF_F32_BATCH, TCP_SVDF_F32_N_IN, TCP_SVDF_F32_UNITS, TCP_SVDF_F32_RANK, TCP_SVDF_F32_MEMORY, TCN_SVDF_F32_IPARAMS };
enum { TCF_SVDF_F32_ACT_MIN, TCF_SVDF_F32_ACT_MAX, TCN_SVDF_F32_FPARAMS };

/* binary_s32: int32 binary ops by op code (binary.S32_CODES: wrapping ADD, SUB, MUL, SQUARED_DIFFERENCE, truncating DIV, MAXIMUM, MINIMUM), broadcast as add_s8. buf: in1(4) in2(4) out*(4) (* written, (bytes per element)) */
void tc_binary_s32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_BINARY_S32_IN1, TCB_BINARY_S32_IN2, TCB_BINARY_S32_OUT, TCN_BINARY_S32_BUFS };
enum { TCP_BINARY_S32_D0, TCP_BINARY_S32_D1, TCP_BINARY_S32_D2, TCP_BINARY_S32_D3, TCP_BINARY_S32_D4, TCP_BINARY_S32_D5, TCP_BINARY_S32_A0, TCP_BINARY_S32_A1, TCP_BINARY_S32_A2, TCP_BINARY_S32_A3, TCP_BINARY_S32_A4, TCP_BINARY_S32_A5, TCP_BINARY_S32_B0, TCP_BINARY_S32_B1, TCP_BINARY_S32_B2, TCP_BINARY_S32_B3, TCP_BINARY_S32_B4, TCP_BINARY_S32_B5, TCP_BINARY_S32_OP, TCP_BINARY_S32_ACT_MIN, TCP_BINARY_S32_ACT_MAX, TCN_BINARY_S32_IPARAMS };

/* cast: CAST between int8 (type 0), int16 (1), int32 (2), uint32 (3) and float32 (4). buf: in(1) out*(1) (* written, (bytes per element)) */
void tc_cast(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_CAST_IN, TCB_CAST_OUT, TCN_CAST_BUFS };
enum { TCP_CAST_SIZE, TCP_CAST_IN_TYPE, TCP_CAST_OUT_TYPE, TCN_CAST_IPARAMS };

/* signal_window: SignalWindow: out = sat16(in * w >> shift), w repeated every wsize elements. buf: in(2) out*(2) w(2) (* written, (bytes per element)) */
void tc_signal_window(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_SIGNAL_WINDOW_IN, TCB_SIGNAL_WINDOW_OUT, TCB_SIGNAL_WINDOW_W, TCN_SIGNAL_WINDOW_BUFS };
enum { TCP_SIGNAL_WINDOW_SIZE, TCP_SIGNAL_WINDOW_WSIZE, TCP_SIGNAL_WINDOW_SHIFT, TCN_SIGNAL_WINDOW_IPARAMS };

/* fft_auto_scale: SignalFftAutoScale: out = in << scale, scale = 15 - bits of max |in|. buf: in(2) out*(2) scale*(4) (* written, (bytes per element)) */
void tc_fft_auto_scale(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_FFT_AUTO_SCALE_IN, TCB_FFT_AUTO_SCALE_OUT, TCB_FFT_AUTO_SCALE_SCALE, TCN_FFT_AUTO_SCALE_BUFS };
enum { TCP_FFT_AUTO_SCALE_SIZE, TCN_FFT_AUTO_SCALE_IPARAMS };

/* rfft_s16: SignalRfft int16: kiss_fftr in 16-bit fixed point per frame of in_len samples zero-padded to fft_length; tw: fft_length/2 twiddles then fft_length/4 super twiddles (re, im); scratch fft_length * 2. buf: in(2) out*(2) tw(2) (* written, (bytes per element)) */
void tc_rfft_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_RFFT_S16_IN, TCB_RFFT_S16_OUT, TCB_RFFT_S16_TW, TCN_RFFT_S16_BUFS };
enum { TCP_RFFT_S16_FRAMES, TCP_RFFT_S16_IN_LEN, TCP_RFFT_S16_FFT_LENGTH, TCN_RFFT_S16_IPARAMS };

/* signal_energy: SignalEnergy: out[i] = re^2 + im^2 (uint32) for start <= i < end, else 0. buf: in(2) out*(4) (* written, (bytes per element)) */
void tc_signal_energy(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_SIGNAL_ENERGY_IN, TCB_SIGNAL_ENERGY_OUT, TCN_SIGNAL_ENERGY_BUFS };
enum { TCP_SIGNAL_ENERGY_SIZE, TCP_SIGNAL_ENERGY_START, TCP_SIGNAL_ENERGY_END, TCN_SIGNAL_ENERGY_IPARAMS };

/* filter_bank: SignalFilterBank: uint64 sums of uint32 inputs times int16 weights over channels + 1 bands, the first dropped. buf: in(4) out*(8) w(2) uw(2) fstart(2) wstart(2) widths(2) (* written, (bytes per element)) */
void tc_filter_bank(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_FILTER_BANK_IN, TCB_FILTER_BANK_OUT, TCB_FILTER_BANK_W, TCB_FILTER_BANK_UW, TCB_FILTER_BANK_FSTART, TCB_FILTER_BANK_WSTART, TCB_FILTER_BANK_WIDTHS, TCN_FILTER_BANK_BUFS };
enum { TCP_FILTER_BANK_CHANNELS, TCP_FILTER_BANK_IN_SIZE, TCP_FILTER_BANK_W_SIZE, TCN_FILTER_BANK_IPARAMS };

/* filter_bank_sqrt: SignalFilterBankSquareRoot: rounded sqrt of uint64 >> shift[0] (0 for a shift outside 0..31). buf: in(8) out*(4) shift(4) (* written, (bytes per element)) */
void tc_filter_bank_sqrt(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_FILTER_BANK_SQRT_IN, TCB_FILTER_BANK_SQRT_OUT, TCB_FILTER_BANK_SQRT_SHIFT, TCN_FILTER_BANK_SQRT_BUFS };
enum { TCP_FILTER_BANK_SQRT_SIZE, TCN_FILTER_BANK_SQRT_IPARAMS };

/* spectral_subtraction: SignalFilterBankSpectralSubtraction: updates the noise estimate state, copies it to noise; the uint32 constants passed with their bits in int32. buf: in(4) out*(4) noise*(4) state*(4) (* written, (bytes per element)) */
void tc_spectral_subtraction(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_SPECTRAL_SUBTRACTION_IN, TCB_SPECTRAL_SUBTRACTION_OUT, TCB_SPECTRAL_SUBTRACTION_NOISE, TCB_SPECTRAL_SUBTRACTION_STATE, TCN_SPECTRAL_SUBTRACTION_BUFS };
enum { TCP_SPECTRAL_SUBTRACTION_CHANNELS, TCP_SPECTRAL_SUBTRACTION_SMOOTHING, TCP_SPECTRAL_SUBTRACTION_ONE_MINUS_SMOOTHING, TCP_SPECTRAL_SUBTRACTION_ALT_SMOOTHING, TCP_SPECTRAL_SUBTRACTION_ALT_ONE_MINUS_SMOOTHING, TCP_SPECTRAL_SUBTRACTION_SMOOTHING_BITS, TCP_SPECTRAL_SUBTRACTION_SUBTRACTION_BITS, TCP_SPECTRAL_SUBTRACTION_MIN_SIGNAL_REMAINING, TCP_SPECTRAL_SUBTRACTION_CLAMPING, TCN_SPECTRAL_SUBTRACTION_IPARAMS };

/* pcan: SignalPCAN: gain from the noise estimate through a 125-entry table, then PCAN shrink. buf: in(4) out*(4) noise(4) lut(2) (* written, (bytes per element)) */
void tc_pcan(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_PCAN_IN, TCB_PCAN_OUT, TCB_PCAN_NOISE, TCB_PCAN_LUT, TCN_PCAN_BUFS };
enum { TCP_PCAN_SIZE, TCP_PCAN_SNR_SHIFT, TCN_PCAN_IPARAMS };

/* filter_bank_log: SignalFilterBankLog: min(32767, out_scale * ln(in << correction_bits)) in fixed point, 0 for <= 1. buf: in(4) out*(2) lut(2) (* written, (bytes per element)) */
void tc_filter_bank_log(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
enum { TCB_FILTER_BANK_LOG_IN, TCB_FILTER_BANK_LOG_OUT, TCB_FILTER_BANK_LOG_LUT, TCN_FILTER_BANK_LOG_BUFS };
enum { TCP_FILTER_BANK_LOG_SIZE, TCP_FILTER_BANK_LOG_OUT_SCALE, TCP_FILTER_BANK_LOG_CORRECTION_BITS, TCN_FILTER_BANK_LOG_IPARAMS };

#endif
