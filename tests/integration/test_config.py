"""The client configuration file: choosing the integration, and clear errors naming the file and key."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from services.config import load_config
from services.errors import ConfigError


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "arthur.toml"
    path.write_text(text)
    return str(path)


def test_the_folder_client_is_chosen_by_configuration(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{tmp_path}/out"\n',
    )

    config = load_config(path, {})

    assert (config.client, config.integration.client, config.refresh_seconds) == (
        "absolutely_class_airlines",
        "absolutely_class_airlines",
        30,
    )
    assert not (tmp_path / "out").exists()  # made at the first delivery, not by reading the config


def test_the_api_client_reads_its_token_from_the_named_variable(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'client = "savage_rentals"\n[savage_rentals]\napi_url = "https://crm.example/t"\ntoken_env = "SR_TOKEN"\n'
        "[window]\nrefresh_seconds = 5\n",
    )

    config = load_config(path, {"SR_TOKEN": "s3cret-token"})

    assert (config.integration.client, config.refresh_seconds) == ("savage_rentals", 5)
    assert "s3cret-token" not in config.integration.describe() + repr(config.integration)


def test_the_environment_variable_names_the_file_when_no_option_does(tmp_path: Path) -> None:
    path = write(tmp_path, 'client = "savage_rentals"\n[savage_rentals]\napi_url = "https://crm.example/t"\n')

    assert load_config(None, {"ARTHUR_CONFIG": path}).client == "savage_rentals"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("client = ", "not valid TOML"),
        ('[savage_rentals]\napi_url = "https://x"\n', "key 'client'"),
        ('client = "pigeon_post"\n', "key 'client'"),
        ('client = "savage_rentals"\n', "key 'savage_rentals.api_url'"),
        (
            'client = "savage_rentals"\n[savage_rentals]\napi_url = "ftp://x"\n',
            "key 'savage_rentals.api_url'",
        ),
        ('client = "savage_rentals"\nsavage_rentals = 3\n', "[savage_rentals] must be a table"),
        ('client = "absolutely_class_airlines"\n', "key 'absolutely_class_airlines.output_folder'"),
        (
            'client = "savage_rentals"\n[savage_rentals]\napi_url = "https://x"\n[window]\nrefresh_seconds = -1\n',
            "key 'window.refresh_seconds'",
        ),
    ],
)
def test_an_invalid_config_is_one_clear_error_naming_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)

    with pytest.raises(ConfigError) as error:
        load_config(path, {})

    assert str(error.value).startswith(path)
    assert message in str(error.value)


def test_an_unwritable_output_folder_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a folder")
    path = write(
        tmp_path,
        f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{tmp_path}/taken/out"\n',
    )

    with pytest.raises(ConfigError, match=r"absolutely_class_airlines\.output_folder"):
        load_config(path, {})


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(str(tmp_path / "nope.toml"), {})


def test_the_default_config_is_created_from_resources_on_first_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    with caplog.at_level(logging.INFO, logger="services.config"):
        config = load_config(None, {})

    assert caplog.messages == [f"Creating the default config at {config.path}"]
    assert config.path == tmp_path / "config" / "arthur-desktop" / "config.toml"
    assert config.path.read_text().startswith("# Arthur Desktop client configuration.")
    assert config.client == "absolutely_class_airlines"


def test_a_config_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('client = "savage_rentals"  # café'.encode("latin-1"))

    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(str(path), {})


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (
            'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "/tmp/a\\u0000b"\n',
            "absolutely_class_airlines",
        ),
        (
            'client = "savage_rentals"\n[savage_rentals]\napi_url = "https://x"\n[window]\nrefresh_seconds = 9999999\n',
            "window.refresh_seconds",
        ),
    ],
)
def test_unusable_values_are_config_errors(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key):
        load_config(write(tmp_path, text), {})
