"""Progress of a self-learner: the competences shown in self-checks, and a self-assessed record.

Every self-check (the button in a notebook, or ``bdhvs check``) is remembered per notebook in
``self-checks.json`` under ``$BDHVS_HOME`` (default ``~/.bdhvs``); only the latest check of each
notebook counts. Passing visible checks is not a grade, so everything here says plainly that
it is self-assessed and not verified by an instructor.
"""

from __future__ import annotations

import html
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from curriculum.framework import load_framework
from curriculum.toolkit.i18n import get_language, text

__all__ = [
    "CheckResult",
    "SelfCheck",
    "competence_progress",
    "export_self_assessment",
    "handins",
    "latest_checks",
    "progress_widget",
    "record_check",
    "record_handin",
    "self_assessed_record",
    "store_path",
]

STORE_FORMAT = "bdhvs-self-checks/1"
RECORD_KIND = "bdhvs/self-assessed-record/1"
HANDINS_FORMAT = "bdhvs-handins/1"


@dataclass(frozen=True)
class CheckResult:
    """One graded item of a self-check: whether a test cell's visible checks passed, or
    whether a written answer (graded by the instructor) is there."""

    cell: str
    points: float
    competences: tuple[str, ...]
    step: int | None
    passed: bool
    message: str


@dataclass(frozen=True)
class SelfCheck:
    """A self-check of one notebook, as :mod:`curriculum.toolkit.selfcheck` makes it and this
    module remembers it; ``error`` says why the notebook could not be checked."""

    notebook: str
    results: tuple[CheckResult, ...]
    error: str = ""

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)


def store_path() -> Path:
    home = os.environ.get("BDHVS_HOME") or Path.home() / ".bdhvs"
    return Path(home) / "self-checks.json"


def _load() -> dict[str, Any]:
    """The store's checks by notebook path; a missing or damaged store counts as empty."""
    try:
        data = json.loads(store_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != STORE_FORMAT:
        return {}
    checks = data.get("checks")
    return checks if isinstance(checks, dict) else {}


def record_check(check: SelfCheck, notebook: str | Path) -> None:
    """Remember ``check`` as the latest self-check of ``notebook``."""
    if check.error:
        return
    checks = _load()
    checks[str(Path(notebook).resolve())] = {
        "notebook": check.notebook,
        "checked_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "results": [
            {
                "cell": r.cell,
                "competences": list(r.competences),
                "step": r.step,
                "points": r.points,
                "passed": r.passed,
            }
            for r in check.results
        ],
    }
    _write(store_path(), {"format": STORE_FORMAT, "checks": checks})


def _write(path: Path, data: dict[str, Any]) -> None:
    """Replace ``path`` whole, so a learner's server stopped mid-write leaves the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(data, ensure_ascii=False, indent=2)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as tmp:
        tmp.write(payload)
    os.replace(tmp.name, path)


def _handins_path() -> Path:
    return store_path().with_name("handins.json")


def handins() -> dict[str, str]:
    """When each assignment was last handed in from here, by assignment id."""
    try:
        data = json.loads(_handins_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != HANDINS_FORMAT:
        return {}
    entries = data.get("handins")
    if not isinstance(entries, dict):
        return {}
    return {k: v for k, v in entries.items() if isinstance(k, str) and isinstance(v, str)}


def record_handin(assignment: str) -> None:
    """Remember that ``assignment`` was handed in now (the start page shows it as done)."""
    entries = handins()
    entries[assignment] = datetime.now().astimezone().isoformat(timespec="seconds")
    _write(_handins_path(), {"format": HANDINS_FORMAT, "handins": entries})


def latest_checks() -> dict[str, dict[str, Any]]:
    """The latest self-check of each notebook, by the notebook's file name without ``.ipynb``."""
    return {Path(path).stem: check for path, check in _load().items()}


def competence_progress() -> dict[str, dict[str, Any]]:
    """Per competence: items answered (visible checks passed, a written answer given), items
    tried, and the steps they target."""
    progress: dict[str, dict[str, Any]] = {}
    for check in _load().values():
        for result in check.get("results", []):
            for competence in result.get("competences", []):
                entry = progress.setdefault(competence, {"passed": 0, "items": 0, "steps": set()})
                entry["items"] += 1
                entry["passed"] += bool(result.get("passed"))
                if result.get("step"):
                    entry["steps"].add(result["step"])
    order = list(load_framework().competences)
    return {
        c: {**progress[c], "steps": sorted(progress[c]["steps"])}
        for c in sorted(progress, key=lambda c: order.index(c) if c in order else len(order))
    }


def self_assessed_record(learner: str | None = None) -> dict[str, Any]:
    """A record of self-check progress, marked as not verified by an instructor."""
    return {
        "kind": RECORD_KIND,
        "verified": False,
        "note": text("progress.not_verified"),
        "learner": learner,
        "framework": load_framework().id,
        "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "notebooks": sorted(c["notebook"] for c in _load().values()),
        "competences": competence_progress(),
    }


def export_self_assessment(path: str | Path, learner: str | None = None) -> Path:
    """Write :func:`self_assessed_record` as JSON to ``path``."""
    path = Path(path)
    record = json.dumps(self_assessed_record(learner), ensure_ascii=False, indent=2)
    path.write_text(record, encoding="utf-8")
    return path


def _table() -> str:
    framework = load_framework()
    progress = competence_progress()
    if not progress:
        return f"<p>{html.escape(text('progress.empty'))}</p>"
    rows = []
    for competence, entry in progress.items():
        name = framework.competences[competence].name(get_language())
        share = entry["passed"] / entry["items"] if entry["items"] else 0.0
        rows.append(
            f"<tr><td>{html.escape(competence)}</td><td>{html.escape(name)}</td>"
            f'<td><progress value="{share:.2f}" max="1" aria-label="{html.escape(name)}">'
            f"</progress> {entry['passed']}/{entry['items']}</td></tr>"
        )
    head = (
        f"<tr><th>{html.escape(text('progress.competence'))}</th><th></th>"
        f"<th>{html.escape(text('progress.items_passed'))}</th></tr>"
    )
    return f"<table>{head}{''.join(rows)}</table>"


def progress_widget(export_to: str | Path = "tu_danh_gia.json") -> widgets.VBox:
    """The learner's progress by competence, with a button to export the self-assessed record."""
    note = widgets.HTML(f"<p><em>{html.escape(text('progress.not_verified'))}</em></p>")
    table = widgets.HTML(_table(), layout=widgets.Layout(width="100%"))
    refresh = widgets.Button(description=text("progress.refresh"), icon="refresh")
    export = widgets.Button(description=text("progress.export"), icon="download")
    message = widgets.HTML()

    def on_refresh(_button: widgets.Button) -> None:
        table.value = _table()

    def on_export(_button: widgets.Button) -> None:
        written = export_self_assessment(export_to)
        message.value = html.escape(text("progress.exported", file=written.name))

    refresh.on_click(on_refresh)
    export.on_click(on_export)
    return widgets.VBox([note, table, widgets.HBox([refresh, export]), message])
