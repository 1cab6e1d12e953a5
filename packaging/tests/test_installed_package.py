"""The built artefact, not the sources: the .deb installed by scripts/test-package.sh, run as a desktop runs it.

The program runs in a sandbox with no Python at all: a private mount namespace hides every python executable,
Python's libraries, pyenv, this repository and its venv, and `env -i` leaves PATH=/usr/bin:/bin and HOME. Needs
root (dpkg, mount namespaces).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import arthur_desktop

REPOSITORY = Path(__file__).resolve().parents[2]
PROGRAM = "/usr/bin/arthur-desktop"
APP_ID = "com.edgetier.ArthurDesktop"
DEB = REPOSITORY / "dist" / f"arthur-desktop_{arthur_desktop.__version__}_amd64.deb"
SCREENSHOT_COPY = REPOSITORY / "build" / "package" / "installed-window.png"
# Bind /dev/null over every python program and an empty tmpfs over every place Python lives, in this namespace only.
HIDE_PYTHON = r"""
set -e
for program in /usr/bin/python* /usr/local/bin/python*; do
  if [ -e "$program" ]; then mount --bind /dev/null "$program"; fi
done
for folder in /usr/lib/python3* /usr/local/lib/python3* /root/.pyenv "$HIDDEN_REPOSITORY" "$HIDDEN_PREFIX"; do
  if [ -d "$folder" ]; then mount -t tmpfs -o size=16k tmpfs "$folder"; fi
done
home=$1
shift
if [ -n "$SHOW_ON_DISPLAY" ]; then
  exec env -i PATH=/usr/bin:/bin HOME="$home" LANG=C.UTF-8 DISPLAY="$SHOW_ON_DISPLAY" "$@"
fi
exec env -i PATH=/usr/bin:/bin HOME="$home" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen "$@"
"""
SEED_PERFORMANCE = [
    (1, "Test User 1", 1, 1, 300.0, 300.0),
    (2, "Test User 2", 0, 0, None, None),
    (3, "Test User 3", 2, 0, 390.0, 390.0),
]


@pytest.fixture(scope="module", autouse=True)
def installed() -> None:
    if os.geteuid() != 0:
        pytest.fail("the package tests need root (dpkg, mount namespaces): run scripts/test-package.sh as root")
    status = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Status} ${Version}", "arthur-desktop"], capture_output=True, text=True
    )
    assert status.stdout == f"install ok installed {arthur_desktop.__version__}", "run scripts/test-package.sh"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


def sandbox_command(home: Path, *command: str) -> list[str]:
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", HIDE_PYTHON, "sandbox", str(home), *command]


def sandbox_environment(display: str = "") -> dict[str, str]:
    return {
        "HIDDEN_REPOSITORY": str(REPOSITORY),
        "HIDDEN_PREFIX": sys.prefix,
        "PATH": "/usr/bin:/bin",
        "SHOW_ON_DISPLAY": display,
    }


def sandboxed(home: Path, *command: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        sandbox_command(home, *command), env=sandbox_environment(), capture_output=True, text=True, timeout=timeout
    )


def arthur(home: Path, *arguments: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    result = sandboxed(home, PROGRAM, *arguments, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return result


def test_the_sandbox_has_no_python(home: Path) -> None:
    hunt = (
        "for name in python3 python python3.11; do command -v $name && exit 1; done; "
        "for path in /usr/lib/python3*/os.py /usr/local/lib/python3*/os.py /root/.pyenv/versions; do "
        '  [ -e "$path" ] && echo "$path" && exit 1; '
        "done; "
        "exit 0"
    )

    result = sandboxed(home, "sh", "-c", hunt)

    assert result.returncode == 0, f"Python found in the sandbox: {result.stdout}"


def test_version_reports_the_python_and_pyside6_the_stability_work_proved(home: Path) -> None:
    lines = arthur(home, "--version").stdout.splitlines()

    assert lines[0] == f"arthur-desktop {arthur_desktop.__version__}"
    assert re.fullmatch(r"Python 3\.11\.\d+, PySide6 6\.11\.3, Qt 6\.11\.3", lines[1]), lines[1]
    assert list(home.iterdir()) == []


def test_performance_as_json_gives_the_seed_figures(home: Path) -> None:
    rows = json.loads(arthur(home, "performance", "--format", "json").stdout)

    assert [
        (
            r["user_id"],
            r["name"],
            r["chats_handled"],
            r["chats_in_progress"],
            r["average_handling_seconds"],
            r["median_handling_seconds"],
        )
        for r in rows
    ] == SEED_PERFORMANCE


def test_performance_on_postgresql_gives_the_seed_figures(home: Path) -> None:
    """psycopg's bundled libpq, in the bundle: scripts/test-package.sh runs these tests beside a PostgreSQL server."""
    url = os.environ.get("ARTHUR_TEST_POSTGRES_URL")
    assert url, "run through scripts/test-package.sh, which starts a throwaway PostgreSQL server"

    rows = json.loads(arthur(home, "--database-url", url, "performance", "--format", "json").stdout)

    assert [(r["user_id"], r["chats_handled"], r["median_handling_seconds"]) for r in rows] == [
        (user_id, handled, median) for user_id, _, handled, _, _, median in SEED_PERFORMANCE
    ]


def test_end_chat_delivers_the_transcript_into_a_folder(home: Path) -> None:
    config = home / "arthur.toml"
    out = home / "delivered"
    config.write_text(f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{out}"\n')

    result = json.loads(arthur(home, "--config", str(config), "end-chat", "2", "--format", "json").stdout)

    assert result["status"] == "delivered"
    assert result["path"] == str(out / "jane" / "1.txt")
    text = (out / "jane" / "1.txt").read_text("utf-8")
    assert re.fullmatch(
        r"Chat on 29 Sep 2020 09:02:\n\n\[09:02, Customer\]: Your website is giving me an error\.\n"
        r"\[09:04, Agent\]: Sorry to hear that, what is the error\?\nThis chat took \d+ seconds to handle\.",
        text,
    ), text


def test_the_window_renders_the_seed_data_and_names_in_any_script(home: Path, tmp_path: Path) -> None:
    database = home / "shown.db"
    arthur(home, "--database-url", f"sqlite:///{database}", "init-db")
    add_chat_in_progress(database, customer="Élodie 雷", agent=2)
    png = tmp_path / "window.png"

    arthur(home, "--database-url", f"sqlite:///{database}", "--screenshot", str(png), timeout=90)

    assert png_size(png) == (1280, 800)
    SCREENSHOT_COPY.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(png, SCREENSHOT_COPY)  # for a person to look at: the names must not show as boxes


@pytest.fixture
def x_display() -> Iterator[str]:
    """A real X server (Xvfb), so the window goes through the bundle's xcb platform plug-in."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as announced:
        display = f":{announced.readline().strip()}"
    yield display
    server.terminate()
    server.wait(timeout=10)


def test_on_a_real_display_the_window_has_the_menu_entrys_class_and_our_icon(home: Path, x_display: str) -> None:
    with subprocess.Popen(
        sandbox_command(home, PROGRAM),
        env=sandbox_environment(x_display),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as program:
        try:
            window = wait_for_window(x_display, "Arthur Desktop", program)
            icon = subprocess.run(
                ["xprop", "-display", x_display, "-id", window.split()[0], "_NET_WM_ICON", "_GTK_APPLICATION_ID"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            os.killpg(program.pid, signal.SIGTERM)
            program.wait(timeout=30)

    # WM_CLASS (instance, class): the desktop entry's StartupWMClass is the instance, so the menu finds the window.
    assert '("arthur-desktop" "Arthur Desktop")' in window
    entry = Path(f"/usr/share/applications/{APP_ID}.desktop").read_text("utf-8")
    assert "StartupWMClass=arthur-desktop\n" in entry
    assert f'_GTK_APPLICATION_ID(UTF8_STRING) = "{APP_ID}"' in icon  # GNOME's link to the entry, Wayland's app id
    assert re.findall(r"Icon \((\d+) x \1\)", icon)[:1] == ["16"]  # the taskbar's icon, from the app's own SVG


def wait_for_window(display: str, title: str, program: subprocess.Popen[str], timeout: float = 60) -> str:
    """The xwininfo line of the top-level window whose name starts with title and that has a class, once shown
    (Qt's hidden 1x1 leader window has the app's name but no class)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert program.poll() is None, program.stderr.read() if program.stderr else ""
        tree = subprocess.run(
            ["xwininfo", "-display", display, "-root", "-children"], capture_output=True, text=True
        ).stdout
        for line in tree.splitlines():
            if f'"{title}' in line and '("' in line:
                return line.strip()
        time.sleep(0.2)
    raise AssertionError(f"no window named {title!r} appeared on {display}")


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


def test_every_library_of_the_bundle_is_found_without_python(home: Path) -> None:
    listing = sandboxed(
        home, "sh", "-c", "find /opt/arthur-desktop -name '*.so*' ! -name libqgtk3.so -type f -exec ldd {} + 2>&1"
    ).stdout

    assert "=> /" in listing
    assert "not found" not in listing


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


# As apt holds them while it works: the package lists' lock (apt-get update) and dpkg's front-end lock (install).
HOLD_DPKG_LOCK = """
import fcntl, sys, time
locks = [open(path, "w") for path in ("/var/lib/apt/lists/lock", "/var/lib/dpkg/lock-frontend")]
for lock in locks:
    fcntl.lockf(lock, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(float(sys.argv[1]))
"""


def add_chat_in_progress(database: Path, *, customer: str, agent: int) -> None:
    import sqlite3

    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO chats (created, customer_name, user_id, handle_start, handle_end) "
            "VALUES ('2020-09-29 09:10:00.000000', ?, ?, '2020-09-29 09:11:00.000000', NULL)",
            (customer, agent),
        )
    connection.close()


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height
