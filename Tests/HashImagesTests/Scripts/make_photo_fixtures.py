#!/usr/bin/env python3
"""Copies the public-domain / CC0 sample photographs bundled in PyPI packages
into Fixtures/photos, re-encoding the big ones as JPEG (quality 88) so the
committed fixtures stay small. Sources and licences: Fixtures/photos/SOURCES.md.

    pip install scikit-image Pillow
    pip download matplotlib --no-deps -d /tmp/mpl   # for grace_hopper.jpg
    python3 make_photo_fixtures.py /tmp/mpl/matplotlib-*.whl
"""
import io, os, sys, zipfile
import skimage
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "photos")
DATA = os.path.join(os.path.dirname(skimage.__file__), "data")
NAMES = ["astronaut.png", "brick.png", "camera.png", "cell.png", "chelsea.png", "clock_motion.png",
         "coffee.png", "coins.png", "grass.png", "gravel.png", "hubble_deep_field.jpg", "ihc.png",
         "microaneurysms.png", "moon.png", "page.png", "retina.jpg", "rocket.jpg", "text.png"]
LIMIT = 120_000

def store(name, data):
    base, ext = os.path.splitext(name)
    if len(data) <= LIMIT:
        open(os.path.join(OUT, name), "wb").write(data)
        return
    image = Image.open(io.BytesIO(data))
    image = image.convert("RGB") if image.mode not in ("L", "RGB") else image
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    open(os.path.join(OUT, base + ".jpg"), "wb").write(out.getvalue())

os.makedirs(OUT, exist_ok=True)
for name in NAMES:
    store(name, open(os.path.join(DATA, name), "rb").read())
if len(sys.argv) > 1:
    with zipfile.ZipFile(sys.argv[1]) as wheel:
        store("grace_hopper.jpg", wheel.read("matplotlib/mpl-data/sample_data/grace_hopper.jpg"))
