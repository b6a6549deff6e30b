"""did:web: an organisation's signing keys, published at a web address it controls.

A ``did:key`` proves only that a credential was signed with some key: anyone can make a key
and give it any organisation's name. An organisation that publishes its key on its own web
site lets a verifier tie the key to that site's domain, which the organisation alone controls.

The home page in the issuer's profile names the address: ``https://xa.example.vn`` gives
``did:web:xa.example.vn``, whose DID document is ``https://xa.example.vn/.well-known/did.json``;
``https://tinh.example.vn/xa-hoa-binh`` gives ``did:web:tinh.example.vn:xa-hoa-binh`` and
``https://tinh.example.vn/xa-hoa-binh/did.json`` (the did:web method's own rules). The document
lists the organisation's keys (``Multikey``, ``publicKeyMultibase`` as in ``did:key``) under
``assertionMethod``; a credential signed with a key it lists is the organisation's. Taking a
key out of the document withdraws it, for instance after it was stolen.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from graders.credentials.didkey import did_key, public_key_multibase

DID_WEB_PREFIX = "did:web:"
DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
KEY_TYPES = ("Multikey", "Ed25519VerificationKey2020")
WELL_KNOWN = ".well-known"
DOCUMENT_NAME = "did.json"


def did_web_for(url: str) -> str:
    """The ``did:web`` of a home page address: its host (and port), then its path segments."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host or ":" in host:
        raise ValueError(f"{url!r} has no host name a did:web can hold")
    domain = host + (f"%3A{parts.port}" if parts.port else "")
    segments = [segment for segment in parts.path.split("/") if segment]
    return DID_WEB_PREFIX + ":".join([domain, *segments])


def host_of(did: str) -> str:
    """The host name (without port) a ``did:web`` names."""
    return unquote(did.removeprefix(DID_WEB_PREFIX).split(":")[0]).rsplit(":", 1)[0]


def document_url(did: str, scheme: str) -> str:
    """Where the DID document of ``did`` is published (``scheme`` is https but in tests)."""
    domain, *segments = did.removeprefix(DID_WEB_PREFIX).split(":")
    path = "/".join(segments) if segments else WELL_KNOWN
    return f"{scheme}://{unquote(domain)}/{path}/{DOCUMENT_NAME}"


def did_document(did: str, public_key: Ed25519PublicKey) -> dict[str, Any]:
    """The DID document that publishes ``public_key`` as a key of ``did``."""
    encoded = public_key_multibase(public_key)
    method = f"{did}#{encoded}"
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "alsoKnownAs": [did_key(public_key)],
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": encoded,
            }
        ],
        "assertionMethod": [method],
    }


def assertion_keys(document: Any, did: str) -> list[str]:
    """The keys (multibase, as in ``did:key``) the DID document of ``did`` lists for making
    assertions, i.e. signing credentials. ``ValueError`` if the document is not the DID
    document of ``did``."""
    if not isinstance(document, dict) or document.get("id") != did:
        raise ValueError(f"the document is not the DID document of {did}")
    methods = {
        _absolute(method.get("id"), did): method
        for method in _list(document.get("verificationMethod"))
        if isinstance(method, dict)
    }
    keys = []
    for reference in _list(document.get("assertionMethod")):
        if isinstance(reference, dict):
            method = reference
        else:
            method = methods.get(_absolute(reference, did), {})
        key = method.get("publicKeyMultibase")
        if (
            method.get("type") in KEY_TYPES
            and _absolute(method.get("controller"), did) == did
            and isinstance(key, str)
        ):
            keys.append(key)
    return keys


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _absolute(reference: Any, did: str) -> Any:
    """A DID URL given relative to the document (``#key-1``) made absolute."""
    if isinstance(reference, str) and reference.startswith("#"):
        return did + reference
    return reference
