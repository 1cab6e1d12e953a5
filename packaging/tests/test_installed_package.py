"""The installed package: its fonts, menu entry and metadata, installing beside another apt, and removal."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from installed import APP_ID, DEB, PROGRAM, REPOSITORY, arthur, png_size

import arthur_desktop

# As apt holds them while it works: the package lists' lock (apt-get update) and dpkg's front-end lock (install).
HOLD_DPKG_LOCK = """
import fcntl, sys, time
locks = [open(path, "w") for path in ("/var/lib/apt/lists/lock", "/var/lib/dpkg/lock-frontend")]
for lock in locks:
    fcntl.lockf(lock, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(float(sys.argv[1]))
"""


@pytest.mark.parametrize(
    ("script", "letter"),
    [("Latin", "É"), ("Han", "雷"), ("Hangul", "김"), ("Kana", "さ"), ("Arabic", "ع"), ("Hebrew", "ש"),
     ("Devanagari", "अ"), ("Thai", "ก"), ("Greek", "Ω"), ("Cyrillic", "Ж"), ("Bengali", "আ"), ("Tamil", "த")],
)  # fmt: skip
def test_the_fonts_the_package_depends_on_draw_names_in_any_script(script: str, letter: str) -> None:
    fonts = subprocess.run(
        ["fc-list", f":charset={ord(letter):x}", "family"], capture_output=True, text=True, check=True
    ).stdout

    assert fonts.strip(), f"no installed font draws {script} ({letter})"


def test_the_menu_entry_icon_and_metadata_are_installed_and_valid() -> None:
    entry = Path(f"/usr/share/applications/{APP_ID}.desktop")
    metainfo = Path(f"/usr/share/metainfo/{APP_ID}.metainfo.xml")

    subprocess.run(["desktop-file-validate", str(entry)], check=True)
    subprocess.run(["appstreamcli", "validate", "--no-net", str(metainfo)], check=True, capture_output=True)
    text = entry.read_text("utf-8")
    assert f"Icon={APP_ID}\n" in text
    assert "Exec=arthur-desktop\n" in text
    assert Path("/usr/share/icons/hicolor/scalable/apps", f"{APP_ID}.svg").is_file()
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert png_size(Path(f"/usr/share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png")) == (size, size)
    assert f'<release version="{arthur_desktop.__version__}"' in metainfo.read_text("utf-8")


def test_installing_waits_for_another_apt_holding_its_locks() -> None:
    with subprocess.Popen([sys.executable, "-c", HOLD_DPKG_LOCK, "4"], stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        started = time.monotonic()
        result = subprocess.run(
            [str(REPOSITORY / "scripts" / "apt-install.sh"), "--reinstall", f"./{DEB.relative_to(REPOSITORY)}"],
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            timeout=600,
        )
        waited = time.monotonic() - started

    assert result.returncode == 0, result.stderr
    assert waited >= 3
    assert "apt-install: another apt or dpkg is running; waiting for it to finish" in result.stderr


@pytest.fixture
def reinstall_afterwards() -> Iterator[None]:
    yield
    subprocess.run([str(REPOSITORY / "scripts" / "apt-install.sh"), f"./{DEB.relative_to(REPOSITORY)}"], check=True)


@pytest.mark.usefixtures("reinstall_afterwards")
def test_removing_and_purging_the_package_leave_the_users_database_config_and_transcripts(home: Path) -> None:
    arthur(home, "end-chat", "2")
    users_files = {path: path.read_bytes() for path in home.rglob("*") if path.is_file()}
    assert {path.name for path in users_files} >= {"arthur.db", "config.toml", "1.txt"}

    for action in ("--remove", "--purge"):
        subprocess.run(["dpkg", action, "arthur-desktop"], check=True, capture_output=True)

        assert not Path("/opt/arthur-desktop").exists()
        assert not Path(PROGRAM).exists()
        assert {path: path.read_bytes() for path in home.rglob("*") if path.is_file()} == users_files
