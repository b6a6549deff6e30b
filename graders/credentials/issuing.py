"""Issue the credentials and certificates of an output folder, keeping those already issued.

Layout::

    OUTDIR/credentials/<learner>/<award>.json    signed Open Badges 3.0 credential
    OUTDIR/certificates/<learner>/<award>.html   printable certificate (and .pdf on request)
    OUTDIR/credentials/index.json, revoked.json  the registry (graders.credentials.registry)
    OUTDIR/status-lists/<name>.json              signed status lists to publish
                                                 (graders.credentials.revocation)

A credential already in the folder for the same award, with the same content, signed with the
same key and not revoked, is kept as it is (same id, date, salt and status list position):
running ``bdhvs records`` again does not mint duplicates. Anything else gets a new credential;
the earlier one stays listed in the index. Both folders are built aside and swapped in at the
end, so an interrupted run leaves the previous ones whole; the status lists are signed last.
"""

from __future__ import annotations

import json
import secrets
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graders.common.errors import BdhvsError
from graders.credentials.badges import Award, awards, build_credential
from graders.credentials.certificates import render_certificate
from graders.credentials.dataintegrity import add_proof
from graders.credentials.issuer import Issuer
from graders.credentials.pdf import find_browser, html_to_pdf
from graders.credentials.problems import CredentialError
from graders.credentials.registry import (
    CREDENTIALS,
    REVOKED,
    read_index,
    revoked_ids,
    write_index,
)
from graders.credentials.revocation import StatusPlaces, publish_status_lists, status_places
from graders.credentials.statuslist import status_entry
from graders.credentials.verify import read_credential, verify_signed

CERTIFICATES = "certificates"


@dataclass
class IssueSummary:
    new: int = 0
    kept: int = 0
    pdfs: int = 0
    pdf_note: str = ""

    @property
    def credentials(self) -> int:
        return self.new + self.kept


def issue_credentials(
    records: list[dict[str, Any]],
    issuer: Issuer,
    out: Path,
    home: str,
    *,
    lang: str = "vi",
    pdf: bool = False,
) -> IssueSummary:
    """Write the credential and certificate of every award in ``records`` into ``out``."""
    current = out / CREDENTIALS
    index = read_index(current)
    revoked = revoked_ids(current / REVOKED)
    places = status_places(current, issuer, home)
    issued_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    summary = IssueSummary()
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".credentials-", dir=out))
    try:
        new_credentials, new_certificates = staging / CREDENTIALS, staging / CERTIFICATES
        new_credentials.mkdir()
        new_certificates.mkdir()
        pages = []
        for record in records:
            for award in awards(record):
                credential = _kept(award, record, issuer, home, index, current, revoked, places)
                if credential is None:
                    credential = _issue(award, record, issuer, home, issued_at, places)
                    index.append(_index_entry(award, credential, issuer))
                    summary.new += 1
                else:
                    summary.kept += 1
                target = new_credentials / award.learner / f"{award.stem}.json"
                target.parent.mkdir(exist_ok=True)
                text = json.dumps(credential, ensure_ascii=False, indent=2) + "\n"
                target.write_text(text, encoding="utf-8")
                page = new_certificates / award.learner / f"{award.stem}.html"
                page.parent.mkdir(exist_ok=True)
                page.write_text(render_certificate(credential, award, issuer, lang, home), "utf-8")
                pages.append(page)
        if pdf:
            _print_pdfs(pages, summary)
        write_index(new_credentials, index)
        if (current / REVOKED).exists():
            shutil.copy2(current / REVOKED, new_credentials / REVOKED)
        for name in (CREDENTIALS, CERTIFICATES):
            if (out / name).exists():
                (out / name).rename(staging / f"previous-{name}")
            (staging / name).rename(out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    publish_status_lists(out, issuer)
    return summary


def _issue(
    award: Award,
    record: dict[str, Any],
    issuer: Issuer,
    home: str,
    issued_at: str,
    places: StatusPlaces | None,
) -> dict[str, Any]:
    unsigned = build_credential(
        award,
        record,
        issuer,
        home,
        credential_id=f"urn:uuid:{uuid.uuid4()}",
        salt=secrets.token_hex(16),
        issued_at=issued_at,
        status=places.next_entry() if places else None,
    )
    return add_proof(unsigned, issuer.private_key, issued_at)


def _index_entry(award: Award, credential: dict[str, Any], issuer: Issuer) -> dict[str, Any]:
    entry = {
        "id": credential["id"],
        "learner": award.learner,
        "kind": award.kind,
        "key": award.key,
        "step": award.step,
        "file": f"{CREDENTIALS}/{award.learner}/{award.stem}.json",
        "issued": credential["validFrom"],
        "issuer": issuer.did,
    }
    status = credential.get("credentialStatus")
    if status:
        entry["statusList"] = status["statusListCredential"]
        entry["statusIndex"] = int(status["statusListIndex"])
    return entry


def _kept(
    award: Award,
    record: dict[str, Any],
    issuer: Issuer,
    home: str,
    index: list[dict[str, Any]],
    folder: Path,
    revoked: frozenset[str],
    places: StatusPlaces | None,
) -> dict[str, Any] | None:
    """The credential already issued for ``award``, if it can stand as it is: with a status
    list position exactly when status lists are kept."""
    path = folder / award.learner / f"{award.stem}.json"
    candidates = {
        e["id"]: e
        for e in index
        if (e.get("learner"), e.get("kind"), e.get("key"), e.get("step"))
        == (award.learner, award.kind, award.key, award.step)
    }
    if not path.is_file() or not candidates:
        return None
    try:
        credential = read_credential(path)
        signed = verify_signed(credential)
    except CredentialError:
        return None
    entry = candidates.get(credential["id"])
    if entry is None or signed.issuer_id != issuer.did or credential["id"] in revoked:
        return None
    if ("statusList" in entry) != (places is not None):
        return None
    status = status_entry(entry["statusList"], entry["statusIndex"]) if places else None
    rebuilt = build_credential(
        award,
        record,
        issuer,
        home,
        credential_id=credential["id"],
        salt=credential["credentialSubject"]["identifier"][0]["salt"],
        issued_at=credential["validFrom"],
        status=status,
    )
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    return credential if rebuilt == unsigned else None


def _print_pdfs(pages: list[Path], summary: IssueSummary) -> None:
    browser = find_browser()
    if browser is None:
        summary.pdf_note = (
            "no Chromium found, so no PDF was made; the HTML certificates print from any browser"
        )
        return
    for page in pages:
        try:
            html_to_pdf(browser, page, page.with_suffix(".pdf"))
        except RuntimeError as exc:
            raise BdhvsError(str(exc)) from None
        summary.pdfs += 1
