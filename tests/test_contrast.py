"""WCAG 2.1 contrast: the ratio itself, the pairs a design draws, and the built-in audiences."""

from __future__ import annotations

import pytest

from briefgen.audience import load_audiences, search_path
from briefgen.contrast import contrast_ratio, is_large, relative_luminance, shortfalls
from briefgen.design import theme
from briefgen.style import style_from_dict


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("#000000", "#FFFFFF", 21.0),
        ("#FFFFFF", "#000000", 21.0),
        ("#777777", "#FFFFFF", 4.48),
        ("#1F4E79", "#1F4E79", 1.0),
    ],
)
def test_the_ratio_is_wcag_21s(first, second, ratio):
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.005)


def test_luminance_uses_the_srgb_curve_not_a_straight_line():
    assert relative_luminance("#000000") == 0 and relative_luminance("#ffffff") == pytest.approx(1)
    assert relative_luminance("#808080") == pytest.approx(0.2158605)


def test_large_text_is_18_points_or_14_bold():
    design = theme(style_from_dict({}))
    assert is_large(design.title)  # about 22.6 pt bold
    assert not is_large(design.body)
    assert is_large(design.heading(1)) == (design.heading(1).size >= 14)


def test_every_built_in_audience_passes():
    for audience in load_audiences(None, search_path(None)):
        assert shortfalls(audience.theme) == [], audience.name
        assert audience.warnings == ()


def test_a_grey_just_below_45_fails_for_small_text_and_every_use_is_named():
    found = shortfalls(theme(style_from_dict({"colours": {"muted": "#777777"}})))
    on_paper = next(s for s in found if s.background == "#FFFFFF")
    assert on_paper.text == "#777777" and on_paper.needed == 4.5
    assert "the running header and footer on the page" in on_paper.uses
    assert "4.48:1, below the 4.5:1" in on_paper.describe()


def test_a_light_accent_fails_under_the_white_title_band_text_only_at_the_large_text_ratio():
    # #8AA6C1 gives white text 2.5:1: below 3:1, so even the large title fails
    found = shortfalls(theme(style_from_dict({"colours": {"accent": "#8AA6C1"}})))
    band = next(s for s in found if s.text == "#FFFFFF")
    assert band.background == "#8AA6C1"
    assert "the title on the title band" in band.uses and "table header cells" in band.uses
    assert band.needed == 4.5  # the kicker and header cells are small text
    # #5A7EA6 gives white 4.3:1: enough for the large title, not for the small kicker
    found = shortfalls(theme(style_from_dict({"colours": {"accent": "#5A7EA6"}})))
    band = next(s for s in found if s.text == "#FFFFFF")
    assert "the title on the title band" not in band.uses and "the kicker on the title band" in band.uses


def test_a_dark_box_fill_fails_for_the_default_text_colour_on_it():
    found = shortfalls(theme(style_from_dict({"colours": {"box": "#333333"}})))
    assert any(s.text == "#1A1A1A" and s.background == "#333333" and "body text in boxes" in s.uses for s in found)
