"""Small numbers in a share (reporting.suppression.suppress_rate): a percentage is shown only when
neither its numerator, its denominator nor the rest (their difference) is a small count."""

import pytest

from reporting.suppression import suppress_rate


@pytest.mark.parametrize(("numerator", "denominator", "threshold", "share"), [
    (5, 10, 5, 50),
    (10, 30, 5, 33),
    (0, 10, 5, 0),  # nobody covered: a zero points to nobody
    (10, 10, 5, 100),  # everybody: the rest is zero
    (15, 20, 5, 75),  # the rest, 5, is not small
])
def test_a_share_without_a_small_part_is_shown_in_whole_percent(numerator, denominator, threshold, share):
    assert suppress_rate(numerator, denominator, threshold) == share


@pytest.mark.parametrize(("numerator", "denominator", "threshold"), [
    (3, 10, 5),  # the numerator is small
    (0, 3, 5),  # the denominator is small
    (3, 3, 5),  # both
    (8, 10, 5),  # the rest, 2, is small: 80% of 10 would give it away
    (5, 8, 4),  # the rest, 3, is small under a threshold of 4
    (0, 0, 5),  # nothing to divide
])
def test_a_share_with_a_small_part_is_not_shown(numerator, denominator, threshold):
    assert suppress_rate(numerator, denominator, threshold) is None


def test_the_rule_follows_the_threshold():
    assert suppress_rate(3, 6, 5) is None
    assert suppress_rate(3, 6, 4) is None
    assert suppress_rate(3, 6, 3) == 50
    assert suppress_rate(1, 3, 2) is None and suppress_rate(2, 4, 2) == 50
