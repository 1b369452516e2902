/* Generated from tinycc/kernels.py and tinycc/x86_64.py by `python -m tinycc.isa > kernels_pyx/tc_host_table.h`; do not edit. */
#include "tinycc_kernels.h"

void tc_add_s16_avx512vnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_add_s8_avx2(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_add_s8_avx512vnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_add_s8_avxvnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_binary_s16_avx512vnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_conv2d_f32_avx2(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_conv2d_f32_avxvnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_conv2d_s8_avx2(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_conv2d_s8_avx512vnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_conv2d_s8_avxvnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_copy_nd_avx2(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_dwconv2d_f32_avx2(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_dwconv2d_f32_avxvnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_dwconv2d_s8_avx2(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_dwconv2d_s8_avx512vnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_dwconv2d_s8_avxvnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_fc_f32_avx2(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_fc_f32_avxvnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_fc_s8_avx2(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_fc_s8_avx512vnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_fc_s8_avxvnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_lstm_f32_avx2(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_lstm_f32_avxvnni(void *const *buf, const int32_t *ip, const float *fp, void *scratch);

typedef struct {
  const char *name;
  tc_kernel_fn fn;
} tc_host_kernel;

static const tc_host_kernel tc_host_kernels[] = {
  {"tc_add_f32", tc_add_f32},
  {"tc_add_s16", tc_add_s16},
  {"tc_add_s8", tc_add_s8},
  {"tc_argminmax_f32", tc_argminmax_f32},
  {"tc_argminmax_s8", tc_argminmax_s8},
  {"tc_avgpool_f32", tc_avgpool_f32},
  {"tc_avgpool_s8", tc_avgpool_s8},
  {"tc_batch_matmul_f32", tc_batch_matmul_f32},
  {"tc_batch_matmul_s16", tc_batch_matmul_s16},
  {"tc_batch_matmul_s8", tc_batch_matmul_s8},
  {"tc_binary_f32", tc_binary_f32},
  {"tc_binary_s16", tc_binary_s16},
  {"tc_binary_s32", tc_binary_s32},
  {"tc_binary_s8", tc_binary_s8},
  {"tc_cast", tc_cast},
  {"tc_conv2d_f32", tc_conv2d_f32},
  {"tc_conv2d_s8", tc_conv2d_s8},
  {"tc_conv_s16", tc_conv_s16},
  {"tc_convert_s16", tc_convert_s16},
  {"tc_copy", tc_copy},
  {"tc_copy_nd", tc_copy_nd},
  {"tc_dequantize_s8_f32", tc_dequantize_s8_f32},
  {"tc_dwconv2d_f32", tc_dwconv2d_f32},
  {"tc_dwconv2d_s8", tc_dwconv2d_s8},
  {"tc_fc_f32", tc_fc_f32},
  {"tc_fc_s8", tc_fc_s8},
  {"tc_fft_auto_scale", tc_fft_auto_scale},
  {"tc_fill", tc_fill},
  {"tc_filter_bank", tc_filter_bank},
  {"tc_filter_bank_log", tc_filter_bank_log},
  {"tc_filter_bank_sqrt", tc_filter_bank_sqrt},
  {"tc_l2norm_f32", tc_l2norm_f32},
  {"tc_l2norm_s8", tc_l2norm_s8},
  {"tc_log_softmax_f32", tc_log_softmax_f32},
  {"tc_log_softmax_s8", tc_log_softmax_s8},
  {"tc_lstm_f32", tc_lstm_f32},
  {"tc_lstm_s16", tc_lstm_s16},
  {"tc_lstm_s8", tc_lstm_s8},
  {"tc_lut_s8", tc_lut_s8},
  {"tc_maxpool_f32", tc_maxpool_f32},
  {"tc_maxpool_s8", tc_maxpool_s8},
  {"tc_pcan", tc_pcan},
  {"tc_pool_s16", tc_pool_s16},
  {"tc_quantize_f32_s8", tc_quantize_f32_s8},
  {"tc_reduce_f32", tc_reduce_f32},
  {"tc_reduce_s16", tc_reduce_s16},
  {"tc_reduce_s8", tc_reduce_s8},
  {"tc_relu_s16", tc_relu_s16},
  {"tc_requantize_s16", tc_requantize_s16},
  {"tc_requantize_s8", tc_requantize_s8},
  {"tc_resize_bilinear_f32", tc_resize_bilinear_f32},
  {"tc_resize_bilinear_s8", tc_resize_bilinear_s8},
  {"tc_resize_nearest", tc_resize_nearest},
  {"tc_rfft_s16", tc_rfft_s16},
  {"tc_sigmoid_tanh_s16", tc_sigmoid_tanh_s16},
  {"tc_signal_energy", tc_signal_energy},
  {"tc_signal_window", tc_signal_window},
  {"tc_softmax_f32", tc_softmax_f32},
  {"tc_softmax_s16", tc_softmax_s16},
  {"tc_softmax_s8", tc_softmax_s8},
  {"tc_softmax_s8_s16", tc_softmax_s8_s16},
  {"tc_spectral_subtraction", tc_spectral_subtraction},
  {"tc_svdf_f32", tc_svdf_f32},
  {"tc_svdf_s16", tc_svdf_s16},
  {"tc_svdf_s8", tc_svdf_s8},
  {"tc_transpose_conv_f32", tc_transpose_conv_f32},
  {"tc_transpose_conv_s16", tc_transpose_conv_s16},
  {"tc_transpose_conv_s8", tc_transpose_conv_s8},
  {"tc_transpose_nchw_f32", tc_transpose_nchw_f32},
  {"tc_transpose_nchw_s8", tc_transpose_nchw_s8},
  {"tc_unary_f32", tc_unary_f32},
  {"tc_unary_s16", tc_unary_s16},
  {"tc_add_s16_avx512vnni", tc_add_s16_avx512vnni},
  {"tc_add_s8_avx2", tc_add_s8_avx2},
  {"tc_add_s8_avx512vnni", tc_add_s8_avx512vnni},
  {"tc_add_s8_avxvnni", tc_add_s8_avxvnni},
  {"tc_binary_s16_avx512vnni", tc_binary_s16_avx512vnni},
  {"tc_conv2d_f32_avx2", tc_conv2d_f32_avx2},
  {"tc_conv2d_f32_avxvnni", tc_conv2d_f32_avxvnni},
  {"tc_conv2d_s8_avx2", tc_conv2d_s8_avx2},
  {"tc_conv2d_s8_avx512vnni", tc_conv2d_s8_avx512vnni},
  {"tc_conv2d_s8_avxvnni", tc_conv2d_s8_avxvnni},
  {"tc_copy_nd_avx2", tc_copy_nd_avx2},
  {"tc_dwconv2d_f32_avx2", tc_dwconv2d_f32_avx2},
  {"tc_dwconv2d_f32_avxvnni", tc_dwconv2d_f32_avxvnni},
  {"tc_dwconv2d_s8_avx2", tc_dwconv2d_s8_avx2},
  {"tc_dwconv2d_s8_avx512vnni", tc_dwconv2d_s8_avx512vnni},
  {"tc_dwconv2d_s8_avxvnni", tc_dwconv2d_s8_avxvnni},
  {"tc_fc_f32_avx2", tc_fc_f32_avx2},
  {"tc_fc_f32_avxvnni", tc_fc_f32_avxvnni},
  {"tc_fc_s8_avx2", tc_fc_s8_avx2},
  {"tc_fc_s8_avx512vnni", tc_fc_s8_avx512vnni},
  {"tc_fc_s8_avxvnni", tc_fc_s8_avxvnni},
  {"tc_lstm_f32_avx2", tc_lstm_f32_avx2},
  {"tc_lstm_f32_avxvnni", tc_lstm_f32_avxvnni},
};
static const int tc_host_nkernels = 95;
