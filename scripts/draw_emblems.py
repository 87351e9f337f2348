"""Draw a sample emblem (lambang) for each region profile that has none yet.

The regions are the profiles in service/wilayah/*.toml; each names its
emblem file (``lambang``). The emblems are our own drawings, not any
government's coat of arms: a shield in colours picked from the region's code
with a star, rice and cotton (the common motifs of Indonesian regional
emblems) and the region's initials. Emblems already present are kept (delete
one to redraw it); a region going live replaces its PNG with the official
emblem file.

Run: .venv/bin/python scripts/draw_emblems.py
"""

import hashlib
import math
import tomllib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

PROFILES = Path(__file__).resolve().parent.parent / "service" / "wilayah"
FONT = "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"
FIELDS = [(0, 112, 60), (180, 20, 30), (20, 70, 150), (0, 120, 110), (110, 60, 20)]
ACCENTS = [(250, 204, 21), (255, 255, 255)]
SIZE = 400


def initials_of(kode: str) -> str:
    """Three letters: the words' initials, then the last word's consonants (``bungo`` → ``BNG``)."""
    words = kode.split("-")
    letters = [w[0] for w in words] + [c for c in words[-1][1:] if c not in "aeiou"]
    return "".join(letters[:3]).upper()


def colours(kode: str) -> tuple[tuple, tuple]:
    """The shield's field and accent colours, the same for a region on every run."""
    digest = hashlib.sha256(kode.encode()).digest()
    return FIELDS[digest[0] % len(FIELDS)], ACCENTS[digest[1] % len(ACCENTS)]


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
    for profile in sorted(PROFILES.glob("*.toml")):
        emblem = profile.parent / tomllib.loads(profile.read_text(encoding="utf-8"))["lambang"]
        if emblem.exists():
            continue
        emblem.parent.mkdir(parents=True, exist_ok=True)
        draw(initials_of(profile.stem), *colours(profile.stem)).convert("RGB").save(emblem, optimize=True)
        print(f"drew {emblem}")


if __name__ == "__main__":
    main()
