"""The yearly report's sentences (reporting.paragraph): what the headline figures say, in Dutch, with
the year before; right with zeros, with hidden counts and with one person."""

import re

from django.utils import translation

from reporting.headline import hide_small_numbers, rate
from reporting.paragraph import paragraph


def figures(followed=0, to_work=0, left=0, leefloners=0, active=0, covered=0, participants=0):
    """A headline (reporting.headline.headline) from its counts."""
    return {"gevolgd": followed, "naar_werk": to_work, "naar_werk_per_100": rate(to_work, followed),
            "leefloon_verlaten": left, "leefloners": leefloners, "activeringsgraad": rate(active, leefloners),
            "gpmi_dekking": rate(covered, leefloners), "evaluaties": rate(0, 0), "deelnemers": participants,
            "ladder": rate(0, 0)}


def text(now, before, year=2024, threshold=5):
    with translation.override("nl"):
        return paragraph(hide_small_numbers(now, threshold), hide_small_numbers(before, threshold), year)


def test_a_normal_year_reads_like_the_schepen_tells_it():
    said = text(figures(83, 46, 30, 120, 96, 84, 25), figures(70, 30, 22, 110, 77, 70, 0))
    assert said == (
        "In 2024 volgde het OCMW 83 mensen in een traject; 46 van hen vonden werk (55 op 100), tegenover 70 mensen "
        "en 30 naar werk in 2023. 30 mensen verlieten het leefloon na een traject, voor werk of een "
        "werkloosheidsuitkering (22 in 2023). Van de 120 leefloners van 2024 was 80 % in activering (een traject, "
        "een GPMI of een groepsmodule; 70 % in 2023) en had 70 % een ondertekend GPMI of een vrijstelling. 25 "
        "mensen namen deel aan een groepsmodule (0 in 2023).")


def test_a_year_of_zeros_says_nobody_and_none():
    said = text(figures(), figures())
    assert said == (
        "In 2024 volgde het OCMW, net als in 2023, niemand in een traject. Niemand verliet het leefloon na een "
        "traject dat dat jaar eindigde (0 in 2023). Het OCMW had in 2024 geen leefloners. Niemand nam in 2024 "
        "deel aan een groepsmodule (0 in 2023).")
    said = text(figures(12, 0, 0, 30, 12, 0, 0), figures())
    assert said.startswith("In 2024 volgde het OCMW 12 mensen in een traject; niemand van hen vond dat jaar werk, "
                           "terwijl het in 2023 niemand volgde.")
    assert "Van de 30 leefloners van 2024 was 40 % in activering (een traject, een GPMI of een groepsmodule) en " \
           "had 0 % een ondertekend GPMI of een vrijstelling." in said


def test_hidden_counts_read_as_fewer_than_and_never_show_the_number():
    said = text(figures(8, 3, 2, 4, 3, 1, 1), figures(4, 1, 0, 0, 0, 0, 0))
    assert said.startswith("In 2024 volgde het OCMW 8 mensen in een traject; minder dan 5 van hen vonden werk, "
                           "tegenover minder dan 5 mensen en minder dan 5 naar werk in 2023.")
    assert "Minder dan 5 mensen verlieten het leefloon" in said
    assert "Het OCMW had in 2024 minder dan 5 leefloners: te weinig om te tonen welk deel ervan in activering was." \
        in said
    assert "Minder dan 5 mensen namen deel aan een groepsmodule" in said
    assert not re.findall(r"(?<![\d<] )\b[1-4]\b(?! \d)", said.replace("2024", "").replace("2023", "")), said


def test_a_part_hidden_to_protect_a_small_rest_is_not_given():
    # 40 of 42 to work: the 2 who did not would follow from the 42, so 40 is not given either.
    said = text(figures(42, 40, 0, 50, 48, 30, 0), figures(42, 20, 0, 50, 25, 30, 0))
    assert "42 mensen in een traject; een niet getoond aantal van hen vonden werk," in said
    assert "40" not in said and "48" not in said
    assert "Van de 50 leefloners van 2024 was op minder dan 5 na iedereen in activering" in said


def test_one_person_is_singular():
    # The council never reads a 1 (the threshold is at least 2), the sentences still read right with exact figures.
    with translation.override("nl"):
        said = paragraph(figures(1, 1, 1, 10, 6, 5, 1), figures(1, 0, 0, 10, 6, 5, 0), 2024)
    assert said.startswith("In 2024 volgde het OCMW 1 persoon in een traject; 1 van hen vond werk (100 op 100), "
                           "tegenover 1 persoon en 0 naar werk in 2023.")
    assert "1 persoon verliet het leefloon na een traject" in said
    assert "1 persoon nam deel aan een groepsmodule (0 in 2023)." in said


def test_the_sentences_are_english_in_english():
    with translation.override("en"):
        said = paragraph(hide_small_numbers(figures(83, 46), 5), hide_small_numbers(figures(70, 30), 5), 2024)
    assert said.startswith("In 2024 the OCMW followed 83 people in a trajectory; 46 of them found work (55 per 100), "
                           "against 70 people and 30 to work in 2023.")
