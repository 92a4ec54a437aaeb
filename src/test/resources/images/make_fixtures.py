"""Writes the JPEG fixtures that Java cannot write itself: CMYK, and EXIF orientations 2..8.

Run from anywhere with Pillow installed (any recent version; 13.0.0 made the committed files):

    python3 -m venv /tmp/pillow-venv && /tmp/pillow-venv/bin/pip install pillow
    /tmp/pillow-venv/bin/python src/test/resources/images/make_fixtures.py

Every file is checked after writing by reading it back with Pillow.
"""

import io
from pathlib import Path

from PIL import Image, ImageOps

HERE = Path(__file__).resolve().parent

# The upright test pattern: 48x32, one colour per quadrant, so that each of the 8 EXIF
# orientations maps it to a different picture.
WIDTH, HEIGHT = 48, 32
QUADRANTS = {
    "top_left": (255, 0, 0),
    "top_right": (0, 255, 0),
    "bottom_left": (0, 0, 255),
    "bottom_right": (255, 255, 255),
}

# EXIF orientation -> the transpose that turns the stored pixels upright (what a viewer does).
TO_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Its inverse: what a camera stores for an upright scene.
TO_STORED = {o: {Image.Transpose.ROTATE_270: Image.Transpose.ROTATE_90,
                 Image.Transpose.ROTATE_90: Image.Transpose.ROTATE_270}.get(t, t)
             for o, t in TO_UPRIGHT.items()}


def upright():
    img = Image.new("RGB", (WIDTH, HEIGHT))
    half_w, half_h = WIDTH // 2, HEIGHT // 2
    img.paste(QUADRANTS["top_left"], (0, 0, half_w, half_h))
    img.paste(QUADRANTS["top_right"], (half_w, 0, WIDTH, half_h))
    img.paste(QUADRANTS["bottom_left"], (0, half_h, half_w, HEIGHT))
    img.paste(QUADRANTS["bottom_right"], (half_w, half_h, WIDTH, HEIGHT))
    return img


def quadrant_centres(img):
    w, h = img.size
    return {
        "top_left": img.getpixel((w // 4, h // 4)),
        "top_right": img.getpixel((3 * w // 4, h // 4)),
        "bottom_left": img.getpixel((w // 4, 3 * h // 4)),
        "bottom_right": img.getpixel((3 * w // 4, 3 * h // 4)),
    }


def close(a, b, tolerance=24):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def check_upright(path):
    img = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
    assert img.size == (WIDTH, HEIGHT), (path, img.size)
    for name, colour in quadrant_centres(img).items():
        assert close(colour, QUADRANTS[name]), (path, name, colour)


def exif_bytes(orientation, endian):
    """An Exif APP1 payload whose IFD0 holds only the orientation, in the given byte order."""
    exif = Image.Exif()
    exif.endian = endian
    exif[0x0112] = orientation
    data = exif.tobytes()
    assert data[6:8] == {"<": b"II", ">": b"MM"}[endian], data[:8]
    return data


def write_orientations():
    for orientation, transpose in TO_STORED.items():
        stored = upright().transpose(transpose)
        path = HERE / f"exif_orientation_{orientation}.jpg"
        stored.save(path, "JPEG", quality=95, subsampling=0, exif=exif_bytes(orientation, "<"))
        check_upright(path)
    path = HERE / "exif_orientation_6_big_endian.jpg"
    upright().transpose(TO_STORED[6]).save(path, "JPEG", quality=95, subsampling=0, exif=exif_bytes(6, ">"))
    check_upright(path)


def write_cmyk():
    """64x64 CMYK JPEG (Adobe APP14, as Photoshop writes them): cyan, magenta, yellow, black quadrants."""
    img = Image.new("CMYK", (64, 64))
    img.paste((255, 0, 0, 0), (0, 0, 32, 32))
    img.paste((0, 255, 0, 0), (32, 0, 64, 32))
    img.paste((0, 0, 255, 0), (0, 32, 32, 64))
    img.paste((0, 0, 0, 255), (32, 32, 64, 64))
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=95)
    path = HERE / "cmyk_quadrants.jpg"
    path.write_bytes(buffer.getvalue())
    back = Image.open(path)
    assert back.mode == "CMYK", back.mode
    assert close(back.getpixel((16, 16)), (255, 0, 0, 0)), back.getpixel((16, 16))
    assert b"Adobe" in buffer.getvalue()[:200]


if __name__ == "__main__":
    write_orientations()
    write_cmyk()
    for f in sorted(HERE.glob("*.jpg")):
        print(f"{f.name}: {f.stat().st_size} bytes")
