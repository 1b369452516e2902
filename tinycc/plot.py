"""Draw a memory plan: ops on x, arena addresses on y, one box per buffer (grey: scratch, a streamed
block's line buffers across its ops, the block shaded: orange when it runs in patches), the peak marked. And a profile
(``tinycc run --profile --plot``): one horizontal bar per step of the plan, its instructions.

SVG is written as text; PNG is rasterised here and encoded with zlib, so plotting needs
no extra package.
"""
from __future__ import annotations

import struct
import zlib

import numpy as np

W, H, LEFT, BOTTOM, TOP = 900, 480, 70, 40, 30


def _boxes(r):
    n = max(len(r["ops"]), 1)
    arena = max(r["arena_bytes"], 1)
    sx = (W - LEFT - 20) / n
    sy = (H - BOTTOM - TOP) / arena
    for t in r["tensors"]:
        x0 = LEFT + t["first_op"] * sx
        x1 = LEFT + (t["last_op"] + 1) * sx
        y1 = H - BOTTOM - t["offset"] * sy
        y0 = H - BOTTOM - (t["offset"] + t["size"]) * sy
        yield t, x0, y0, x1, y1


def _color(i, scratch):
    if scratch:
        return (150, 150, 150)
    hue = (i * 0.61803) % 1.0
    r, g, b = (np.array([0, 2, 4]) / 6.0 + hue) % 1.0
    return tuple(int(90 + 140 * abs(2 * v - 1)) for v in (r, g, b))


def svg(r) -> str:
    n = max(len(r["ops"]), 1)
    sx = (W - LEFT - 20) / n
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" '
           f'font-size="10">', f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{LEFT}" y="18" font-size="13">{r["model"]}: arena {r["arena_bytes"]:,} B '
           f'(no-in-place lower bound {r["lower_bound_bytes"]:,} B)</text>']
    patched = {p["ops"][0]: p for p in r.get("patches", ())}
    for c in r.get("streamed_blocks", ()):  # a streamed block: its ops run row band by row band
        x0, x1 = LEFT + c[0] * sx, LEFT + (c[-1] + 1) * sx
        p = patched.get(c[0])
        how = f", in patches: {p['stripes']} column stripes x bands of {p['band']} rows, +{p['extra_macs']:,} MACs" \
            if p else ""
        out.append(f'<rect x="{x0:.1f}" y="{TOP}" width="{x1 - x0:.1f}" height="{H - BOTTOM - TOP}" '
                   f'fill="{"rgb(255,232,205)" if p else "rgb(220,235,255)"}"><title>streamed block, ops {c[0]}-{c[-1]}'
                   f'{how}</title></rect>')
        if p:
            out.append(f'<text x="{x0 + 2:.1f}" y="{H - BOTTOM - 4}" font-size="8">{p["stripes"]}x{p["band"]} patches</text>')
    for i, (t, x0, y0, x1, y1) in enumerate(_boxes(r)):
        c = "rgb(%d,%d,%d)" % _color(i, t["scratch"])
        out.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{max(x1 - x0, 1):.1f}" height="{max(y1 - y0, 0.5):.1f}" '
                   f'fill="{c}" stroke="black" stroke-width="0.4"><title>{t["name"]}: offset {t["offset"]}, '
                   f'{t["size"]} B, ops {t["first_op"]}-{t["last_op"]}'
                   f'{" (line buffers of a streamed block)" if t.get("line_buffers") else ""}</title></rect>')
    px = LEFT + (r["peak_op"] + 0.5) * sx
    out.append(f'<line x1="{px:.1f}" y1="{TOP}" x2="{px:.1f}" y2="{H - BOTTOM}" stroke="red" stroke-dasharray="4"/>')
    out.append(f'<text x="{px + 3:.1f}" y="{TOP + 10}" fill="red">peak (op {r["peak_op"]})</text>')
    out.append(f'<line x1="{LEFT}" y1="{H - BOTTOM}" x2="{W - 20}" y2="{H - BOTTOM}" stroke="black"/>')
    out.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{H - BOTTOM}" stroke="black"/>')
    out.append(f'<text x="{LEFT - 5}" y="{TOP + 4}" text-anchor="end">{r["arena_bytes"]:,}</text>')
    out.append(f'<text x="{LEFT - 5}" y="{H - BOTTOM}" text-anchor="end">0</text>')
    for o in r["ops"]:
        x = LEFT + (o["index"] + 0.5) * sx
        out.append(f'<text x="{x:.1f}" y="{H - BOTTOM + 12}" text-anchor="middle" font-size="8">{o["index"]}</text>')
    out.append(f'<text x="{W / 2}" y="{H - 8}" text-anchor="middle">operator (schedule order)</text>')
    out.append('</svg>')
    return "\n".join(out)


def png(r) -> bytes:
    img = np.full((H, W, 3), 255, np.uint8)
    n = max(len(r["ops"]), 1)
    sx = (W - LEFT - 20) / n
    patched = {p["ops"][0] for p in r.get("patches", ())}
    for c in r.get("streamed_blocks", ()):
        img[TOP:H - BOTTOM, int(LEFT + c[0] * sx):int(LEFT + (c[-1] + 1) * sx)] = \
            (255, 232, 205) if c[0] in patched else (220, 235, 255)
    for i, (t, x0, y0, x1, y1) in enumerate(_boxes(r)):
        a, b = int(x0), max(int(x1), int(x0) + 1)
        c, d = int(y0), max(int(round(y1)), int(y0) + 1)
        img[c:d, a:b] = _color(i, t["scratch"])
        img[c:d, a] = img[c:d, b - 1] = img[c, a:b] = img[d - 1, a:b] = 0
    img[TOP:H - BOTTOM, LEFT] = 0
    img[H - BOTTOM, LEFT:W - 20] = 0
    px = int(LEFT + (r["peak_op"] + 0.5) * sx)
    img[TOP:H - BOTTOM:2, px] = (220, 0, 0)
    return _encode_png(img)


def _encode_png(img) -> bytes:
    h, w = img.shape[:2]
    raw = b"".join(b"\x00" + row.tobytes() for row in img)

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


PW, ROW, PLEFT = 760, 16, 230  # a profile chart: width, bar pitch, the labels' column


def _bars(rows):
    """(label, instructions) -> per row: label, value, bar x0, y, width (the largest spans the plot)."""
    top = max((v for _, v in rows), default=1) or 1
    for i, (label, v) in enumerate(rows):
        yield label, v, PLEFT, TOP + i * ROW, (PW - PLEFT - 90) * v / top


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def profile_svg(rows, title: str) -> str:
    total = sum(v for _, v in rows) or 1
    h = TOP + len(rows) * ROW + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{PW}" height="{h}" font-family="sans-serif" '
           f'font-size="10">', f'<rect width="{PW}" height="{h}" fill="white"/>',
           f'<text x="10" y="18" font-size="13">{_esc(title)}</text>']
    for i, (label, v, x, y, w) in enumerate(_bars(rows)):
        short = label if len(label) <= 40 else label[:38] + "..."
        out.append(f'<text x="{x - 5}" y="{y + 11}" text-anchor="end">{_esc(short)}</text>')
        out.append(f'<rect x="{x}" y="{y + 2}" width="{max(w, 0.5):.1f}" height="{ROW - 4}" '
                   f'fill="rgb(%d,%d,%d)"><title>{_esc(label)}: {v:,}</title></rect>' % _color(i, False))
        out.append(f'<text x="{x + w + 4:.1f}" y="{y + 11}">{v:,} ({100 * v / total:.1f}%)</text>')
    out.append('</svg>')
    return "\n".join(out)


def profile_png(rows) -> bytes:
    img = np.full((TOP + len(rows) * ROW + 10, PW, 3), 255, np.uint8)
    for i, (_, _, x, y, w) in enumerate(_bars(rows)):
        img[y + 2:y + ROW - 2, x:x + max(int(round(w)), 1)] = _color(i, False)
    img[TOP:TOP + len(rows) * ROW, PLEFT - 1] = 0
    return _encode_png(img)


def write_profile(rows, title: str, path: str):
    """Draw a profile, [(step label, instructions)], to ``path`` (.svg, or .png: bars only, no text)."""
    _write(path, lambda: profile_svg(rows, title), lambda: profile_png(rows))


def write(r, path: str):
    _write(path, lambda: svg(r), lambda: png(r))


def _write(path, make_svg, make_png):
    if path.endswith(".svg"):
        with open(path, "w") as f:
            f.write(make_svg())
    elif path.endswith(".png"):
        with open(path, "wb") as f:
            f.write(make_png())
    else:
        from .errors import InputError
        raise InputError(f"--plot {path!r}: the file name must end in .png or .svg")
