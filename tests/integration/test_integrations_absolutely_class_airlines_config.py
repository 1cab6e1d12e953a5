"""The Absolutely Class Airlines settings: output_folder is checked, expanded and created up front."""

from pathlib import Path

import pytest

from integrations.absolutely_class_airlines import AbsolutelyClassAirlinesIntegration, from_config
from integrations.base import IntegrationConfigError
from integrations.registry import create_integration


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


def test_a_home_relative_output_folder_is_expanded_and_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))

    integration = from_config({"output_folder": "~/aca-transcripts"}, {})

    assert integration.output_folder == tmp_path / "aca-transcripts"
    assert integration.output_folder.is_dir()
    assert list(integration.output_folder.iterdir()) == []


def test_the_registry_builds_the_folder_integration(tmp_path: Path) -> None:
    integration = create_integration("absolutely_class_airlines", {"output_folder": str(tmp_path)}, {})

    assert isinstance(integration, AbsolutelyClassAirlinesIntegration)
    assert integration.client == "absolutely_class_airlines"
    assert integration.describe() == f"Absolutely Class Airlines folder · {tmp_path}"
