"""Draw the sample emblems (lambang) in service/wilayah/lambang/.

The emblems are our own drawings, not any government's coat of arms: a
shield in the region's colours with a star, rice and cotton (the common
motifs of Indonesian regional emblems) and the region's initials. A region
going live replaces its PNG with the official emblem file.

Run: .venv/bin/python scripts/draw_emblems.py
"""

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent.parent / "service" / "wilayah" / "lambang"
FONT = "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"
REGIONS = {
    "hulu-sungai-selatan": ("HSS", (0, 112, 60), (250, 204, 21)),
    "lubuk-linggau": ("LLG", (180, 20, 30), (250, 204, 21)),
    "tanah-laut": ("TLA", (20, 70, 150), (250, 204, 21)),
    "bungo": ("BGO", (0, 120, 110), (255, 255, 255)),
    "bantul": ("BTL", (110, 60, 20), (250, 204, 21)),
}
SIZE = 400


def draw(initials: str, field: tuple, accent: tuple) -> Image.Image:
    img = Image.new("RGBA", (SIZE, SIZE), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    shield = [(40, 30), (360, 30), (360, 210), (200, 380), (40, 210)]
    d.polygon(shield, fill=field, outline=(0, 0, 0), width=8)
    d.polygon([(70, 55), (330, 55), (330, 200), (200, 345), (70, 200)], outline=accent, width=5)
    # star
    cx, cy, r1, r2 = 200, 105, 40, 16

    pts = [
        (cx + (r1 if i % 2 == 0 else r2) * math.sin(i * math.pi / 5),
         cy - (r1 if i % 2 == 0 else r2) * math.cos(i * math.pi / 5))
        for i in range(10)
    ]
    d.polygon(pts, fill=accent)
    # rice (left) and cotton (right)
    for i in range(7):
        y = 170 + i * 18
        d.ellipse((95 - i * 2, y, 113 - i * 2, y + 12), fill=accent)
        d.ellipse((287 + i * 2, y, 303 + i * 2, y + 14), fill=(255, 255, 255), outline=accent)
    font = ImageFont.truetype(FONT, 64)
    w = d.textlength(initials, font=font)
    d.text((200 - w / 2, 200), initials, font=font, fill=(255, 255, 255), stroke_width=3, stroke_fill=(0, 0, 0))
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for kode, (initials, field, accent) in REGIONS.items():
        draw(initials, field, accent).convert("RGB").save(OUT / f"{kode}.png", optimize=True)


if __name__ == "__main__":
    main()
