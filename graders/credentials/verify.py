"""``bdhvs credential verify``: whether a credential can be believed.

A credential is accepted only if all of these hold:

1. the file is strict JSON (no duplicate names, no NaN), so what is checked is what any other
   reader of the file sees;
2. its eddsa-jcs-2022 proof matches the document and the key its ``did:key`` names;
3. it has every field this project's credentials must have
   (``graders/schemas/open_badge_credential.schema.json``);
4. the issuer named in the credential is the controller of that key, so a credential re-signed
   with another key cannot keep the original issuer's identity;
5. the key belongs to an issuer the verifier trusts (:mod:`graders.credentials.trust`): a valid
   signature alone proves nothing about who signed, since anyone can make a key under any name;
6. if it has a status entry, the issuer's signed status list says it is not revoked
   (:mod:`graders.credentials.statuslist`);
7. optionally: it is the one a certificate's QR code names, and it was issued to a given
   learner id.

Steps 1 to 4 are what the file proves by itself (:func:`verify_signed`); the issuer uses them
to recognise its own credentials when it issues again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema

from graders.common.errors import BdhvsError
from graders.common.jsonschemas import validate
from graders.credentials.badges import identity_hash
from graders.credentials.dataintegrity import ProofError, verify_proof
from graders.credentials.didkey import DID_KEY_PREFIX, controller
from graders.credentials.fingerprint import credential_digest, parse_qr_text
from graders.credentials.instants import instant, not_yet_valid
from graders.credentials.problems import CredentialError
from graders.credentials.statuslist import UNCHECKABLE, ListState, check_status, read_entry
from graders.credentials.strictjson import parse_strict
from graders.credentials.trust import Trusted, TrustPolicy, decide
from graders.credentials.webcache import FetchError, WebCache

SCHEMA = "open_badge_credential.schema.json"
NOT_GENUINE = "KHÔNG PHẢI BẢN GỐC"


@dataclass(frozen=True)
class VerifiedCredential:
    """What a credential says, once its proof and fields are checked."""

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


@dataclass(frozen=True)
class Verifier:
    """What the person checking brings: whom they trust, the status lists they hold (by
    address), and where documents read from the web are kept."""

    trust: TrustPolicy
    web: WebCache
    status_lists: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """An accepted credential, why its issuer is trusted and what its status list said."""

    credential: VerifiedCredential
    trusted: Trusted
    status: ListState | None
    status_cached: str | None  # the date of the cached copy of the status list used, if one


def verify_signed(credential: Any) -> VerifiedCredential:
    """Steps 1 to 4 above: ``CredentialError`` says what is wrong."""
    if not isinstance(credential, dict):
        raise CredentialError(
            f"{NOT_GENUINE}: tệp không phải chứng nhận",
            "not a credential: a JSON object is expected",
        )
    try:
        options = verify_proof(credential)
    except ProofError as exc:
        raise CredentialError(
            f"{NOT_GENUINE}: chữ ký số không khớp với nội dung (tệp đã bị sửa, hoặc không do "
            "khóa này ký)",
            f"not genuine: {exc}",
        ) from None
    try:
        validate(credential, SCHEMA)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "the document"
        raise CredentialError(
            "KHÔNG HỢP LỆ: chứng nhận thiếu hoặc sai thông tin bắt buộc",
            f"not a valid credential: {where}: {exc.message}",
        ) from None
    signer = controller(options["verificationMethod"])
    issuer = credential["issuer"]
    if issuer["id"] != signer:
        raise CredentialError(
            f"{NOT_GENUINE}: chứng nhận ghi một đơn vị cấp nhưng được ký bằng khóa khác",
            f"not genuine: signed with the key of {signer}, but names {issuer['id']} as issuer",
        )
    try:
        valid_from = instant(credential["validFrom"])
    except ValueError:
        raise CredentialError(
            "KHÔNG HỢP LỆ: ngày cấp không đúng dạng",
            f"validFrom {credential['validFrom']!r} is not a date",
        ) from None
    if not_yet_valid(valid_from, datetime.now(UTC)):
        raise CredentialError(
            "CHƯA CÓ HIỆU LỰC: ngày cấp ghi trong chứng nhận chưa tới",
            f"not valid before {credential['validFrom']}",
        )
    subject = credential["credentialSubject"]
    identity = subject["identifier"][0]
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
        digest=credential_digest(credential),
    )


def verify_credential(
    credential: Any,
    verifier: Verifier,
    *,
    qr: str | None = None,
    learner: str | None = None,
) -> Verdict:
    """Every step above: ``CredentialError`` says, Vietnamese first, why it is refused."""
    verified = verify_signed(credential)
    issued = instant(verified.valid_from)
    trusted = decide(verifier.trust, verified.issuer_id, credential["issuer"], issued, verifier.web)
    status, cached = _status(credential, verified.issuer_id, verifier)
    if qr is not None:
        _check_qr(qr, verified)
    if learner is not None and identity_hash(learner, verified.salt) != verified.identity_hash:
        raise CredentialError(
            f"KHÔNG ĐÚNG NGƯỜI HỌC: chứng nhận không cấp cho mã học viên {learner}",
            f"not issued to learner {learner!r}: the identity hash differs",
        )
    return Verdict(verified, trusted, status, cached)


def _status(
    credential: dict[str, Any], signer: str, verifier: Verifier
) -> tuple[ListState | None, str | None]:
    entry = read_entry(credential)
    if entry is None:
        return None, None
    cached = None
    document = verifier.status_lists.get(entry.list_url)
    if document is None:
        try:
            fetched = verifier.web.get(entry.list_url)
        except FetchError as exc:
            raise CredentialError(
                f"{UNCHECKABLE}: không có danh sách trạng thái của đơn vị cấp (tải về không "
                "được, chưa có bản lưu, và không có tệp --status-list)",
                f"cannot check revocation: {exc}; give the issuer's status list with "
                "--status-list FILE",
            ) from None
        document, cached = fetched.document, fetched.fetched if fetched.from_cache else None
    state = check_status(entry, document, signer, datetime.now(UTC))
    if state.revoked:
        raise CredentialError(
            "ĐÃ THU HỒI: đơn vị cấp đã thu hồi chứng nhận này",
            f"revoked: the issuer's status list {entry.list_url} (signed {state.signed}) marks "
            f"{credential['id']} as revoked",
        )
    return state, cached


def _check_qr(text: str, verified: VerifiedCredential) -> None:
    try:
        content = parse_qr_text(text)
    except ValueError as exc:
        raise CredentialError("MÃ QR KHÔNG ĐÚNG DẠNG của giấy chứng nhận bdhvs", str(exc)) from None
    printed = (content.credential_id, content.digest, content.issuer or verified.issuer_id)
    if printed != (verified.id, verified.digest, verified.issuer_id):
        raise CredentialError(
            "KHÔNG KHỚP: mã QR trên giấy chứng nhận chỉ một chứng nhận khác",
            "the certificate's QR code names another credential or issuer",
        )


def read_credential(path: Path) -> Any:
    """The signed JSON document at ``path``, read strictly (no duplicate names, no NaN)."""
    try:
        return parse_strict(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise CredentialError(
            f"KHÔNG ĐỌC ĐƯỢC tệp {path}", f"cannot read {path}: {exc.strerror}"
        ) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise CredentialError(
            f"{NOT_GENUINE}: {path} không phải tệp JSON hợp lệ",
            f"{path} is not a credential (not valid JSON: {exc})",
        ) from None


def expected_issuer(value: str) -> str:
    """A ``did:key``, given as is or as the ``issuer.json`` profile that holds it."""
    if value.startswith(DID_KEY_PREFIX):
        return value
    path = Path(value)
    try:
        return json.loads(path.read_text(encoding="utf-8"))["id"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BdhvsError(f"--issuer: neither a did:key nor an issuer.json ({exc})") from None
