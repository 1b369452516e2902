"""Models built here (not shipped in ../shared/models): a 16x8 DS-CNN keyword-spotting network
(int16 activations, int8 weights, int64 biases) with the layer shapes of the MLPerf Tiny KWS
model, for the 16x8 kernels' benchmarks and tests; a small convolutional network flattened as
Keras does with a dynamic batch (SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE), int8 and float32."""
import numpy as np

from tinycc.testing import ModelBuilder, bias_for, quantize_weights_per_channel


def dscnn_16x8(seed: int = 0) -> bytes:
    """49x10 input, a 10x4 stride-2 convolution to 64 channels, 4 depthwise-separable blocks,
    average pooling and a 12-way fully connected layer; ReLU everywhere, power-of-two scales."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder("tinycc 16x8 DS-CNN")
    s_in, s = 2.0 ** -11, 2.0 ** -9

    def layer(kind, name, x, wshape, axis, in_scale, out_shape, out_scale, **options):
        q, ws = quantize_weights_per_channel(rng.normal(0, 0.3, wshape), axis)
        bq, bs = bias_for(rng.normal(0, 0.5, wshape[axis]), in_scale, ws)
        y = mb.tensor(name, out_shape, "int16", out_scale, 0)
        mb.op(kind, [x, mb.const(name + "_w", q, scale=ws, zero_point=0, axis=axis),
                     mb.const(name + "_b", bq.astype(np.int64), scale=bs, zero_point=0)], [y], **options)
        return y

    y = mb.input("x", (1, 49, 10, 1), "int16", s_in, 0)
    y = layer("CONV_2D", "conv0", y, (64, 10, 4, 1), 0, s_in, (1, 25, 5, 64), s, padding="SAME", stride=2,
              activation="RELU")
    for i in range(4):
        y = layer("DEPTHWISE_CONV_2D", f"dw{i}", y, (1, 3, 3, 64), 3, s, (1, 25, 5, 64), s, padding="SAME",
                  activation="RELU")
        y = layer("CONV_2D", f"pw{i}", y, (64, 1, 1, 64), 0, s, (1, 25, 5, 64), s, padding="SAME", activation="RELU")
    pool = mb.tensor("pool", (1, 1, 1, 64), "int16", s, 0)
    mb.op("AVERAGE_POOL_2D", [y], [pool], padding="VALID", stride=(25, 5), filter=(25, 5))
    flat = mb.tensor("flat", (1, 64), "int16", s, 0)
    mb.op("RESHAPE", [pool, mb.const("shape", np.array([1, 64], np.int32))], [flat])
    out = layer("FULLY_CONNECTED", "fc", flat, (12, 64), 0, s, (1, 12), 2.0 ** -8)
    mb.output(out)
    return mb.build()


def keras_flatten(dtype: str = "int8", seed: int = 0) -> bytes:
    """8x8x3 input, a 3x3 stride-2 convolution to 8 channels (ReLU), Keras's Flatten for a dynamic
    batch (the batch read by SHAPE -> STRIDED_SLICE, PACKed with -1 (int8) or the flat size
    (float32) into RESHAPE's shape operand), a 10-way fully connected layer."""
    rng = np.random.default_rng(seed)
    quant = dtype == "int8"
    mb = ModelBuilder(f"tinycc Keras flatten ({dtype})")

    def q(scale, zp):
        return (scale, zp) if quant else (None, 0)

    def weights(name, shape, in_scale, axis):
        w, b = rng.normal(0, 0.4, shape), rng.normal(0, 0.5, shape[0])
        if not quant:
            return mb.const(name + "_w", w.astype(np.float32)), mb.const(name + "_b", b.astype(np.float32))
        wq, ws = quantize_weights_per_channel(w, axis)
        bq, bs = bias_for(b, in_scale, ws)
        return mb.const(name + "_w", wq, scale=ws, zero_point=0, axis=axis), mb.const(name + "_b", bq, scale=bs)

    x = mb.input("x", (1, 8, 8, 3), dtype, *q(0.05, -3))
    h = mb.tensor("conv", (1, 4, 4, 8), dtype, *q(0.08, -128))
    mb.op("CONV_2D", [x, *weights("conv", (8, 3, 3, 3), 0.05, 0)], [h], padding="SAME", stride=2,
          activation="RELU")
    shape = mb.tensor("flatten/Shape", (4,), "int32")
    mb.op("SHAPE", [h], [shape])
    batch = mb.tensor("flatten/strided_slice", (), "int32")
    mb.op("STRIDED_SLICE", [shape, mb.const("flatten/begin", np.int32([0])), mb.const("flatten/end", np.int32([1])),
                            mb.const("flatten/strides", np.int32([1]))], [batch], ShrinkAxisMask=1)
    packed = mb.tensor("flatten/Reshape/shape", (2,), "int32")
    mb.op("PACK", [batch, mb.const("flatten/Reshape/shape/1", np.int32(-1 if quant else 128))], [packed],
          ValuesCount=2, Axis=0)
    flat = mb.tensor("flatten/Reshape", (1, 128), dtype, *q(0.08, -128))
    mb.op("RESHAPE", [h, packed], [flat])
    y = mb.tensor("dense", (1, 10), dtype, *q(0.25, 3))
    mb.op("FULLY_CONNECTED", [flat, *weights("dense", (10, 128), 0.08, 0)], [y])
    mb.output(y)
    return mb.build()


#: name -> builder of the models above (benchmarked by bench/bench_targets.py)
SYNTHETIC = {"dscnn_16x8": dscnn_16x8}
