"""Length-prefixed JSON messages between the grading processes.

Every message is a 4-byte big-endian length followed by that many bytes of UTF-8 JSON. A reader
refuses any message longer than its limit, so a misbehaving peer cannot make the reader hold
more than one limit's worth of memory.
"""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

HEADER = struct.Struct(">I")


class WireError(Exception):
    """The peer sent something that is not a well-formed message within the limit."""


def encode(message: Any) -> bytes:
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return HEADER.pack(len(body)) + body


def send(sock: socket.socket, message: Any) -> None:
    sock.sendall(encode(message))


def recv(sock: socket.socket, limit: int) -> Any:
    """The next message from a blocking socket, or None at end of stream."""
    header = _read_exactly(sock, HEADER.size, allow_eof=True)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if size > limit:
        raise WireError(f"message of {size} bytes is over the limit of {limit}")
    return _decode(_read_exactly(sock, size, allow_eof=False))


def _read_exactly(sock: socket.socket, size: int, *, allow_eof: bool) -> bytes | None:
    chunks = []
    remaining = size
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            if allow_eof and remaining == size:
                return None
            raise WireError("the peer closed the connection in the middle of a message")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _decode(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WireError(f"malformed message: {exc}") from exc


class FrameReader:
    """Incremental decoder for a non-blocking socket: feed it bytes, take whole messages."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Any]:
        self._buffer.extend(data)
        messages = []
        while len(self._buffer) >= HEADER.size:
            (size,) = HEADER.unpack_from(self._buffer)
            if size > self.limit:
                raise WireError(f"message of {size} bytes is over the limit of {self.limit}")
            if len(self._buffer) < HEADER.size + size:
                break
            body = bytes(self._buffer[HEADER.size : HEADER.size + size])
            del self._buffer[: HEADER.size + size]
            messages.append(_decode(body))
        return messages

    @property
    def partial(self) -> bool:
        """Whether bytes of an unfinished message are waiting."""
        return bool(self._buffer)
