"""Pillow's figure for `catalog-ml bench preprocess`: JPEG bytes in memory -> RGB of the bench's size and fit.

Usage: python pillow_decode.py LIST_FILE WIDTH HEIGHT FIT
LIST_FILE names one image file per line. Every file is read into memory first; then, on one thread, each image
is decoded with Pillow's draft mode (libjpeg-turbo scales it down in the DCT to the smallest size that still
covers the fit), converted to RGB, resized with bilinear filtering and placed as catalog-ml's PAD (centred on
black) or CROP (centre cut) does. One untimed pass, then the best of three timed passes. Prints one JSON line.
"""
import io
import json
import sys
import time

import PIL
from PIL import Image, features


def placement(sw, sh, tw, th, fit):
    if fit == "PAD":
        scale = min(tw / sw, th / sh)
    else:
        scale = max(tw / sw, th / sh)
    return scale


def to_rgb(data, tw, th, fit):
    image = Image.open(io.BytesIO(data))
    scale = placement(image.width, image.height, tw, th, fit)
    image.draft("RGB", (max(1, round(image.width * scale)), max(1, round(image.height * scale))))
    image = image.convert("RGB")
    scale = placement(image.width, image.height, tw, th, fit)
    if fit == "PAD":
        dw = max(1, min(tw, round(image.width * scale)))
        dh = max(1, min(th, round(image.height * scale)))
        canvas = Image.new("RGB", (tw, th))
        canvas.paste(image.resize((dw, dh), Image.BILINEAR), ((tw - dw) // 2, (th - dh) // 2))
        return canvas.tobytes()
    cw = max(1, min(image.width, round(tw / scale)))
    ch = max(1, min(image.height, round(th / scale)))
    left, top = (image.width - cw) // 2, (image.height - ch) // 2
    return image.resize((tw, th), Image.BILINEAR, box=(left, top, left + cw, top + ch)).tobytes()


def main():
    list_file, tw, th, fit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].upper()
    with open(list_file, encoding="utf-8") as names:
        blobs = [open(line.strip(), "rb").read() for line in names if line.strip()]
    for data in blobs:
        to_rgb(data, tw, th, fit)
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        for data in blobs:
            to_rgb(data, tw, th, fit)
        best = max(best, len(blobs) / (time.perf_counter() - start))
    print(json.dumps({"images": len(blobs), "imagesPerSecond": best, "pillow": PIL.__version__,
                      "libjpegTurbo": features.version("libjpeg_turbo")}))


if __name__ == "__main__":
    main()
