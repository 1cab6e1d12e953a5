"""One HTTP POST that ends within its time limit, from name lookup and connect to the answer's last byte.

A socket timeout only bounds each read, so a server sending one byte a second never trips it. The request
therefore runs on a helper thread while the caller waits at most the limit; at the limit the caller shuts the
connection's socket down, which ends any read or write in progress at once, and reports a timeout whatever the
helper thread then sees (an end of file mid-body looks like a complete body).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, Timeout
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError, LocationValueError
from urllib3.util import parse_url

# After the limit, how long the helper thread may take to notice its socket was shut down.
_UNWIND_SECONDS = 0.2
_CHUNK = 16 * 1024


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: Mapping[str, str]  # case-insensitive
    body: bytes
    complete: bool  # False when the body was longer than the caller's limit and was cut there


class AnswerBroken(Exception):
    """The answer's status and headers arrived, then its body could not be read (cut off, undecodable)."""

    def __init__(self, status: int, cause: Exception) -> None:
        super().__init__(status, type(cause).__name__)
        self.status = status
        self.cause = cause


class AttemptTimedOut(Exception):
    """The limit passed: before a connection was made, before the answer began, or during its body."""

    def __init__(self, connected: bool, status: int | None) -> None:
        super().__init__(connected, status)
        self.connected = connected
        self.status = status  # the answer's status when its head arrived before the limit


def post(url: str, body: bytes, headers: Mapping[str, str], seconds: float, *, max_body: int) -> HttpAnswer:
    """POST body to url; raises AttemptTimedOut, or urllib3's own error for a failure within the limit."""
    watch = _Watch()
    outcome: list[HttpAnswer | BaseException] = []

    def attempt() -> None:
        try:
            outcome.append(_post(url, body, headers, seconds, max_body, watch))
        except BaseException as exc:  # handed to the caller, never lost on this thread
            outcome.append(exc)
        finally:
            watch.close()

    helper = threading.Thread(target=attempt, name="http-attempt", daemon=True)
    helper.start()
    helper.join(seconds)
    if helper.is_alive():
        connected, status = watch.expire()
        helper.join(_UNWIND_SECONDS)  # a thread stuck in a name lookup is left to finish on its own
        raise AttemptTimedOut(connected, status)
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def _post(
    url: str, body: bytes, headers: Mapping[str, str], seconds: float, max_body: int, watch: _Watch
) -> HttpAnswer:
    parts = parse_url(url)
    if parts.host is None:  # the configuration's check makes this unreachable
        raise LocationValueError("the URL names no host")
    pool_class = _WatchedHTTPSPool if parts.scheme == "https" else _WatchedHTTPPool
    timeout = Timeout(connect=seconds, read=seconds)
    with pool_class(parts.host, parts.port, timeout=timeout, retries=False, maxsize=1, watch=watch) as pool:
        response = pool.urlopen(
            "POST",
            parts.request_uri,
            body=body,
            headers=dict(headers),
            retries=False,
            redirect=False,  # a redirected POST would arrive as a GET without the transcript
            assert_same_host=False,
            preload_content=False,
            release_conn=False,
        )
        watch.answered(response.status)
        data = bytearray()
        try:
            while len(data) <= max_body:
                chunk = response.read(_CHUNK, decode_content=True)
                if not chunk:
                    break
                data += chunk
        except (HTTPError, OSError) as exc:
            raise AnswerBroken(response.status, exc) from exc
        finally:
            response.close()
    return HttpAnswer(response.status, response.headers, bytes(data[:max_body]), len(data) <= max_body)


class _Watch:
    """Holds a duplicate of the connection's socket so the caller can shut the connection down at the limit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._expired = False
        self._connected = False
        self._status: int | None = None

    def attach(self, sock: socket.socket) -> None:
        # A duplicate stays valid when TLS takes the original over, and its number is not reused while held.
        with self._lock:
            if self._expired:
                sock.close()
                raise TimeoutError("the time limit passed while connecting")
            self._socket = sock.dup()
            self._connected = True

    def answered(self, status: int) -> None:
        with self._lock:
            if not self._expired:  # after the limit, a head cut short by the shutdown does not count
                self._status = status

    def expire(self) -> tuple[bool, int | None]:
        """Shut the connection down; returns whether it was connected and the status that had arrived."""
        with self._lock:
            self._expired = True
            if self._socket is not None:
                with suppress(OSError):  # already closed by the other side
                    self._socket.shutdown(socket.SHUT_RDWR)
            return self._connected, self._status

    def close(self) -> None:
        with self._lock:
            if self._socket is not None:
                self._socket.close()
                self._socket = None


class _WatchedHTTPConnection(HTTPConnection):
    def __init__(self, *args: Any, watch: _Watch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watch = watch

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self._watch.attach(sock)
        return sock


class _WatchedHTTPSConnection(HTTPSConnection):
    def __init__(self, *args: Any, watch: _Watch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watch = watch

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self._watch.attach(sock)
        return sock


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection
