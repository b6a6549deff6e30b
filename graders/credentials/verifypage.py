"""``bdhvs credential page``: a static page that checks credentials in the browser.

A certificate's QR code links to ``<home page>/kiem-tra/#id=…&sha256=…``
(:mod:`graders.credentials.fingerprint`). The organisation publishes there the folder this
writes: ``index.html``, one self-contained file holding the verifier's scripts
(:mod:`graders.credentials.webscripts`), the trust lists and the status lists it was made with,
and the credential schema. The page makes no request to anyone, works from a file with no
network, and applies the rules of ``bdhvs credential verify`` (``web/verify.js`` mirrors
:mod:`graders.credentials.verify`; the tests run both on the same credentials).

A trust list may name an issuer by its web address (``did:web``): the keys it publishes are
read when the page is made, as ``bdhvs credential verify`` reads them (from the web, else from
the cache), and the page holds them with the date they were read, since it cannot read them
itself. An address whose keys cannot be read then is named to the instructor; the page answers
"cannot check" for its credentials, as the Python verifier does offline with nothing cached.

A whole credential (about 6 KB of JSON, 2 KB compressed) is far too big for a QR code a phone
can read from paper, so the code names the credential (its id and fingerprint) and the
credential comes from the learner, as a file the checker picks. With ``--publish OUTDIR`` the
folder also holds the credentials issued into OUTDIR that are not revoked, under
``credentials/<uuid>.json``: a QR code scanned then shows the verdict at once. That puts every
credential on the web, each at an address nobody can guess (122 random bits) but anyone given
the link can read: a salted hash of the learner's pseudonymous id and what they attained. It is
the organisation's choice, and making the page again without ``--publish`` removes them.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader

from graders.common.errors import BdhvsError
from graders.common.jsonschemas import load_schema
from graders.credentials.dataintegrity import ProofError, verify_proof
from graders.credentials.didweb import DID_WEB_PREFIX
from graders.credentials.problems import CredentialError
from graders.credentials.registry import CREDENTIALS, REVOKED, revoked_ids
from graders.credentials.strictjson import parse_strict
from graders.credentials.trust import (
    TRUST_ENV,
    PublishedKeys,
    TrustedIssuer,
    default_trust_files,
    did_document_address,
    published_keys,
    read_trust_list,
)
from graders.credentials.verify import SCHEMA, read_credential, verify_signed
from graders.credentials.webcache import FetchError, WebCache
from graders.credentials.webscripts import WEB, inline_json, page_scripts

PAGE = "index.html"
PUBLISHED = "credentials"  # the folder beside the page that web/page.js reads from
PUBLISHED_NAME = re.compile(r"^[0-9a-f-]{36}\.json$")


@dataclass(frozen=True)
class UnreadKeys:
    """A did:web whose keys could not be read when the page was made."""

    url: str  # where its DID document was looked for
    problem: str


@dataclass(frozen=True)
class PageSummary:
    page: Path
    issuers: int  # entries of the trust lists
    status_lists: dict[str, str]  # address: when it was signed
    published: int  # credentials published beside the page
    web_keys: dict[str, PublishedKeys]  # did:web of the trust lists: the keys the page holds
    unread: dict[str, UnreadKeys]  # did:web of the trust lists whose keys could not be read


@dataclass(frozen=True)
class PageTrust:
    """What the page trusts: the trust lists' entries and titles, and the keys their did:web
    entries publish."""

    entries: list[TrustedIssuer]
    lists: list[dict[str, Any]]
    web_keys: dict[str, PublishedKeys]
    unread: dict[str, UnreadKeys]


def _trust(trust_files: list[Path] | None, web: WebCache) -> PageTrust:
    files = default_trust_files() if trust_files is None else trust_files
    if not files:
        raise BdhvsError(
            "the verification page needs a trust list, since it trusts no one else: --trust FILE "
            f"(or ${TRUST_ENV}, or ~/.config/bdhvs/trust-list.json)"
        )
    entries, lists = [], []
    for path in files:
        read = read_trust_list(path)
        entries += read
        title = parse_strict(path.read_text(encoding="utf-8")).get("name")
        lists.append({"source": path.name, "name": title, "issuers": len(read)})
    web_keys, unread = _read_web_keys(entries, web)
    return PageTrust(entries, lists, web_keys, unread)


def _read_web_keys(
    entries: list[TrustedIssuer], web: WebCache
) -> tuple[dict[str, PublishedKeys], dict[str, UnreadKeys]]:
    """The keys each did:web entry publishes, read now because the page cannot read them; and
    for those that cannot be read, why."""
    web_keys, unread = {}, {}
    for did in dict.fromkeys(entry.id for entry in entries if entry.id.startswith(DID_WEB_PREFIX)):
        try:
            web_keys[did] = published_keys(did, web)
        except (FetchError, ValueError) as exc:
            unread[did] = UnreadKeys(did_document_address(did, web), str(exc))
    return web_keys, unread


def _entry_data(entry: TrustedIssuer, trust: PageTrust) -> dict[str, Any]:
    """An entry as web/trust.js reads it; a did:web entry with the keys its address published
    (``keys`` and ``read`` are null when they could not be read)."""
    data: dict[str, Any] = {
        "id": entry.id,
        "name": entry.name,
        "validFrom": entry.valid_from.isoformat() if entry.valid_from else None,
        "validUntil": entry.valid_until.isoformat() if entry.valid_until else None,
        "source": entry.source.name,
        "published": None,
    }
    if entry.id in trust.web_keys:
        keys = trust.web_keys[entry.id]
        data["published"] = {"url": keys.url, "read": keys.fetched.fetched, "keys": keys.keys}
    elif entry.id in trust.unread:
        data["published"] = {"url": trust.unread[entry.id].url, "read": None, "keys": None}
    return data


def _status_lists(files: list[Path]) -> dict[str, dict[str, Any]]:
    """The status lists by address, each checked to be a signed document: a list the page
    cannot believe would make it refuse every credential of its issuer."""
    lists = {}
    for path in files:
        document = read_credential(path)
        try:
            if not isinstance(document, dict) or not isinstance(document.get("id"), str):
                raise ProofError("it has no id")
            verify_proof(document)
        except ProofError as exc:
            raise BdhvsError(f"--status-list {path}: not a signed status list ({exc})") from None
        lists[document["id"]] = document
    return lists


def _to_publish(folders: list[Path]) -> dict[str, str]:
    """File name beside the page: text, for every credential of the output ``folders`` that is
    not revoked."""
    published = {}
    for folder in folders:
        registry = folder / CREDENTIALS
        if not registry.is_dir():
            raise BdhvsError(f"--publish {folder}: no credentials issued there ({registry})")
        revoked = revoked_ids(registry / REVOKED)
        for path in sorted(registry.glob("*/*.json")):
            credential = read_credential(path)
            try:
                verify_signed(credential)
            except CredentialError as exc:
                raise BdhvsError(f"--publish: {path} is not a sound credential: {exc}") from None
            if credential["id"] not in revoked:
                name = credential["id"].removeprefix("urn:uuid:") + ".json"
                published[name] = path.read_text(encoding="utf-8")
    return published


def render_page(
    trust: PageTrust,
    status_lists: dict[str, dict[str, Any]],
    published: bool,
) -> str:
    """The page's HTML, with everything it needs inside."""
    scripts = page_scripts()
    css = (WEB / "page.css").read_text(encoding="utf-8")
    data = {
        "generated": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "library": scripts.library,
        "trustLists": trust.lists,
        "entries": [_entry_data(entry, trust) for entry in trust.entries],
        "statusLists": status_lists,
        "schema": load_schema(SCHEMA),
        "published": published,
    }
    template = Environment(loader=FileSystemLoader(WEB), autoescape=False).get_template(
        "page.html.j2"
    )
    return template.render(
        css=css, data=inline_json(data), import_map=scripts.import_map, entry=scripts.entry
    )


def write_verify_page(
    out: Path,
    trust_files: list[Path] | None,
    status_files: list[Path],
    publish: list[Path],
    web: WebCache,
) -> PageSummary:
    """Write the page into ``out`` (and the published credentials, or none, beside it); the
    keys of did:web issuers are read through ``web``."""
    trust = _trust(trust_files, web)
    status_lists = _status_lists(status_files)
    credentials = _to_publish(publish)
    html = render_page(trust, status_lists, bool(publish))
    out.mkdir(parents=True, exist_ok=True)
    _replace_published(out / PUBLISHED, credentials)
    tmp = out / f".{PAGE}.tmp"
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, out / PAGE)
    signed = {url: str(document.get("validFrom")) for url, document in status_lists.items()}
    return PageSummary(
        out / PAGE, len(trust.entries), signed, len(credentials), trust.web_keys, trust.unread
    )


def _replace_published(folder: Path, credentials: dict[str, str]) -> None:
    """Make ``folder`` hold exactly ``credentials``: earlier ones go, so a credential revoked
    or a learner forgotten since is no longer on the web once the folder is published again."""
    if folder.is_dir():
        strangers = [p.name for p in folder.iterdir() if not PUBLISHED_NAME.match(p.name)]
        if strangers:
            raise BdhvsError(
                f"{folder} holds files the page did not put there ({', '.join(strangers[:3])}); "
                "move them away or choose another --out"
            )
        shutil.rmtree(folder)
    if not credentials:
        return
    staging = Path(tempfile.mkdtemp(prefix=".credentials-", dir=folder.parent))
    staging.chmod(0o755)  # a web server reads it; mkdtemp makes it private
    for name, text in credentials.items():
        (staging / name).write_text(text, encoding="utf-8")
    staging.rename(folder)
