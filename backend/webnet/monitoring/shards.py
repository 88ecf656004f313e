"""Which shard polls a device: a stable hash of its id, the same on every worker and restart."""

import hashlib


def stable_shard(device_id: int, count: int) -> int:
    """0 ≤ shard < count; independent of PYTHONHASHSEED, spreads consecutive ids evenly."""
    if count < 1:
        raise ValueError("shard count must be at least 1")
    digest = hashlib.blake2b(str(device_id).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count
