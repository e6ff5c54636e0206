"""RapidOCR (PP-OCR recognition on ONNX Runtime) as the escalation engine for doubtful lines.

About 4x slower than Tesseract per line but steadier on photo backgrounds and odd fonts, so it
only re-reads the names and numbers Tesseract read with low confidence, and every line
Tesseract read as Chinese or Japanese (its packs misread some glyphs surely). Optional: the
`ocr-escalation` extra (`rapidocr`, `onnxruntime`; the models ship inside the rapidocr wheel,
nothing is downloaded).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np

from robot.errors import ScreenReadError
from robot.screen.ocr import LineText


class RapidOcrLine:
    """A `LineOcr` over RapidOCR's recogniser only (we find the lines ourselves)."""

    name = "rapidocr"

    def __init__(self) -> None:
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:
            raise ScreenReadError(
                "the escalation engine needs the `ocr-escalation` extra (rapidocr, onnxruntime)"
            ) from exc
        # its own logger prints INFO lines on stderr at every start: keep only warnings
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        self._engine: Any = RapidOCR()
        self._lock = threading.Lock()

    def read_line(self, crop: np.ndarray, lang: str) -> LineText:
        """`lang` is ignored: the recogniser reads Latin script and Chinese in one model."""
        del lang
        image = np.dstack([crop] * 3) if crop.ndim == 2 else crop
        with self._lock:
            result = self._engine(image, use_det=False, use_cls=False, use_rec=True)
        texts = tuple(getattr(result, "txts", None) or ())
        scores = tuple(getattr(result, "scores", None) or ())
        if not texts:
            return LineText("", 0.0)
        text = " ".join(" ".join(str(t) for t in texts).split())
        return LineText(text, float(min(scores)) if scores else 0.0)

    def close(self) -> None:
        return None


def escalation_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True
