"""The reader's faster forms of numpy statistics give exactly what numpy gives: a shortcut
that changed a pixel decision would change readings."""

from __future__ import annotations

import numpy as np
import pytest

from robot.screen.controls import _percentile
from robot.screen.image import SMALL
from robot.screen.ink import _far_from
from robot.screen.lines import _column_medians, _distance
from robot.screen.marks import _off_background, _row_medians
from robot.screen.surface import _flood


@pytest.mark.parametrize("samples", [1, 2, 57, 134, 135, 400, 401])
def test_row_medians_are_numpys_medians(samples: int) -> None:
    rng = np.random.default_rng(samples)
    planes = rng.integers(0, 256, (300, samples, 4), dtype=np.uint8)
    planes[:100] = planes[:100] // 64 * 64  # many ties, as flat backgrounds have
    expected = np.median(planes, axis=1).astype(np.uint8)
    assert np.array_equal(_row_medians(planes), expected)


@pytest.mark.parametrize("count", [20, 21, 38, 399, 400, 401, 799])
def test_percentiles_of_sorted_pixels_are_numpys(count: int) -> None:
    rng = np.random.default_rng(count)
    for _ in range(50):
        pixels = rng.integers(0, 256, (count, 3), dtype=np.uint8)
        ordered = np.sort(pixels, axis=0).astype(np.float64)
        for q in (0.2, 0.8):
            assert np.array_equal(_percentile(ordered, q), np.percentile(pixels, 100 * q, axis=0))


@pytest.mark.parametrize("rows", [1, 2, 5, 6])
def test_column_medians_are_numpys_medians(rows: int) -> None:
    rng = np.random.default_rng(rows)
    pixels = rng.integers(0, 256, (rows, 700, 3), dtype=np.uint8)
    expected = np.median(pixels, axis=0).astype(np.uint8)
    assert np.array_equal(_column_medians(pixels), expected)


def test_distance_from_the_background_is_the_largest_channel_difference() -> None:
    rng = np.random.default_rng(5)
    image = rng.integers(0, 256, (90, 800, 3), dtype=np.uint8)
    crop = image[10:70, 30:730]  # a view into the screen, as line crops are
    background = rng.integers(0, 256, (700, 3), dtype=np.uint8)
    expected = np.abs(crop.astype(np.int16) - background[None].astype(np.int16)).max(axis=2)
    assert np.array_equal(_distance(crop, background), expected)


def test_far_from_a_fractional_colour_is_the_float_test() -> None:
    rng = np.random.default_rng(7)
    for _ in range(500):
        crop = rng.integers(0, 256, (6, 25, 3), dtype=np.uint8)
        colour = rng.integers(0, 511, 3) / 2  # medians of an even count end in .5
        expected = np.abs(crop.astype(np.int16) - colour).max(axis=2) > 60
        assert np.array_equal(_far_from(crop, colour, 60), expected)


def test_a_flat_panel_is_flooded_to_its_bounding_box() -> None:
    small = np.full((600, 540, 3), 30, np.uint8)  # a dark app behind
    small[40:200, 20:520] = (235, 235, 240)  # a light card
    small[100:120, 60:300] = 20  # a line of text inside it
    box = _flood(small, (270, 170))
    assert box is not None
    inset = max(2, (519 - 20) // 40)
    assert (box.x, box.y, box.w, box.h) == (
        (20 + inset) * SMALL,
        (40 + 2) * SMALL,
        (519 - 20 + 1 - 2 * inset) * SMALL,
        (199 - 40 - 3) * SMALL,
    )
    small[300:305, 100:105] = 200  # a dot on the app behind: too few pixels to be a panel
    assert _flood(small, (102, 302)) is None


def test_off_background_is_the_four_plane_difference() -> None:
    rng = np.random.default_rng(11)
    planes = [rng.integers(0, 256, (120, 90), dtype=np.uint8) for _ in range(4)]
    background = rng.integers(0, 256, (120, 4), dtype=np.uint8)
    stacked = np.stack(planes, axis=2).astype(np.int16)
    diff = np.abs(stacked - background[:, None, :].astype(np.int16))
    expected = ((diff[:, :, 0] > 18) | (diff[:, :, 1:].max(axis=2) > 40)).astype(np.uint8) * 255
    assert np.array_equal(_off_background(planes, background, (18, 40, 40, 40)), expected)
