"""`TesseractReader`: the default `ScreenReader`, from screenshot bytes to a `Reading`.

Steps: normalise the image and downscale it once; find the call's controls and, from them
(and the handset's hint), the call surface and the part of the screen to read; find badge
discs, text lines and the avatar slot there; drop what is no caller text (paragraphs of an
app, captions of the controls); OCR the few lines left in-process (the caller's name with the
Latin script model, which keeps accents; Chinese and Japanese lines with their packs); give
lines their roles; merge with the page source when the handset gave one.

Reading is blind: nothing the scenario expects steers it. Where two readings disagree (a
second OCR engine, or the page source), both are kept and the field is marked uncertain.
Given the number's logo, the avatar slot is compared with it and reported apart.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
from rapidfuzz.distance import Levenshtein

from robot.domain.model import Reading, Surface, Tristate
from robot.domain.names import fold, split_bracket_prefix
from robot.ports import ReadRequest
from robot.screen import langs
from robot.screen.controls import Control, find_controls
from robot.screen.diacritics import marks_unexplained
from robot.screen.fields import (
    Fields,
    Line,
    as_number,
    assign,
    clean_name,
    is_screen_word,
    plausible_name,
)
from robot.screen.hanzi import MARGIN as _SCRIPT_MARGIN
from robot.screen.hanzi import script_score
from robot.screen.image import SMALL, Screen, load_screen
from robot.screen.ink import ink_of
from robot.screen.labels import match_label, match_phrase
from robot.screen.lines import Box, find_big_text, find_lines, line_crop
from robot.screen.logo import load_logo, logo_matches
from robot.screen.marks import (
    Badge,
    avatar_candidates,
    badge_beside,
    find_badges,
    inside,
    is_logo,
    pick_avatar,
)
from robot.screen.ocr import CachedOcr, LineOcr, LineText, default_ocr, installed_languages
from robot.screen.pagesource import merge_page_source
from robot.screen.surface import Found, find_surface
from robot.screen.vocab import all_badge_colours, has_cjk, profile, vocabulary

_MAX_LINES = 9  # the caller's block rarely has more; the tallest lines are read first
_RETRY_BELOW = 0.75
_TITLE_SURE = 0.9  # a title the fast pack reads less surely is read with the name pack
_CJK_BELOW = 0.75
_ESCALATE_BELOW = 0.7
_SMALL_CLOCK = 32  # px: the second height a lock screen's clock is read at


class TesseractReader:
    """Reads call screens with Tesseract; one instance reuses its OCR engines across screens
    and may be shared by several threads."""

    def __init__(
        self,
        ocr: LineOcr | None = None,
        escalation: LineOcr | None = None,
        *,
        cache: bool = True,
        workers: int = 1,
    ) -> None:
        """`escalation` (e.g. `RapidOcrLine`) re-reads the name and number Tesseract was
        unsure of and every Chinese or Japanese line; `cache` remembers the text of recently
        seen line crops (see `CachedOcr`); `workers` > 1 reads the lines of one screen on that
        many threads (less wall time, more memory; leave 1 where screens are already read in
        parallel)."""
        if workers < 1:
            raise ValueError("workers must be 1 or more")
        engine: LineOcr = ocr or default_ocr()
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
        reading = self._read_screen(screen, request, ladder, logo)
        if request.page_source:
            reading = merge_page_source(reading, request.page_source, request.dialer)
        return reading

    def _read_screen(
        self,
        screen: Screen,
        request: ReadRequest,
        ladder: langs.Ladder,
        expected_logo: np.ndarray | None,
    ) -> Reading:
        controls = find_controls(screen)
        found = find_surface(screen, controls, request.surface_hint, request.dialer)
        prof = profile(request.dialer)
        colours = prof.badge_colours if prof and prof.badge_colours else all_badge_colours()
        badges = find_badges(screen.small, found.region, colours, screen.small_hsv, screen.rgb)
        # only the controls of this call: a red word or a patch of colour elsewhere that paired
        # with another is no control, and masking it would cut the line it is in
        control_boxes = [c.box for c in found.controls if _overlaps(c.box, found.region)]
        boxes = find_lines(screen.small, found.region, [b.box for b in badges] + control_boxes)
        places = avatar_candidates(screen.small, found.region, boxes, control_boxes)
        places = [p for p in places if not any(_glyph_of(screen.small, b, p) for b in boxes)]
        boxes = [_beside_avatar(b, places) for b in boxes if not any(inside(b, p) for p in places)]
        boxes = _drop_captions(_drop_paragraphs(boxes), controls.all())
        boxes = _drop_glyphs(boxes)
        chosen = sorted(boxes, key=lambda b: -b.h)[:_MAX_LINES]
        name_box = chosen[0] if chosen else None

        def read(box: Box) -> Line:
            return self._read_line(screen, box, ladder, box == name_box)

        ordered = sorted(chosen, key=lambda b: b.y)
        lines = list(self._pool.map(read, ordered)) if self._pool else [read(b) for b in ordered]
        _one_script(lines)
        _hanzi_by_strokes(screen, lines)
        _screen_words_read_by_any_pack(lines)
        _labels_read_by_any_pack(lines)
        second_engine = _Tally(self._escalation) if self._escalation is not None else None
        first_reading = self._escalate_cjk(screen, lines, second_engine) if second_engine else {}
        fields = assign([ln for ln in lines if ln.text], bare_reason=request.dialer is not None)
        if fields.name is not None and fields.name.read_with != langs.NAME_PACK:
            self._reread_name(screen, fields, ladder)
        if (
            fields.label_line is not None
            and fields.label_confidence < 0.95 * fields.label_line.confidence
        ):
            self._reread_label(screen, fields, ladder)
        engine = self._ocr.name
        second: list[tuple[str, str | None, str | None]] = []
        if second_engine is not None:
            second = _cjk_disagreements(fields, first_reading)
            second += self._escalate(screen, fields, second_engine)
            if second_engine.lines:  # the engines that read this screen, not those on hand
                engine = f"{self._ocr.name}+{second_engine.engine.name}"
        surface = self._surface(screen, found, fields, lines, controls.answer, ladder)
        slot = pick_avatar(places, screen.height)
        logo, logo_conf = is_logo(screen.rgb, slot)
        reading = _reading(fields, lines, badges, logo, logo_conf, engine, surface)
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

    def _read_line(self, screen: Screen, box: Box, ladder: langs.Ladder, title: bool) -> Line:
        """One OCR pass per line with the fast pack, and another only where it is needed.

        The title line (most often the caller's name) is read again with the Latin script
        model when the fast pack was unsure of it or the picture shows accents the fast pack
        dropped; another Latin-script line read with low confidence is read again with it; a
        line that may be Chinese or Japanese is read with those packs, and their reading is
        kept only when it is mostly in that script and surer.
        """
        crop = line_crop(screen.rgb, box)
        readings: dict[str, tuple[str, float]] = {}
        best = self._ocr.read_line(crop, ladder.latin)
        fast = best
        used = ladder.latin
        if (
            title
            and ladder.name
            and as_number(best.text) is None
            and (best.confidence < _TITLE_SURE or marks_unexplained(crop, best.text))
        ):
            # a name the fast pack was unsure of, or with accents it drops: the Latin
            # script model reads names best
            got = self._name_read(screen, box, crop, best, ladder.name)
            if got.text:
                best, used = got, ladder.name
        red_text, red_band = ink_of(screen.small, box)
        # red letters are a label's, never a name's: red words the Latin reading makes no
        # label of may be a Chinese or Japanese one ("ESA BIE" at 0.54 for 推销电话)
        red_unread = red_text and match_label(best.text, warning=True, red_text=True) is None
        latin_sure = _latin_words(best) and _same_letters(fast.text, best.text)
        if (
            ladder.cjk
            and (not latin_sure or red_unread)
            and (best.confidence < _CJK_BELOW or _two_letters(best.text))
        ):
            latin = best.confidence
            for pack in ladder.cjk:
                got = self._ocr.read_line(crop, pack)
                if not has_cjk(got.text):
                    if pack == ladder.cjk[0]:
                        # the first pack saw no Chinese or Japanese character at all: an icon
                        # or a photo's edge, which the other packs would read as one or two
                        # stray glyphs, at ~25 ms each
                        break
                    continue
                readings[pack] = (got.text, got.confidence)
                # a Latin reading is unsure of CJK text; the first pack (the locale's) keeps
                # its reading unless a later one is surer: Simplified, Traditional and
                # Japanese share many glyphs
                if not _mostly_cjk(got.text):
                    # a number after its type word ("手機 800-8"), which the Latin pack reads
                    # as a stray letter or two before the digits
                    if (
                        as_number(got.text) is not None
                        and as_number(best.text) is None
                        and got.confidence > best.confidence
                    ):
                        best, used = got, pack
                    continue  # else a stray mark read as a Chinese character on a Latin line
                if used not in (ladder.latin, ladder.name):
                    bar = best.confidence + 0.03
                else:
                    bar = latin - 0.1
                if got.confidence > bar:
                    best, used = got, pack
        if ladder.name and used == ladder.latin and best.confidence < _RETRY_BELOW and box.h >= 20:
            # also after the CJK packs found no Chinese or Japanese text: a Latin line read
            # unsurely ("Noémie Brilé", 0.46) is read again with the Latin script model
            got = self._ocr.read_line(crop, ladder.name)
            if got.text and got.confidence > best.confidence:
                best, used = got, ladder.name
        if ladder.name and used in (ladder.latin, ladder.name):
            style = (red_text or red_band, red_text)
            best, used = self._near_label(crop, best, used, ladder, style)
        if (red_text or red_band) and best.confidence < _RETRY_BELOW and box.h >= 40:
            # a label on a tight pill: the line found is the pill with its rim, and the
            # rim's colour leaves the letters no contrast; read inside the pill instead
            inset = Box(
                box.x + box.h // 2, box.y + box.h // 5, box.w - box.h, box.h - 2 * (box.h // 5)
            )
            if inset.w >= inset.h:
                got = self._ocr.read_line(line_crop(screen.rgb, inset), ladder.latin)
                if got.text and got.confidence > best.confidence:
                    # the text's own size, not the pill's, for the roles (a pill is no title)
                    best, used, box = got, ladder.latin, inset
        return Line(
            box,
            best.text,
            best.confidence,
            read_with=used,
            warning=red_text or red_band,
            red_text=red_text,
            readings=readings,
        )

    def _name_read(
        self, screen: Screen, box: Box, crop: np.ndarray, fast: LineText, pack: str
    ) -> LineText:
        """The title read with the Latin script model, which now and then drops an accented
        letter whole, surely ("Joo Conceição" at 0.90 where the fast pack read "Joao"):
        where a word of its reading is the fast pack's word less one letter, the line is
        read again at smaller scales, and a reading that drops fewer is kept."""
        got = self._ocr.read_line(crop, pack)
        dropped = _letters_dropped(fast.text, got.text)
        if not dropped:
            return got
        default = min(48, max(32, box.h))
        for height in (default * 3 // 4, default * 2 // 3):  # Tesseract's slips vary with scale
            again = self._ocr.read_line(line_crop(screen.rgb, box, max(24, height)), pack)
            fewer = _letters_dropped(fast.text, again.text)
            if again.text and fewer < dropped:
                got, dropped = again, fewer
            if not dropped:
                break
        return got

    def _near_label(
        self,
        crop: np.ndarray,
        best: LineText,
        used: str,
        ladder: langs.Ladder,
        style: tuple[bool, bool],
    ) -> tuple[LineText, str]:
        """A Latin line one slip beyond a label's budget ("Potential Soam": a 4-letter word
        gets none) is read again with the other Latin pack, and that reading is kept when it
        is a label within the budget. Either pack misreads a letter now and then, surely
        (0.92), and rarely the same one; without this the line is the caller's name and the
        label is lost. A look-alike name ("Robin Caller") that the other pack reads as
        itself stays a name: the budget that decides is unchanged."""
        warning, red_text = style
        if (
            has_cjk(best.text)
            or match_label(best.text, warning=warning, red_text=red_text) is not None
            or match_label(best.text, warning=warning, red_text=red_text, slack=1) is None
        ):
            return best, used
        other = ladder.latin if used == ladder.name else ladder.name
        assert other is not None
        got = self._ocr.read_line(crop, other)
        if match_label(got.text, warning=warning, red_text=red_text) is not None:
            return got, other
        return best, used

    def _reread_name(self, screen: Screen, fields: Fields, ladder: langs.Ladder) -> None:
        """A name that was not the tallest line, with marks the fast pack cannot explain, is
        read again with the Latin script model, which keeps the accents the fast packs drop."""
        name = fields.name
        if name is None or ladder.name is None or has_cjk(name.text):
            return
        crop = line_crop(screen.rgb, name.box)
        if not marks_unexplained(crop, name.text):
            return  # no accent the fast pack could have dropped
        got = self._ocr.read_line(crop, ladder.name)
        if not got.text or (fold(got.text) != fold(name.text) and got.confidence < name.confidence):
            return
        _, rest = split_bracket_prefix(got.text)
        fields.name = Line(
            name.box,
            rest,
            max(got.confidence, name.confidence),
            read_with=ladder.name,
            warning=name.warning,
        )
        fields.name_text = clean_name(rest)

    def _reread_label(self, screen: Screen, fields: Fields, ladder: langs.Ladder) -> None:
        """A label read with a slip ("Potential Soam": spam or scam?) is read again with the
        other Latin pack; the closer match wins."""
        line = fields.label_line
        if line is None or has_cjk(line.text) or ladder.name is None:
            return
        other = ladder.latin if line.read_with == ladder.name else ladder.name
        got = self._ocr.read_line(line_crop(screen.rgb, line.box), other)
        hit = match_label(got.text, warning=line.warning, red_text=line.red_text)
        if hit is not None and hit.score * got.confidence > fields.label_confidence:
            fields.label, fields.label_class = hit.text, hit.label_class
            fields.label_confidence = hit.score * got.confidence

    def _surface(
        self,
        screen: Screen,
        found: Found,
        fields: Fields,
        lines: list[Line],
        answer: tuple[Control, ...],
        ladder: langs.Ladder,
    ) -> Surface:
        """The surface found, refined by what was read: a slider to answer or a big clock
        under a card means the lock screen; a call timer without answer controls, a call
        already up."""
        vocab = vocabulary()
        if any(match_phrase(ln.text, vocab.lock_words) for ln in lines if ln.text):
            return Surface.LOCK_SCREEN
        if found.panel and self._clock_below(screen, found.region, ladder):
            return Surface.LOCK_SCREEN
        if found.surface is Surface.FULL_SCREEN and fields.in_call and not answer:
            return Surface.IN_CALL
        return found.surface

    def _clock_below(self, screen: Screen, panel: Box, ladder: langs.Ladder) -> bool:
        """A lock screen's big clock right under a card or banner."""
        top = panel.bottom + 8
        area = Box(0, top, screen.width, max(1, int(0.5 * screen.height) - top))
        if area.h < 60:
            return False
        tall = [
            b
            for b in find_big_text(screen.small, area, int(0.04 * screen.height))
            if b.w <= 0.8 * screen.width and abs(b.cx - screen.width / 2) <= 0.15 * screen.width
        ]
        if not tall:
            return False
        box = min(tall, key=lambda b: b.y)
        # a clock's thin strokes at the usual 48 px are faint hairlines Tesseract misreads
        # ("5d" for 5:04); brought down to 32 px they are strokes like a body text's
        return any(
            _clock_digits(self._ocr.read_line(line_crop(screen.rgb, box, h), ladder.latin).text)
            for h in (None, _SMALL_CLOCK)
        )

    def _escalate_cjk(
        self, screen: Screen, lines: list[Line], escalation: _Tally
    ) -> dict[int, str]:
        """Chinese and Japanese lines read again with the second engine, before roles are given.

        Tesseract's Chinese and Japanese packs misread glyphs of some fonts surely (ほ as は or
        はほ, 淑 as 激, 詐騙 as 诈骗 at 0.85 and more), so their confidence cannot tell when to
        escalate: every line they read as mostly Chinese or Japanese is re-read, and the second
        engine's reading replaces it when it is also mostly in that script and surer. Returns
        Tesseract's text of each replaced line, by the line's id, to report the disagreement.
        """
        replaced: dict[int, str] = {}
        for line in lines:
            if not _mostly_cjk(line.text):
                continue
            got = escalation.read_line(line_crop(screen.rgb, line.box), "")
            if not _mostly_cjk(got.text) or got.confidence <= line.confidence:
                continue
            if fold(got.text) != fold(line.text):
                replaced[id(line)] = line.text
            line.text, line.confidence = got.text, got.confidence
        return replaced

    def _escalate(
        self, screen: Screen, fields: Fields, escalation: _Tally
    ) -> list[tuple[str, str | None, str | None]]:
        """Re-read the name and number lines Tesseract was unsure of with the second engine.

        Where the two engines agree, the reading is surer; where they disagree, the surer
        reading is kept and both are returned as a disagreement (the field is uncertain).
        """
        disagreements: list[tuple[str, str | None, str | None]] = []
        name = fields.name
        if name is not None and name.confidence < _ESCALATE_BELOW:
            got = escalation.read_line(line_crop(screen.rgb, name.box), "")
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
            got = escalation.read_line(line_crop(screen.rgb, number.box), "")
            shown = as_number(got.text)
            mine_number = fields.number_text
            if shown is not None and _digits(shown) != _digits(mine_number):
                if got.confidence > number.confidence:
                    fields.number = Line(number.box, got.text, got.confidence)
                    fields.number_text = shown
                    mine_number, shown = shown, mine_number
                disagreements.append(("number", mine_number, shown))
        return disagreements


class _Tally:
    """The second engine as one screen's reading uses it, counting the lines it gave a reading
    of: the reading names the engines that read it, and the second one reads doubtful lines
    only (and loads only then, robot.screen.escalate; one that could not load reads nothing)."""

    def __init__(self, engine: LineOcr) -> None:
        self.engine = engine
        self.lines = 0

    def read_line(self, crop: np.ndarray, lang: str) -> LineText:
        got = self.engine.read_line(crop, lang)
        self.lines += bool(got.text)
        return got


_SAME_LETTERS = 0.75
_DECISIVE = 0.5  # summed shape correlation: six times the margin `closer_script` needs
_DECISIVE_FLOOR = 0.3
_LATIN_WORD = re.compile(r"[^\W\d_]{3,}")


def _latin_words(got: LineText) -> bool:
    """Words a Latin-script model read with fair confidence: the line is no CJK text (which
    a Latin model reads as a few capitals and symbols, unsure)."""
    words = [w for w in _LATIN_WORD.findall(got.text) if not has_cjk(w)]
    return got.confidence >= 0.5 and (len(words) >= 2 or any(len(w) >= 6 for w in words))


def _same_letters(fast: str, latin: str) -> bool:
    """Whether the two Latin models read about the same letters in a line (accents, case and
    a slip or two aside). Kanji and kana are no Latin text: each model makes its own capitals
    of them ("aFRRO REL)" and "FERO REU" for 詐欺の疑い), and the surer of the two readings
    can be fair (0.62) where the other is not (0.25)."""
    a, b = (re.sub(r"[^a-z]", "", fold(t)) for t in (fast, latin))
    return a == b or Levenshtein.normalized_similarity(a, b) >= _SAME_LETTERS


def _letters_dropped(fast: str, latin: str) -> int:
    """How many words of `latin` are the word of `fast` in the same place with one letter
    less, accents aside ("Joo" for "Joao"); 0 when the two do not have the same words."""
    a, b = fold(fast).split(), fold(latin).split()
    if len(a) != len(b):
        return 0
    return sum(
        len(x) == len(y) + 1 and Levenshtein.distance(x, y, score_cutoff=1) == 1
        for x, y in zip(a, b, strict=True)
    )


def _two_letters(text: str) -> bool:
    """A reading of two Latin letters at most and nothing else: what a Latin model makes of
    two Chinese characters ("RE" for 來電), sure of it; no caller is named so."""
    letters = [ch for ch in text if ch.isalpha()]
    return 0 < len(letters) <= 2 and not any(ch.isdigit() for ch in text)


def _one_script(lines: list[Line]) -> None:
    """A screen is in one script. Where several packs read its Chinese-script lines, the
    winner is chosen for the whole screen: their confidences alone cannot tell 寿 from 壽
    (the Traditional model reads Simplified glyphs confidently as Traditional ones), but the
    Simplified model is only sure of Simplified text, and kana are only Japanese."""
    read = [ln for ln in lines if ln.readings]
    if not read or len({p for ln in read for p in ln.readings}) < 2:
        return
    pack = _script_pack(read)
    for line in read:
        text, confidence = line.readings.get(pack, ("", 0.0))
        if line.read_with in line.readings and text and confidence >= 0.5:
            line.text, line.confidence, line.read_with = text, confidence, pack


def _hanzi_by_strokes(screen: Screen, lines: list[Line]) -> None:
    """Where both Chinese packs read a line, the reading whose glyphs the picture shows wins
    (`closer_script`), line by line: a screen may mix the scripts (a carrier app's label in
    Simplified on a Traditional phone)."""
    for line in lines:
        simplified, traditional = line.readings.get("chi_sim"), line.readings.get("chi_tra")
        if not simplified or not traditional or line.read_with not in ("chi_sim", "chi_tra"):
            continue  # one script read, or the line is Latin or Japanese
        score = script_score(line_crop(screen.rgb, line.box), simplified[0], traditional[0])
        if score is None or abs(score) < _SCRIPT_MARGIN:
            continue
        pack, other = ("chi_tra", "chi_sim") if score > 0 else ("chi_sim", "chi_tra")
        text, confidence = line.readings[pack]
        if abs(score) >= _DECISIVE and confidence >= _DECISIVE_FLOOR:
            # a reading the picture shows by a wide margin is kept though its pack was unsure
            # of it (骚扰电话 at 0.33 by chi_sim, 騷擾電話 at 0.64 by chi_tra, the picture -2.2
            # for Simplified): the glyphs were compared with the picture one by one, and the
            # other pack was as sure of the same characters in its own script
            confidence = max(confidence, line.readings[other][1])
        if confidence >= 0.5:
            line.text, line.confidence, line.read_with = text, confidence, pack


def _screen_words_read_by_any_pack(lines: list[Line]) -> None:
    """A line one of the Chinese or Japanese packs reads as a screen word ("着信", "來電") is
    that word, whichever pack the screen's script chose: screen words are a closed list, and
    the packs differ in the glyphs they share (着/著) more than in anything a caller is named."""
    vocab = vocabulary()
    for line in lines:
        if not line.readings or is_screen_word(line.text, vocab):
            continue
        for pack, (text, confidence) in line.readings.items():
            if confidence >= 0.6 and is_screen_word(text, vocab):
                line.text, line.confidence, line.read_with = text, confidence, pack
                break


def _labels_read_by_any_pack(lines: list[Line]) -> None:
    """A line whose reading shows no label, but which one of the Chinese or Japanese packs
    reads surely as holding a whole label phrase of the vocabulary, is that label, whichever
    pack the screen's script chose: a carrier's or an app's label may be in another script
    than the phone (推销电话 on a Japanese screen, which the Japanese pack reads as 推消申括).
    A reading one glyph off a phrase already gives the label in the script it was read in."""
    for line in lines:
        if not line.readings or _cjk_label_score(line, line.text) > 0:
            continue
        for pack, (text, confidence) in line.readings.items():
            if confidence >= 0.6 and _cjk_label_score(line, text) >= _WHOLE_PHRASE:
                line.text, line.confidence, line.read_with = text, confidence, pack
                break


_WHOLE_PHRASE = 0.9  # match_label's score for a CJK phrase found whole in the line


def _cjk_label_score(line: Line, text: str) -> float:
    if not has_cjk(text):
        return 0.0
    hit = match_label(text, warning=line.warning, red_text=line.red_text)
    return hit.score if hit is not None else 0.0


# kana only: the katakana middle dot (U+30FB, "電話・now") is used in Chinese text too
_KANA = re.compile(r"[\u3040-\u309f\u30a0-\u30fa\u30fc-\u30ff]")


def _script_pack(read: list[Line]) -> str:
    # lines no pack could read (an icon, a photo) say nothing about the script
    read = [ln for ln in read if max(c for _, c in ln.readings.values()) >= 0.7] or read

    def mean(pack: str) -> float:
        got = [ln.readings[pack][1] for ln in read if pack in ln.readings]
        return sum(got) / len(got) if got else 0.0

    # in the order the packs were tried (the locale's first): a set's order changes from one
    # run to the next, and two packs can tie to the hundredth
    packs = list(dict.fromkeys(p for ln in read for p in ln.readings))
    if "jpn" in packs and any(
        _KANA.search(ln.readings["jpn"][0]) and ln.readings["jpn"][1] >= 0.6
        for ln in read
        if "jpn" in ln.readings
    ):
        return "jpn"
    if "chi_sim" in packs and mean("chi_sim") >= 0.75:
        return "chi_sim"

    def typical(pack: str) -> float:
        # the median: one line a pack could not read at all (an icon beside the words,
        # read at 0.0) must not hand the screen to another script
        got = [ln.readings[pack][1] for ln in read if pack in ln.readings]
        return statistics.median(got) if got else 0.0

    return max(packs, key=typical)


def _cjk_disagreements(
    fields: Fields, first_reading: dict[int, str]
) -> list[tuple[str, str | None, str | None]]:
    """The name and label whose Chinese or Japanese line the second engine read otherwise:
    (field, value kept, value Tesseract's reading of the line gives)."""
    out: list[tuple[str, str | None, str | None]] = []
    name = fields.name
    if name is not None and id(name) in first_reading:
        other = clean_name(split_bracket_prefix(first_reading[id(name)])[1])
        if fold(other or "") != fold(fields.name_text or ""):
            out.append(("name", fields.name_text, other))
    line = fields.label_line
    if line is not None and id(line) in first_reading:
        hit = match_label(first_reading[id(line)], warning=line.warning, red_text=line.red_text)
        label = hit.text if hit is not None else None
        if label != fields.label:
            out.append(("spam_label", fields.label, label))
    return out


def _clock_digits(text: str) -> bool:
    """A clock's time, allowing for big thin digits half misread ("1U:0/"): two digits and a
    colon, or mostly digits."""
    text = text.replace(" ", "")
    digits = sum(ch.isdigit() for ch in text)
    return digits >= 2 and (":" in text or "." in text or digits >= 0.6 * len(text))


def _mostly_cjk(text: str) -> bool:
    chars = [ch for ch in text if not ch.isspace()]
    return bool(chars) and sum(bool(has_cjk(ch)) for ch in chars) >= 0.5 * len(chars)


def _digits(text: str | None) -> str:
    return "".join(ch for ch in text or "" if ch.isdigit())


def _drop_glyphs(boxes: list[Box]) -> list[Box]:
    """One glyph or an icon alone is no caller text, unless it ends a line wrapped over it
    ("…标记为诈" / "骗")."""
    kept = []
    for box in boxes:
        wrapped = any(
            0 <= box.y - o.bottom <= 0.6 * o.h and o.x <= box.cx <= o.right and o.w > 2 * box.w
            for o in boxes
        )
        if box.w >= 1.4 * box.h or wrapped:
            kept.append(box)
    return kept


_GLYPH_GAP = 0.35  # of the line's height: wider than the space between two glyphs


def _glyph_of(small: np.ndarray, line: Box, place: Box) -> bool:
    """Whether an avatar candidate is a glyph of a text line: a big, dense Chinese or Japanese
    character (泰, 寿 at 84 px) is as square and as filled as a letter avatar. It stands on
    the line's rows, as tall as the line, and the line's ink goes on next to it after no more
    than a glyph's spacing; an avatar keeps a wider gap to the name beside it (the line finder
    joins them only row by row, `_merge_rows`). Cutting the line at such a "slot" dropped the
    name's first or last character, and the slot was then reported as a logo."""
    if not (
        0.7 * line.h <= place.h <= 1.15 * line.h
        and place.y >= line.y - 0.1 * line.h
        and place.bottom <= line.bottom + 0.1 * line.h
        and line.x <= place.x + 2
        and place.right <= line.right + 2
        and line.w >= 1.8 * place.w  # the line goes on past the glyph: not the avatar alone
    ):
        return False
    y0, y1 = line.y // SMALL, max(line.y // SMALL + 1, line.bottom // SMALL)
    rows = small[y0:y1, line.x // SMALL : line.right // SMALL]
    if rows.size == 0:
        return False
    grey = cv2.cvtColor(np.ascontiguousarray(rows), cv2.COLOR_RGB2GRAY) if rows.ndim == 3 else rows
    grad = cv2.morphologyEx(grey, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    ink = np.flatnonzero((grad >= 48).any(axis=0))  # columns with ink, from the line's left
    left, right = (place.x - line.x) // SMALL, (place.right - line.x) // SMALL
    gap = _GLYPH_GAP * line.h / SMALL
    after = ink[ink > right]
    before = ink[ink < left - 1]
    return bool(
        (after.size and after[0] - right <= gap) or (before.size and left - before[-1] <= gap)
    )


def _beside_avatar(box: Box, places: list[Box]) -> Box:
    """A line that ran into an avatar beside it, cut back to where the avatar ends: text is
    never drawn over the avatar."""
    for place in places:
        rows = min(box.bottom, place.bottom) - max(box.y, place.y)
        if rows < 0.5 * box.h:
            continue
        if place.x <= box.x < place.right < box.right:
            box = Box(place.right, box.y, box.right - place.right, box.h)
        elif box.x < place.x < box.right <= place.right:
            box = Box(box.x, box.y, place.x - box.x, box.h)
    return box


def _overlaps(box: Box, region: Box) -> bool:
    return min(box.right, region.right) > max(box.x, region.x) and min(
        box.bottom, region.bottom
    ) > max(box.y, region.y)


def _drop_captions(boxes: list[Box], controls: list[Control]) -> list[Box]:
    """Words under or over a call control, centred on it (its caption, "Remind Me" above
    the decline disc), are the control's, not the caller's."""
    kept = []
    for box in boxes:
        caption = False
        for control in controls:
            c = control.box
            centred = abs(box.cx - c.cx) <= 0.6 * c.w and box.w <= 3 * c.w
            small = box.h <= 0.3 * c.h
            below = 0 <= box.y - c.bottom <= 0.6 * c.h
            above = 0 <= c.y - box.bottom <= 1.3 * c.h
            if centred and small and (below or above) and control.shape == "disc":
                caption = True
                break
        if not caption:
            kept.append(box)
    return kept


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
    surface: Surface,
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
        surface=surface,
    )


__all__ = ["LineText", "TesseractReader"]
