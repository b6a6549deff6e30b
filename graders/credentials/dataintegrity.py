"""Data Integrity proofs with the ``eddsa-jcs-2022`` cryptosuite (W3C vc-di-eddsa).

Signing: the document without its proof and the proof options (with the document's
``@context``) are each canonicalised with JCS (RFC 8785) and hashed with SHA-256; the Ed25519
signature over the proof-options hash followed by the document hash is the ``proofValue``, in
base58btc multibase. JCS makes the signature independent of key order and whitespace, so the
JSON file can be pretty-printed, while any change to a name or a value breaks it.

Only ``did:key`` verification methods are accepted: their public key is in the identifier, so
verification never needs the network.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from graders.credentials.didkey import (
    multibase_decode,
    multibase_encode,
    public_key_from_did,
    verification_method,
)

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
ASSERTION_METHOD = "assertionMethod"
SIGNATURE_BYTES = 64


class ProofError(Exception):
    """The proof is missing, malformed, or does not match the document."""


def canonical(value: Any) -> bytes:
    """The JCS (RFC 8785) serialisation of a JSON value, as UTF-8 bytes."""
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise ProofError(f"the document cannot be canonicalised: {exc}") from exc


def _hash_data(document: dict[str, Any], options: dict[str, Any]) -> bytes:
    return (
        hashlib.sha256(canonical(options)).digest() + hashlib.sha256(canonical(document)).digest()
    )


def add_proof(
    document: dict[str, Any], private_key: Ed25519PrivateKey, created: str
) -> dict[str, Any]:
    """A copy of ``document`` with an ``assertionMethod`` proof made with ``private_key``."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method(private_key.public_key()),
        "proofPurpose": ASSERTION_METHOD,
    }
    if "@context" in unsecured:
        options["@context"] = unsecured["@context"]
    signature = private_key.sign(_hash_data(unsecured, options))
    return {**unsecured, "proof": {**options, "proofValue": multibase_encode(signature)}}


def verify_proof(document: dict[str, Any]) -> dict[str, Any]:
    """Check the document's single eddsa-jcs-2022 proof; return the proof without its value.

    Raises ``ProofError`` saying what is wrong. A proof set (a list of proofs) is not accepted:
    nothing this project issues has one.
    """
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise ProofError("the document has no proof (one proof object is expected)")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if options.get("type") != PROOF_TYPE or options.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"the proof is not a {PROOF_TYPE} with the {CRYPTOSUITE} cryptosuite")
    if options.get("proofPurpose") != ASSERTION_METHOD:
        raise ProofError(f"the proof purpose is not {ASSERTION_METHOD}")
    _check_datetime(options.get("created"))
    value = proof.get("proofValue")
    try:
        signature = multibase_decode(value) if isinstance(value, str) else b""
    except ValueError as exc:
        raise ProofError(f"the proof value is not base58btc: {exc}") from exc
    if len(signature) != SIGNATURE_BYTES:
        raise ProofError("the proof value is not an Ed25519 signature")
    method = options.get("verificationMethod")
    try:
        public_key = public_key_from_did(method) if isinstance(method, str) else None
    except ValueError as exc:
        raise ProofError(f"unusable verification method: {exc}") from exc
    if public_key is None:
        raise ProofError("the proof names no verification method")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if "@context" in options:
        contexts = options["@context"]
        document_contexts = unsecured.get("@context")
        if (
            not isinstance(contexts, list)
            or not isinstance(document_contexts, list)
            or document_contexts[: len(contexts)] != contexts
        ):
            raise ProofError("the proof's @context does not match the document's")
        unsecured["@context"] = contexts
    try:
        public_key.verify(signature, _hash_data(unsecured, options))
    except InvalidSignature:
        raise ProofError(
            "the signature does not match: the document or its proof was changed, "
            "or it was signed with another key"
        ) from None
    return options


def _check_datetime(value: Any) -> None:
    if not isinstance(value, str):
        raise ProofError("the proof has no creation time")
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ProofError(f"the proof's creation time {value!r} is not a date and time") from None
