"""did:key identifiers for Ed25519 keys, and the multibase (base58btc) encoding they use.

A did:key carries the public key itself: the identifier is ``did:key:`` followed by the
base58btc multibase encoding of the multicodec prefix ``0xed01`` and the 32 key bytes. Resolving
it needs no network, which is what lets anyone check a credential offline.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BASE58BTC_PREFIX = "z"
ED25519_PUBLIC_CODEC = b"\xed\x01"
DID_KEY_PREFIX = "did:key:"
ED25519_KEY_BYTES = 32


def base58_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, rest = divmod(number, 58)
        digits.append(BASE58_ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(digits))


def base58_decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = BASE58_ALPHABET.find(char)
        if index < 0:
            raise ValueError(f"{char!r} is not a base58 character")
        number = number * 58 + index
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_encode(data: bytes) -> str:
    """``data`` as a multibase string in base58btc (the ``z`` prefix)."""
    return BASE58BTC_PREFIX + base58_encode(data)


def multibase_decode(text: str) -> bytes:
    if not text.startswith(BASE58BTC_PREFIX):
        raise ValueError("not a base58btc multibase value (it must start with 'z')")
    return base58_decode(text[1:])


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return multibase_encode(ED25519_PUBLIC_CODEC + raw)


def did_key(public_key: Ed25519PublicKey) -> str:
    return DID_KEY_PREFIX + public_key_multibase(public_key)


def verification_method(public_key: Ed25519PublicKey) -> str:
    """The key's verification method id: ``did:key:z…#z…`` (the fragment repeats the key)."""
    encoded = public_key_multibase(public_key)
    return f"{DID_KEY_PREFIX}{encoded}#{encoded}"


def public_key_from_did(did: str) -> Ed25519PublicKey:
    """The Ed25519 public key a ``did:key`` (or its verification method id) names."""
    identifier, _, fragment = did.partition("#")
    if not identifier.startswith(DID_KEY_PREFIX):
        raise ValueError(f"{did!r} is not a did:key")
    encoded = identifier.removeprefix(DID_KEY_PREFIX)
    if fragment and fragment != encoded:
        raise ValueError(f"{did!r}: the fragment does not name the key of the identifier")
    data = multibase_decode(encoded)
    if not data.startswith(ED25519_PUBLIC_CODEC):
        raise ValueError(f"{did!r} does not hold an Ed25519 public key")
    raw = data.removeprefix(ED25519_PUBLIC_CODEC)
    if len(raw) != ED25519_KEY_BYTES:
        raise ValueError(f"{did!r}: an Ed25519 public key has {ED25519_KEY_BYTES} bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def controller(verification_method_id: str) -> str:
    """The DID that controls a verification method: its id without the fragment."""
    return verification_method_id.partition("#")[0]
