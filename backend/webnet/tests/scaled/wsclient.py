"""A minimal blocking WebSocket client (RFC 6455) for the scaled-out suite.

Only what a browser does to follow a job's log: the upgrade with a session cookie and an Origin,
text frames (fragmented or not), answering pings, and the close frame. No library of ours speaks
WebSocket as a client, and the suite must observe Daphne from outside, over a real socket.
"""

import base64
import contextlib
import json
import os
import socket
import struct
from typing import Any


class Closed(Exception):
    """The server closed the connection (code in args[0], None if the socket just dropped)."""


class WebSocket:
    def __init__(self, host: str, port: int, path: str, cookie: str, origin: str) -> None:
        self.sock = socket.create_connection((host, port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: {origin}\r\nCookie: {cookie}\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise Closed(None)
            head += chunk
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status:
            raise Closed(status.decode())

    def _read(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise Closed(None)
            data += chunk
        return data

    def _frame(self) -> tuple[int, bool, bytes]:
        first, second = self._read(2)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self._read(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._read(8))
        return first & 0x0F, bool(first & 0x80), self._read(length)

    def _send(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        size = len(payload)
        if size < 126:
            header += bytes([0x80 | size])
        elif size < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", size)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", size)
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def receive(self, timeout: float = 30.0) -> Any:
        """The next JSON message; raises Closed when the server closes, TimeoutError when quiet."""
        self.sock.settimeout(timeout)
        message = b""
        while True:
            opcode, final, payload = self._frame()
            if opcode == 0x9:
                self._send(0xA, payload)
                continue
            if opcode == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                raise Closed(code)
            if opcode in (0x1, 0x0):
                message += payload
                if final:
                    return json.loads(message)

    def send_json(self, data: Any) -> None:
        self._send(0x1, json.dumps(data).encode())

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._send(0x8, struct.pack("!H", 1000))
        self.sock.close()
