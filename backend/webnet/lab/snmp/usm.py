"""SNMPv3 message processing with the User-based Security Model, agent side (RFC 3412, 3414):
engine discovery, time windows, HMAC-SHA-96 / HMAC-SHA-256-192 (RFC 7860) authentication with
localized keys, AES-128 CFB privacy (RFC 3826), and the usmStats reports managers rely on."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.decrepit.ciphers.modes import CFB
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

from . import ber

USM_STATS = (1, 3, 6, 1, 6, 3, 15, 1, 1)
UNSUPPORTED_SEC_LEVELS, NOT_IN_TIME_WINDOWS, UNKNOWN_USER_NAMES = 1, 2, 3
UNKNOWN_ENGINE_IDS, WRONG_DIGESTS, DECRYPTION_ERRORS = 4, 5, 6
TIME_WINDOW_S = 150
MAX_MESSAGE = 65507
FLAG_AUTH, FLAG_PRIV, FLAG_REPORTABLE = 1, 2, 4

# net-snmp's -a names -> (hash, digest length on the wire)
AUTH_PROTOCOLS = {"SHA": ("sha1", 12), "SHA-256": ("sha256", 24)}
PRIV_PROTOCOLS = ("AES",)


@lru_cache(maxsize=16)
def _password_digest(password: str, hash_name: str) -> bytes:
    """Ku: the hash of the password repeated over 1 MiB (RFC 3414 A.2); the same for every
    engine, so it is computed once per password, not once per device."""
    raw = password.encode()
    if len(raw) < 8:
        raise ValueError("SNMPv3 passwords have at least 8 characters")
    stream = (raw * (1048576 // len(raw) + 1))[:1048576]
    return hashlib.new(hash_name, stream).digest()


def localized_key(password: str, engine_id: bytes, hash_name: str = "sha1") -> bytes:
    ku = _password_digest(password, hash_name)
    return hashlib.new(hash_name, ku + engine_id + ku).digest()


def aes_cfb(key: bytes, boots: int, engine_time: int, salt: bytes, data: bytes, encrypt: bool):
    iv = boots.to_bytes(4, "big") + engine_time.to_bytes(4, "big") + salt
    cipher = Cipher(algorithms.AES(key[:16]), CFB(iv))
    op = cipher.encryptor() if encrypt else cipher.decryptor()
    return op.update(data) + op.finalize()


@dataclass(frozen=True)
class User:
    name: bytes
    hash_name: str
    digest_len: int
    auth_password: str
    priv_password: str


@dataclass
class EngineKeys:
    auth: bytes
    priv: bytes


@dataclass
class V3Request:
    msg_id: int
    max_size: int
    flags: int
    user: bytes
    context_name: bytes
    pdu: bytes  # the request PDU TLV


class USMError(Exception):
    """The request earns a report (or silence when `report` is None)."""

    def __init__(self, stat: int, authenticated: bool = False) -> None:
        super().__init__(stat)
        self.stat = stat
        self.authenticated = authenticated
        self.request: V3Request | None = None  # set once the header is read


class USMEngine:
    """One device's authoritative engine: its ID, boots/time, its user's localized keys."""

    def __init__(
        self,
        engine_id: bytes,
        user: User,
        boots: Callable[[], int],
        engine_time: Callable[[], int],
        wrong_key: Callable[[], str | None],
    ) -> None:
        self.engine_id = engine_id
        self.user = user
        self.boots = boots
        self.engine_time = engine_time
        self.wrong_key = wrong_key  # the wrong_community fault: the agent's passwords differ
        self.stats = [0] * 7
        self._keys: dict[str, EngineKeys] = {}
        self._salt = int.from_bytes(os.urandom(8), "big")

    def keys(self) -> EngineKeys:
        wrong = self.wrong_key()
        tag = wrong or ""
        found = self._keys.get(tag)
        if found is None:
            u = self.user
            auth_pw = u.auth_password + wrong if wrong else u.auth_password
            priv_pw = u.priv_password + wrong if wrong else u.priv_password
            found = EngineKeys(
                localized_key(auth_pw, self.engine_id, u.hash_name),
                localized_key(priv_pw, self.engine_id, u.hash_name),
            )
            self._keys[tag] = found
        return found

    # ---- incoming ---------------------------------------------------------------------------
    def parse(self, msg: bytes, body_start: int) -> V3Request:
        """`body_start`: where the message's fields start, after the version INTEGER."""
        gd_start, gd_end = ber.expect(msg, body_start, ber.SEQUENCE)
        msg_id, pos = ber.read_int(msg, gd_start)
        max_size, pos = ber.read_int(msg, pos)
        flags_raw, pos = ber.read_octets(msg, pos)
        model, _ = ber.read_int(msg, pos)
        flags = flags_raw[0] if flags_raw else 0
        if model != 3:
            raise ber.BERError("not USM")
        sp_start, sp_end = ber.expect(msg, gd_end, ber.OCTET_STRING)
        s_start, _ = ber.expect(msg, sp_start, ber.SEQUENCE)
        engine_id, pos = ber.read_octets(msg, s_start)
        boots, pos = ber.read_int(msg, pos)
        etime, pos = ber.read_int(msg, pos)
        user, pos = ber.read_octets(msg, pos)
        a_start, a_end = ber.expect(msg, pos, ber.OCTET_STRING)
        salt, _ = ber.read_octets(msg, a_end)
        request = V3Request(msg_id, max_size, flags, user, b"", b"")
        try:
            self._check(msg, sp_end, request, engine_id, boots, etime, (a_start, a_end), salt)
        except USMError as exc:
            exc.request = request
            raise
        return request

    def _check(
        self,
        msg: bytes,
        data_pos: int,
        request: V3Request,
        engine_id: bytes,
        boots: int,
        etime: int,
        digest_at: tuple[int, int],
        salt: bytes,
    ) -> None:
        flags = request.flags
        if engine_id != self.engine_id:
            self._scoped_for_report(msg, data_pos, flags, request)
            raise USMError(UNKNOWN_ENGINE_IDS)
        if request.user != self.user.name:
            raise USMError(UNKNOWN_USER_NAMES)
        if not flags & FLAG_AUTH:
            raise USMError(UNSUPPORTED_SEC_LEVELS)
        keys = self.keys()
        a_start, a_end = digest_at
        digest = msg[a_start:a_end]
        zeroed = msg[:a_start] + bytes(len(digest)) + msg[a_end:]
        if len(digest) != self.user.digest_len or not hmac.compare_digest(
            digest, self._mac(keys.auth, zeroed)
        ):
            raise USMError(WRONG_DIGESTS)
        if boots != self.boots() or abs(etime - self.engine_time()) > TIME_WINDOW_S:
            raise USMError(NOT_IN_TIME_WINDOWS, authenticated=True)
        if flags & FLAG_PRIV:
            raw, _ = ber.read_octets(msg, data_pos)
            if len(salt) != 8:
                raise USMError(DECRYPTION_ERRORS)
            scoped = aes_cfb(keys.priv, boots, etime, salt, raw, encrypt=False)
            try:
                self._scoped(scoped, 0, request)
            except ber.BERError as exc:
                raise USMError(DECRYPTION_ERRORS) from exc
        else:
            self._scoped(msg, data_pos, request)

    def _scoped(self, buf: bytes, pos: int, request: V3Request) -> None:
        start, _end = ber.expect(buf, pos, ber.SEQUENCE)
        _ctx_engine, p = ber.read_octets(buf, start)
        request.context_name, p = ber.read_octets(buf, p)
        _tag, _s, pdu_end = ber.read(buf, p)
        request.pdu = buf[p:pdu_end]

    def _scoped_for_report(self, msg: bytes, pos: int, flags: int, request: V3Request) -> None:
        """Discovery requests are plaintext: keep their PDU for the report's request-id."""
        if not flags & FLAG_PRIV:
            try:
                self._scoped(msg, pos, request)
            except ber.BERError:
                request.pdu = b""

    def _mac(self, key: bytes, msg: bytes) -> bytes:
        return hmac.new(key, msg, self.user.hash_name).digest()[: self.user.digest_len]

    # ---- outgoing ---------------------------------------------------------------------------
    def message(self, request: V3Request, pdu: bytes, flags: int) -> bytes:
        """A whole v3 message carrying `pdu`, authenticated/encrypted as `flags` ask."""
        keys = self.keys() if flags & FLAG_AUTH else None
        boots, etime = self.boots(), self.engine_time()
        scoped = ber.tlv(
            ber.SEQUENCE, ber.octets(self.engine_id) + ber.octets(request.context_name) + pdu
        )
        salt = b""
        if flags & FLAG_PRIV and keys is not None:
            self._salt = (self._salt + 1) % (1 << 64)
            salt = self._salt.to_bytes(8, "big")
            data = ber.octets(aes_cfb(keys.priv, boots, etime, salt, scoped, encrypt=True))
        else:
            data = scoped
        digest_len = self.user.digest_len if keys is not None else 0
        head = (
            ber.octets(self.engine_id)
            + ber.integer(boots)
            + ber.integer(etime)
            + ber.octets(request.user)
        )
        tail = ber.octets(salt)
        secparams_inner = head + ber.octets(bytes(digest_len)) + tail
        secparams = ber.octets(ber.tlv(ber.SEQUENCE, secparams_inner))
        global_data = ber.tlv(
            ber.SEQUENCE,
            ber.integer(request.msg_id)
            + ber.integer(MAX_MESSAGE)
            + ber.octets(bytes((flags,)))
            + ber.integer(3),
        )
        body = ber.integer(3) + global_data + secparams + data
        msg = ber.tlv(ber.SEQUENCE, body)
        if keys is None:
            return msg
        # the digest's offset: outer header, version, global data, secparams headers, head, tag+len
        outer_hdr = len(msg) - len(body)
        sp_hdr = len(secparams) - len(ber.tlv(ber.SEQUENCE, secparams_inner))
        seq_hdr = len(ber.tlv(ber.SEQUENCE, secparams_inner)) - len(secparams_inner)
        at = outer_hdr + 3 + len(global_data) + sp_hdr + seq_hdr + len(head) + 2
        return msg[:at] + self._mac(keys.auth, msg) + msg[at + digest_len :]

    def report(self, request: V3Request, error: USMError) -> bytes | None:
        if not request.flags & FLAG_REPORTABLE:
            return None
        self.stats[error.stat] += 1
        request_id = 0
        if request.pdu:
            try:
                _tag, start, _end = ber.read(request.pdu, 0)
                request_id, _ = ber.read_int(request.pdu, start)
            except ber.BERError:
                request_id = 0
        varbinds = ber.varbind(
            ber.oid((*USM_STATS, error.stat, 0)),
            ber.unsigned(self.stats[error.stat], ber.COUNTER32),
        )
        pdu = ber.pdu(ber.REPORT, request_id, 0, 0, varbinds)
        if error.stat == UNKNOWN_ENGINE_IDS:
            request.context_name = b""
        return self.message(request, pdu, FLAG_AUTH if error.authenticated else 0)
