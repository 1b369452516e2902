"""Cases of the data-movement ops (tinycc/ops/movement.py)."""
import numpy as np

from tinycc.testing import ModelBuilder

from . import DTYPES_16X8, act, case, rand_array, rand_quant, rand_shape, single
from . import pick_dtype as _pick_any


def pick_dtype(rng):
    return _pick_any(rng, DTYPES_16X8 + ("int32",))


def _pick(rng):
    """For the ops TFLite Micro has no int32 kernel for."""
    return _pick_any(rng, DTYPES_16X8)


def _i32(v):
    return np.array(v, np.int32).reshape(-1)


@case("SQUEEZE")
def squeeze(rng, size):
    shape = tuple(d if rng.random() < 0.5 else 1 for d in rand_shape(rng, size, int(rng.integers(1, 6))))
    ones = [i for i, d in enumerate(shape) if d == 1]
    dims = [i - len(shape) if rng.random() < 0.3 else i for i in ones if rng.random() < 0.6] \
        if rng.random() < 0.7 else []
    keep = set(i % len(shape) for i in dims) if dims else set(ones)
    out = tuple(d for i, d in enumerate(shape) if i not in keep)
    return single("SQUEEZE", rng, [shape], pick_dtype(rng), [out], SqueezeDims=dims) if dims else \
        single("SQUEEZE", rng, [shape], pick_dtype(rng), [out])


@case("EXPAND_DIMS")
def expand_dims(rng, size):
    shape = rand_shape(rng, size, int(rng.integers(0, 5)))
    axis = int(rng.integers(-len(shape) - 1, len(shape) + 1))
    out = list(shape)
    out.insert(axis % (len(shape) + 1), 1)
    return single("EXPAND_DIMS", rng, [shape], _pick(rng), [tuple(out)], consts=[_i32([axis])])


@case("TRANSPOSE")
def transpose(rng, size):
    shape = rand_shape(rng, size, int(rng.integers(1, 6)))  # TFLite Micro transposes up to 5-D
    perm = rng.permutation(len(shape))
    out = tuple(shape[p] for p in perm)
    return single("TRANSPOSE", rng, [shape], _pick(rng), [out], consts=[_i32(perm)])


@case("SLICE")
def slice_(rng, size):
    shape = rand_shape(rng, size, int(rng.integers(1, 6)))
    begin = [int(rng.integers(0, d)) for d in shape]  # TFLite Micro has no empty tensors
    sz = [int(rng.integers(1, d - b + 1)) if rng.random() < 0.8 else -1 for b, d in zip(begin, shape)]
    out = tuple(d - b if s == -1 else s for b, s, d in zip(begin, sz, shape))
    return single("SLICE", rng, [shape], pick_dtype(rng), [out], consts=[_i32(begin), _i32(sz)])


@case("STRIDED_SLICE")
def strided_slice(rng, size):
    while True:  # TFLite Micro has no empty tensors
        case = _strided_slice(rng, size)
        if case is not None:
            return case


def _strided_slice(rng, size):
    shape = rand_shape(rng, size, int(rng.integers(1, 5)))  # TFLite Micro: up to 4-D
    r = len(shape)
    begin = [int(rng.integers(-d - 2, d + 2)) for d in shape]
    end = [int(rng.integers(-d - 2, d + 2)) for d in shape]
    strides = [int(rng.choice([-3, -2, -1, 1, 1, 1, 2, 3])) for _ in shape]
    bm, em = int(rng.integers(0, 1 << r)), int(rng.integers(0, 1 << r))
    shrink = 0
    for i, d in enumerate(shape):
        if rng.random() < 0.2:
            shrink |= 1 << i
            begin[i] = int(rng.integers(-d, d))
            strides[i] = abs(strides[i])
    x = np.zeros(shape)
    idx = []
    for i, d in enumerate(shape):
        if shrink >> i & 1:
            idx.append(begin[i])
            continue
        b = None if bm >> i & 1 else begin[i]
        e = None if em >> i & 1 else end[i]
        idx.append(slice(b, e, strides[i]))
    out = x[tuple(idx)].shape
    if 0 in out:
        return None
    return single("STRIDED_SLICE", rng, [shape], pick_dtype(rng), [out],
                  consts=[_i32(begin), _i32(end), _i32(strides)], BeginMask=bm, EndMask=em, ShrinkAxisMask=shrink)


def _split_model(kind, rng, shape, dtype, axis, sizes, outs):
    mb = ModelBuilder(f"tinycc {kind} case")
    q = rand_quant(rng, dtype)
    x = act(mb, "x", shape, dtype, q, inp=True)
    ys = [act(mb, f"y{i}", s, dtype, q) for i, s in enumerate(outs)]
    if kind == "SPLIT":
        mb.op("SPLIT", [mb.const("axis", _i32([axis])), x], ys, NumSplits=len(outs))
    else:
        mb.op("SPLIT_V", [x, mb.const("sizes", _i32(sizes)), mb.const("axis", _i32([axis]))], ys,
              NumSplits=len(outs))
    mb.output(*ys)
    return mb.build(), [rand_array(rng, shape, dtype)]


@case("SPLIT")
def split(rng, size):
    shape = list(rand_shape(rng, size, int(rng.integers(1, 5))))
    axis = int(rng.integers(-len(shape), len(shape)))
    n = int(rng.integers(1, 4))
    shape[axis] *= n
    out = list(shape)
    out[axis] //= n
    return _split_model("SPLIT", rng, tuple(shape), pick_dtype(rng), axis, None, [tuple(out)] * n)


@case("SPLIT_V")
def split_v(rng, size):
    shape = list(rand_shape(rng, size, int(rng.integers(1, 5))))
    axis = int(rng.integers(-len(shape), len(shape)))
    n = int(rng.integers(1, 4))
    sizes = [int(rng.integers(1, size + 1)) for _ in range(n)]
    shape[axis] = sum(sizes)
    outs = []
    for s in sizes:
        o = list(shape)
        o[axis] = s
        outs.append(tuple(o))
    given = list(sizes)
    if rng.random() < 0.3:
        given[int(rng.integers(n))] = -1
    return _split_model("SPLIT_V", rng, tuple(shape), pick_dtype(rng), axis, given, outs)


@case("UNPACK")
def unpack(rng, size):
    shape = rand_shape(rng, size, int(rng.integers(1, 5)))
    axis = int(rng.integers(-len(shape), len(shape)))
    out = tuple(d for i, d in enumerate(shape) if i != axis % len(shape))
    n = shape[axis]
    return single("UNPACK", rng, [shape], pick_dtype(rng), [out] * n, Num=n, Axis=axis)


@case("PACK")
def pack(rng, size):
    shape = rand_shape(rng, size, int(rng.integers(1, 5)))
    n = int(rng.integers(1, 4))
    axis = int(rng.integers(-len(shape) - 1, len(shape) + 1))
    out = list(shape)
    out.insert(axis % (len(shape) + 1), n)
    return single("PACK", rng, [shape] * n, pick_dtype(rng), [tuple(out)], ValuesCount=n, Axis=axis)


@case("CONCATENATION")
def concatenation(rng, size):
    shape = list(rand_shape(rng, size, int(rng.integers(1, 5))))
    n = int(rng.integers(1, 4))
    axis = int(rng.integers(-len(shape), len(shape)))
    shapes = []
    for _ in range(n):
        s = list(shape)
        s[axis] = int(rng.integers(1, size + 1))
        shapes.append(tuple(s))
    out = list(shape)
    out[axis] = sum(s[axis] for s in shapes)
    return single("CONCATENATION", rng, shapes, pick_dtype(rng), [tuple(out)], Axis=axis)


@case("PAD")
def pad(rng, size):
    shape = rand_shape(rng, size, int(rng.integers(1, 5)))
    p = [[int(rng.integers(0, 3)), int(rng.integers(0, 3))] for _ in shape]
    out = tuple(d + a + b for d, (a, b) in zip(shape, p))
    return single("PAD", rng, [shape], pick_dtype(rng), [out], consts=[np.array(p, np.int32)])


@case("PADV2")
def padv2(rng, size):
    shape = rand_shape(rng, size, int(rng.integers(1, 5)))
    p = [[int(rng.integers(0, 3)), int(rng.integers(0, 3))] for _ in shape]
    out = tuple(d + a + b for d, (a, b) in zip(shape, p))
    dtype = pick_dtype(rng)
    q = rand_quant(rng, dtype)
    mb = ModelBuilder("tinycc PADV2 case")
    x = act(mb, "x", shape, dtype, q, inp=True)
    value = rand_array(rng, (1,), dtype)
    quant = dtype in ("int8", "int16")
    c = mb.const("value", value, scale=q[0] if quant else None, zero_point=q[1] if quant else 0)
    y = act(mb, "y", out, dtype, q)
    mb.op("PADV2", [x, mb.const("p", np.array(p, np.int32)), c], [y])
    mb.output(y)
    return mb.build(), [rand_array(rng, shape, dtype)]


@case("DEPTH_TO_SPACE")
def depth_to_space(rng, size):
    b = int(rng.integers(1, 4))
    n, h, w, c = 1 + int(rng.random() < 0.2), int(rng.integers(1, size + 1)), int(rng.integers(1, size + 1)), \
        int(rng.integers(1, 4))
    return single("DEPTH_TO_SPACE", rng, [(n, h, w, c * b * b)], _pick_any(rng), [(n, h * b, w * b, c)],
                  BlockSize=b)


@case("SPACE_TO_DEPTH")
def space_to_depth(rng, size):
    b = int(rng.integers(1, 4))
    n, h, w, c = 1 + int(rng.random() < 0.2), int(rng.integers(1, size + 1)), int(rng.integers(1, size + 1)), \
        int(rng.integers(1, 4))
    return single("SPACE_TO_DEPTH", rng, [(n, h * b, w * b, c)], _pick_any(rng), [(n, h, w, c * b * b)],
                  BlockSize=b)


@case("BROADCAST_TO")
def broadcast_to(rng, size):
    out = rand_shape(rng, size, int(rng.integers(1, 5)))
    k = int(rng.integers(0, len(out) + 1))
    shape = tuple(d if rng.random() < 0.5 else 1 for d in out[k:])
    return single("BROADCAST_TO", rng, [shape or (1,)], pick_dtype(rng), [out], consts=[_i32(out)])


@case("REVERSE_V2")
def reverse_v2(rng, size):
    shape = rand_shape(rng, size, int(rng.integers(1, 6)))
    axes = [int(a) for a in rng.permutation(len(shape))[:int(rng.integers(1, 2))]]
    return single("REVERSE_V2", rng, [shape], pick_dtype(rng), [shape], consts=[_i32(axes)])


@case("MIRROR_PAD")
def mirror_pad(rng, size):
    symmetric = bool(rng.integers(2))
    shape = rand_shape(rng, size, int(rng.integers(1, 5)), lo=2)
    p = [[int(rng.integers(0, d + symmetric)), int(rng.integers(0, d + symmetric))] for d in shape]
    out = tuple(d + a + b for d, (a, b) in zip(shape, p))
    return single("MIRROR_PAD", rng, [shape], _pick_any(rng), [out], consts=[np.array(p, np.int32)],
                  Mode=int(symmetric))


@case("SPACE_TO_BATCH_ND")
def space_to_batch(rng, size):
    bh, bw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    n, c = 1 + int(rng.random() < 0.3), int(rng.integers(1, 5))
    h, w = int(rng.integers(1, size + 1)), int(rng.integers(1, size + 1))
    h, w = h * bh, w * bw
    pt = pl = pb = pr = 0  # TFLite Micro leaves padded elements unwritten: tinycc refuses padding
    out = (n * bh * bw, (h + pt + pb) // bh, (w + pl + pr) // bw, c)
    return single("SPACE_TO_BATCH_ND", rng, [(n, h, w, c)], _pick_any(rng), [out],
                  consts=[_i32([bh, bw]), np.array([[pt, pb], [pl, pr]], np.int32)])


@case("BATCH_TO_SPACE_ND")
def batch_to_space(rng, size):
    bh, bw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    n, c = 1 + int(rng.random() < 0.3), int(rng.integers(1, 5))
    h, w = int(rng.integers(1, size + 1)), int(rng.integers(1, size + 1))
    ct, cb = int(rng.integers(0, h * bh)), 0
    cb = int(rng.integers(0, h * bh - ct))
    cl = int(rng.integers(0, w * bw))
    cr = int(rng.integers(0, w * bw - cl))
    out = (n, h * bh - ct - cb, w * bw - cl - cr, c)
    return single("BATCH_TO_SPACE_ND", rng, [(n * bh * bw, h, w, c)], _pick_any(rng), [out],
                  consts=[_i32([bh, bw]), np.array([[ct, cb], [cl, cr]], np.int32)])
