"""The Absolutely Class Airlines settings: output_folder checked and expanded up front, made at the first delivery."""

import os
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from integrations.absolutely_class_airlines import AbsolutelyClassAirlinesIntegration, from_config
from integrations.base import IntegrationConfigError
from integrations.registry import create_integration
from integrations.transcript import Transcript


def test_an_output_folder_below_a_regular_file_is_refused_naming_output_folder(tmp_path: Path) -> None:
    (tmp_path / "plain-file").write_bytes(b"")

    with pytest.raises(IntegrationConfigError) as error:
        from_config({"output_folder": str(tmp_path / "plain-file" / "transcripts")}, {})

    assert error.value.key == "output_folder"


def test_an_output_folder_that_is_a_file_is_refused_naming_output_folder(tmp_path: Path) -> None:
    (tmp_path / "plain-file").write_bytes(b"")

    with pytest.raises(IntegrationConfigError) as error:
        from_config({"output_folder": str(tmp_path / "plain-file")}, {})

    assert error.value.key == "output_folder"
    assert "not a folder" in error.value.message


@pytest.mark.parametrize("section", [{}, {"output_folder": ""}, {"output_folder": "  "}, {"output_folder": 3}])
def test_a_missing_or_ill_typed_output_folder_is_refused(section: dict[str, object]) -> None:
    with pytest.raises(IntegrationConfigError) as error:
        from_config(section, {})

    assert error.value.key == "output_folder"


def test_a_home_relative_output_folder_is_expanded_and_left_to_the_first_delivery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))

    integration = from_config({"output_folder": "~/aca-transcripts"}, {})

    assert integration.output_folder == tmp_path / "aca-transcripts"
    assert list(tmp_path.iterdir()) == []


def test_the_first_delivery_makes_the_missing_output_folder(tmp_path: Path) -> None:
    integration = from_config({"output_folder": str(tmp_path / "a" / "b")}, {})

    start = datetime(2024, 1, 1, 9, 0)
    receipt = integration.deliver(
        Transcript(7, "Élodie 雷", start, start + timedelta(seconds=60), 60, "[09:00, Élodie 雷] Bonjour")
    )

    assert receipt.path is not None
    assert Path(receipt.path).read_text("utf-8").endswith("This chat took 60 seconds to handle.")
    assert Path(receipt.path).is_relative_to(tmp_path / "a" / "b")


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write in: a read-only file system for root (who ignores permissions), else mode 0500."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() == 0:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)], check=True)
    else:
        folder.chmod(0o500)
    yield folder
    if os.geteuid() == 0:
        subprocess.run(["umount", str(folder)], check=True)
    else:
        folder.chmod(0o700)


def test_a_missing_output_folder_in_a_read_only_folder_is_refused_up_front(read_only_folder: Path) -> None:
    with pytest.raises(IntegrationConfigError) as error:
        from_config({"output_folder": str(read_only_folder / "transcripts")}, {})

    assert error.value.key == "output_folder"
    assert error.value.message.startswith(f"cannot create {read_only_folder / 'transcripts'}: ")
    assert list(read_only_folder.iterdir()) == []


def test_the_registry_builds_the_folder_integration(tmp_path: Path) -> None:
    integration = create_integration("absolutely_class_airlines", {"output_folder": str(tmp_path)}, {})

    assert isinstance(integration, AbsolutelyClassAirlinesIntegration)
    assert integration.client == "absolutely_class_airlines"
    assert integration.describe() == f"Absolutely Class Airlines folder · {tmp_path}"
