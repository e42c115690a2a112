#!/usr/bin/env python3
"""Computes Fixtures/pdq-expected.json with PyPI's `pdqhash` (Meta's C++ PDQ
reference), which PDQTests compares Touchstone's Swift PDQ against bit for bit.

Photos are decoded with Pillow (`convert("RGB")`, EXIF orientation applied with
ImageOps.exif_transpose, as Touchstone's decoder does); synthetic pictures are
integer formulas that SyntheticPictures.swift reproduces pixel for pixel.

    pip install pdqhash Pillow numpy
    python3 compute_pdq_fixtures.py
"""
import hashlib, io, json, os
import numpy as np
import pdqhash
from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "Fixtures")

def hexhash(bits):
    bits = [int(b) for b in bits]
    return "".join("%x" % (bits[i] * 8 + bits[i + 1] * 4 + bits[i + 2] * 2 + bits[i + 3]) for i in range(0, 256, 4))

def describe(rgb):
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, q = pdqhash.compute(rgb)
    dihedral, dq = pdqhash.compute_dihedral(rgb)
    assert dq == q
    return {"pdq": hexhash(h), "quality": int(q), "dihedral": [hexhash(d) for d in dihedral],
            "rgb_sha256": hashlib.sha256(rgb.tobytes()).hexdigest()}

def synthetic(kind, w, h):
    y, x = np.mgrid[0:h, 0:w].astype(np.int64)
    if kind == "pattern":
        r = (x * 3 + y * 5) & 255
        g = ((x ^ y) * 7) & 255
        b = ((x * x + y * y) >> 4) & 255
    elif kind == "gradient":
        r = x * 255 // max(w - 1, 1)
        g = y * 255 // max(h - 1, 1)
        b = np.full_like(x, 128)
    elif kind == "flat":
        r, g, b = np.full_like(x, 37), np.full_like(x, 142), np.full_like(x, 201)
    elif kind == "white":
        r = g = b = np.full_like(x, 255)
    elif kind == "black":
        r = g = b = np.zeros_like(x)
    return np.stack([r, g, b], axis=-1).astype(np.uint8)

def main():
    photos = []
    names = sorted(os.listdir(os.path.join(FIXTURES, "photos")))
    for name in names:
        if name.endswith(".md"):
            continue
        image = ImageOps.exif_transpose(Image.open(os.path.join(FIXTURES, "photos", name))).convert("RGB")
        rgb = np.array(image)
        photos.append(dict(file="photos/" + name, crop=None, **describe(rgb)))
    # Crops: other parts of the largest photographs, so more than 20 distinct real pictures are checked.
    for name, crop in [("hubble_deep_field.jpg", [0, 0, 500, 420]), ("hubble_deep_field.jpg", [480, 500, 520, 372]),
                       ("astronaut.jpg", [256, 0, 256, 300]), ("retina.jpg", [100, 150, 700, 500])]:
        rgb = np.array(Image.open(os.path.join(FIXTURES, "photos", name)).convert("RGB"))
        x, y, w, h = crop
        photos.append(dict(file="photos/" + name, crop=crop, **describe(rgb[y:y + h, x:x + w])))
    cases = [("pattern", 1, 1), ("pattern", 4, 4), ("pattern", 5, 5), ("pattern", 7, 300), ("pattern", 64, 64),
             ("pattern", 63, 65), ("pattern", 127, 129), ("pattern", 1000, 3), ("pattern", 1200, 900),
             ("gradient", 640, 480), ("gradient", 1, 1000), ("flat", 100, 80), ("white", 64, 64),
             ("black", 300, 200), ("pattern", 4000, 3000)]
    synth = [dict(kind=k, width=w, height=h, **describe(synthetic(k, w, h))) for k, w, h in cases]
    with open(os.path.join(FIXTURES, "pdq-expected.json"), "w") as out:
        json.dump({"generator": "pdqhash " + pdqhash.__version__, "photos": photos, "synthetic": synth}, out, indent=1)

if __name__ == "__main__":
    main()
