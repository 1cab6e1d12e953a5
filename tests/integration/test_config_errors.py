"""A config file that cannot be read or names no client: one line naming the file, exit code 1, nothing ended."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from arthur_desktop.cli.main import main

NOBODY = 65534
REPOSITORY = Path(__file__).resolve().parents[2]

# Runs in its own interpreter: gives up root for the unprivileged user nobody, then runs the CLI.
CLI_AS_NOBODY = """
import os, sys
from arthur_desktop.cli.main import main
os.setgroups([])
os.setgid(65534)
os.setuid(65534)
sys.exit(main(sys.argv[1:]))
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def chats_in_progress(capsys: pytest.CaptureFixture[str], sqlite_url: str) -> list[str]:
    code, out, _ = run(capsys, "--database-url", sqlite_url, "chats", "--status", "in-progress", "--format", "csv")
    assert code == 0
    return [line.split(",")[0] for line in out.splitlines()[1:]]


def test_a_config_path_that_is_a_folder_is_one_line_and_ends_nothing(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "config.toml"
    folder.mkdir()
    before = chats_in_progress(capsys, sqlite_url)

    code, out, err = run(capsys, "--database-url", sqlite_url, "--config", str(folder), "end-chat", "2")

    assert (code, out) == (1, "")
    assert err == f"arthur-desktop: error: {folder}: the config file cannot be read (Is a directory).\n"
    assert chats_in_progress(capsys, sqlite_url) == before == ["2"]


@pytest.fixture
def traversable_folder() -> Iterator[Path]:
    """A folder the unprivileged user can reach (pytest's tmp_path is private to root)."""
    if os.geteuid() != 0:
        pytest.skip("needs root, to give up root for the user nobody")
    folder = Path(tempfile.mkdtemp(prefix="arthur-unprivileged-", dir="/tmp"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder)


def test_a_config_the_user_may_not_read_is_one_line_naming_the_file(traversable_folder: Path) -> None:
    config, tmp = traversable_folder / "config.toml", traversable_folder
    config.write_text(f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{tmp}"\n')
    config.chmod(0o600)  # root's own
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPOSITORY),
        "XDG_DATA_HOME": str(traversable_folder / "data"),
        "XDG_STATE_HOME": str(traversable_folder / "state"),
    }
    url = f"sqlite:///{traversable_folder / 'arthur.db'}"

    finished = subprocess.run(
        [sys.executable, "-c", CLI_AS_NOBODY, "--database-url", url, "--config", str(config), "end-chat", "2"],
        cwd=traversable_folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (finished.returncode, finished.stdout) == (1, "")
    assert finished.stderr == f"arthur-desktop: error: {config}: the config file cannot be read (Permission denied).\n"
    assert not (traversable_folder / "arthur.db").exists()  # refused before the database was touched


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ("", "is missing"),
        ('client = ""', "is empty"),
        ("client = 3", "must be the client's name in quotes"),
        ('client = ["savage_rentals"]', "must be the client's name in quotes"),
        ("client = true", "must be the client's name in quotes"),
    ],
)
def test_a_client_that_is_missing_empty_or_not_a_string_is_one_line_naming_the_key(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path, setting: str, problem: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'{setting}\n[savage_rentals]\napi_url = "http://127.0.0.1:1/t"\n')

    code, out, err = run(capsys, "--database-url", sqlite_url, "--config", str(config), "end-chat", "2")

    assert (code, out) == (1, "")
    assert err == (
        f"arthur-desktop: error: {config}: key 'client' {problem}; name the client, e.g. \"savage_rentals\".\n"
    )
    assert chats_in_progress(capsys, sqlite_url) == ["2"]


def test_a_default_config_that_cannot_be_written_is_one_line_naming_it(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_folder = tmp_path / "config-home"
    not_a_folder.write_text("a file where the config folder should be")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(not_a_folder))
    monkeypatch.delenv("ARTHUR_CONFIG", raising=False)
    default = not_a_folder / "arthur-desktop" / "config.toml"

    code, out, err = run(capsys, "--database-url", sqlite_url, "end-chat", "2")

    assert (code, out) == (1, "")
    assert err == f"arthur-desktop: error: {default}: the default config cannot be written (Not a directory).\n"
    assert not_a_folder.read_text() == "a file where the config folder should be"
    assert chats_in_progress(capsys, sqlite_url) == ["2"]


@pytest.mark.parametrize(
    ("setting", "where"),
    [
        ('password = "hunter2-secret"', "password"),
        ('[database]\npassword = "hunter2-secret"', "database.password"),
        ('[database]\nurl = "postgresql://manager:hunter2-secret@db.example/arthur"', "database.url"),
        ('database_url = "postgresql+psycopg://manager:hunter2-secret@db.example/arthur"', "database_url"),
        ('[window]\npgpassword = "hunter2-secret"', "window.pgpassword"),
    ],
)
def test_a_database_password_in_the_config_file_is_refused_in_one_line_that_does_not_repeat_it(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path, setting: str, where: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'client = "absolutely_class_airlines"\n{setting}\n'
        f'[absolutely_class_airlines]\noutput_folder = "{tmp_path / "out"}"\n'
    )
    before = chats_in_progress(capsys, sqlite_url)

    code, out, err = run(capsys, "--database-url", sqlite_url, "--config", str(config), "end-chat", "2")

    assert (code, out, err.count("\n"), "hunter2" in err) == (1, "", 1, False)
    assert f"{config}: key '{where}': a database password does not belong in the config file" in err
    assert "PGPASSWORD" in err and chats_in_progress(capsys, sqlite_url) == before


def test_an_api_url_carrying_its_own_password_is_still_the_clients_business(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('client = "savage_rentals"\n[savage_rentals]\napi_url = "http://user:pw@127.0.0.1:9/t"\n')

    code, _, err = run(capsys, "--database-url", sqlite_url, "--config", str(config), "transcript", "2")

    assert (code, err) == (0, "")
