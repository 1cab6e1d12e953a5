import pytest

from integrations.base import IntegrationConfigError, TranscriptIntegration
from integrations.registry import INTEGRATIONS, create_integration


def test_both_clients_are_registered() -> None:
    assert sorted(INTEGRATIONS) == ["absolutely_class_airlines", "savage_rentals"]


def test_an_unknown_client_is_refused_listing_the_known_ones() -> None:
    with pytest.raises(IntegrationConfigError) as error:
        create_integration("x", {}, {})

    assert error.value.key == "client"
    assert error.value.message == "unknown client 'x'; expected one of: absolutely_class_airlines, savage_rentals"


def test_the_built_integration_satisfies_the_protocol() -> None:
    integration = create_integration("savage_rentals", {"api_url": "https://crm.example/t"}, {})

    assert isinstance(integration, TranscriptIntegration)
    assert integration.describe() == "Savage Rentals API · https://crm.example/t"


def test_the_client_key_in_a_section_is_not_reported_as_unknown(caplog: pytest.LogCaptureFixture) -> None:
    section = {"client": "savage_rentals", "api_url": "https://crm.example/t", "colour": "red"}

    create_integration("savage_rentals", section, {})

    assert caplog.messages == ["Ignoring unknown savage_rentals settings: colour"]


def test_a_misspelt_optional_setting_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    create_integration("savage_rentals", {"api_url": "https://crm.example/t", "timeout": 3}, {})

    assert caplog.messages == ["Ignoring unknown savage_rentals settings: timeout"]
