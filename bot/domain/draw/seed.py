"""承诺与种子 (commit and seed): the secret, its published hash, and the draw seed.

The seed is SHA-256 over length-prefixed fields, so no two different inputs encode alike:
    seed = SHA-256( enc("ssj-draw-seed") || enc(algorithm) || enc(secret) || enc(key_string)
                    || enc(period) || enc(snapshot hash as 32 raw bytes) )
where enc(x) = 4-byte big-endian length of x || x, and strings are UTF-8. `key_string` is the
RFC 3797 canonical form of the public sources ("" when none were declared).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from bot.domain.draw.rfc3797 import key_string

SECRET_BYTES = 32
MIN_SECRET_BYTES = 16


def enc(data: bytes | str) -> bytes:
    """A length-prefixed field: 4-byte big-endian length, then the bytes (strings as UTF-8)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return len(raw).to_bytes(4, "big") + raw


def new_secret() -> bytes:
    """A fresh 256-bit draw secret (摇号密钥) from the operating system's CSPRNG."""
    return secrets.token_bytes(SECRET_BYTES)


def secret_hash(secret: bytes) -> str:
    """The published commitment to the secret: SHA-256(secret), hex."""
    return hashlib.sha256(secret).hexdigest()


def public_key_string(values: Sequence[str]) -> str:
    """The public sources' values in RFC 3797 canonical form; "" when there are none."""
    return key_string(values) if values else ""


def derive_seed(
    algorithm: str, secret: bytes, sources_key: str, period: str, snapshot_hash: str
) -> bytes:
    """The 32-byte draw seed (摇号种子) from every input that the result depends on."""
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError("the draw secret must hold at least 128 bits")
    snapshot = bytes.fromhex(snapshot_hash)
    if len(snapshot) != 32:
        raise ValueError("the snapshot hash must be a SHA-256 value (64 hex digits)")
    fields = ("ssj-draw-seed", algorithm, secret, sources_key, period, snapshot)
    return hashlib.sha256(b"".join(enc(f) for f in fields)).digest()
