"""Scanned copies of generated reports, as archive scanners make them: each page rasterised at
200 dpi in greyscale, turned by up to a degree, sprinkled with speckles and a little sensor
noise, saved as JPEG inside an image-only PDF. The expected records are the original's.

    python -m corpus_tools.scan IN.pdf OUT.pdf [--dpi 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import io
import random
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

# the LibreOffice reports that the tests and the benchmark also read as scans: every ruling
# style, both orientations, the three wordings; and the unruled landscape report whose scan has
# dust down a margin and a repeated header that OCR reads without its first heading
SCAN_SAMPLE = ("lo_question_evaluation_ruled_portrait_101", "lo_question_evaluative_hrules_landscape_112",
               "lo_qe_shaded_portrait_121", "lo_question_evaluation_unruled_portrait_107",
               "lo_qe_hrules_landscape_120", "lo_question_evaluative_unruled_landscape_116")


def scan_page(image: Image.Image, rng: random.Random, max_skew: float = 1.0) -> Image.Image:
    """One page as a scanner returns it: greyscale, skewed, speckled, slightly noisy."""
    grey = image.convert("L")
    angle = rng.uniform(-max_skew, max_skew)
    grey = grey.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
    pixels = np.asarray(grey, dtype=np.float32)
    nprng = np.random.default_rng(rng.randrange(1 << 30))
    pixels = pixels * 0.92 + 12 + nprng.normal(0, 4, pixels.shape)  # paper tone, sensor noise
    speckles = nprng.random(pixels.shape)
    pixels[speckles < 0.0008] = 30  # dust
    pixels[speckles > 0.9995] = 255  # drop-outs
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")


def scan_pdf(source: Path, target: Path, dpi: int = 200, seed: int = 1, quality: int = 60) -> Path:
    """An image-only PDF of `source`, page size unchanged, each page a JPEG at `dpi`."""
    rng = random.Random(f"{source.name}-{seed}")
    pdf = pdfium.PdfDocument(str(source))
    pages = []
    for page in pdf:
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        scanned = scan_page(bitmap.to_pil(), rng)
        buffer = io.BytesIO()
        scanned.save(buffer, format="JPEG", quality=quality)
        pages.append(Image.open(io.BytesIO(buffer.getvalue())))
    pdf.close()
    pages[0].save(target, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scan_pdf(args.source, args.target, args.dpi, args.seed)


if __name__ == "__main__":
    main()
