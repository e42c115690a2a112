#!/usr/bin/env python3
"""Copies the public-domain / CC0 sample photographs bundled in PyPI packages
into Fixtures/photos, re-encoding the big ones as JPEG (quality 88) so the
committed fixtures stay small. Sources and licences: Fixtures/photos/SOURCES.md.

    pip install scikit-image Pillow
    pip download matplotlib --no-deps -d /tmp/mpl      # for grace_hopper.jpg
    pip download scipy==1.9.3 --no-deps -d /tmp/scipy  # for face.jpg, ascent.jpg (scipy.misc, before 1.10)
    python3 make_photo_fixtures.py /tmp/mpl/matplotlib-*.whl /tmp/scipy/scipy-1.9.3-*.whl
"""
import bz2, io, os, pickle, sys, zipfile
import numpy as np
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

def png(array):
    out = io.BytesIO()
    Image.fromarray(array).save(out, "PNG")
    return out.getvalue()

for path in sys.argv[1:]:
    with zipfile.ZipFile(path) as wheel:
        if os.path.basename(path).startswith("matplotlib-"):
            store("grace_hopper.jpg", wheel.read("matplotlib/mpl-data/sample_data/grace_hopper.jpg"))
        elif os.path.basename(path).startswith("scipy-"):
            # scipy.misc.face(): bz2-compressed raw 768x1024 RGB; scipy.misc.ascent(): a pickled 512x512 list.
            face = np.frombuffer(bz2.decompress(wheel.read("scipy/misc/face.dat")), dtype=np.uint8).reshape(768, 1024, 3)
            store("face.png", png(face))
            ascent = np.array(pickle.loads(wheel.read("scipy/misc/ascent.dat"))).astype(np.uint8)
            store("ascent.png", png(ascent))
