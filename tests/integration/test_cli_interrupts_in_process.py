"""The CLI stopped by a real SIGTERM or SIGINT mid-delivery, in this very process (the subprocess tests beside it
show the same from outside): the delivery is put back, one line is said, and the exit code is 128 + N."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from test_cli_interrupts import HOLD_SECONDS, SlowApi

from arthur_desktop.cli.main import main
from services.database import open_database
from services.delivery_claims import INTERRUPTED
from services.storage.models import Delivery


@pytest.fixture
def api() -> Iterator[SlowApi]:
    server = SlowApi()
    yield server
    server.close()


def signal_this_process_when_it_arrives(api: SlowApi, signum: int) -> threading.Thread:
    def send() -> None:
        if api.arrived.wait(HOLD_SECONDS):
            os.kill(os.getpid(), signum)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    return sender


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_mid_delivery_puts_it_back_says_one_line_and_restores_the_handlers(
    capsys: pytest.CaptureFixture[str], database_url: str, tmp_path: Path, api: SlowApi, signum: int, code: int
) -> None:
    config = tmp_path / "api.toml"
    config.write_text(f'client = "savage_rentals"\n[savage_rentals]\napi_url = "{api.url}"\nretries = 0\n')
    handler_before = signal.getsignal(signum)
    sender = signal_this_process_when_it_arrives(api, signum)

    returned = main(["--database-url", database_url, "--config", str(config), "end-chat", "2"])
    sender.join()

    out, err = capsys.readouterr()
    assert (returned, out, err) == (code, "", "arthur-desktop: interrupted; delivery 1 is queued for a retry\n")
    database = open_database(database_url)
    with database.unit_of_work() as uow:
        row = uow.session.execute(select(Delivery.status, Delivery.attempts, Delivery.claimed_by, Delivery.error)).one()
    database.dispose()
    assert tuple(row) == ("failed", 1, None, INTERRUPTED)
    assert signal.getsignal(signum) is handler_before
