"""Programs the bundle starts (a file manager, a browser) get the user's environment, not the bundle's paths."""

from __future__ import annotations

import pytest

from arthur_desktop.bundle import give_children_the_users_environment, is_bundle

BUNDLE = "/opt/arthur-desktop/_internal"


def test_the_bundles_library_path_is_removed_when_the_user_had_none() -> None:
    environ = {"LD_LIBRARY_PATH": BUNDLE, "QT_PLUGIN_PATH": f"{BUNDLE}/PySide6/Qt/plugins", "HOME": "/home/ann"}

    give_children_the_users_environment(environ, BUNDLE)

    assert environ == {"HOME": "/home/ann"}


def test_the_users_own_library_path_comes_back() -> None:
    environ = {
        "LD_LIBRARY_PATH": f"{BUNDLE}:/usr/local/lib/vendor",
        "LD_LIBRARY_PATH_ORIG": "/usr/local/lib/vendor",
        "QML2_IMPORT_PATH": f"{BUNDLE}/PySide6/Qt/qml",
    }

    give_children_the_users_environment(environ, BUNDLE)

    assert environ == {"LD_LIBRARY_PATH": "/usr/local/lib/vendor"}


@pytest.mark.parametrize("value", ["/usr/lib/qt6/plugins", f"{BUNDLE}-other/plugins", f"{BUNDLE}:/usr/lib/qt6/plugins"])
def test_paths_that_are_not_only_the_bundles_are_left_alone(value: str) -> None:
    environ = {"QT_PLUGIN_PATH": value, "LD_LIBRARY_PATH": value}

    give_children_the_users_environment(environ, BUNDLE)

    assert environ == {"QT_PLUGIN_PATH": value, "LD_LIBRARY_PATH": value}


def test_a_venv_is_not_a_bundle() -> None:
    assert not is_bundle()
