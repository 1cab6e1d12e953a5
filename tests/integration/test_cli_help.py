"""Each command's --help, as a person reads it: its options, their values and what they do.

The expected pages are in cli_help.txt beside this file; after changing a command's options, write them again:
    for c in performance summary trends chats user init-db end-chat transcript deliveries generate \
        db "db status" "db upgrade" "db grant"; do
      echo "$ arthur-desktop $c --help"; COLUMNS=120 .venv/bin/arthur-desktop $c --help; echo
    done > tests/integration/cli_help.txt
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from arthur_desktop.cli.main import main

PAGES = Path(__file__).with_name("cli_help.txt")


def expected_pages() -> dict[str, str]:
    parts = re.split(r"^\$ arthur-desktop (.+) --help\n", PAGES.read_text("utf-8"), flags=re.MULTILINE)
    return {command: page.removesuffix("\n") for command, page in zip(parts[1::2], parts[2::2], strict=True)}


@pytest.mark.parametrize(("command", "page"), sorted(expected_pages().items()))
def test_the_help_of_each_command_names_its_options_and_what_they_do(
    command: str, page: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")

    with pytest.raises(SystemExit) as exit_:
        main([*command.split(), "--help"])

    out, err = capsys.readouterr()
    assert (exit_.value.code, err) == (0, "")
    assert out == page
