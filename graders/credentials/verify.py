"""``bdhvs credential verify``: check a credential file offline.

A credential is accepted only if all of these hold:

1. the file is strict JSON (no duplicate names, no NaN), so what is checked is what any other
   reader of the file sees;
2. its eddsa-jcs-2022 proof matches the document and the key its ``did:key`` names;
3. it has every field this project's credentials must have
   (``graders/schemas/open_badge_credential.schema.json``);
4. the issuer named in the credential is the controller of that key, so a credential re-signed
   with another key cannot keep the original issuer's identity;
5. optionally: the issuer is the one expected, the credential is not in a revocation list, it
   is the one a certificate's QR code names, and it was issued to a given learner id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema

from graders.common.errors import BdhvsError
from graders.common.jsonschemas import validate
from graders.credentials.badges import identity_hash
from graders.credentials.dataintegrity import ProofError, verify_proof
from graders.credentials.didkey import controller
from graders.credentials.fingerprint import credential_digest, parse_qr_text

SCHEMA = "open_badge_credential.schema.json"
# The issuer's clock and the verifier's may differ a little; a fresh credential is not refused.
CLOCK_SKEW = timedelta(minutes=5)


class CredentialError(BdhvsError):
    """The credential is not genuine, or not what the verifier asked for."""


@dataclass(frozen=True)
class VerifiedCredential:
    id: str
    name: str
    issuer_id: str
    issuer_name: str
    achievement: str
    level: str | None
    valid_from: str
    identity_hash: str
    salt: str
    digest: str


def parse_strict(text: str) -> Any:
    """Parse JSON, refusing duplicate member names and the non-standard NaN and Infinity."""

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        names = [name for name, _ in pairs]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate member name {duplicates[0]!r}")
        return dict(pairs)

    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, object_pairs_hook=unique, parse_constant=no_constant)


def verify_credential(
    credential: Any,
    *,
    expected_issuer: str | None = None,
    revoked: frozenset[str] = frozenset(),
    qr: str | None = None,
    learner: str | None = None,
) -> VerifiedCredential:
    """Check ``credential`` as described above; raise ``CredentialError`` saying why not."""
    if not isinstance(credential, dict):
        raise CredentialError("not a credential: a JSON object is expected")
    try:
        options = verify_proof(credential)
    except ProofError as exc:
        raise CredentialError(f"not genuine: {exc}") from None
    try:
        validate(credential, SCHEMA)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "the document"
        raise CredentialError(f"not a valid credential: {where}: {exc.message}") from None
    signer = controller(options["verificationMethod"])
    issuer = credential["issuer"]
    if issuer["id"] != signer:
        raise CredentialError(
            f"not genuine: signed with the key of {signer}, but names {issuer['id']} as issuer"
        )
    if expected_issuer and signer != expected_issuer:
        raise CredentialError(f"issued by {signer}, not by the expected issuer {expected_issuer}")
    try:
        valid_from = datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00"))
    except ValueError:
        raise CredentialError(f"validFrom {credential['validFrom']!r} is not a date") from None
    if valid_from > datetime.now(UTC) + CLOCK_SKEW:
        raise CredentialError(f"not valid before {credential['validFrom']}")
    if credential["id"] in revoked:
        raise CredentialError(f"revoked: {credential['id']} is in the revocation list")
    subject = credential["credentialSubject"]
    identity = subject["identifier"][0]
    digest = credential_digest(credential)
    if qr is not None:
        _check_qr(qr, credential["id"], digest, signer)
    if learner is not None and identity_hash(learner, identity["salt"]) != identity["identityHash"]:
        raise CredentialError(f"not issued to learner {learner!r}: the identity hash differs")
    results = subject.get("result") or [{}]
    return VerifiedCredential(
        id=credential["id"],
        name=credential["name"],
        issuer_id=signer,
        issuer_name=issuer["name"],
        achievement=subject["achievement"]["name"],
        level=results[0].get("achievedLevel"),
        valid_from=credential["validFrom"],
        identity_hash=identity["identityHash"],
        salt=identity["salt"],
        digest=digest,
    )


def _check_qr(text: str, credential_id: str, digest: str, signer: str) -> None:
    try:
        content = parse_qr_text(text)
    except ValueError as exc:
        raise CredentialError(str(exc)) from None
    if (content.credential_id, content.digest, content.issuer) != (credential_id, digest, signer):
        raise CredentialError("the certificate's QR code names another credential or issuer")


def read_credential(path: Path) -> Any:
    try:
        return parse_strict(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise CredentialError(f"cannot read {path}: {exc.strerror}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise CredentialError(f"{path} is not a credential (not valid JSON: {exc})") from None


def expected_issuer(value: str) -> str:
    """A ``did:key``, given as is or as the ``issuer.json`` profile that holds it."""
    if value.startswith("did:key:"):
        return value
    path = Path(value)
    try:
        return json.loads(path.read_text(encoding="utf-8"))["id"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BdhvsError(f"--issuer: neither a did:key nor an issuer.json ({exc})") from None
