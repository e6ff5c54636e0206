"""`TesseractReader`: the default `ScreenReader`, from screenshot bytes to a `Reading`.

Steps: normalise the image, take the dialer's caller-info band, find and paint out badge discs,
find text lines, drop paragraph blocks (app logs and chat text repeat names and numbers but are
never the caller info), OCR each line in-process with a confidence retry ladder over the
languages, give lines their roles, re-read the name with the Latin script model (accents), and
merge with the page source when the handset gave one. Reading is blind: nothing the scenario
expects steers it; given the number's logo, the avatar slot is compared with it and the result
reported apart (`logo_matches`).
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from rapidfuzz.distance import Levenshtein

from robot.domain.model import DialerKind, Reading, Tristate
from robot.domain.names import fold, split_bracket_prefix
from robot.ports import ReadRequest
from robot.screen import langs
from robot.screen.fields import Fields, Line, as_number, assign, clean_name, plausible_name
from robot.screen.image import Screen, load_screen
from robot.screen.labels import match_label
from robot.screen.lines import Box, band_rows, find_lines, line_crop
from robot.screen.logo import load_logo, logo_matches
from robot.screen.marks import Badge, badge_beside, find_avatar, find_badges, inside, is_logo
from robot.screen.ocr import (
    CachedOcr,
    LineOcr,
    LineText,
    PooledOcr,
    default_ocr,
    installed_languages,
)
from robot.screen.pagesource import merge_page_source
from robot.screen.vocab import all_badge_colours, has_cjk, profile

_RETRY_BELOW = 0.80
_MAX_LINES = 24
_ESCALATE_BELOW = 0.7
_LATIN_SCRIPT = frozenset({"eng", "fra", "deu", "spa", "ita", "por", "nld"})


class TesseractReader:
    """Reads call screens with Tesseract; one instance reuses its OCR engines across screens."""

    def __init__(
        self,
        ocr: LineOcr | None = None,
        escalation: LineOcr | None = None,
        *,
        cache: bool = True,
        workers: int = 1,
    ) -> None:
        """`escalation` (e.g. `RapidOcrLine`) re-reads the lines Tesseract was unsure of;
        `cache` remembers the text of recently seen line crops (see `CachedOcr`);
        `workers` > 1 reads the lines of a screen on that many threads (one engine each:
        more memory, less wall time; leave 1 where screens are already read in parallel)."""
        if workers < 1 or (workers > 1 and ocr is not None):
            raise ValueError("workers > 1 builds its own engines: pass no `ocr`")
        engine: LineOcr = ocr or default_ocr()
        if workers > 1:
            engine = PooledOcr([engine] + [default_ocr() for _ in range(workers - 1)])
        self._ocr: LineOcr = CachedOcr(engine) if cache else engine
        self._pool = ThreadPoolExecutor(workers, "ocr") if workers > 1 else None
        self._escalation = escalation
        self._installed = installed_languages()
        self.engine = self._ocr.name

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        for engine in (self._ocr, self._escalation):
            close = getattr(engine, "close", None)
            if close is not None:
                close()

    def read(self, request: ReadRequest) -> Reading:
        """Read one screenshot; a field two readings disagree on is marked uncertain."""
        screen = load_screen(request.image)
        logo = load_logo(request.expected_logo) if request.expected_logo is not None else None
        ladder = langs.ladder(request.languages, self._installed)
        reading = self._read_screen(screen, request.dialer, ladder, logo)
        if request.page_source:
            reading = merge_page_source(reading, request.page_source, request.dialer)
        return reading

    def _read_screen(
        self,
        screen: Screen,
        dialer: DialerKind | None,
        ladder: list[str],
        expected_logo: np.ndarray | None,
    ) -> Reading:
        prof = profile(dialer)
        y0, y1 = band_rows(screen, prof)
        colours = prof.badge_colours if prof and prof.badge_colours else all_badge_colours()
        badges = find_badges(screen.rgb, y0, y1, colours)
        found = find_lines(screen.rgb, y0, y1, [b.box for b in badges])
        slot = find_avatar(screen.rgb, y0, y1, found)
        boxes = _drop_paragraphs([b for b in found if slot is None or not inside(b, slot)])
        boxes = sorted(boxes, key=lambda b: -b.h)[:_MAX_LINES]
        # the tallest line is most often the name: read it with the Latin script model (which
        # keeps accents) at its native 36 px straight away instead of re-reading it later
        latin = "Latin" in self._installed and ladder[0] in _LATIN_SCRIPT
        tallest = boxes[0] if boxes and latin else None

        def read(box: Box) -> Line:
            return self._ocr_line(screen, box, ladder, ("Latin", 36) if box == tallest else None)

        ordered = sorted(boxes, key=lambda b: b.y)
        lines = list(self._pool.map(read, ordered)) if self._pool else [read(b) for b in ordered]
        fields = assign([ln for ln in lines if ln.text], bare_reason=dialer is not None)
        if fields.name is not None and not has_cjk(fields.name.text):
            self._reread_name(screen, fields)
        if (
            fields.label_line is not None
            and fields.label_confidence < 0.9 * fields.label_line.confidence
        ):
            self._reread_label(screen, fields)
        engine = self._ocr.name
        second: list[tuple[str, str | None, str | None]] = []
        if self._escalation is not None:
            second = self._escalate(screen, fields)
            engine = f"{self._ocr.name}+{self._escalation.name}"
        logo, logo_conf = is_logo(screen.rgb, slot)
        reading = _reading(fields, lines, badges, logo, logo_conf, engine)
        if second:
            reading = dataclasses.replace(
                reading,
                disagreements=tuple(second),
                uncertain=tuple(dict.fromkeys(f for f, _, _ in second)),
            )
        if expected_logo is None:
            return reading
        matches, match_conf = logo_matches(screen.rgb, slot, expected_logo)
        confidence = (*reading.confidence, ("logo_matches", match_conf))
        return dataclasses.replace(reading, logo_matches=matches, confidence=confidence)

    def _ocr_line(
        self, screen: Screen, box: Box, ladder: list[str], first: tuple[str, int] | None = None
    ) -> Line:
        """The confidence retry ladder.

        A line read with a slip (fair confidence) is retried with the Latin script model and at
        a bigger scale, then with the other languages (another script: Chinese); a line read
        with high confidence stops at the first rung, so extra languages cost nothing there.
        """
        head = LineText("", 0.0)
        if first is not None:
            head = self._ocr.read_line(line_crop(screen.rgb, box, first[1]), first[0])
            if head.text and head.confidence >= _RETRY_BELOW:
                return Line(box, head.text, head.confidence, read_with=first[0])
        got = self._ocr.read_line(line_crop(screen.rgb, box), ladder[0])
        best = got if got.text else LineText("", 0.0)
        if head.text and head.confidence > best.confidence:
            best = head
        if best.confidence >= _RETRY_BELOW or box.h < 20:
            return Line(box=box, text=best.text, confidence=best.confidence)
        rungs: list[tuple[str, int]] = []
        if best.confidence >= 0.45:
            if "Latin" in self._installed and ladder[0] in _LATIN_SCRIPT:
                rungs.append(("Latin", 48))
            rungs.append((ladder[0], 72))
        rungs += [(lang, 48) for lang in ladder[1:]]
        for lang, height in rungs:
            got = self._ocr.read_line(line_crop(screen.rgb, box, height), lang)
            if got.text and got.confidence > best.confidence:
                best = got
            if best.confidence >= _RETRY_BELOW:
                break
        return Line(box=box, text=best.text, confidence=best.confidence)

    def _escalate(self, screen: Screen, fields: Fields) -> list[tuple[str, str | None, str | None]]:
        """Re-read the name and number lines Tesseract was unsure of with the second engine.

        Where the two engines agree, the reading is surer; where they disagree, the surer
        reading is kept and both are returned as a disagreement (the field is uncertain).
        """
        assert self._escalation is not None
        disagreements: list[tuple[str, str | None, str | None]] = []
        name = fields.name
        if name is not None and name.confidence < _ESCALATE_BELOW:
            got = self._escalation.read_line(line_crop(screen.rgb, name.box), "")
            candidate = Line(name.box, got.text, got.confidence)
            _, rest = split_bracket_prefix(got.text)  # "[SPAM?] ACME BANK": the label is apart
            other = clean_name(rest) if plausible_name(candidate) else None
            mine = fields.name_text
            if other is not None and fold(other) != fold(mine or ""):
                if got.confidence > name.confidence:
                    fields.name, fields.name_text = candidate, other
                    mine, other = other, mine
                disagreements.append(("name", mine, other))
        number = fields.number
        if number is not None and number.confidence < _ESCALATE_BELOW:
            got = self._escalation.read_line(line_crop(screen.rgb, number.box), "")
            shown = as_number(got.text)
            mine_number = fields.number_text
            if shown is not None and _digits(shown) != _digits(mine_number):
                if got.confidence > number.confidence:
                    fields.number = Line(number.box, got.text, got.confidence)
                    fields.number_text = shown
                    mine_number, shown = shown, mine_number
                disagreements.append(("number", mine_number, shown))
        return disagreements

    def _reread_name(self, screen: Screen, fields: Fields) -> None:
        """Tesseract's Latin script model keeps accents the English model drops.

        A Latin reading that only adds diacritics to the English one wins; otherwise the
        more confident of the readings that agree letter-wise with the English one.
        """
        name = fields.name
        if "Latin" not in self._installed or name is None or name.read_with == "Latin":
            return
        base = fold(name.text)
        choices: list[LineText] = []
        for height in (36, 48):  # the LSTM models were trained on lines about 36 px high
            got = self._ocr.read_line(line_crop(screen.rgb, name.box, height), "Latin")
            prefix, rest = split_bracket_prefix(got.text)
            if prefix is not None:  # "[SPAM?] José García": the label was split off already
                got = LineText(rest, got.confidence)
            if not got.text:
                continue
            if fold(got.text) == base and got.text != name.text:
                choices = [got]
                break
            if Levenshtein.distance(fold(got.text), base) <= 1 + len(base) // 5:
                choices.append(got)
                if got.confidence >= 0.85:
                    break  # a confident reading: the second scale would cost more than it adds
        if not choices:
            return
        got = max(choices, key=lambda c: c.confidence)
        if fold(got.text) != base and got.confidence < name.confidence - 0.03:
            return
        hit = match_label(got.text)
        if hit is not None and not hit.rest:
            return
        text = hit.rest if hit is not None else got.text
        fields.name_text = clean_name(text)
        fields.name = Line(name.box, text, max(got.confidence, name.confidence))

    def _reread_label(self, screen: Screen, fields: Fields) -> None:
        """A label read with a slip ("Potential Soam") is read again with the other model."""
        line = fields.label_line
        if "Latin" not in self._installed or line is None or has_cjk(line.text):
            return
        got = self._ocr.read_line(line_crop(screen.rgb, line.box), "Latin")
        hit = match_label(got.text) if got.text else None
        if hit is not None and hit.score * got.confidence > fields.label_confidence:
            fields.label, fields.label_class = hit.text, hit.label_class
            fields.label_confidence = hit.score * got.confidence


def _digits(text: str | None) -> str:
    return "".join(ch for ch in text or "" if ch.isdigit())


def _drop_paragraphs(boxes: list[Box]) -> list[Box]:
    """Remove runs of 4+ same-height, left-aligned, evenly stacked lines (logs, chat text)."""
    ordered = sorted(boxes, key=lambda b: b.y)
    drop: set[int] = set()
    for i, first in enumerate(ordered):
        run = [i]
        for j in range(i + 1, len(ordered)):
            b, prev = ordered[j], ordered[run[-1]]
            if (
                abs(b.h - first.h) <= 0.25 * first.h
                and abs(b.x - first.x) <= 0.6 * first.h
                and 0 < b.y - prev.y <= 2.4 * first.h
            ):
                run.append(j)
        if len(run) >= 4:
            drop.update(run)
    return [b for k, b in enumerate(ordered) if k not in drop]


def _reading(
    fields: Fields,
    lines: list[Line],
    badges: list[Badge],
    logo: bool,
    logo_conf: float,
    engine: str,
) -> Reading:
    anchors = [ln.box for ln in (fields.name, fields.number) if ln is not None]
    badge_hit = next((b for b in badges for a in anchors if badge_beside(b, a)), None)
    readable = any(ln.text for ln in lines)
    if badge_hit is not None:
        verified, v_conf = Tristate.YES, badge_hit.score
    elif fields.verified_text is not None:
        verified, v_conf = Tristate.YES, fields.verified_text.confidence
    elif readable:
        verified, v_conf = Tristate.NO, 0.7
    else:
        verified, v_conf = Tristate.UNKNOWN, 0.0
    name = fields.name_text or None
    confidence = (
        ("name", round(fields.name.confidence if fields.name else 0.5, 3)),
        ("number", round(fields.number.confidence if fields.number else 0.5, 3)),
        ("spam_label", round(fields.label_confidence if fields.label else 0.6, 3)),
        ("verified", round(v_conf, 3)),
        ("logo", round(logo_conf, 3)),
        ("call_reason", round(fields.reason_confidence if fields.call_reason else 0.5, 3)),
    )
    raw = "\n".join(ln.text for ln in sorted(lines, key=lambda ln: (ln.box.y, ln.box.x)) if ln.text)
    return Reading(
        name=name,
        number=fields.number_text,
        spam_label=fields.label,
        spam_class=fields.label_class,
        verified=verified,
        logo=logo,
        call_reason=fields.call_reason,
        confidence=confidence,
        raw_text=raw,
        engine=engine,
    )
