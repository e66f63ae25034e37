"""MkDocs hook: favicon.ico, drawn with Pillow from the same shapes as docs/assets/favicon.svg, for
the browsers that ask for an .ico (theme.favicon in mkdocs.yml names the SVG)."""

from __future__ import annotations

import io

from mkdocs.structure.files import File, Files

# docs/assets/favicon.svg, on a 32 x 32 grid: a clock at one o'clock.
FAVICON_DISK = (16.0, 16.0, 15.0, (0xD8, 0x43, 0x15))  # centre x, y, radius, RGB
FAVICON_RING = (11.0, 2.5)  # radius, stroke width (white)
FAVICON_HANDS = (((16.0, 16.0), (16.0, 8.0)), ((16.0, 16.0), (19.0, 10.8)))  # width as the ring


def _favicon_ico(size: int = 32, supersample: int = 8) -> bytes:
    """favicon.ico drawn from the same shapes as favicon.svg (for browsers that ask for it):
    Pillow draws them at `supersample` times the size, scales down (antialiasing) and writes ICO."""
    from PIL import Image, ImageDraw

    big = size * supersample
    unit = big / 32  # the SVG's grid is 32 x 32
    cx, cy, radius, rgb = FAVICON_DISK
    ring_radius, stroke = FAVICON_RING
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def box(r: float) -> list[float]:
        return [(cx - r) * unit, (cy - r) * unit, (cx + r) * unit, (cy + r) * unit]

    draw.ellipse(box(radius), fill=(*rgb, 255))
    outer, inner = ring_radius + stroke / 2, ring_radius - stroke / 2
    draw.ellipse(box(outer), fill=(255, 255, 255, 255))
    draw.ellipse(box(inner), fill=(*rgb, 255))
    width = round(stroke * unit)
    for (x0, y0), (x1, y1) in FAVICON_HANDS:
        ends = [(x0 * unit, y0 * unit), (x1 * unit, y1 * unit)]
        draw.line(ends, fill=(255, 255, 255, 255), width=width)
        for x, y in ends:  # round caps, as the SVG's stroke-linecap
            r = width / 2
            draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 255, 255, 255))
    icon = io.BytesIO()
    small = image.resize((size, size), Image.Resampling.LANCZOS)
    small.save(icon, format="ICO", sizes=[(size, size)])
    return icon.getvalue()


def on_files(files: Files, config) -> Files:
    files.append(File.generated(config, "favicon.ico", content=_favicon_ico()))
    return files
