"""A hostile HTTP server on 127.0.0.1, written on plain sockets: it drips, cuts off, lies and speaks TLS.

Each connection gets the request read (headers and Content-Length body), then the test's `answer` function,
which writes what it likes to the socket. `drip` sends bytes one at a time with a pause, stopping early when the
server closes, so no test waits for a dripping thread.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field


@dataclass
class RawServer:
    port: int
    stopping: threading.Event
    requests: list[bytes] = field(default_factory=list)
    scheme: str = "http"

    def url(self, path: str = "/transcripts") -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def drip(self, connection: socket.socket, data: bytes, every: float) -> None:
        for index in range(len(data)):
            if self.stopping.wait(every):
                return
            try:
                connection.sendall(data[index : index + 1])
            except OSError:
                return  # the client gave up and closed the connection, as it should


Answer = Callable[[RawServer, socket.socket, bytes], None]


@contextmanager
def raw_server(
    answer: Answer, *, tls: ssl.SSLContext | None = None, read_request_first: bool = True
) -> Iterator[RawServer]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)  # closing a socket does not wake a thread blocked in accept()
    server = RawServer(listener.getsockname()[1], threading.Event(), scheme="https" if tls else "http")
    workers: list[threading.Thread] = []

    def serve(connection: socket.socket) -> None:
        try:
            if tls is not None:
                connection = tls.wrap_socket(connection, server_side=True)
            request = read_request(connection) if read_request_first else b""
        except (OSError, ssl.SSLError):
            connection.close()
            return  # a client that refused our certificate, or gave up
        with connection:
            server.requests.append(request)
            with suppress(OSError):
                answer(server, connection, request)

    def accept() -> None:
        while not server.stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.settimeout(None)
            worker = threading.Thread(target=serve, args=(connection,), daemon=True)
            workers.append(worker)
            worker.start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield server
    finally:
        server.stopping.set()
        listener.close()
        acceptor.join(2)
        for worker in workers:
            worker.join(2)


def read_request(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")),
        0,
    )
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def header_value(request: bytes, name: str) -> str | None:
    head = request.partition(b"\r\n\r\n")[0].decode("latin-1")
    for line in head.split("\r\n")[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return None


def respond(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Answer:
    """An ordinary, complete answer."""

    def answer(_server: RawServer, connection: socket.socket, _request: bytes) -> None:
        fields = {"Content-Length": str(len(body)), "Connection": "close", **(headers or {})}
        head = f"HTTP/1.1 {status} Status\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n"
        connection.sendall(head.encode("latin-1") + body)

    return answer
