"""Prints the PDQ hashes used by SeedCaseTests.RecompressedPhoto.

A photo, and the same photo resized to 60% and saved as JPEG at quality 40,
hashed with Meta's PDQ (pdqhash). Needs: pip install pdqhash Pillow scikit-image.
"""
import io

import numpy as np
import pdqhash
from PIL import Image
from skimage import data


def pdq_hex(image):
    vector, quality = pdqhash.compute(np.asarray(image.convert("RGB")))
    bits = "".join(str(int(b)) for b in vector)
    return "%064x" % int(bits, 2), quality


original = Image.fromarray(data.astronaut())
small = original.resize((int(original.width * 0.6), int(original.height * 0.6)), Image.BILINEAR)
buffer = io.BytesIO()
small.save(buffer, format="JPEG", quality=40)
recompressed = Image.open(io.BytesIO(buffer.getvalue()))
a, qa = pdq_hex(original)
b, qb = pdq_hex(recompressed)
distance = bin(int(a, 16) ^ int(b, 16)).count("1")
print(a, qa)
print(b, qb)
print("distance", distance)
