"""Line-level OCR engines: Tesseract in-process (tesserocr) or, without the wheel, pytesseract.

One call per text line must stay cheap: spawning the `tesseract` binary costs ~90 ms a line, so
the in-process API is the default and its API objects are created once per language and reused
(SetImage per crop), safely from several threads. pytesseract keeps screen reading working
where tesserocr cannot be built.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from robot.errors import ScreenReadError

_TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)


def tessdata_dir() -> str | None:
    """Where the Tesseract language packs are (TESSDATA_PREFIX wins)."""
    env = os.environ.get("TESSDATA_PREFIX")
    candidates = ([env] if env else []) + list(_TESSDATA_CANDIDATES)
    for candidate in candidates:
        path = Path(candidate)
        if (path / "eng.traineddata").is_file() or any(path.glob("*.traineddata")):
            return str(path)
    return None


def installed_languages() -> frozenset[str]:
    """Language packs on this machine ("eng", "fra", "chi_sim", "Latin", ...)."""
    where = tessdata_dir()
    if where is None:
        return frozenset()
    names = {p.name.removesuffix(".traineddata") for p in Path(where).glob("*.traineddata")}
    script = Path(where) / "script"
    names |= {p.name.removesuffix(".traineddata") for p in script.glob("*.traineddata")}
    names.discard("osd")
    return frozenset(names)


@dataclass(frozen=True, slots=True)
class LineText:
    text: str
    confidence: float  # 0..1


class LineOcr(Protocol):
    name: str

    def read_line(self, crop: np.ndarray, lang: str) -> LineText:
        """OCR one grey, dark-text-on-light crop holding a single line of text."""
        ...


class TesserocrOcr:
    """tesserocr with its API objects kept per language and reused for every crop.

    An API object serves one thread at a time; a thread that finds none free for its
    language makes one more, so one reader can be shared by several threads (each extra
    handle costs the memory of that language's model once).
    """

    name = "tesseract"

    def __init__(self, tessdata: str | None = None) -> None:
        import tesserocr  # imported here: an optional extra

        self._tesserocr: Any = tesserocr
        self._path = tessdata or tessdata_dir() or ""
        self._free: dict[str, list[Any]] = {}
        self._every: list[Any] = []
        self._lock = threading.Lock()

    def _new(self, lang: str) -> Any:
        tesserocr = self._tesserocr
        script_dir = Path(self._path) / "script"
        path = self._path
        if (
            not (Path(path) / f"{lang.split('+')[0]}.traineddata").is_file()
            and (script_dir / f"{lang}.traineddata").is_file()
        ):
            path = str(script_dir)
        try:
            api = tesserocr.PyTessBaseAPI(path=path, lang=lang, psm=tesserocr.PSM.SINGLE_LINE)
        except RuntimeError as exc:
            raise ScreenReadError(
                f"Tesseract language {lang!r} is not installed in {path} "
                "(install tesseract-ocr-<lang> or pass --lang)"
            ) from exc
        # crops are already dark text on light: trying the inverted picture only costs time
        api.SetVariable("tessedit_do_invert", "0")
        with self._lock:
            self._every.append(api)
        return api

    def read_line(self, crop: np.ndarray, lang: str) -> LineText:
        height, width = crop.shape[:2]
        data = np.ascontiguousarray(crop, dtype=np.uint8)
        with self._lock:
            free = self._free.setdefault(lang, [])
            api = free.pop() if free else None
        if api is None:
            api = self._new(lang)
        try:
            api.SetImageBytes(data.tobytes(), width, height, 1, width)
            text = api.GetUTF8Text()
            conf = api.MeanTextConf()
            if not text.strip():
                # the page layout step can miss a line of well-spaced glyphs (Chinese,
                # Japanese); read it as one raw line instead
                api.SetPageSegMode(self._tesserocr.PSM.RAW_LINE)
                text = api.GetUTF8Text()
                conf = api.MeanTextConf()
                api.SetPageSegMode(self._tesserocr.PSM.SINGLE_LINE)
        finally:
            with self._lock:
                self._free[lang].append(api)
        return LineText(text=" ".join(text.split()), confidence=max(0.0, conf) / 100.0)

    def close(self) -> None:
        with self._lock:
            for api in self._every:
                api.End()
            self._every.clear()
            self._free.clear()


class PytesseractOcr:
    """The `tesseract` binary through pytesseract: slow (a process per line) but no wheel."""

    name = "pytesseract"

    def __init__(self) -> None:
        import pytesseract

        self._pt: Any = pytesseract

    def read_line(self, crop: np.ndarray, lang: str) -> LineText:
        from PIL import Image

        data = self._pt.image_to_data(
            Image.fromarray(crop),
            lang=lang,
            config="--psm 7",
            output_type=self._pt.Output.DICT,
        )
        words = [w for w in data["text"] if w.strip()]
        confs = [float(c) for w, c in zip(data["text"], data["conf"], strict=False) if w.strip()]
        conf = sum(confs) / len(confs) / 100.0 if confs else 0.0
        return LineText(text=" ".join(words), confidence=max(0.0, conf))

    def close(self) -> None:
        return None


class CachedOcr:
    """Remembers the text of the last few hundred crops, keyed by their pixels.

    A farm photographs the same handsets over and over: "Incoming call", the button captions
    and often the caller's own lines come back pixel for pixel, and reading them again costs
    5-15 ms each. Bounded, so reading thousands of screens keeps memory flat.
    """

    def __init__(self, inner: LineOcr, size: int = 512) -> None:
        self._inner = inner
        self._size = size
        self._seen: OrderedDict[tuple[str, bytes], LineText] = OrderedDict()
        self._lock = threading.Lock()
        self.name = inner.name
        self.hits = 0

    def read_line(self, crop: np.ndarray, lang: str) -> LineText:
        digest = hashlib.blake2b(crop.tobytes(), digest_size=16)
        digest.update(repr(crop.shape).encode())
        key = (lang, digest.digest())
        with self._lock:
            found = self._seen.get(key)
            if found is not None:
                self._seen.move_to_end(key)
                self.hits += 1
                return found
        got = self._inner.read_line(crop, lang)
        with self._lock:
            self._seen[key] = got
            if len(self._seen) > self._size:
                self._seen.popitem(last=False)
        return got

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


def default_ocr() -> TesserocrOcr | PytesseractOcr:
    """tesserocr when it imports, else pytesseract; neither → a clear error."""
    try:
        return TesserocrOcr()
    except ImportError:
        pass
    try:
        return PytesseractOcr()
    except ImportError as exc:
        raise ScreenReadError(
            "no OCR engine: install the `ocr` extra (tesserocr) or pytesseract"
        ) from exc
