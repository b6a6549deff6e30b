"""The fingerprint of a signed credential, and what its certificate's QR code carries.

The fingerprint is the SHA-256 digest of the credential's JCS canonical form, proof included, so
it names exactly one signed credential whatever its whitespace.

When the issuer has a home page, the QR code is a link to its verification page
(:mod:`graders.credentials.verifypage`), ``<home page>/kiem-tra/#id=<credential
id>&sha256=<fingerprint>``: a phone that scans it opens the page, which checks the credential
file against it. The part after ``#`` never leaves the phone. Without a home page there is no
page to link to, and the code carries the text
``BDHVS-VC1|<credential id>|sha256:<fingerprint>|<issuer did:key>``. Either way, whoever holds
the printed page can check that a credential file is the one it was printed from
(``bdhvs credential verify --qr``), without any network.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from graders.credentials.dataintegrity import canonical
from graders.credentials.didkey import controller

QR_PREFIX = "BDHVS-VC1"
VERIFY_PAGE = "kiem-tra"  # where the verification page is published, under the home page
QR_PATTERN = re.compile(
    rf"^{QR_PREFIX}\|(?P<id>urn:uuid:[0-9a-f-]{{36}})\|sha256:(?P<digest>[0-9a-f]{{64}})"
    r"\|(?P<issuer>did:key:z[1-9A-HJ-NP-Za-km-z]+)$"
)
LINK_PATTERN = re.compile(
    rf"^https?://\S+/{VERIFY_PAGE}/#id=(?P<id>urn:uuid:[0-9a-f-]{{36}})"
    r"&sha256=(?P<digest>[0-9a-f]{64})$"
)


@dataclass(frozen=True)
class QrContent:
    credential_id: str
    digest: str
    issuer: str | None  # the link form does not repeat it: the fingerprint covers it


def credential_digest(credential: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(credential)).hexdigest()


def qr_text(credential: dict[str, Any]) -> str:
    issuer = controller(credential["proof"]["verificationMethod"])
    return f"{QR_PREFIX}|{credential['id']}|sha256:{credential_digest(credential)}|{issuer}"


def verify_page(home: str) -> str:
    """The address of the issuer's verification page."""
    return f"{home}/{VERIFY_PAGE}/"


def verify_link(home: str, credential: dict[str, Any]) -> str:
    """The link a certificate's QR code carries when the issuer has a home page."""
    return f"{verify_page(home)}#id={credential['id']}&sha256={credential_digest(credential)}"


def parse_qr_text(text: str) -> QrContent:
    """What a certificate's QR code says, in either form."""
    match = QR_PATTERN.match(text.strip()) or LINK_PATTERN.match(text.strip())
    if not match:
        raise ValueError(f"not the text of a bdhvs certificate QR code: {text!r}")
    return QrContent(match["id"], match["digest"], match.groupdict().get("issuer"))
