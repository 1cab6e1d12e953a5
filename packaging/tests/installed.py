"""Running the installed program as a desktop runs it, in a sandbox with no Python (see conftest.py)."""

from __future__ import annotations

import sqlite3
import struct
import subprocess
import sys
import time
from pathlib import Path

import arthur_desktop

REPOSITORY = Path(__file__).resolve().parents[2]
PROGRAM = "/usr/bin/arthur-desktop"
APP_ID = "com.edgetier.ArthurDesktop"
DEB = REPOSITORY / "dist" / f"arthur-desktop_{arthur_desktop.__version__}_amd64.deb"
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


def add_chat_in_progress(database: Path, *, customer: str, agent: int) -> None:
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
