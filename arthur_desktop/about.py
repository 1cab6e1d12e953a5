"""Help → About: what Arthur Desktop is, which version, and where its database, config and log are."""

from __future__ import annotations

from html import escape

from arthur_desktop.context import WindowContext
from arthur_desktop.version import program_version, runtime_versions
from arthur_desktop.window_actions import ABOUT
from services.locations import log_file_path

_SQLITE_FILE = "sqlite:///"


def about_text(context: WindowContext) -> str:
    """Rich text for the About box. Reads names only: opening it creates no file or folder (not even the log's)."""
    places = (
        ("Database", database_location(context.database.display_url)),
        ("Config", str(context.config.path)),
        ("Log", str(log_file_path())),
    )
    paragraphs = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in ABOUT.split("\n\n"))
    rows = "".join(f"<tr><td><b>{name}</b>&nbsp;</td><td>{escape(value)}</td></tr>" for name, value in places)
    return f"<h3>{escape(program_version())}</h3>{paragraphs}<table>{rows}</table><p>{escape(runtime_versions())}</p>"


def database_location(display_url: str) -> str:
    """A SQLite file as its path; an in-memory demo as such; a server as its URL (the password already hidden)."""
    if display_url.startswith(_SQLITE_FILE) and len(display_url) > len(_SQLITE_FILE):
        return display_url.removeprefix(_SQLITE_FILE)
    if display_url.startswith("sqlite:"):
        return "in memory (a demo, gone when the window closes)"
    return display_url
