"""Revocation status as the W3C Bitstring Status List (v1.0) defines it.

A credential carries a ``credentialStatus`` entry (``BitstringStatusListEntry``) naming a status
list credential by URL and its own position in it. The issuer publishes that status list
credential at the URL: a ``VerifiableCredential`` of type ``BitstringStatusListCredential``,
signed like the credentials themselves, whose ``encodedList`` has bit 1 at the position of each
revoked credential (:mod:`graders.credentials.bitstring`). Revoking flips a bit and signs the
list again; credentials already handed out do not change.

A verifier trusts the list only if its own proof holds and it is signed by the very issuer of
the credential, so nobody else can publish a list that "un-revokes" a credential.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graders.credentials.bitstring import bit_is_set, decode_bits, encode_bits
from graders.credentials.dataintegrity import ProofError, add_proof, verify_proof
from graders.credentials.didkey import controller
from graders.credentials.instants import instant, not_yet_valid
from graders.credentials.issuer import Issuer
from graders.credentials.problems import CredentialError

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
ENTRY_TYPE = "BitstringStatusListEntry"
LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"
LIST_TYPE = "BitstringStatusList"
REVOCATION = "revocation"

UNCHECKABLE = "KHÔNG KIỂM TRA ĐƯỢC tình trạng thu hồi"
BAD_LIST = "DANH SÁCH TRẠNG THÁI KHÔNG HỢP LỆ"


@dataclass(frozen=True)
class StatusEntry:
    """Where a credential's revocation bit is: which list, which position."""

    list_url: str
    index: int


@dataclass(frozen=True)
class ListState:
    """What a verified status list says about one credential."""

    revoked: bool
    list_url: str
    signed: str  # when the issuer signed this version of the list


def status_entry(list_url: str, index: int) -> dict[str, Any]:
    """The ``credentialStatus`` of a credential at ``index`` in the list at ``list_url``."""
    return {
        "id": f"{list_url}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": REVOCATION,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def list_credential(
    issuer: Issuer, list_url: str, revoked: Iterable[int], length: int, signed_at: str
) -> dict[str, Any]:
    """The signed status list credential of ``length`` bits with ``revoked`` set."""
    unsigned = {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer.did,
        "validFrom": signed_at,
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": LIST_TYPE,
            "statusPurpose": REVOCATION,
            "encodedList": encode_bits(revoked, length),
        },
    }
    return add_proof(unsigned, issuer.private_key, signed_at)


def read_entry(credential: dict[str, Any]) -> StatusEntry | None:
    """The credential's revocation entry, or None when it has none."""
    status = credential.get("credentialStatus")
    if status is None:
        return None
    if not isinstance(status, dict):
        raise CredentialError(
            f"{UNCHECKABLE}: mục credentialStatus không đúng dạng",
            "credentialStatus is not one BitstringStatusListEntry object",
        )
    index = status.get("statusListIndex")
    url = status.get("statusListCredential")
    if (
        status.get("type") != ENTRY_TYPE
        or status.get("statusPurpose") != REVOCATION
        or not isinstance(index, str)
        or not index.isascii()
        or not index.isdigit()
        or not isinstance(url, str)
    ):
        raise CredentialError(
            f"{UNCHECKABLE}: mục credentialStatus không đúng chuẩn Bitstring Status List",
            f"credentialStatus is not a {ENTRY_TYPE} for {REVOCATION} with a decimal "
            "statusListIndex and a statusListCredential URL",
        )
    return StatusEntry(url, int(index))


def check_status(entry: StatusEntry, document: Any, signer: str, now: datetime) -> ListState:
    """What the status list ``document`` says of ``entry``, once the list itself is checked:
    its proof, its issuer (the credential's ``signer``), its type, purpose and dates."""
    if not isinstance(document, dict) or document.get("id") != entry.list_url:
        raise CredentialError(
            f"{BAD_LIST}: tệp danh sách trạng thái không phải danh sách của chứng nhận này",
            f"the status list given is not {entry.list_url}",
        )
    try:
        options = verify_proof(document)
    except ProofError as exc:
        raise CredentialError(
            f"{BAD_LIST}: chữ ký của danh sách trạng thái không hợp lệ",
            f"the status list {entry.list_url} is not genuine: {exc}",
        ) from None
    list_signer = controller(options["verificationMethod"])
    if list_signer != signer or document.get("issuer") != signer:
        raise CredentialError(
            f"{BAD_LIST}: danh sách trạng thái không do chính đơn vị cấp chứng nhận ký",
            f"the status list {entry.list_url} is signed by {list_signer}, not by the "
            f"credential's issuer {signer}",
        )
    subject = document.get("credentialSubject")
    types = document.get("type")
    if (
        not isinstance(types, list)
        or LIST_CREDENTIAL_TYPE not in types
        or not isinstance(subject, dict)
        or subject.get("type") != LIST_TYPE
        or subject.get("statusPurpose") != REVOCATION
        or not isinstance(subject.get("encodedList"), str)
    ):
        raise CredentialError(
            f"{BAD_LIST}: không phải danh sách thu hồi theo chuẩn Bitstring Status List",
            f"{entry.list_url} is not a {LIST_CREDENTIAL_TYPE} for {REVOCATION}",
        )
    _check_dates(document, entry.list_url, now)
    try:
        bits = decode_bits(subject["encodedList"])
    except ValueError as exc:
        raise CredentialError(
            f"{BAD_LIST}: không đọc được dãy bit của danh sách", f"{entry.list_url}: {exc}"
        ) from None
    if entry.index >= len(bits) * 8:
        raise CredentialError(
            f"{BAD_LIST}: vị trí của chứng nhận nằm ngoài danh sách",
            f"statusListIndex {entry.index} is past the end of {entry.list_url}",
        )
    return ListState(bit_is_set(bits, entry.index), entry.list_url, document["validFrom"])


def _check_dates(document: dict[str, Any], url: str, now: datetime) -> None:
    try:
        valid_from = instant(document["validFrom"])
        valid_until = instant(document["validUntil"]) if "validUntil" in document else None
    except (KeyError, TypeError, ValueError):
        raise CredentialError(
            f"{BAD_LIST}: ngày hiệu lực của danh sách không đúng dạng",
            f"{url}: validFrom is missing or not a date and time",
        ) from None
    if not_yet_valid(valid_from, now) or (valid_until is not None and valid_until < now):
        raise CredentialError(
            f"{BAD_LIST}: danh sách trạng thái chưa hoặc đã hết hiệu lực",
            f"{url} is valid from {document['validFrom']} until "
            f"{document.get('validUntil', 'further notice')}",
        )
