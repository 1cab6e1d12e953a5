"""What the PostgreSQL server spends during a run: CPU seconds of its processes (read from /proc, so only for a
server on this machine) and the connections it holds (pg_stat_activity), sampled once a second."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sqlalchemy import create_engine, text

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def postmaster_pid(url: str) -> int | None:
    """The server's main process, from postmaster.pid in its data directory; None when it cannot be read here."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            folder = connection.execute(text("SHOW data_directory")).scalar_one()
        return int((Path(folder) / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    finally:
        engine.dispose()


def server_cpu_seconds(pid: int) -> float:
    """The main process's own and reaped children's CPU time, plus that of its live children (the backends)."""
    own = _stat_fields(pid)
    total = sum(int(value) for value in own[11:15])  # utime, stime, cutime, cstime
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if len(fields) > 12 and fields[1] == str(pid):
                total += int(fields[11]) + int(fields[12])
    return total / _CLOCK_TICKS


def _stat_fields(pid: int) -> list[str]:
    """Fields of /proc/PID/stat after the command name (which may hold spaces): state, ppid, ..."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # it ended meanwhile
        return []
    return raw[raw.rindex(")") + 2 :].split()


class ConnectionSampler:
    """Counts the client connections to the run's database once a second, on a thread of its own."""

    def __init__(self, url: str, interval: float = 1.0) -> None:
        self._engine = create_engine(url, pool_size=1, max_overflow=0)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.samples: list[int] = []

    def __enter__(self) -> ConnectionSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._engine.dispose()

    def _sample(self) -> None:
        query = text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        while not self._stop.wait(self._interval):
            with self._engine.connect() as connection:
                self.samples.append(int(connection.execute(query).scalar_one()))
