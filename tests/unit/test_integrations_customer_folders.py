import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrations.customer_folders import MAX_FOLDER_NAME_BYTES, customer_folder_name

WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"com{n}" for n in range(1, 10)} | {f"lpt{n}" for n in range(1, 10)}


def assert_single_safe_component(name: str) -> None:
    assert name
    assert name not in (".", "..")
    assert "/" not in name
    assert "\\" not in name
    assert not any(unicodedata.category(character).startswith("C") for character in name)
    assert not name.endswith((".", " "))
    assert name.split(".")[0].lower() not in WINDOWS_RESERVED
    assert len(name.encode("utf-8")) <= MAX_FOLDER_NAME_BYTES


@pytest.mark.parametrize(
    ("customer_name", "folder_name"),
    [
        ("Customer A", "customer-a"),
        ("John", "john"),
        ("Zoë", "zoë"),
        ("Zoe\u0308", "zoë"),  # the decomposed spelling lands in the same folder
        ("李小龙", "李小龙"),
        ("  Mary-Jane   O'Neil!! ", "mary-jane-o-neil"),
        ("ÅSA STRAßE", "åsa-strasse"),
        ("\uff26\uff55\uff4c\uff4c\u3000\uff37\uff49\uff44\uff54\uff48", "full-width"),  # full-width forms
        ("../../etc/passwd", "etc-passwd"),
        ("C:\\Windows\\System32", "c-windows-system32"),
        ("a\x00b\nc\td", "a-b-c-d"),
    ],
)
def test_names_become_readable_lowercase_folder_names(customer_name: str, folder_name: str) -> None:
    assert customer_folder_name(customer_name) == folder_name


@pytest.mark.parametrize("customer_name", ["", "   ", "!!!", ".", "..", "/", "\\", "\x00", "🙂🙂"])
def test_names_without_letters_or_digits_get_a_stable_hashed_fallback(customer_name: str) -> None:
    folder_name = customer_folder_name(customer_name)

    assert folder_name.startswith("customer-")
    assert len(folder_name) == len("customer-") + 8
    assert folder_name == customer_folder_name(customer_name)


def test_different_symbol_only_names_get_different_fallbacks() -> None:
    assert customer_folder_name("!!!") != customer_folder_name("???")


@pytest.mark.parametrize("customer_name", ["CON", "con", "Prn", "aux", "NUL", "com1", "COM9", "lpt5", "Con."])
def test_windows_reserved_names_are_suffixed(customer_name: str) -> None:
    folder_name = customer_folder_name(customer_name)

    assert folder_name != customer_name.lower().rstrip(".")
    assert folder_name.startswith(customer_name.lower().rstrip(".") + "-")
    assert_single_safe_component(folder_name)


def test_a_reserved_name_with_an_extension_is_not_reserved_once_the_dot_is_gone() -> None:
    assert customer_folder_name("con.txt") == "con-txt"


def test_long_names_are_cut_on_a_character_boundary_and_stay_distinct() -> None:
    common = "龙" * 200

    first = customer_folder_name(common + " first")
    second = customer_folder_name(common + " second")

    assert first != second
    assert len(first.encode("utf-8")) <= MAX_FOLDER_NAME_BYTES
    assert first.startswith("龙" * 30)
    assert_single_safe_component(first)


def test_a_name_exactly_at_the_limit_is_kept_whole() -> None:
    name = "a" * MAX_FOLDER_NAME_BYTES

    assert customer_folder_name(name) == name


@given(st.text())
def test_any_text_becomes_one_safe_component(customer_name: str) -> None:
    assert_single_safe_component(customer_folder_name(customer_name))


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_names_a_folder_that_can_be_created_directly_inside_the_parent(customer_name: str) -> None:
    # A TemporaryDirectory per example: pytest's tmp_path is shared by every example of one test.
    with tempfile.TemporaryDirectory() as parent_text:
        parent = Path(parent_text)
        folder = parent / customer_folder_name(customer_name)

        assert folder.resolve().parent == parent.resolve()
        folder.mkdir()
        assert folder.is_dir()
        assert [entry.name for entry in parent.iterdir()] == [folder.name]
