"""The installed program, in the sandbox: its commands, its window offscreen and on a real X server."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

from installed import (
    APP_ID,
    PROGRAM,
    REPOSITORY,
    add_chat_in_progress,
    arthur,
    png_size,
    sandbox_command,
    sandbox_environment,
    sandboxed,
    wait_for_window,
)

import arthur_desktop

SCREENSHOT_COPY = REPOSITORY / "build" / "package" / "installed-window.png"
SEED_PERFORMANCE = [
    (1, "Test User 1", 1, 1, 300.0, 300.0),
    (2, "Test User 2", 0, 0, None, None),
    (3, "Test User 3", 2, 0, 390.0, 390.0),
]


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
    """psycopg's bundled libpq and the schema revisions, in the bundle: scripts/test-package.sh runs these tests
    beside a PostgreSQL server, whose administrator brings its schema up to date first."""
    url = os.environ.get("ARTHUR_TEST_POSTGRES_URL")
    assert url, "run through scripts/test-package.sh, which starts a throwaway PostgreSQL server"

    upgraded = arthur(home, "--database-url", url, "db", "upgrade").stdout
    status = arthur(home, "--database-url", url, "db", "status").stdout
    rows = json.loads(arthur(home, "--database-url", url, "performance", "--format", "json").stdout)

    assert upgraded.startswith("Brought the database from revision none") and "(up to date)" in status

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


def test_every_library_of_the_bundle_is_found_without_python(home: Path) -> None:
    listing = sandboxed(
        home, "sh", "-c", "find /opt/arthur-desktop -name '*.so*' ! -name libqgtk3.so -type f -exec ldd {} + 2>&1"
    ).stdout

    assert "=> /" in listing
    assert "not found" not in listing
