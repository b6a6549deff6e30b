"""Everything ``bdhvs records`` and ``bdhvs demo`` export beside the records themselves.

``paths.csv`` and ``xapi.jsonl`` always; credentials and certificates when an issuer key is
given. What each contains is in ``docs/exports.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graders.credentials.issuer import PLACEHOLDER_HOME_PAGE, Issuer
from graders.credentials.issuing import CERTIFICATES, CREDENTIALS, IssueSummary, issue_credentials
from graders.exports.paths_csv import PATHS_CSV, write_paths_csv
from graders.exports.xapi import XAPI, statements, write_statements


@dataclass
class ExportSummary:
    out: Path
    home_page: str
    statements: int
    issuer: Issuer | None
    issued: IssueSummary | None

    def lines(self) -> list[str]:
        """What was written, for the person who ran the command."""
        lines = [
            f"paths table -> {self.out / PATHS_CSV}",
            f"{self.statements} xAPI statements -> {self.out / XAPI}",
        ]
        if self.home_page == PLACEHOLDER_HOME_PAGE:
            lines.append(
                f"  account home page: {PLACEHOLDER_HOME_PAGE} is a placeholder; set the "
                "organisation's real one with --home-page or in the issuer profile"
            )
        if self.issuer is None or self.issued is None:
            lines.append("credentials: none issued (no --key; make one with bdhvs keys init)")
            return lines
        issued = self.issued
        lines.append(
            f"{issued.credentials} credentials ({issued.new} new, {issued.kept} kept) -> "
            f"{self.out / CREDENTIALS}"
        )
        lines.append(f"certificates -> {self.out / CERTIFICATES}")
        if issued.pdfs:
            lines.append(f"  with {issued.pdfs} PDF files")
        if issued.pdf_note:
            lines.append(f"  {issued.pdf_note}")
        if self.issuer.demo:
            lines.append(
                "  signed with a DEMO key made for this run: they certify nothing; "
                "make the organisation's key with bdhvs keys init"
            )
        lines.append(f"  issuer: {self.issuer.name} ({self.issuer.did})")
        return lines


def write_exports(
    records: list[dict[str, Any]],
    out: Path,
    *,
    home_page: str,
    issuer: Issuer | None = None,
    lang: str = "vi",
    pdf: bool = False,
) -> ExportSummary:
    out.mkdir(parents=True, exist_ok=True)
    write_paths_csv(records, out / PATHS_CSV)
    found = statements(records, home_page)
    write_statements(found, out / XAPI)
    issued = None
    if issuer is not None:
        issued = issue_credentials(records, issuer, out, home_page, lang=lang, pdf=pdf)
    return ExportSummary(out, home_page, len(found), issuer, issued)
