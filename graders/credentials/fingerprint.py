"""The fingerprint of a signed credential, and the text its certificate's QR code carries.

The fingerprint is the SHA-256 digest of the credential's JCS canonical form, proof included, so
it names exactly one signed credential whatever its whitespace. The QR code of a printed
certificate carries ``BDHVS-VC1|<credential id>|sha256:<fingerprint>|<issuer did:key>``: with
it, whoever holds the printed page can check that a credential file is the one it was printed
from, and who signed it, without any network.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from graders.credentials.dataintegrity import canonical
from graders.credentials.didkey import controller

QR_PREFIX = "BDHVS-VC1"
QR_PATTERN = re.compile(
    rf"^{QR_PREFIX}\|(?P<id>urn:uuid:[0-9a-f-]{{36}})\|sha256:(?P<digest>[0-9a-f]{{64}})"
    r"\|(?P<issuer>did:key:z[1-9A-HJ-NP-Za-km-z]+)$"
)


@dataclass(frozen=True)
class QrContent:
    credential_id: str
    digest: str
    issuer: str


def credential_digest(credential: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(credential)).hexdigest()


def qr_text(credential: dict[str, Any]) -> str:
    issuer = controller(credential["proof"]["verificationMethod"])
    return f"{QR_PREFIX}|{credential['id']}|sha256:{credential_digest(credential)}|{issuer}"


def parse_qr_text(text: str) -> QrContent:
    match = QR_PATTERN.match(text.strip())
    if not match:
        raise ValueError(f"not the text of a bdhvs certificate QR code: {text!r}")
    return QrContent(match["id"], match["digest"], match["issuer"])
