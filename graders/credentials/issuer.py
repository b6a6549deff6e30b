"""The issuing organisation: its Ed25519 key pair and its public profile.

``bdhvs keys init --out DIR`` writes:

* ``DIR/issuer-key.pem``: the private key (PKCS#8 PEM), readable by its owner only, and
  encrypted with a passphrase when one is given (PKCS#8 encryption, the strongest the
  ``cryptography`` library offers). Whoever holds it (and its passphrase) can issue credentials
  in the organisation's name: keep it out of course folders, shared drives and backups that
  others can read.
* ``DIR/issuer.json``: the public profile: name, home page, ``did:key`` (which is the public
  key). Publish it so that others can check credentials against it.
* ``DIR/did.json``, with a home page: the DID document that publishes the key at that address
  (:mod:`graders.credentials.didweb`).

Commands that sign take ``--key DIR/issuer-key.pem`` and read the profile beside it; the
passphrase comes from ``$BDHVS_KEY_PASSPHRASE`` (:mod:`graders.credentials.passphrase`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    KeySerializationEncryption,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from graders.common.errors import BdhvsError
from graders.credentials.didkey import did_key, public_key_multibase, verification_method
from graders.credentials.didweb import did_document, did_web_for
from graders.credentials.passphrase import key_passphrase

KEY_FILE = "issuer-key.pem"
PROFILE_FILE = "issuer.json"
DID_DOCUMENT_FILE = "did.json"
ENCRYPTED_PEM = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"
# Used in identifiers when no home page is configured. The .invalid top-level domain is reserved
# (RFC 2606) and never resolves, so nobody can mistake these identifiers for real addresses.
PLACEHOLDER_HOME_PAGE = "https://bdhvs.invalid"


@dataclass(frozen=True)
class Issuer:
    name: str
    url: str | None
    private_key: Ed25519PrivateKey
    demo: bool = False

    @property
    def did(self) -> str:
        return did_key(self.private_key.public_key())

    @property
    def verification_method(self) -> str:
        return verification_method(self.private_key.public_key())

    def profile(self) -> dict[str, Any]:
        """The Open Badges ``Profile`` of the issuer, as it appears in a credential."""
        profile: dict[str, Any] = {"id": self.did, "type": ["Profile"], "name": self.name}
        if self.url:
            profile["url"] = self.url
        return profile

    def public_profile(self) -> dict[str, Any]:
        """What ``issuer.json`` holds: everything about the issuer except the private key."""
        return {
            "name": self.name,
            "url": self.url,
            "id": self.did,
            "verificationMethod": self.verification_method,
            "publicKeyMultibase": public_key_multibase(self.private_key.public_key()),
            "demo": self.demo,
        }


def check_home_page(url: str) -> str:
    """``url`` without a trailing slash, if it is an absolute http(s) address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BdhvsError(f"{url!r} is not a home page address (https://… expected)")
    return url.rstrip("/")


def home_page(configured: str | None, issuer: Issuer | None) -> str:
    """The home page used in xAPI accounts and identifiers: the option, the issuer's, or none."""
    if configured:
        return check_home_page(configured)
    if issuer and issuer.url:
        return issuer.url
    return PLACEHOLDER_HOME_PAGE


def create_issuer(
    folder: Path,
    name: str,
    url: str | None,
    *,
    demo: bool = False,
    passphrase: str | None = None,
) -> Path:
    """Make a new key pair and profile in ``folder``; return the private key's path."""
    if not name.strip():
        raise BdhvsError("the issuing organisation needs a name (--name)")
    key_path = folder / KEY_FILE
    if key_path.exists():
        raise BdhvsError(f"{key_path} exists; a key is never overwritten (choose another --out)")
    issuer = Issuer(
        name.strip(), check_home_page(url) if url else None, Ed25519PrivateKey.generate(), demo
    )
    try:
        web = did_web_for(issuer.url) if issuer.url else None
    except ValueError as exc:
        raise BdhvsError(f"--url: {exc}") from None
    folder.mkdir(parents=True, exist_ok=True)
    protection: KeySerializationEncryption = (
        BestAvailableEncryption(passphrase.encode("utf-8")) if passphrase else NoEncryption()
    )
    pem = issuer.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, protection)
    # Created with owner-only permissions from the start, never readable by others even briefly.
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    _write_json(folder / PROFILE_FILE, issuer.public_profile())
    if web:
        _write_json(folder / DID_DOCUMENT_FILE, did_document(web, issuer.private_key.public_key()))
    return key_path


def _write_json(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _read_private_key(key_path: Path, passphrase: str | None) -> Ed25519PrivateKey:
    data = key_path.read_bytes()
    password = None
    if data.lstrip().startswith(ENCRYPTED_PEM):
        given = passphrase if passphrase is not None else key_passphrase(key_path)
        password = given.encode("utf-8")
    try:
        private_key = load_pem_private_key(data, password=password)
    except ValueError as exc:
        if password is not None:
            raise BdhvsError(
                f"wrong passphrase for {key_path} (or the file is damaged); nothing was signed"
            ) from None
        raise BdhvsError(f"{key_path} is not a PEM private key ({exc})") from None
    except TypeError as exc:
        raise BdhvsError(f"{key_path} is not a PEM private key ({exc})") from None
    if not isinstance(private_key, Ed25519PrivateKey):
        raise BdhvsError(f"{key_path} is not an Ed25519 key")
    return private_key


def load_issuer(key_path: Path, passphrase: str | None = None) -> Issuer:
    """The issuer whose private key is at ``key_path``, with the profile stored beside it.

    An encrypted key is opened with ``passphrase``, else with the one in
    ``$BDHVS_KEY_PASSPHRASE`` or asked at the terminal.
    """
    if not key_path.is_file():
        raise BdhvsError(f"no key at {key_path}; make one with: bdhvs keys init --out DIR")
    private_key = _read_private_key(key_path, passphrase)
    profile_path = key_path.parent / PROFILE_FILE
    if not profile_path.is_file():
        raise BdhvsError(
            f"no issuer profile at {profile_path}: it names the organisation and its home page "
            "(bdhvs keys init writes it)"
        )
    try:
        profile = json.loads(profile_path.read_text(encoding="utf-8"))
        name, url = profile["name"], profile.get("url")
    except (ValueError, KeyError, TypeError) as exc:
        raise BdhvsError(f"{profile_path} is not an issuer profile ({exc})") from exc
    issuer = Issuer(
        name, check_home_page(url) if url else None, private_key, bool(profile.get("demo"))
    )
    if profile.get("id") not in (None, issuer.did):
        raise BdhvsError(f"{profile_path} belongs to another key than {key_path}")
    return issuer
