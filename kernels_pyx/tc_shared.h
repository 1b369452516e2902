/* The targets/generic kernels the host executor calls directly (their declarations as in
   targets/generic/tinycc_kernels.h, which host.c cannot include: the host's own fast kernels use
   some of the same names for static helpers). */
#ifndef TC_SHARED_H
#define TC_SHARED_H
#include <stdint.h>

typedef void (*tc_shared_fn)(void *const *buf, const int32_t *ip, const float *fp, void *scratch);

void tc_copy_nd(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_fill(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_lut_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_unary_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_binary_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_binary_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_reduce_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_reduce_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_argminmax_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_argminmax_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_resize_nearest(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_resize_bilinear_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_resize_bilinear_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_batch_matmul_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_batch_matmul_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_transpose_conv_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_transpose_conv_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_log_softmax_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_l2norm_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_l2norm_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_lstm_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_lstm_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_lstm_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_binary_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_relu_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_log_softmax_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_reduce_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_conv_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_convert_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_requantize_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_pool_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_add_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_sigmoid_tanh_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_batch_matmul_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_transpose_conv_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_softmax_s8_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_softmax_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_unary_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);

#endif
