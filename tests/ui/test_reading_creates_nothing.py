"""Reading has no side effects: once Arthur Desktop is set up, read-only commands and opening the window make no
file or folder in the user's home; the transcripts folder appears at the first delivery into it."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest

from arthur_desktop.cli.main import main

READ_ONLY = [
    ["performance"],
    ["performance", "--format", "json"],
    ["chats", "--format", "csv"],
    ["user", "1"],
    ["transcript", "2"],
    ["deliveries"],
    ["--help"],
]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A user's home with Arthur Desktop's own default places (no XDG variables) and nothing in them yet."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "ARTHUR_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("ARTHUR_CONFIG", raising=False)
    yield home


def everything_in(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


def run(arguments: list[str]) -> None:
    try:
        code = main(arguments)
    except SystemExit as exit_:  # --help
        code = int(exit_.code or 0)
    assert code == 0, arguments


def set_up(home: Path) -> None:
    """As after the first use: the seeded database and the default config (transcripts in ~/Arthur transcripts)."""
    run(["init-db"])
    config = home / ".config" / "arthur-desktop" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(files("resources").joinpath("default_config.toml").read_text("utf-8"), "utf-8")


def test_read_only_commands_and_the_window_make_nothing_once_set_up(home: Path, tmp_path: Path) -> None:
    set_up(home)
    before = everything_in(home)

    for arguments in READ_ONLY:
        run(arguments)
    run(["--screenshot", str(tmp_path / "window.png")])

    assert everything_in(home) == before
    assert (tmp_path / "window.png").is_file()


def test_the_transcripts_folder_appears_at_the_first_delivery(home: Path) -> None:
    set_up(home)

    run(["end-chat", "2"])

    assert (home / "Arthur transcripts" / "jane" / "1.txt").read_text("utf-8").endswith("seconds to handle.")


def test_on_first_use_only_arthur_desktops_own_folders_are_made(home: Path, tmp_path: Path) -> None:
    """The database (seeded) and the config are made at first use, in the data and config folders; nothing else."""
    run(["performance"])
    run(["--screenshot", str(tmp_path / "window.png")])

    own = [Path(".local/share/arthur-desktop"), Path(".local/state/arthur-desktop"), Path(".config/arthur-desktop")]
    for made in map(Path, everything_in(home)):
        assert any(made in folder.parents or made == folder or folder in made.parents for folder in own), made
    assert not (home / "Arthur transcripts").exists()
