"""One HTTP POST with requests that ends within its time limit, from name lookup and connect to the last byte.

A socket timeout only bounds each read, so a server sending one byte a second never trips it. The request
therefore runs on a helper thread while the caller waits at most the limit; at the limit the caller shuts the
connection's socket down, which ends any read or write in progress at once, and reports a timeout whatever the
helper thread then sees (an end of file mid-body looks like a complete body). requests opens the connection
through a pool manager of ours whose connections hand their socket to the caller's watch.

requests itself retries nothing (the caller does) and follows no redirect. It trusts what the system trusts
(ssl.create_default_context: the system's store, or the files SSL_CERT_FILE and SSL_CERT_DIR name) and the bundle
REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE names; never the certifi bundle requests carries. SSL_CERT_FILE and
REQUESTS_CA_BUNDLE both count because many machines set both, often to the same file: one hiding the other would
surprise whoever set it for this program.
"""

from __future__ import annotations

import os
import socket
import ssl
import threading
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError

# After the limit, how long the helper thread may take to notice its socket was shut down.
_UNWIND_SECONDS = 0.2
_CHUNK = 16 * 1024
_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


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


class CertificateBundleUnreadable(Exception):
    """REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE names a bundle that cannot be read."""

    def __init__(self, variable: str, path: str, cause: OSError) -> None:
        super().__init__(variable, path, type(cause).__name__)
        self.variable = variable
        self.path = path
        self.cause = cause


def post(url: str, body: bytes, headers: Mapping[str, str], seconds: float, *, max_body: int) -> HttpAnswer:
    """POST body to url; raises AttemptTimedOut, or requests' own error for a failure within the limit."""
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
    tls = trusted_certificates() if urlsplit(url).scheme.lower() == "https" else None
    with requests.Session() as session:
        # Nothing from the environment behind our back (no proxy, no .netrc password); the trust is chosen above.
        session.trust_env = False
        adapter = _WatchedAdapter(watch, tls)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        response = session.post(
            url,
            data=body,
            headers=dict(headers),
            auth=_HeadersAsGiven(),
            timeout=(seconds, seconds),
            allow_redirects=False,  # a redirected POST would arrive as a GET without the transcript
            stream=True,
        )
        with response:
            watch.answered(response.status_code)
            data = bytearray()
            try:
                for chunk in response.iter_content(_CHUNK):
                    data += chunk
                    if len(data) > max_body:
                        break
            except (requests.RequestException, HTTPError, OSError) as exc:
                raise AnswerBroken(response.status_code, exc) from exc
    return HttpAnswer(response.status_code, response.headers, bytes(data[:max_body]), len(data) <= max_body)


def trusted_certificates() -> ssl.SSLContext:
    """The system's certificate store, and the bundle REQUESTS_CA_BUNDLE (or else CURL_CA_BUNDLE) names."""
    context = ssl.create_default_context()  # the system's store, or what SSL_CERT_FILE and SSL_CERT_DIR name
    variable = next((name for name in _BUNDLE_VARIABLES if os.environ.get(name)), None)
    if variable is not None and not _is_system_store(os.environ[variable]):
        path = os.environ[variable]
        try:
            if Path(path).is_dir():
                context.load_verify_locations(capath=path)
            else:
                context.load_verify_locations(cafile=path)
        except OSError as exc:  # ssl.SSLError too: a file that holds no certificate
            raise CertificateBundleUnreadable(variable, path, exc) from exc
    return context


def _is_system_store(path: str) -> bool:
    """Loaded already: many machines point REQUESTS_CA_BUNDLE at the system's bundle (loading it takes ~40 ms)."""
    system = ssl.get_default_verify_paths()
    with suppress(OSError):
        return any(Path(store).samefile(path) for store in (system.cafile, system.capath) if store)
    return False


class _HeadersAsGiven(AuthBase):
    """Keeps the caller's Authorization header: without an auth, requests would put the URL's user info there."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


class _WatchedAdapter(HTTPAdapter):
    """No retries of its own, the given trust, and connections that hand their socket to the watch."""

    def __init__(self, watch: _Watch, tls: ssl.SSLContext | None) -> None:
        self._watch = watch
        self._tls = tls
        super().__init__(pool_connections=1, pool_maxsize=1, max_retries=0)

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)  # records the settings requests keeps
        if self._tls is not None:
            pool_kwargs["ssl_context"] = self._tls
        self.poolmanager = _WatchedPoolManager(
            self._watch, num_pools=connections, maxsize=maxsize, block=block, **pool_kwargs
        )

    def cert_verify(self, conn: Any, url: Any, verify: Any, cert: Any) -> None:
        """Certificates are required and checked by the SSL context alone: requests would add certifi's to it."""


class _WatchedPoolManager(PoolManager):
    def __init__(self, watch: _Watch, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}
        self._watch = watch

    def _new_pool(
        self, scheme: str, host: str, port: int, request_context: dict[str, Any] | None = None
    ) -> HTTPConnectionPool:
        context = dict(self.connection_pool_kw if request_context is None else request_context)
        context["watch"] = self._watch  # a pool passes the keywords it does not know on to its connections
        return super()._new_pool(scheme, host, port, context)


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


class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
    """The same watch; TLS from HTTPSConnection, which comes after it in the method order."""


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection
