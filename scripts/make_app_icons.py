"""Draw the installable app's icons once (run by hand; the PNGs are committed):

    /work/main/.venv/bin/python scripts/make_app_icons.py

A brand-blue square (the stylesheet's --brand) with three rising white bars and a trend line; the drawing keeps
inside the central 80 % so the icons also work as "maskable" icons."""

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = (0x1F, 0x5E, 0xFF)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "salesflow" / "static" / "salesflow" / "icons"
SIZES = {"icon-192.png": 192, "icon-512.png": 512, "apple-touch-icon.png": 180}


def draw(size: int) -> Image.Image:
    scale = 4  # draw large, then shrink: smooth edges without anti-aliasing support in ImageDraw
    big = size * scale
    image = Image.new("RGB", (big, big), BRAND)
    pen = ImageDraw.Draw(image)
    unit = big / 100
    base = 72 * unit
    for i, height in enumerate((18, 30, 44)):
        left = (26 + i * 18) * unit
        pen.rounded_rectangle((left, base - height * unit, left + 12 * unit, base), radius=2 * unit, fill=WHITE)
    pen.line([(22 * unit, 50 * unit), (40 * unit, 38 * unit), (56 * unit, 42 * unit), (78 * unit, 22 * unit)],
             fill=WHITE, width=round(4 * unit), joint="curve")
    pen.rectangle((22 * unit, base + 3 * unit, 78 * unit, base + 6 * unit), fill=WHITE)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size in SIZES.items():
        draw(size).save(OUT / name, optimize=True)
        print(OUT / name, size)


if __name__ == "__main__":
    main()
