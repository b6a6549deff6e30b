"""The bitstring of a W3C Bitstring Status List (v1.0): one bit per credential, 1 = revoked.

Bit 0 is the left-most bit of the first byte. The published form (``encodedList``) is the
bitstring compressed with GZIP (RFC 1952) and encoded as multibase base64url without padding
(the ``u`` prefix). The specification sets a minimum of 16 KiB (131,072 bits) so that one
credential's bit hides among many: a verifier fetching the list reveals nothing about which
credential it checks.
"""

from __future__ import annotations

import base64
import gzip
import zlib
from collections.abc import Iterable

MIN_BITS = 16 * 1024 * 8
# A list is small once compressed but a hostile one could expand to gigabytes: refuse anything
# larger than this uncompressed (over a hundred million credentials).
MAX_BYTES = 16 * 1024 * 1024
BASE64URL_PREFIX = "u"


def list_length(indices: Iterable[int]) -> int:
    """The number of bits a list needs for ``indices``: at least the minimum, whole bytes."""
    highest = max(indices, default=-1)
    return max(MIN_BITS, (highest + 1 + 7) // 8 * 8)


def encode_bits(set_bits: Iterable[int], length: int) -> str:
    """The ``encodedList`` of a bitstring of ``length`` bits with ``set_bits`` set to 1."""
    bits = bytearray(length // 8)
    for index in set_bits:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return BASE64URL_PREFIX + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_bits(encoded: str) -> bytes:
    """The bitstring an ``encodedList`` holds; ``ValueError`` says why it is not one."""
    if not encoded.startswith(BASE64URL_PREFIX):
        raise ValueError("the encoded list is not multibase base64url (it must start with 'u')")
    body = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as exc:
        raise ValueError(f"the encoded list is not base64url: {exc}") from None
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP framing
    try:
        bits = inflater.decompress(compressed, MAX_BYTES + 1)
    except zlib.error as exc:
        raise ValueError(f"the encoded list is not GZIP data: {exc}") from None
    if len(bits) > MAX_BYTES:
        raise ValueError(f"the list is longer than {MAX_BYTES} bytes uncompressed")
    if not inflater.eof:
        raise ValueError("the GZIP data of the encoded list is cut short")
    if len(bits) * 8 < MIN_BITS:
        raise ValueError(f"the list has fewer than the {MIN_BITS} bits the standard requires")
    return bits


def bit_is_set(bits: bytes, index: int) -> bool:
    """Bit ``index`` of ``bits``, counting from the left-most bit of the first byte."""
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
