"""The one CSV format: RFC 4180 line ends and quoting, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.csv_format import csv_text, spreadsheet_safe

FORMULA_STARTS = ("=", "+", "-", "@")


def parsed(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def runs_as_formula(cell: str) -> bool:
    """What spreadsheets do with a cell: a leading tab or CR, or a formula sign after leading whitespace."""
    return cell.startswith(("\t", "\r")) or cell.lstrip().startswith(FORMULA_STARTS)


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1+1", "'\r=1+1"),
        ("  =1+1", "'  =1+1"),
        ("\n@x", "'\n@x"),
        ("Mary-Kate", "Mary-Kate"),
        ("", ""),
    ],
)
def test_text_that_would_run_as_a_formula_gets_an_apostrophe(name: str, written: str) -> None:
    assert spreadsheet_safe(name) == written


def test_lines_end_in_crlf_and_fields_with_comma_quote_cr_or_lf_are_quoted() -> None:
    text = csv_text([["id", "name"], [1, "a,b"], [2, 'say "hi"'], [3, "one\rtwo"], [4, "one\ntwo"], [5, "plain"]])

    assert text == 'id,name\r\n1,"a,b"\r\n2,"say ""hi"""\r\n3,"one\rtwo"\r\n4,"one\ntwo"\r\n5,plain\r\n'


def test_a_customer_named_cr_then_a_formula_stays_in_its_own_cell_as_text() -> None:
    rows = parsed(csv_text([["chat_id", "customer_name"], [7, "\r=1+1"], [8, "Jane"]]))

    assert rows == [["chat_id", "customer_name"], ["7", "'\r=1+1"], ["8", "Jane"]]


def test_numbers_stay_numbers_and_none_is_an_empty_field() -> None:
    assert csv_text([[-5, 2.5, None, True]]) == "-5,2.5,,true\r\n"


@given(st.lists(st.lists(st.text(), min_size=3, max_size=3), max_size=8))
def test_any_text_reads_back_cell_for_cell_and_never_as_a_formula(rows: list[list[str]]) -> None:
    read = parsed(csv_text([["a", "b", "c"], *rows]))

    assert len(read) == len(rows) + 1
    for written, read_row in zip(rows, read[1:], strict=True):
        assert read_row == [spreadsheet_safe(cell) for cell in written]
        assert not any(runs_as_formula(cell) for cell in read_row)
