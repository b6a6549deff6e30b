"""Everything ``bdhvs records`` writes, and ``bdhvs demo`` through the very same function.

The records and ``records.csv``, every table export of :mod:`graders.exports.formats` and,
with an issuer, the credentials and certificates, which are made from the records as they were
written. What each file contains is in ``docs/exports.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graders.course.directory import Course
from graders.credentials.issuer import PLACEHOLDER_HOME_PAGE, Issuer
from graders.credentials.issuing import CERTIFICATES, CREDENTIALS, IssueSummary, issue_credentials
from graders.exports.formats import table_exports
from graders.records.folder import StoredRecords, Written, write_cohort
from graders.records.maker import RecordMaker
from graders.records.rollup import RollupPolicy
from graders.records.tables import TableExport


@dataclass
class Outputs:
    """What :func:`write_outputs` wrote into ``out``."""

    out: Path
    home_page: str
    written: Written
    exports: list[TableExport]
    issuer: Issuer | None
    issued: IssueSummary | None

    @property
    def records(self) -> StoredRecords:
        """The records as written, read back one at a time."""
        return StoredRecords(self.out)

    def lines(self) -> list[str]:
        """What was written beside the records and ``records.csv``, for the person who ran
        the command."""
        lines = [
            export.summary(self.out / export.file, self.written.exported[export.file])
            for export in self.exports
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


def write_outputs(
    course: Course,
    out: Path,
    *,
    home: str,
    policy: RollupPolicy | None = None,
    issuer: Issuer | None = None,
    jobs: int = 1,
    lang: str = "vi",
    pdf: bool = False,
    progress: bool | None = False,
    say: Callable[[str], None] | None = None,
) -> Outputs:
    """Write the records of ``course`` into ``out`` with ``records.csv`` and the table exports
    (actors' accounts on ``home``), on ``jobs`` processes; with ``issuer``, issue the
    credentials of the records as written. ``say`` hears of an interrupted earlier run."""
    maker = RecordMaker(course, policy, jobs=jobs, progress=progress)
    exports = table_exports()
    written = write_cohort(
        maker, out, exports=exports, home=home, jobs=jobs, progress=progress, say=say
    )
    issued = None
    if issuer is not None:  # credentials are made from the records as written
        issued = issue_credentials(StoredRecords(out), issuer, out, home, lang=lang, pdf=pdf)
    return Outputs(out, home, written, exports, issuer, issued)
