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


def _layer(mb, rng, kind, name, x, cin, cout, out_shape, dtype, in_q, out_q, **options):
    """A CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED with random weights (int8 per-channel or
    float32) writing a new tensor."""
    shape = {"CONV_2D": (cout, 3, 3, cin), "DEPTHWISE_CONV_2D": (1, 3, 3, cout),
             "FULLY_CONNECTED": (cout, cin)}[kind]
    axis = 3 if kind == "DEPTHWISE_CONV_2D" else 0
    w, b = rng.normal(0, 0.35, shape), rng.normal(0, 0.3, cout)
    y = mb.tensor(name, out_shape, dtype, *(out_q if dtype != "float32" else (None, 0)))
    if dtype == "float32":
        ws = [mb.const(name + "_w", w.astype(np.float32)), mb.const(name + "_b", b.astype(np.float32))]
    else:
        wq, wsc = quantize_weights_per_channel(w, axis)
        bq, bs = bias_for(b, in_q[0], wsc)
        ws = [mb.const(name + "_w", wq, scale=wsc, zero_point=0, axis=axis), mb.const(name + "_b", bq, scale=bs)]
    mb.op(kind, [x] + ws, [y], **options)
    return y


def mnist_resnet(dtype: str = "int8", seed: int = 0) -> bytes:
    """The small MNIST ResNet that showed the fused-ADD bug: CONV_2D -> CONV_2D stride 2 -> CONV_2D 3x3
    -> ADD(x, CONV(x)), x (ADD's first input) being the strided convolution's output."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder(f"tinycc MNIST ResNet ({dtype})")
    q = (0.02, -1), (0.05, -128), (0.05, -128), (0.06, 3), (0.08, -5)
    x = mb.input("x", (1, 28, 28, 1), dtype, *(q[0] if dtype != "float32" else (None, 0)))
    a = _layer(mb, rng, "CONV_2D", "c1", x, 1, 8, (1, 28, 28, 8), dtype, q[0], q[1], padding="SAME",
               activation="RELU")
    b = _layer(mb, rng, "CONV_2D", "c2", a, 8, 16, (1, 14, 14, 16), dtype, q[1], q[2], padding="SAME", stride=2,
               activation="RELU")
    c = _layer(mb, rng, "CONV_2D", "c3", b, 16, 16, (1, 14, 14, 16), dtype, q[2], q[3], padding="SAME")
    y = mb.tensor("y", (1, 14, 14, 16), dtype, *(q[4] if dtype != "float32" else (None, 0)))
    mb.op("ADD", [b, c], [y])
    mb.output(y)
    return mb.build()


#: the residual blocks residual_blocks() builds: (producer, other operand, operand order, conv
#: activation, ADD activation); "input": ADD(x, CONV(x)), "tensor": ADD(CONV(x), o)
RESIDUAL_BLOCKS = [(kind, other, order, conv_act, add_act)
                   for kind in ("CONV_2D", "DEPTHWISE_CONV_2D") for other in ("input", "tensor")
                   for order in ("conv_first", "other_first")
                   for conv_act, add_act in (("NONE", "NONE"), ("RELU", "NONE"), ("NONE", "RELU6"))]


def residual_blocks(dtype: str = "int8", seed: int = 0) -> bytes:
    """Every way a residual ADD can be connected to the convolution fused into it (RESIDUAL_BLOCKS),
    one independent block per way, each with its own input and output: in_i -> CONV (x) -> the block's
    convolution, ADDed to x itself or to another convolution's output, in either operand order, with
    activations on either side."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder(f"tinycc residual blocks ({dtype})")
    qx, qc, qy = (0.05, -2), (0.07, 4), (0.09, -10)
    fq = (lambda v: v) if dtype != "float32" else (lambda v: (None, 0))
    for i, (kind, other, order, conv_act, add_act) in enumerate(RESIDUAL_BLOCKS):
        inp = mb.input(f"in{i}", (1, 7, 6, 8), dtype, *fq(qx))
        x = _layer(mb, rng, "CONV_2D", f"b{i}/x", inp, 8, 8, (1, 7, 6, 8), dtype, qx, qx, padding="SAME",
                   stride=1)
        c = _layer(mb, rng, kind, f"b{i}/conv", x, 8, 8, (1, 7, 6, 8), dtype, qx, qc, padding="SAME",
                   activation=conv_act)
        o = x if other == "input" else _layer(mb, rng, "CONV_2D", f"b{i}/other", inp, 8, 8, (1, 7, 6, 8), dtype,
                                              qx, qx, padding="SAME")
        y = mb.tensor(f"b{i}/y", (1, 7, 6, 8), dtype, *fq(qy))
        mb.op("ADD", [c, o] if order == "conv_first" else [o, c], [y], activation=add_act)
        mb.output(y)
    return mb.build()


#: the PAD -> convolution blocks padded_convs() builds: (convolution, PAD (top, bottom, left, right),
#: the convolution's padding, stride, the pad value differs from the zero point, the PAD's output is
#: also a graph output, two convolutions read the PAD, whether fold_pad folds it)
PADDED_CONVS = [
    ("CONV_2D", (1, 1, 1, 1), "VALID", 1, False, False, False, True),  # SAME written out
    ("DEPTHWISE_CONV_2D", (0, 1, 0, 1), "VALID", 2, False, False, False, True),  # MobileNetV2's
    ("CONV_2D", (1, 0, 2, 1), "SAME", 2, False, False, False, True),  # adds to its own padding
    ("DEPTHWISE_CONV_2D", (1, 1, 1, 1), "VALID", 1, True, False, False, False),  # another pad value
    ("CONV_2D", (1, 1, 1, 1), "VALID", 1, False, True, False, True),  # the padded tensor is an output too
    ("CONV_2D", (3, 0, 0, 0), "VALID", 1, False, False, False, False),  # a whole filter row in the padding
    ("DEPTHWISE_CONV_2D", (2, 1, 0, 2), "VALID", 1, False, False, True, True),  # two readers
]


def padded_convs(dtype: str = "int8", seed: int = 0) -> bytes:
    """Independent blocks in -> PAD (PADV2 where the pad value is not the zero point) -> 3x3
    convolution(s) -> out, one per PADDED_CONVS entry."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder(f"tinycc padded convolutions ({dtype})")
    qx, qy = (0.05, -3), (0.08, 6)
    fq = (lambda v: v) if dtype != "float32" else (lambda v: (None, 0))
    for i, (kind, (t, b, l, r), padding, stride, other_value, is_output, two, _) in enumerate(PADDED_CONVS):
        h, w, c = 8, 7, 4
        x = mb.input(f"in{i}", (1, h, w, c), dtype, *fq(qx))
        ph, pw = h + t + b, w + l + r
        xp = mb.tensor(f"b{i}/padded", (1, ph, pw, c), dtype, *fq(qx))
        widths = mb.const(f"b{i}/paddings", np.array([[0, 0], [t, b], [l, r], [0, 0]], np.int32))
        if other_value:
            value = mb.const(f"b{i}/value", np.array([5 if dtype != "float32" else 0.5], {"int8": np.int8,
                             "float32": np.float32}[dtype]), *fq(qx))
            mb.op("PADV2", [x, widths, value], [xp])
        else:
            mb.op("PAD", [x, widths], [xp])
        oh = -(-ph // stride) if padding == "SAME" else (ph - 3) // stride + 1
        ow = -(-pw // stride) if padding == "SAME" else (pw - 3) // stride + 1
        for j in range(2 if two else 1):
            y = _layer(mb, rng, kind, f"b{i}/conv{j}", xp, c, c, (1, oh, ow, c), dtype, qx, qy, padding=padding,
                       stride=stride)
            mb.output(y)
        if is_output:
            mb.output(xp)
    return mb.build()


#: the PAD -> MAX_POOL_2D blocks padded_maxpools() builds: (what produces the PAD's input (an input,
#: or a 3x3 convolution with this activation), PAD (top, bottom, left, right), pad value ("zp": the
#: zero point, 0.0 for floats; "min": the type's least value), pooling filter, stride, padding, whether
#: fold_pad folds it)
PADDED_MAXPOOLS = [
    ("RELU", (1, 1, 1, 1), "zp", 3, 2, "VALID", True),  # PyTorch's ResNet stem: ReLU -> pad 0 -> 3x3/2
    ("input", (0, 1, 0, 1), "min", 2, 2, "VALID", True),  # PADV2 with the least value
    ("input", (1, 1, 1, 1), "zp", 3, 1, "VALID", False),  # inputs below the pad value
    ("RELU6", (2, 0, 0, 0), "zp", 2, 1, "VALID", False),  # a whole window row in the padding
    ("RELU", (1, 0, 1, 0), "zp", 3, 2, "SAME", True),  # adds to its own padding
    ("NONE", (1, 1, 1, 1), "zp", 3, 2, "VALID", False),  # a convolution without a ReLU
]


def padded_maxpools(dtype: str = "int8", seed: int = 0) -> bytes:
    """Independent blocks in [-> 3x3 convolution] -> PAD / PADV2 -> MAX_POOL_2D -> out, one per
    PADDED_MAXPOOLS entry."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder(f"tinycc padded max poolings ({dtype})")
    qx, qc = (0.05, -3), (0.04, -20)
    fq = (lambda v: v) if dtype != "float32" else (lambda v: (None, 0))
    npt = {"int8": np.int8, "float32": np.float32}[dtype]
    for i, (src, (t, b, l, r), value, f, stride, padding, _) in enumerate(PADDED_MAXPOOLS):
        h, w, c = 9, 8, 4
        x = mb.input(f"in{i}", (1, h, w, c), dtype, *fq(qx))
        q = qx
        if src != "input":
            x = _layer(mb, rng, "CONV_2D", f"b{i}/conv", x, c, c, (1, h, w, c), dtype, qx, qc, padding="SAME",
                       activation=src)
            q = qc
        ph, pw = h + t + b, w + l + r
        xp = mb.tensor(f"b{i}/padded", (1, ph, pw, c), dtype, *fq(q))
        widths = mb.const(f"b{i}/paddings", np.array([[0, 0], [t, b], [l, r], [0, 0]], np.int32))
        if value == "min":
            least = -np.inf if dtype == "float32" else np.iinfo(npt).min
            mb.op("PADV2", [x, widths, mb.const(f"b{i}/value", np.array([least], npt), *fq(q))], [xp])
        else:
            mb.op("PAD", [x, widths], [xp])
        oh = -(-ph // stride) if padding == "SAME" else (ph - f) // stride + 1
        ow = -(-pw // stride) if padding == "SAME" else (pw - f) // stride + 1
        y = mb.tensor(f"b{i}/pooled", (1, oh, ow, c), dtype, *fq(q))
        mb.op("MAX_POOL_2D", [xp], [y], padding=padding, stride=stride, filter=f)
        mb.output(y)
    return mb.build()


def nchw_input(dtype: str = "int8", seed: int = 0) -> bytes:
    """An image input in NCHW, transposed to NHWC first (what PyTorch conversions write), then a
    stride-2 convolution: input_layout="nhwc" removes the transpose."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder(f"tinycc NCHW input ({dtype})")
    q = (0.04, 3) if dtype != "float32" else (None, 0)
    x = mb.input("image", (1, 3, 10, 9), dtype, *q)
    t = mb.tensor("nhwc", (1, 10, 9, 3), dtype, *q)
    mb.op("TRANSPOSE", [x, mb.const("perm", np.array([0, 2, 3, 1], np.int32))], [t])
    y = _layer(mb, rng, "CONV_2D", "conv", t, 3, 8, (1, 5, 5, 8), dtype, q, (0.06, -4), padding="SAME", stride=2)
    mb.output(y)
    return mb.build()


def float_io_int8_inside(seed: int = 0) -> bytes:
    """float32 input and output, int8 inside: QUANTIZE -> FULLY_CONNECTED -> FULLY_CONNECTED ->
    DEQUANTIZE (what the converter writes for a float-interface integer model)."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder("tinycc float I/O, int8 inside")
    x = mb.input("x", (1, 16), "float32")
    q = mb.tensor("q", (1, 16), "int8", 0.03, -5)
    mb.op("QUANTIZE", [x], [q])
    h = _layer(mb, rng, "FULLY_CONNECTED", "fc1", q, 16, 12, (1, 12), "int8", (0.03, -5), (0.05, -128),
               activation="RELU")
    z = _layer(mb, rng, "FULLY_CONNECTED", "fc2", h, 12, 4, (1, 4), "int8", (0.05, -128), (0.1, 2))
    y = mb.tensor("y", (1, 4), "float32")
    mb.op("DEQUANTIZE", [z], [y])
    mb.output(y)
    return mb.build()


def detection_head(dtype: str = "int8", seed: int = 0) -> bytes:
    """Two outputs of different shapes and types (a detection head): a convolution trunk, box offsets
    (1x3x3x4 from a convolution) and class scores (1x5 from a fully connected layer and SOFTMAX)."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder(f"tinycc detection head ({dtype})")
    fq = (lambda v: v) if dtype != "float32" else (lambda v: (None, 0))
    x = mb.input("image", (1, 6, 6, 3), dtype, *fq((0.04, 0)))
    t = _layer(mb, rng, "CONV_2D", "trunk", x, 3, 8, (1, 3, 3, 8), dtype, (0.04, 0), (0.06, -128), padding="SAME",
               stride=2, activation="RELU")
    boxes = _layer(mb, rng, "CONV_2D", "boxes", t, 8, 4, (1, 3, 3, 4), dtype, (0.06, -128), (0.1, 0),
                   padding="SAME")
    flat = mb.tensor("flat", (1, 72), dtype, *fq((0.06, -128)))
    mb.op("RESHAPE", [t], [flat], new_shape=[1, 72])
    logits = _layer(mb, rng, "FULLY_CONNECTED", "logits", flat, 72, 5, (1, 5), dtype, (0.06, -128), (0.2, 0))
    scores = mb.tensor("scores", (1, 5), dtype, *fq((1 / 256, -128)))
    mb.op("SOFTMAX", [logits], [scores])
    mb.output(boxes, scores)
    return mb.build()
