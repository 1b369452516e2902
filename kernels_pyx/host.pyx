# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
# cython: nonecheck=False, overflowcheck=False, embedsignature=True
"""tinycc._host: the host executor.

``Executor(arena_nbytes, steps, consts)`` takes a kernel plan (one step per kernel call: kernel
name, buffers, integer and float parameters), validates every step once, and then ``run()``
executes the whole plan in one call with the GIL released and no Python between kernels. Every
step calls a C kernel with the ABI of ``targets/generic/tinycc_kernels.h`` (the kernel table,
``tinycc/kernels.py``): the portable kernel every C target shares, or an x86-64 SIMD version
of it (``tinycc.isa``). The executor has no kernel arithmetic of its own.

Safety contract: the constructor computes, from each step's parameters (``tinycc.kernels``),
exactly how many bytes the kernel touches in each buffer and rejects the step unless that fits
the buffer, the buffer fits its space (the arena or a constant array), the parameters are in
the kernel's ranges, operands are aligned to their element size, and the outputs are in the
arena. After that the kernels check nothing per element and never touch memory outside their
buffers. Buffers may overlap where the planner lets an op run in place (``Kernel.inplace``).

Row streaming. A step may be ``(name, bufs, iparams, fparams, stream)``: ``stream`` is None or
``(delay, epilogue[, reverse])``, for the kernels with a ``Stream`` layout (convolutions,
depthwise convolutions, pooling) and n = 1, 0 <= delay <= oh. ``tc_run_streamed`` then computes
the output row by row into a ring of ``delay + 1`` rows in scratch and writes output row q only
once rows 0..q + delay are computed (reverse: from the last row), so the output may overlap the
input the later rows no longer read. ``epilogue`` is None or ``(add_kernel, other_buf,
add_iparams, add_fparams, conv_first)``: a fused ADD of the same shape applied as each row is
written ("add_s8": its act_min..so iparams; "add_f32": its act_min, act_max fparams). A streamed
step needs the kernel's scratch rounded up to 64 bytes plus ``(delay + 1) * ow * channels *
element size``. A sixth element, ``(space, offset, nbytes)``, gives the step its own scratch in
the arena (else the executor's).

Block streaming. A step ``("chain", links, flush, ring_offset, reduce, scratch)`` runs a chain of those
kernels row band by row band through ``tc_run_chain`` (tinycc/streaming.py): each link is
``(name, bufs, iparams, fparams, rows, offset)``, link j reading link j-1's output, which lives in a
line buffer of ``rows`` rows at ``offset`` in the step's scratch (the buffers that are line buffers
are None); ``flush`` is None (rows go straight to the last link's output) or ``(delay, epilogue)``
as a stream's, with its ring of delay + 1 rows at ``ring_offset``; ``reduce`` 1 / 2: the last link
is a global int8 / float32 average pooling run as a running sum (its accumulators at
``ring_offset``). A seventh element, ``patch``, None or ``(stripes, band, in_rows, in_offset)``
with stripes >= 2, runs the chain in patches (tc_chain's): the last link's output in ``stripes``
column stripes and bands of ``band`` rows, the chain's input copied, a stripe's columns of a row at a
time, into a line buffer of ``in_rows`` rows at ``in_offset``; the output ring then holds band + delay
rows. Validated: every link's parameters as a whole call and as one row call on its line buffer (and
on each stripe's columns), the line buffers hold the rows the next window spans (as wide as the
widest stripe), line buffers, ring and kernel scratch do not overlap and fit the scratch.
"""
from libc.stdint cimport int32_t, uint8_t, uintptr_t
from libc.string cimport memcpy
from libc.stdlib cimport calloc, free
from posix.time cimport clock_gettime, timespec, CLOCK_MONOTONIC
cimport numpy as cnp

import operator

import numpy as np

from . import isa as _isa
from . import kernels as _kernels

cnp.import_array()

cdef extern from "tinycc_kernels.h" nogil:
    enum:
        TC_MAX_BUFS
        TC_MAX_IPARAMS
    ctypedef void (*tc_kernel_fn)(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
    ctypedef struct tc_ref:
        const void *base
        int32_t off
    ctypedef struct tc_stream:
        int32_t delay, reverse, nip, nbuf, oh_index, pt_index, sh_index, rb, kscratch, epilogue, conv_first
        tc_ref other
        const int32_t *eip
        const float *efp
    void tc_run_streamed(tc_kernel_fn fn, void *const *buf, const int32_t *ip, const float *fp, void *scratch,
                         const tc_stream *st, uint8_t *arena)
    enum:
        TC_MAX_CHAIN
    ctypedef struct tc_chain_link:
        tc_kernel_fn fn
        const tc_ref *buf
        const int32_t *ip
        const float *fp
        int32_t nip, nbuf, h_index, oh_index, pt_index, sh_index, kh_index, dh_index
        int32_t w_index, ow_index, pl_index, sw_index, kw_index, dw_index, rb, cap, ring
    ctypedef struct tc_chain:
        int32_t n
        const tc_chain_link *link
        const tc_stream *flush
        int32_t slot, reduce, stripes, band, in_cap, in_ring, in_px, in_c
    void tc_run_chain(const tc_chain *ch, uint8_t *arena, void *scratch)

cdef extern from "tc_host_table.h" nogil:
    ctypedef struct tc_host_kernel:
        const char *name
        tc_kernel_fn fn
    const tc_host_kernel tc_host_kernels[]
    const int tc_host_nkernels

cdef extern from "tc_cpu.h" nogil:
    int tc_cpu_has(int level)


def cpu_features():
    """{level: supported} for the x86-64 levels of tinycc.isa (from CPUID and the OS's state)."""
    return {lv: bool(tc_cpu_has(i)) for i, lv in enumerate(_isa.LEVELS) if i > 0}


cdef struct Step:
    tc_kernel_fn fn
    void* buf[TC_MAX_BUFS]
    tc_ref ref[TC_MAX_BUFS]  # the same addresses as a chain link takes them (base, offset 0; NULL: none)
    int32_t ip[TC_MAX_IPARAMS]
    float fp[4]
    char* scratch          # the step's scratch in the arena, or NULL: the executor's own
    int stream             # run through tc_run_streamed with st
    tc_stream st
    int32_t eip[TC_MAX_IPARAMS]  # (a fused ADD: fewer than its kernel's, see _stream)
    float efp[2]
    tc_chain_link* links   # a streamed chain (run through tc_run_chain with ch; its output ring in st), or NULL
    Step* sub              # the links' buffers and parameters
    tc_chain ch


cdef inline void run_step(Step* s, char* scratch) noexcept nogil:
    if s.links != NULL:
        tc_run_chain(&s.ch, NULL, scratch)  # every tc_ref an address: no arena
    elif s.stream:
        tc_run_streamed(s.fn, <void**>s.buf, s.ip, s.fp, scratch, &s.st, NULL)
    else:
        s.fn(<void**>s.buf, s.ip, s.fp, scratch)


cdef void _fill(Step* s, dict c, uintptr_t arena_addr) except *:
    """A kernel call's function, buffer addresses and parameters into s."""
    cdef Py_ssize_t j
    s.fn = <tc_kernel_fn><uintptr_t>SYMBOLS[c["impl"].symbol]
    for j, (space, addr) in enumerate(c["addrs"]):
        s.buf[j] = NULL if space is None else <void*><uintptr_t>(addr + (arena_addr if space == -1 else 0))
        s.ref[j].base, s.ref[j].off = s.buf[j], 0 if space is not None else -1
    for j, v in enumerate(c["ip"]):
        s.ip[j] = v
    for j, v in enumerate(c["fp"]):
        s.fp[j] = v


def _symbols():
    """symbol name -> address of every C kernel compiled into the extension."""
    cdef int i
    return {tc_host_kernels[i].name.decode(): <uintptr_t>tc_host_kernels[i].fn for i in range(tc_host_nkernels)}


#: C symbol -> function address (tc_<kernel> and its x86-64 variants tc_<kernel>_<isa>)
SYMBOLS = _symbols()

_SIZE_LIMIT = _kernels.SIZE_LIMIT


class _Bad(Exception):
    """A step is invalid; the constructor turns it into a ValueError."""


def _aligned_array(Py_ssize_t nbytes):
    """A zeroed uint8 array of nbytes whose data is 64-byte aligned (a view; it keeps its base)."""
    raw = np.zeros(nbytes + 64, np.uint8)
    off = (-raw.ctypes.data) % 64
    return raw[off:off + nbytes]


def _buffer(bname, b, esize, need, is_out, arena_nbytes, spaces):
    """Validate one (space, offset, nbytes) buffer; return (space, address)."""
    try:
        space, off, nbytes = (operator.index(x) for x in b)
    except (TypeError, ValueError):
        raise _Bad(f"buffer {bname} must be (space, offset, nbytes) integers, got {b!r}") from None
    if space == -1:
        base, size, where = 0, arena_nbytes, "the arena"
    elif 0 <= space < len(spaces):
        base, size = spaces[space]
        where = f"consts[{space}]"
    else:
        raise _Bad(f"buffer {bname}: space {space} does not exist (-1 = arena, 0..{len(spaces) - 1} = consts)")
    if off < 0 or nbytes < 0 or off + nbytes > size:
        raise _Bad(f"buffer {bname}: bytes [{off}, {off + nbytes}) are outside {where} ({size} bytes)")
    if need > nbytes:
        raise _Bad(f"buffer {bname}: the parameters make the kernel touch {need} bytes, but the buffer has {nbytes}")
    if (base + off) % esize:
        raise _Bad(f"buffer {bname}: address {base + off:#x} is not {esize}-byte aligned")
    if is_out and space != -1:
        raise _Bad(f"buffer {bname} is written and must be in the arena, not {where}")
    return space, base + off


def _shifts(impl, p, consts, spaces, addrs):
    """Per-channel shifts in a constant buffer "shift" must lie in [-31, 31] (the kernels shift by
    them)."""
    k = impl.kernel
    names = [b.name for b in k.bufs]
    if k.shifts is None or "shift" not in names or impl.packed:
        return
    space, addr = addrs[names.index("shift")]
    n = p[k.shifts]
    if space < 0 or not n:
        return
    vals = np.frombuffer(consts[space].reshape(-1).view(np.uint8), np.uint8, count=n * 4,
                         offset=addr - spaces[space][0]).view(np.int32)
    if vals.min() < -31 or vals.max() > 31:
        raise _Bad(f"buffer shift holds shifts outside [-31, 31] ({int(vals.min())}..{int(vals.max())})")


def _stream(impl, p, kscratch, stream, arena_nbytes, spaces):
    """Validate a step's `stream` = (delay, epilogue[, reverse]); return (its fields, scratch bytes)."""
    k = impl.kernel
    if k.stream is None:
        raise _Bad(f"stream is only supported for {', '.join(sorted(_kernels.STREAMABLE))}")
    try:
        stream = tuple(stream)
        delay, epilogue, reverse = stream if len(stream) == 3 else stream + (False,)
    except (TypeError, ValueError):
        raise _Bad(f"stream must be None, (delay, epilogue) or (delay, epilogue, reverse), got {stream!r}") from None
    if not isinstance(reverse, (bool, np.bool_)):
        raise _Bad(f"stream reverse must be True or False, got {reverse!r}")
    if p["n"] != 1:
        raise _Bad(f"stream needs n = 1, got n = {p['n']}")
    try:
        delay = operator.index(delay)
    except TypeError:
        raise _Bad(f"stream delay must be an integer, got {delay!r}") from None
    if not 0 <= delay <= p["oh"]:
        raise _Bad(f"stream delay = {delay} must be in [0, oh = {p['oh']}]")
    e = k.stream.esize
    rb = p["ow"] * p[k.stream.ch] * e
    if rb > _kernels.I32_MAX:
        raise _Bad(f"an output row of {rb} bytes is too long to stream")
    ring_off = (kscratch + 63) // 64 * 64
    scratch = ring_off + (delay + 1) * rb
    names = list(k.iparams)
    fields = dict(delay=delay, reverse=int(bool(reverse)), nip=len(names), nbuf=len(k.bufs),
                  oh_index=names.index("oh"), pt_index=names.index("pt"), sh_index=names.index("sh"), rb=rb,
                  kscratch=kscratch, epilogue=0, conv_first=0, other=(None, 0), eip=[], efp=[])
    if epilogue is None:
        return fields, scratch
    try:
        add_kernel, other, add_ip, add_fp, conv_first = epilogue
    except (TypeError, ValueError):
        raise _Bad("stream epilogue must be None or (add_kernel, other_buf, add_iparams, add_fparams, "
                   f"conv_first), got {epilogue!r}") from None
    want = "add_s8" if e == 1 else "add_f32"
    if add_kernel != want:
        raise _Bad(f"stream epilogue kernel must be {want!r}, got {add_kernel!r}")
    if not isinstance(conv_first, (bool, np.bool_)):
        raise _Bad(f"stream epilogue conv_first must be True or False, got {conv_first!r}")
    add = _kernels.get(want)
    inames = _kernels.row_iparams(add)  # its geometry: the row
    add_ip, add_fp = list(add_ip), list(add_fp)
    if len(add_ip) != len(inames) or len(add_fp) != len(add.fparams):
        raise _Bad(f"stream epilogue {want} expects iparams ({', '.join(inames) or 'none'}) and fparams "
                   f"({', '.join(add.fparams) or 'none'}), got {len(add_ip)} and {len(add_fp)}")
    geometry = {f"d{j}": 1 for j in range(5)} | {f"a{j}": 0 for j in range(5)} | {f"b{j}": 0 for j in range(5)}
    geometry.update(d5=rb // e, a5=1, b5=1)
    full = dict(geometry, **dict(zip(inames, add_ip)))
    try:
        add.validate([full[n] for n in add.iparams], add_fp)
    except _kernels.KernelParamError as err:
        raise _Bad(f"stream epilogue {want}: {err}") from None
    space, addr = _buffer("other", other, e, p["oh"] * rb, False, arena_nbytes, spaces)
    fields.update(epilogue=1 if e == 1 else 2, conv_first=int(bool(conv_first)), other=(space, addr),
                  eip=[int(v) for v in add_ip], efp=[float(v) for v in add_fp])
    return fields, scratch


def _region(what, offset, nbytes):
    """[offset, offset + nbytes) of the chain's scratch, offset a 64-byte aligned integer."""
    try:
        offset = operator.index(offset)
    except TypeError:
        raise _Bad(f"the chain's {what} offset must be an integer") from None
    if offset < 0 or offset % 64:
        raise _Bad(f"the chain's {what} at {offset} must be 64-byte aligned")
    return offset, offset + nbytes


def _chain(links, flush, slot, reduce, patch, arena_nbytes, spaces, consts, level):
    """Validate a streamed chain's links (tc_run_chain; see tinycc/streaming.py); return their fields,
    the patch (stripes, band, in_cap, in_ring, in_px, in_c) and the scratch bytes the chain needs."""
    try:
        links = [tuple(l) for l in links]
    except TypeError:
        raise _Bad("chain links must be a list of (kernel, bufs, iparams, fparams, rows, offset)") from None
    if not 2 <= len(links) <= TC_MAX_CHAIN:
        raise _Bad(f"a chain has 2 to {TC_MAX_CHAIN} links, got {len(links)}")
    out, rings, kscratch, prev = [], [], 0, None
    last = len(links) - 1
    if reduce not in (0, 1, 2) or (reduce and flush is not None):
        raise _Bad(f"chain reduce must be 0, 1 (int8) or 2 (float32), without a flush; got {reduce!r}")
    stripes, band, in_cap, in_ring = 1, 0, 0, 0
    if patch is not None:
        try:
            stripes, band, in_cap, in_ring = (operator.index(v) for v in patch)
        except (TypeError, ValueError):
            raise _Bad(f"the chain's patch must be None or (stripes, band, input rows, input offset), "
                       f"got {patch!r}") from None
        if stripes < 2 or reduce:
            raise _Bad(f"a chain's patches need 2 or more stripes and no reduce, got {stripes} stripes")
    for j, link in enumerate(links):
        if len(link) != 6:
            raise _Bad(f"chain link {j} must be (kernel, bufs, iparams, fparams, rows, offset)")
        name, bufs, iparams, fparams, cap, ring = link
        if not isinstance(name, str):
            raise _Bad(f"chain link {j}: the kernel name must be a string, got {name!r}")
        impl = _isa.impl(name, level)
        k = impl.kernel
        if k.stream is None:
            raise _Bad(f"chain link {j}: only {', '.join(sorted(_kernels.STREAMABLE))} can be chained")
        p, f, needs, ks = impl.validate(iparams, fparams)
        if p["n"] != 1:
            raise _Bad(f"chain link {j}: needs n = 1, got n = {p['n']}")
        e = k.stream.esize
        span = (p["kh"] - 1) * p.get("dh", 1) + 1
        rb = p["ow"] * p[k.stream.ch] * e
        if not (p["pt"] < span and (p["oh"] - 1) * p["sh"] - p["pt"] < p["h"]):
            raise _Bad(f"chain link {j}: an output row's window lies wholly in the padding")
        if rb > _kernels.I32_MAX or p["w"] * p["c"] * e > _kernels.I32_MAX:
            raise _Bad(f"chain link {j}: a row is too long to stream")
        if j > 0:  # reads the previous link's line buffer: one row call on its rows
            if k.stream.planar:
                raise _Bad(f"chain link {j}: a transpose of NCHW planes only heads a chain")
            pe, pp, pcap, prb = prev
            if pe != e or pp["oh"] != p["h"] or prb != p["w"] * p["c"] * e:
                raise _Bad(f"chain link {j} does not read link {j - 1}'s output ({pp['oh']} rows of {prb} bytes)")
            if j == last and reduce:  # a global average pooling as a running sum, one row at a time
                if name != ("avgpool_s8" if reduce == 1 else "avgpool_f32") or p["oh"] != 1 or p["ow"] != 1 \
                        or p["kh"] < p["h"] or p["kw"] < p["w"] or p["pt"] != 0 or p["pl"] != 0:
                    raise _Bad(f"chain reduce {reduce}: the last link must be a global {'int8' if reduce == 1 else 'float32'} "
                               f"average pooling (one output pixel, its window the whole input, no padding)")
                span = 1
            elif pcap < min(span, p["h"]):
                raise _Bad(f"chain link {j - 1}: its line buffer holds {pcap} rows, link {j}'s window spans {span}")
            row = dict(p, h=min(pcap, p["h"]), oh=1, pt=0)
        else:
            row = dict(p, oh=1)
        rneeds, rks = impl.validate([row[n] for n in k.iparams], [f[n] for n in k.fparams])[2:] \
            if not (j == last and reduce) else (needs, 0)
        kscratch = max(kscratch, ks, rks)
        addrs = []
        for i, (b, kb) in enumerate(zip(list(bufs), k.bufs)):
            if (i == 0 and j > 0) or (i == 1 and j < last):
                if b is not None:
                    raise _Bad(f"chain link {j}: buffer {kb.name} is a line buffer and must be None")
                addrs.append((None, 0))
            else:
                addrs.append(_buffer(kb.name, b, kb.esize, needs[i], kb.out, arena_nbytes, spaces))
        if len(addrs) != len(k.bufs):
            raise _Bad(f"chain link {j}: expects {len(k.bufs)} buffers, got {len(addrs)}")
        _shifts(impl, p, consts, spaces, addrs)
        try:
            cap, ring = operator.index(cap), operator.index(ring)
        except TypeError:
            raise _Bad(f"chain link {j}: line buffer rows and offset must be integers") from None
        if j < last:
            if not 1 <= cap <= p["oh"] or ring < 0 or ring % 64:
                raise _Bad(f"chain link {j}: line buffer of {cap} rows at {ring} (1..oh rows, 64-byte aligned)")
        names = list(k.iparams)
        out.append(dict(impl=impl, addrs=addrs, ip=[p[n] for n in names], fp=[f[n] for n in k.fparams],
                        nip=len(names), nbuf=len(k.bufs), rb=rb, cap=cap, ring=ring, p=p, f=f, esize=e,
                        **{f"{n}_index": names.index(n) if n in names else -1
                           for n in ("h", "oh", "pt", "sh", "kh", "dh", "w", "ow", "pl", "sw", "kw", "dw")}))
        prev = (e, p, cap, rb)
    widest = [lk["rb"] if stripes == 1 else 0 for lk in out]  # each line buffer's row bytes (the widest stripe's)
    in_px = out[0]["p"]["c"] * out[0]["esize"]
    if stripes > 1:
        ks, in_w = _stripes(out, stripes, band, in_cap, in_ring, widest)
        kscratch = max(kscratch, ks)
        rings.append(_region("input line buffer", in_ring, in_cap * in_w * in_px))
    for lk, w in zip(out[:last], widest):
        rings.append((lk["ring"], lk["ring"] + lk["cap"] * w))
    fields = None
    if flush is not None:  # the output ring: (delay, epilogue) as a stream's
        try:
            delay, epilogue = flush
        except (TypeError, ValueError):
            raise _Bad(f"the chain's flush must be None or (delay, epilogue), got {flush!r}") from None
        fields = _stream(out[last]["impl"], dict(zip(out[last]["impl"].kernel.iparams, out[last]["ip"])), 0,
                         (delay, epilogue, False), arena_nbytes, spaces)[0]
        nslot = band + fields["delay"] if stripes > 1 else fields["delay"] + 1
        rings.append(_region("output ring", slot, nslot * out[last]["rb"]))
    if reduce:  # the accumulators, 4 bytes a channel
        rings.append(_region("accumulators", slot, 4 * out[last]["ip"][out[last]["impl"].kernel.iparams.index("c")]))
    rings.sort()
    floor = (kscratch + 63) // 64 * 64
    if rings and rings[0][0] < floor:
        raise _Bad(f"chain line buffers start at {rings[0][0]}, inside the kernels' scratch ({kscratch} bytes)")
    for (a0, a1), (b0, b1) in zip(rings, rings[1:]):
        if b0 < a1:
            raise _Bad(f"chain line buffers [{a0}, {a1}) and [{b0}, {b1}) overlap")
    in_c = out[0]["p"]["c"] if out[0]["impl"].kernel.stream.planar else 0  # an NCHW input
    return (out, fields, (slot if flush is not None or reduce else 0), (stripes, band, in_cap, in_ring, in_px, in_c),
            max([kscratch] + [r[1] for r in rings]))


def _stripe_table(out, stripes):
    """Per stripe (tc_chain_stripe), per link (j, a, b, u, v): its output columns [a, b) and input
    columns [u, v)."""
    table = []
    ow = out[len(out) - 1]["p"]["ow"]
    for s in range(stripes):
        a, b = s * ow // stripes, (s + 1) * ow // stripes
        cols = []
        for j in reversed(range(len(out))):
            p = out[j]["p"]
            wspan = (p["kw"] - 1) * p.get("dw", 1) + 1
            u, v = max(0, a * p["sw"] - p["pl"]), min(p["w"], (b - 1) * p["sw"] - p["pl"] + wspan)
            if not (a < b and u < v):
                raise _Bad(f"chain stripe {s} of {stripes}: link {j} computes columns [{a}, {b}) from input "
                           f"columns [{u}, {v})")
            cols.append((j, a, b, u, v))
            a, b = u, v
        table.append(cols[::-1])
    return table


def _stripes(out, stripes, band, in_cap, in_ring, widest):
    """Validate a chain's patches: each link's row call on each stripe's columns; widen the line
    buffers to the widest stripe (widest); return the largest kernel scratch of those calls and the
    most input columns a stripe reads."""
    p0, pz = out[0]["p"], out[len(out) - 1]["p"]
    if not 2 <= stripes <= pz["ow"] or stripes * pz["ow"] > _kernels.I32_MAX or not 1 <= band <= pz["oh"]:
        raise _Bad(f"chain patches: {stripes} stripes of {pz['ow']} columns (2..ow), bands of {band} rows "
                   f"of {pz['oh']} (1..oh)")
    if not min((p0["kh"] - 1) * p0.get("dh", 1) + 1, p0["h"]) <= in_cap <= p0["h"] or in_ring < 0 or in_ring % 64:
        raise _Bad(f"chain patches: the input line buffer of {in_cap} rows at {in_ring} (the first window's rows "
                   f"..h rows, 64-byte aligned)")
    ks = in_w = 0
    for cols in _stripe_table(out, stripes):
        in_w = max(in_w, cols[0][4] - cols[0][3])
        for j, a, b, u, v in cols:
            lk = out[j]
            p, k = lk["p"], lk["impl"].kernel
            cap = out[j - 1]["cap"] if j > 0 else in_cap
            row = dict(p, h=min(cap, p["h"]), oh=1, pt=0, w=v - u, ow=b - a, pl=p["pl"] - a * p["sw"] + u)
            ks = max(ks, lk["impl"].validate([row[n] for n in k.iparams], [lk["f"][n] for n in k.fparams])[3])
            if j < len(out) - 1:
                widest[j] = max(widest[j], (b - a) * (lk["rb"] // p["ow"]))
    return ks, in_w


cdef class Executor:
    """Runs a validated kernel plan over one arena; see the module docstring."""

    cdef Step* _steps
    cdef Py_ssize_t _nsteps
    cdef char* _scratch
    cdef char* _base       # the arena's first byte
    cdef Py_ssize_t _arena_nbytes
    cdef object _arena, _scratch_arr, _consts
    cdef readonly Py_ssize_t scratch_nbytes
    cdef readonly object kernels  # the implementation each step runs (tinycc.isa.Impl)

    def __cinit__(self):
        self._steps = NULL
        self._nsteps = 0

    def __init__(self, arena_nbytes, steps, consts, isa=None):
        """``isa``: the x86-64 variant of the kernels to run (None: TINYCC_ISA, else the best this CPU
        has; see tinycc.isa)."""
        if self._steps != NULL:
            raise RuntimeError("an Executor is initialised once")
        try:
            arena_nbytes = operator.index(arena_nbytes)
        except TypeError:
            raise ValueError(f"arena_nbytes must be an integer, got {arena_nbytes!r}") from None
        if not 0 <= arena_nbytes <= _SIZE_LIMIT:
            raise ValueError(f"arena_nbytes = {arena_nbytes} is out of range")
        level = _isa.resolve(isa)
        consts = list(consts)
        steps = list(steps)
        spaces = []  # (address, nbytes) per const space
        for k, a in enumerate(consts):
            if not isinstance(a, np.ndarray):
                raise ValueError(f"consts[{k}] must be a numpy array, got {type(a).__name__}")
            if not a.flags.c_contiguous:
                raise ValueError(f"consts[{k}] must be C-contiguous")
            spaces.append((a.ctypes.data, a.nbytes))
        # validate everything before allocating anything (the arena's base is 64-byte aligned,
        # so validating arena offsets against base 0 checks their alignment)
        checked = [self._check(i, st, arena_nbytes, spaces, consts, level) for i, st in enumerate(steps)]
        scratch_nbytes = max([c["scratch"] for c in checked if c["own"] is None], default=0)
        arena = _aligned_array(arena_nbytes)
        arena_addr = arena.ctypes.data

        self._steps = <Step*>calloc(max(len(checked), 1), sizeof(Step))
        if self._steps == NULL:
            raise MemoryError()
        self._nsteps = len(checked)  # from here __dealloc__ frees what the steps hold
        cdef Step* s
        cdef Py_ssize_t i, j
        for i, c in enumerate(checked):
            s = &self._steps[i]
            if c["links"] is not None:
                n = len(c["links"])
                s.links = <tc_chain_link*>calloc(n, sizeof(tc_chain_link))
                s.sub = <Step*>calloc(n, sizeof(Step))
                if s.links == NULL or s.sub == NULL:
                    raise MemoryError()
                for j, lk in enumerate(c["links"]):
                    _fill(&s.sub[j], lk, arena_addr)
                    s.links[j].fn, s.links[j].buf = s.sub[j].fn, s.sub[j].ref
                    s.links[j].ip, s.links[j].fp = s.sub[j].ip, s.sub[j].fp
                    s.links[j].nip, s.links[j].nbuf = lk["nip"], lk["nbuf"]
                    s.links[j].h_index, s.links[j].oh_index = lk["h_index"], lk["oh_index"]
                    s.links[j].pt_index, s.links[j].sh_index = lk["pt_index"], lk["sh_index"]
                    s.links[j].kh_index, s.links[j].dh_index = lk["kh_index"], lk["dh_index"]
                    s.links[j].w_index, s.links[j].ow_index = lk["w_index"], lk["ow_index"]
                    s.links[j].pl_index, s.links[j].sw_index = lk["pl_index"], lk["sw_index"]
                    s.links[j].kw_index, s.links[j].dw_index = lk["kw_index"], lk["dw_index"]
                    s.links[j].rb, s.links[j].cap, s.links[j].ring = lk["rb"], lk["cap"], lk["ring"]
                s.ch.n, s.ch.link, s.ch.slot, s.ch.reduce = n, s.links, c["slot"], c["reduce"]
                s.ch.flush = NULL
                s.ch.stripes, s.ch.band, s.ch.in_cap, s.ch.in_ring, s.ch.in_px, s.ch.in_c = c["patch"]
            else:
                _fill(s, c, arena_addr)
            if c["own"] is not None:
                s.scratch = <char*><uintptr_t>(arena_addr + c["own"])
            st = c["stream"]
            if st is not None:
                s.stream = 1
                s.st.delay, s.st.reverse, s.st.nip, s.st.nbuf = st["delay"], st["reverse"], st["nip"], st["nbuf"]
                s.st.oh_index, s.st.pt_index, s.st.sh_index = st["oh_index"], st["pt_index"], st["sh_index"]
                s.st.rb, s.st.kscratch, s.st.epilogue, s.st.conv_first = (st["rb"], st["kscratch"], st["epilogue"],
                                                                          st["conv_first"])
                space, addr = st["other"]
                s.st.other.base = NULL if space is None else <void*><uintptr_t>(addr + (arena_addr if space == -1 else 0))
                s.st.other.off = 0 if space is not None else -1
                for j, v in enumerate(st["eip"]):
                    s.eip[j] = v
                for j, v in enumerate(st["efp"]):
                    s.efp[j] = v
                s.st.eip = s.eip
                s.st.efp = s.efp
                if s.links != NULL:
                    s.ch.flush = &s.st
                    s.stream = 0
        self._arena = arena
        self._base = <char*><uintptr_t>arena_addr
        self._arena_nbytes = arena_nbytes
        self._consts = consts  # keeps every constant array alive as long as the executor
        self._scratch_arr = _aligned_array(scratch_nbytes)
        self._scratch = <char*><uintptr_t>self._scratch_arr.ctypes.data
        self.scratch_nbytes = scratch_nbytes
        self.kernels = tuple(c["impl"] if c["links"] is None else tuple(lk["impl"] for lk in c["links"])
                             for c in checked)

    def _check(self, i, st, arena_nbytes, spaces, consts, level):
        """Validate step i; return its fields (the address of an arena buffer is its offset: the
        arena does not exist yet)."""
        name = "?"
        try:
            if isinstance(st, (tuple, list)) and len(st) in (6, 7) and isinstance(st[0], str) and st[0] == "chain":
                name = "chain"
                links, fields, slot, patch, scratch = _chain(st[1], st[2], st[3], st[4], st[6] if len(st) > 6 else None,
                                                             arena_nbytes, spaces, consts, level)
                sc = None if st[5] is None else _buffer("scratch", st[5], 4, scratch, True, arena_nbytes, spaces)[1]
                return dict(impl=None, links=links, stream=fields, slot=slot, scratch=scratch, own=sc, reduce=st[4],
                            patch=patch)
            try:
                name, bufs, iparams, fparams, stream, own = (list(st) + [None, None])[:6]
            except (TypeError, ValueError):
                raise _Bad("a step must be (kernel name, bufs, iparams, fparams[, stream[, scratch]])") from None
            if len(st) < 4 or len(st) > 6:
                raise _Bad("a step must be (kernel name, bufs, iparams, fparams[, stream[, scratch]])")
            if not isinstance(name, str):
                raise _Bad(f"the kernel name must be a string, got {name!r}")
            impl = _isa.impl(name, level)
            k = impl.kernel
            bufs = list(bufs)
            if len(bufs) != len(k.bufs):
                raise _Bad(f"expects {len(k.bufs)} buffers ({', '.join(b.name for b in k.bufs)}), got {len(bufs)}")
            p, f, needs, scratch = impl.validate(iparams, fparams)
            addrs = [_buffer(kb.name, b, kb.esize, needs[j], kb.out, arena_nbytes, spaces)
                     for j, (b, kb) in enumerate(zip(bufs, k.bufs))]
            _shifts(impl, p, consts, spaces, addrs)
            fields = None
            if stream is not None:
                fields, scratch = _stream(impl, p, scratch, stream, arena_nbytes, spaces)
            sc = None
            if own is not None:
                sc = _buffer("scratch", own, 4, scratch, True, arena_nbytes, spaces)[1]
            return dict(impl=impl, addrs=addrs, ip=[p[n] for n in k.iparams], fp=[f[n] for n in k.fparams],
                        scratch=scratch, stream=fields, own=sc, links=None)
        except (_Bad, _kernels.KernelParamError) as e:
            raise ValueError(f"step {i} ({name}): {e}") from None

    def __dealloc__(self):
        cdef Py_ssize_t i
        if self._steps != NULL:
            for i in range(self._nsteps):
                free(self._steps[i].links)
                free(self._steps[i].sub)
            free(self._steps)
            self._steps = NULL

    @property
    def arena(self):
        """The arena: a writable uint8 array, 64-byte aligned."""
        return self._arena

    @property
    def nsteps(self):
        return self._nsteps

    cdef void _run(self) noexcept nogil:
        cdef Py_ssize_t i
        for i in range(self._nsteps):
            run_step(&self._steps[i], self._steps[i].scratch if self._steps[i].scratch != NULL else self._scratch)

    def run(self):
        """Run every step in order, in one call, with the GIL released."""
        if self._steps == NULL:
            raise RuntimeError("Executor was not initialised")
        with nogil:
            self._run()

    def profile(self, Py_ssize_t repeats=10):
        """Seconds each step takes: the least of ``repeats`` runs of the whole plan, per step
        (a list, one float per step, in plan order; ``kernels`` names each step's implementation)."""
        if self._steps == NULL:
            raise RuntimeError("Executor was not initialised")
        if repeats < 1:
            raise ValueError(f"repeats must be at least 1, got {repeats}")
        cdef cnp.ndarray best = np.full(max(self._nsteps, 1), np.inf)
        cdef double* b = <double*>cnp.PyArray_DATA(best)
        cdef timespec t0, t1
        cdef double dt
        cdef Py_ssize_t r, i
        with nogil:
            for r in range(repeats):
                for i in range(self._nsteps):
                    clock_gettime(CLOCK_MONOTONIC, &t0)
                    run_step(&self._steps[i],
                             self._steps[i].scratch if self._steps[i].scratch != NULL else self._scratch)
                    clock_gettime(CLOCK_MONOTONIC, &t1)
                    dt = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9
                    if dt < b[i]:
                        b[i] = dt
        return [float(best[i]) for i in range(self._nsteps)]

    def run_io(self, cnp.ndarray x, Py_ssize_t offset, cnp.ndarray out_view):
        """One sample with little overhead: the bytes of x (C-contiguous) into the arena at offset,
        run, return a copy of out_view (a view of the arena). The caller checks x's dtype and shape."""
        self._put(x, offset, "run_io")
        with nogil:
            self._run()
        return cnp.PyArray_NewCopy(out_view, cnp.NPY_CORDER)

    cdef int _put(self, cnp.ndarray x, Py_ssize_t offset, str who) except -1:
        """The bytes of x (made C-contiguous) into the arena at offset."""
        if self._steps == NULL:
            raise RuntimeError("Executor was not initialised")
        if not cnp.PyArray_IS_C_CONTIGUOUS(x):
            x = np.ascontiguousarray(x)
        cdef Py_ssize_t nbytes = cnp.PyArray_NBYTES(x)
        if offset < 0 or offset + nbytes > self._arena_nbytes:
            raise ValueError(f"{who}: bytes [{offset}, {offset + nbytes}) are outside the arena")
        memcpy(self._base + offset, cnp.PyArray_DATA(x), <size_t>nbytes)
        return 0

    def run_many(self, xs, offsets, out_views, specs=None):
        """run_io for several inputs and outputs: the bytes of each xs[k] into the arena at offsets[k],
        run, a list of copies of out_views. The caller checks each x's dtype and shape, or gives them as
        specs, [(dtype, shape)] per input: then unless every xs[k] is an ndarray of exactly its dtype and
        shape nothing runs and the result is None (the caller's checking path says what is wrong)."""
        cdef Py_ssize_t k
        if len(xs) != len(offsets):
            if specs is not None:
                return None
            raise ValueError(f"run_many: {len(xs)} inputs, {len(offsets)} offsets")
        if specs is not None:
            for k in range(len(xs)):
                v = xs[k]
                dt, sh = specs[k]
                if type(v) is not np.ndarray or v.dtype != dt or v.shape != sh:
                    return None
        for k in range(len(xs)):
            self._put(xs[k], offsets[k], "run_many")
        with nogil:
            self._run()
        return [cnp.PyArray_NewCopy(v, cnp.NPY_CORDER) for v in out_views]

    def run_batch(self, inputs, outputs):
        """Run the plan once per sample, in one call with the GIL released: before sample i, row i
        of each input array is copied into the arena at its offset; after it, the arena bytes at
        each output offset into row i of its output array.

        inputs, outputs: lists of (arena offset, array); every array C-contiguous with a first
        axis of the same length N (the samples) and rows of the bytes to copy; outputs writable.
        Returns N."""
        if self._steps == NULL:
            raise RuntimeError("Executor was not initialised")
        cdef Py_ssize_t n = -1, k, nin = len(inputs), nout = len(outputs), i
        cdef Py_ssize_t[16] ioff, iraw, irow, ooff, oraw, orow
        if nin > 16 or nout > 16:
            raise ValueError("run_batch takes at most 16 inputs and 16 outputs")
        for k, (off, a) in enumerate(list(inputs) + list(outputs)):
            if not isinstance(a, np.ndarray) or not a.flags.c_contiguous or a.ndim < 1:
                raise ValueError("run_batch arrays must be C-contiguous numpy arrays with a sample axis")
            if k >= nin and not a.flags.writeable:
                raise ValueError("run_batch output arrays must be writable")
            if n < 0:
                n = a.shape[0]
            if a.shape[0] != n:
                raise ValueError(f"run_batch arrays have {n} and {a.shape[0]} samples")
            row = a.nbytes // n if n else 0
            off = operator.index(off)
            if off < 0 or off + row > self._arena.nbytes:
                raise ValueError(f"run_batch: bytes [{off}, {off + row}) are outside the arena "
                                 f"({self._arena.nbytes} bytes)")
            if k < nin:
                ioff[k], iraw[k], irow[k] = off, a.ctypes.data, row
            else:
                ooff[k - nin], oraw[k - nin], orow[k - nin] = off, a.ctypes.data, row
        cdef char* arena = self._base
        with nogil:
            for i in range(n if n > 0 else 0):
                for k in range(nin):
                    memcpy(arena + ioff[k], <char*><uintptr_t>iraw[k] + i * irow[k], <size_t>irow[k])
                self._run()
                for k in range(nout):
                    memcpy(<char*><uintptr_t>oraw[k] + i * orow[k], arena + ooff[k], <size_t>orow[k])
        return max(n, 0)

    def __repr__(self):
        return f"<tinycc._host.Executor: {self._nsteps} steps, arena {self._arena.nbytes} bytes>"
