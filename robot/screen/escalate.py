"""RapidOCR (PP-OCR recognition on ONNX Runtime) as the escalation engine for doubtful lines.

About 4x slower than Tesseract per line but steadier on photo backgrounds and odd fonts, so it
only re-reads the names and numbers Tesseract read with low confidence, and every line
Tesseract read as Chinese or Japanese (its packs misread some glyphs surely). Optional: the
`ocr-escalation` extra (`rapidocr`, `onnxruntime`; the models ship inside the rapidocr wheel,
nothing is downloaded).

The engine loads the first time a line needs it, not when the reader is built: RapidOCR and
ONNX Runtime add tens of MB to every reader process (see `RapidOcrLine`), and a farm whose
screens are English and read surely never needs them. Importing this module loads neither
(nor numpy), so the robot's own process can ask whether the extra is installed for free.
"""

from __future__ import annotations

import enum
import importlib.util
import logging
import threading
from typing import TYPE_CHECKING, Any

from robot.errors import ConfigError, ScreenReadError

if TYPE_CHECKING:
    import numpy as np

    from robot.screen.ocr import LineText

log = logging.getLogger(__name__)

SETTING = "screen.escalate"
"""The project setting (ringcheck.yaml `screen: {escalate: ...}`)."""
EXTRA_HINT = "install it with `pip install 'ringcheck[ocr-escalation]'`"


class Escalation(enum.StrEnum):
    """When screens are read with the second engine (the project's `screen: escalate:`)."""

    AUTO = "auto"  # when the extra is installed, else Tesseract alone (said once in the log)
    ALWAYS = "always"  # the extra must be installed: a run does not start without it
    NEVER = "never"  # Tesseract alone


class RapidOcrLine:
    """A `LineOcr` over RapidOCR's recogniser only (we find the lines ourselves).

    The recogniser is built on the first `read_line` (see the module docstring); `loaded`
    says whether it has been. When it cannot be built (the extra is missing, or installed but
    broken: ONNX Runtime fails to load on this CPU or libc), a `required` engine fails that read
    and every later one with a `ScreenReadError` naming the extra; one that is not (`screen:
    escalate: auto`) says so once in the log and reads nothing from then on, so the screens
    are read with Tesseract alone rather than not at all."""

    name = "rapidocr"

    def __init__(self, *, required: bool = True) -> None:
        self._engine: Any = None
        self._broken: ScreenReadError | None = None  # why it could not be built
        self._required = required
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._engine is not None

    def read_line(self, crop: np.ndarray, lang: str) -> LineText:
        """`lang` is ignored: the recogniser reads Latin script and Chinese in one model."""
        import numpy as np

        from robot.screen.ocr import LineText

        del lang
        image = np.dstack([crop] * 3) if crop.ndim == 2 else crop
        with self._lock:
            if self._engine is None and self._broken is None:
                try:
                    self._engine = _build_engine()
                except ScreenReadError as exc:
                    self._broken = exc
                    if not self._required:
                        log.warning("screen reading: %s; reading with Tesseract alone", exc)
            if self._engine is None:
                if self._required:
                    raise ScreenReadError(str(self._broken))
                return LineText("", 0.0)
            result = self._engine(image, use_det=False, use_cls=False, use_rec=True)
        texts = tuple(getattr(result, "txts", None) or ())
        scores = tuple(getattr(result, "scores", None) or ())
        if not texts:
            return LineText("", 0.0)
        text = " ".join(" ".join(str(t) for t in texts).split())
        return LineText(text, float(min(scores)) if scores else 0.0)

    def close(self) -> None:
        return None


def _build_engine() -> Any:
    try:
        from rapidocr import RapidOCR
    except Exception as exc:  # missing, or a native library that does not load here
        raise ScreenReadError(
            f"the second OCR engine could not be loaded ({type(exc).__name__}: {exc}); it needs "
            f"the `ocr-escalation` extra (rapidocr, onnxruntime): {EXTRA_HINT}"
        ) from exc
    # one thread: a reader process already has a core of its own (robot.reader_pool, one
    # reader per core; read-screen, one process per core), and ONNX Runtime's default of a
    # thread per core made each line wait on threads busy with the other reader's work.
    # Warnings only: its INFO lines went to the run's terminal (the child's stderr).
    try:
        engine = RapidOCR(
            params={
                "Global.log_level": "warning",
                "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            }
        )
    except Exception as exc:
        raise ScreenReadError(
            f"the second OCR engine could not be loaded ({type(exc).__name__}: {exc})"
        ) from exc
    log.debug("screen reading: RapidOCR loaded")
    return engine


def escalation_available() -> bool:
    """Whether the extra is installed, found without importing it (ONNX Runtime alone is
    ~0.3 s and tens of MB): the robot's process asks, only reader processes load it."""
    return all(importlib.util.find_spec(name) is not None for name in ("rapidocr", "onnxruntime"))


def resolve_escalation(setting: Escalation, *, file: str | None = None) -> bool:
    """Whether screens are read with the second engine under `setting`, decided once before a
    run starts: `always` without the extra is a `ConfigError` (in `file`, the project's);
    `auto` without it reads with Tesseract alone and says so in one log line."""
    if setting is Escalation.NEVER:
        return False
    if escalation_available():
        return True
    if setting is Escalation.ALWAYS:
        raise ConfigError(
            "`always` needs the second OCR engine (RapidOCR), which is not installed",
            file=file,
            key=SETTING,
            hint=f"{EXTRA_HINT}, or set it to `auto` to read with Tesseract alone",
        )
    log.warning(
        "screen reading: the second OCR engine (RapidOCR) is not installed, reading with "
        "Tesseract alone (%s, or set %s to `never` to say so)",
        EXTRA_HINT,
        SETTING,
    )
    return False
