"""Whom a verifier trusts to issue credentials, and whether a credential's issuer is one.

A valid signature proves only that the credential was signed with some key and not changed
since; anyone can make a key and call themselves "UBND xã Hòa Bình". A credential is accepted
only when its signing key is known to belong to an issuer the verifier trusts, in one of these
ways, tried in this order:

1. the verifier names the expected issuer (``--issuer``: its ``did:key`` or ``issuer.json``);
2. a trust list says so. A trust list is a JSON file that an authority (a provincial
   department, a ministry) publishes and the verifier installs::

       {"type": "BdhvsTrustList", "name": "…",
        "issuers": [{"id": "did:key:z6Mk…", "name": "UBND xã Hòa Bình",
                     "validFrom": "2025-07-01T00:00:00Z", "validUntil": "2030-06-30T23:59:59Z"},
                    {"id": "did:web:hoabinh.example.vn", "name": "UBND xã Hòa Bình"}]}

   An entry names a key (``did:key``) or a web address (``did:web``: any key the address
   publishes, :mod:`graders.credentials.didweb`). The optional dates bound when the issuer was
   trusted to issue: credentials dated outside them are refused. The verifier's lists are those
   given with ``--trust``, else those in ``$BDHVS_TRUST_LIST`` (paths separated like ``PATH``),
   else ``~/.config/bdhvs/trust-list.json`` (``$XDG_CONFIG_HOME``) if it exists. When a
   verifier has a trust list, it is the whole truth: issuers it does not name are refused.
3. with no trust list at all, the key is published at the web address in the issuer's profile
   (``did:web``): the verifier is told which domain vouches for the key.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from graders.common.errors import BdhvsError
from graders.credentials.didkey import DID_KEY_PREFIX, public_key_from_did
from graders.credentials.didweb import (
    DID_WEB_PREFIX,
    assertion_keys,
    did_web_for,
    document_url,
    host_of,
)
from graders.credentials.instants import instant
from graders.credentials.problems import CredentialError
from graders.credentials.strictjson import parse_strict
from graders.credentials.webcache import Fetched, FetchError, WebCache

TRUST_LIST_TYPE = "BdhvsTrustList"
TRUST_ENV = "BDHVS_TRUST_LIST"
CONFIG_ENV = "XDG_CONFIG_HOME"
TRUST_FILE = "trust-list.json"

NOT_TRUSTED = "KHÔNG TIN CẬY"
CANNOT_CHECK = "KHÔNG KIỂM TRA ĐƯỢC đơn vị cấp"


@dataclass(frozen=True)
class TrustedIssuer:
    """One entry of a trust list."""

    id: str  # a did:key or a did:web
    name: str
    valid_from: datetime | None
    valid_until: datetime | None
    source: Path

    def covers(self, issued: datetime) -> bool:
        """Whether a credential issued at ``issued`` falls in the entry's period."""
        after_start = self.valid_from is None or issued >= self.valid_from
        return after_start and (self.valid_until is None or issued <= self.valid_until)

    def period(self) -> str:
        start = self.valid_from.isoformat() if self.valid_from else "…"
        end = self.valid_until.isoformat() if self.valid_until else "…"
        return f"{start} – {end}"


@dataclass(frozen=True)
class TrustPolicy:
    """What the verifier brings: the expected issuer, or its trust lists (None: no list)."""

    expected: str | None = None
    lists: tuple[TrustedIssuer, ...] | None = None
    sources: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Trusted:
    """Why the issuer is trusted, for the verifier to read."""

    vietnamese: str
    english: str


def default_trust_files() -> list[Path]:
    """The trust lists a verifier installed: ``$BDHVS_TRUST_LIST``, else the user's file."""
    configured = os.environ.get(TRUST_ENV, "")
    if configured:
        return [Path(p) for p in configured.split(os.pathsep) if p]
    base = os.environ.get(CONFIG_ENV) or str(Path.home() / ".config")
    user_file = Path(base) / "bdhvs" / TRUST_FILE
    return [user_file] if user_file.is_file() else []


def _load(path: Path) -> dict[str, Any]:
    try:
        document = parse_strict(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise BdhvsError(f"cannot read the trust list {path}: {exc.strerror}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise BdhvsError(f"the trust list {path} is not valid JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("type") != TRUST_LIST_TYPE:
        raise BdhvsError(f'{path} is not a trust list ("type": "{TRUST_LIST_TYPE}")')
    if not isinstance(document.get("issuers"), list):
        raise BdhvsError(f'the trust list {path} has no "issuers" list')
    return document


def read_trust_list(path: Path) -> list[TrustedIssuer]:
    """The entries of the trust list at ``path``; ``BdhvsError`` says what is wrong with it."""
    entries = _load(path)["issuers"]
    return [_entry(entry, path, number) for number, entry in enumerate(entries, 1)]


def _entry(entry: Any, path: Path, number: int) -> TrustedIssuer:
    where = f"the trust list {path}, issuer {number}"
    if not isinstance(entry, dict):
        raise BdhvsError(f"{where} is not an object")
    issuer_id, name = entry.get("id"), entry.get("name")
    if not isinstance(issuer_id, str) or not issuer_id.startswith((DID_KEY_PREFIX, DID_WEB_PREFIX)):
        raise BdhvsError(f'{where}: "id" must be a did:key or a did:web')
    if not isinstance(name, str) or not name.strip():
        raise BdhvsError(f'{where}: "name" is missing')
    try:
        dates = [instant(entry[k]) if k in entry else None for k in ("validFrom", "validUntil")]
    except (TypeError, ValueError) as exc:
        raise BdhvsError(f"{where}: a date is not a date and time with a zone ({exc})") from None
    return TrustedIssuer(issuer_id, name.strip(), dates[0], dates[1], path)


def load_policy(expected: str | None, trust_files: list[Path] | None) -> TrustPolicy:
    """The verifier's policy: ``trust_files`` (None: the installed ones) read once."""
    files = default_trust_files() if trust_files is None else trust_files
    if not files:
        return TrustPolicy(expected)
    entries = tuple(entry for path in files for entry in read_trust_list(path))
    return TrustPolicy(expected, entries, tuple(files))


def add_to_trust_list(
    path: Path, profile: dict[str, Any], valid_from: str | None, valid_until: str | None
) -> TrustedIssuer:
    """Add the issuer of ``profile`` to the trust list at ``path`` (creating the list), in
    place of any entry with the same id."""
    entry: dict[str, Any] = {"id": profile.get("id"), "name": profile.get("name")}
    for key, value in (("validFrom", valid_from), ("validUntil", valid_until)):
        if value:
            entry[key] = value
    document = _load(path) if path.exists() else {"type": TRUST_LIST_TYPE, "issuers": []}
    others = [
        e for e in document["issuers"] if not isinstance(e, dict) or e.get("id") != entry["id"]
    ]
    document["issuers"] = [*others, entry]
    checked = _entry(entry, path, len(document["issuers"]))  # the rules of reading
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return checked


def decide(
    policy: TrustPolicy,
    signer: str,
    issuer: dict[str, Any],
    issued: datetime,
    web: WebCache,
) -> Trusted:
    """Why the issuer who signed with ``signer`` is trusted, or ``CredentialError`` why not."""
    if policy.expected is not None:
        if signer != policy.expected:
            raise CredentialError(
                f"KHÔNG ĐÚNG ĐƠN VỊ: chứng nhận do khóa {signer} ký, không phải đơn vị cần "
                "kiểm tra",
                f"issued by {signer}, not by the expected issuer {policy.expected}",
            )
        return Trusted("đúng đơn vị cần kiểm tra (--issuer)", "the expected issuer (--issuer)")
    if policy.lists is not None:
        return _on_list(policy, signer, issuer, issued, web)
    web_did = _web_did(issuer)
    if web_did is None:
        name = issuer.get("name", "")
        raise CredentialError(
            f"{NOT_TRUSTED}: chữ ký hợp lệ nhưng không có gì cho biết đơn vị cấp “{name}” là "
            "thật: chưa có danh sách tin cậy, và đơn vị không công bố khóa trên trang web của "
            "mình",
            f"NOT TRUSTED: the signature is valid, but nothing says that {signer} belongs to "
            f"{name!r}: no trust list (--trust FILE, ${TRUST_ENV} or "
            f"~/.config/bdhvs/{TRUST_FILE}), no --issuer, and the issuer's profile names no web "
            "address publishing its key (did:web)",
        )
    at_vi, at_en = _published_at(web_did, signer, web)
    host = host_of(web_did)
    return Trusted(
        f"khóa được công bố tại {at_vi}: đơn vị cấp là chủ tên miền {host}",
        f"the key is published at {at_en}: the issuer is whoever controls {host}",
    )


def _on_list(
    policy: TrustPolicy, signer: str, issuer: dict[str, Any], issued: datetime, web: WebCache
) -> Trusted:
    """Trust by the verifier's lists: an entry for the signing key, or for the web address in
    the issuer's profile when that address publishes the key."""
    assert policy.lists is not None
    web_did = _web_did(issuer)
    entries = [entry for entry in policy.lists if entry.id in (signer, web_did)]
    if not entries:
        name = issuer.get("name", "")
        sources = ", ".join(str(p) for p in policy.sources)
        raise CredentialError(
            f"{NOT_TRUSTED}: chữ ký hợp lệ nhưng đơn vị cấp không nằm trong danh sách tin cậy "
            f"(chứng nhận ghi tên “{name}”)",
            f"NOT TRUSTED: the signature is valid but the issuer {signer} ({name!r}) is not on "
            f"the trust list ({sources})",
        )
    covering = [entry for entry in entries if entry.covers(issued)]
    if not covering:
        periods = "; ".join(entry.period() for entry in entries)
        raise CredentialError(
            f"{NOT_TRUSTED}: chứng nhận được cấp ngày {issued.date().isoformat()}, ngoài thời "
            f"gian đơn vị “{entries[0].name}” được tin cậy ({periods})",
            f"NOT TRUSTED: issued at {issued.isoformat()}, outside the period in which the trust "
            f"list trusts {entries[0].id} ({periods})",
        )
    entry = covering[0]
    if entry.id == signer:
        how_vi, how_en = "khóa", "key"
    else:
        at_vi, at_en = _published_at(entry.id, signer, web)
        how_vi, how_en = f"khóa công bố tại {at_vi}", f"key published at {at_en}"
    return Trusted(
        f"{how_vi} của “{entry.name}” trong danh sách tin cậy {entry.source}",
        f"the {how_en} of {entry.name!r} on the trust list {entry.source}",
    )


def _web_did(issuer: dict[str, Any]) -> str | None:
    url = issuer.get("url")
    if not isinstance(url, str):
        return None
    try:
        return did_web_for(url)
    except ValueError:
        return None


@dataclass(frozen=True)
class PublishedKeys:
    """The Ed25519 keys a did:web address publishes, as read from its DID document."""

    url: str  # where the document was read
    keys: tuple[str, ...]  # as did:key ids, which is how a credential names its signer
    fetched: Fetched


def did_document_address(did: str, web: WebCache) -> str:
    """Where ``web`` reads the DID document of the did:web ``did``."""
    return document_url(did, web.scheme_for(host_of(did)))


def published_keys(did: str, web: WebCache) -> PublishedKeys:
    """The keys the web address ``did`` publishes for signing credentials, read through
    ``web`` (from the web, else from its cache). ``FetchError`` when the document can be read
    from neither, ``ValueError`` when it is not the DID document of ``did``."""
    url = did_document_address(did, web)
    fetched = web.get(url)
    listed = (DID_KEY_PREFIX + key for key in assertion_keys(fetched.document, did))
    return PublishedKeys(url, tuple(key for key in listed if _is_ed25519(key)), fetched)


def _is_ed25519(did: str) -> bool:
    try:
        public_key_from_did(did)
    except ValueError:
        return False
    return True


def _published_at(did: str, signer: str, web: WebCache) -> tuple[str, str]:
    """Where the DID document of ``did`` was read (in Vietnamese, in English), once checked
    that it lists ``signer``."""
    url = did_document_address(did, web)
    try:
        published = published_keys(did, web)
    except FetchError as exc:
        raise CredentialError(
            f"{CANNOT_CHECK}: không đọc được khóa công bố tại {url}, và chưa có bản lưu",
            f"cannot read the issuer's published keys: {exc} (a trust list naming the "
            "issuer's did:key, --trust FILE, needs no network)",
        ) from None
    except ValueError as exc:
        raise CredentialError(
            f"{CANNOT_CHECK}: {url} không phải tài liệu DID của đơn vị", f"{url}: {exc}"
        ) from None
    if signer not in published.keys:
        raise CredentialError(
            f"{NOT_TRUSTED}: chữ ký hợp lệ nhưng khóa ký không có trong các khóa mà đơn vị "
            f"công bố tại {url}",
            f"NOT TRUSTED: the signature is valid but {signer} is not among the keys published "
            f"at {url}",
        )
    fetched = published.fetched
    if not fetched.from_cache:
        return url, url
    why = f"; {fetched.problem}" if fetched.problem else ""
    return (
        f"{url} (bản lưu ngày {fetched.fetched})",
        f"{url} (copy cached at {fetched.fetched}{why})",
    )
