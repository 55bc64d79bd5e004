"""Property-based tests (hypothesis) for what people type or upload: the national number, dates,
and the caseload import. Whatever comes in, the answer is a value or a Dutch message, never a crash."""

import contextlib
import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from caseload.importer import parse_date, plan_import
from caseload.reader import UnreadableFile, read_table
from clients.national_number import MESSAGES, birth_date_of, compact, display, validate_national_number

DUTCH_MESSAGES = {str(message) for message in MESSAGES.values()}
MANY = settings(max_examples=500, deadline=None)
WITH_DATABASE = settings(max_examples=150, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@st.composite
def national_numbers(draw):
    """A valid rijksregisternummer (or BIS number): birth date, serial, mod-97 check digits."""
    born = draw(st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(2025, 12, 31)))
    serial = draw(st.integers(min_value=1, max_value=997))
    bis = draw(st.sampled_from([0, 20, 40]))
    body = f"{born:%y}{born.month + bis:02d}{born:%d}{serial:03d}"
    base = int(("2" if born.year >= 2000 else "") + body)
    return body + f"{97 - base % 97:02d}", born, bis


@MANY
@given(national_numbers())
def test_a_valid_number_is_accepted_shown_and_read_back(case):
    number, born, bis = case
    validate_national_number(number)
    assert compact(display(number)) == number
    if not bis:
        assert birth_date_of(number) == born


def check_digits_hold(number, century_2000):
    base = int(("2" if century_2000 else "") + number[:9])
    return 97 - base % 97 == int(number[9:])


@MANY
@given(national_numbers(), st.integers(min_value=0, max_value=10), st.integers(min_value=1, max_value=9))
def test_one_mistyped_digit_is_caught_by_the_check_digits(case, position, change):
    """Mod 97 catches every single wrong digit; the only typos that pass are numbers that happen to
    be valid for the other century (the scheme allows both), which hypothesis found: 00010100105
    typed as 06010100105 is a valid number of someone born on 1 January 1906."""
    number, born, _bis = case
    typo = number[:position] + str((int(number[position]) + change) % 10) + number[position + 1:]
    assert not check_digits_hold(typo, born.year >= 2000)
    try:
        validate_national_number(typo)
    except ValidationError:
        return
    assert check_digits_hold(typo, born.year < 2000)


@MANY
@given(st.text(max_size=30))
def test_any_text_as_national_number_is_accepted_or_refused_in_dutch(text):
    try:
        validate_national_number(text)
    except ValidationError as error:
        assert error.messages[0] in DUTCH_MESSAGES
    else:
        assert len(compact(text)) == 11


class DateForm(forms.Form):
    date = forms.DateField()


@MANY
@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_a_date_as_counsellors_type_it_comes_back_the_same(day):
    for typed in (f"{day:%d/%m/%Y}", f"{day:%d-%m-%Y}", f"{day:%d.%m.%Y}", day.isoformat()):
        form = DateForm({"date": typed})
        assert form.is_valid() and form.cleaned_data["date"] == day
    assert parse_date(f"{day:%d/%m/%Y}") == day


@MANY
@given(st.text(max_size=20))
def test_any_text_as_a_date_is_a_date_or_a_dutch_message(text):
    form = DateForm({"date": text})
    if not form.is_valid():
        assert form.errors["date"][0] in ("Dit veld is verplicht.", "Voer een geldige datum in.")
    with contextlib.suppress(ValueError):
        assert isinstance(parse_date(text.strip()), datetime.date)


@MANY
@given(st.binary(max_size=2000))
def test_any_uploaded_bytes_are_read_or_refused_with_a_reason(content):
    try:
        table = read_table(content, "upload.csv")
    except UnreadableFile as error:
        assert str(error)
    else:
        assert isinstance(table.header, list) and isinstance(table.rows, list)


CELLS = st.one_of(st.text(max_size=15), st.sampled_from([
    "85.07.30-033.28", "85073003328", "12345678901", "twe", "nazorg", "werk", "lopend", "01/02/2024",
    "2024-13-45", "0403.170.701", "", ";", '"', "=1+1"]))


@pytest.mark.django_db
@WITH_DATABASE
@given(st.lists(st.lists(CELLS, min_size=1, max_size=8), min_size=1, max_size=6), st.sampled_from([";", ","]))
@example(rows=[["\r0"]], delimiter=";")  # found by hypothesis: a bare carriage return crashed the reader
@example(rows=[['"85.07.30-033.28', "Jonas"]], delimiter=";")  # an unclosed quote
def test_any_caseload_file_is_planned_or_refused_row_by_row_in_dutch(world, rows, delimiter):
    header = ["rijksregisternummer", "voornaam", "achternaam", "trajecttype", "startdatum", "status"]
    lines = [delimiter.join(header)] + [delimiter.join(cell.replace("\n", " ") for cell in row) for row in rows]
    try:
        plan = plan_import(world.menen, "\n".join(lines).encode(), "caseload.csv")
    except UnreadableFile as error:
        assert str(error)
        return
    for problem in plan.problems:
        assert problem.message and str(problem.message) == str(problem.message).strip()
    assert plan.valid == (not plan.problems)
