"""Put a sandboxed run into the notebook exactly where nbgrader's Execute step would have.

The outputs, execution counts and timing go into each executed cell. Then, as nbgrader's
``Execute.on_cell_executed`` does with the kernel's reply, a cell whose execution ended in an
error gets an error output if it shows none with that error's name: a learner who silenced
tracebacks still fails. A cell that ran past the timeout ends as nbgrader ends it, in
``KeyboardInterrupt`` and then the configured ``error_on_timeout`` output.

Where this goes beyond nbgrader it can only lower a score: when the notebook's process ended,
stopped answering or interfered with the grader, the tests it did not reach get an error output
(nbgrader would otherwise give an empty test cell full marks), and a test cell during which the
code traced execution or poked at memory counts as failed.
"""

from __future__ import annotations

import platform
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import nbformat
from nbgrader import utils

from graders.grading.sandbox.pool import JobResult
from graders.grading.submission import ReleasedCell

LANGUAGE_INFO = {
    "name": "python",
    "version": platform.python_version(),
    "mimetype": "text/x-python",
    "codemirror_mode": {"name": "ipython", "version": 3},
    "pygments_lexer": "ipython3",
    "nbconvert_exporter": "python",
    "file_extension": ".py",
}
SILENCED = ["ERROR: An error occurred while showtraceback was disabled"]
# Names an answer cell has no honest use for: reported even when the attempt had no effect.
SENSITIVE = re.compile(
    r"\b(excepthook|_?showtraceback|set_custom_exc|settrace|setprofile|_exit|fork|ctypes"
    r"|get_objects|_getframe|__code__|builtins|ast_transformers|input_transformers\w*"
    r"|signal\.signal|ExecutionResult|error_in_exec|error_before_exec|COLLECTOR|graders"
    r"|history_manager|setattr|curriculum\.toolkit\.\w+|type\([^()]*\)\.\w+(?=\s*=[^=]))"
)
OUTPUT_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "stream": {"name": str, "text": str},
    "display_data": {"data": dict, "metadata": dict},
    "execute_result": {"data": dict, "metadata": dict, "execution_count": (int, type(None))},
    "error": {"ename": str, "evalue": str, "traceback": list},
}


# nbgrader can be configured to wait for a cell for ever; a sandbox never does.
LONGEST_CELL = 600


@dataclass(frozen=True)
class ExecutionRules:
    """The settings of nbgrader's Execute step that shape an executed notebook.

    ``timeout`` is nbgrader's per-cell timeout, or :data:`LONGEST_CELL` if it has none.
    """

    enabled: bool
    timeout: int
    grace: int
    error_on_timeout: dict[str, Any] | None
    skip_tag: str
    record_timing: bool

    @classmethod
    def of(cls, execute: Any) -> ExecutionRules:
        timeout = execute.timeout if execute.timeout and execute.timeout > 0 else LONGEST_CELL
        return cls(
            enabled=bool(execute.enabled),
            timeout=timeout,
            grace=execute.iopub_timeout,
            error_on_timeout=dict(execute.error_on_timeout) if execute.error_on_timeout else None,
            skip_tag=execute.skip_cells_with_tag,
            record_timing=bool(execute.record_timing),
        )


def cell_kind(cell: nbformat.NotebookNode) -> str:
    """``test`` for nbgrader test cells, ``course`` for other locked cells, else ``answer``."""
    if utils.is_grade(cell) and not utils.is_solution(cell):
        return "test"
    return "course" if utils.is_locked(cell) else "answer"


def cells_to_run(
    nb: nbformat.NotebookNode, rules: ExecutionRules, released: dict[str, ReleasedCell]
) -> list[dict[str, Any]]:
    """The code cells the kernel would be sent: not blank, not tagged to be skipped.

    A locked cell the release does not have is the learner's: it runs as an answer. An answer
    cell the release has carries the released code (``release``), which the judge runs.
    """
    if not rules.enabled:
        return []
    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        if rules.skip_tag in cell.metadata.get("tags", []):
            continue
        kind = cell_kind(cell)
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        origin = released.get(grade_id) if isinstance(grade_id, str) else None
        if kind != "answer" and (origin is None or not origin.locked):
            kind = "answer"
        entry = {"index": index, "code": cell.source, "kind": kind}
        if kind == "answer":
            entry["release"] = origin.source if origin and not origin.locked else None
        cells.append(entry)
    return cells


def clean_outputs(raw: Any) -> tuple[list[nbformat.NotebookNode], bool]:
    """Well-formed nbformat outputs from a reply, and whether anything had to be dropped."""
    outputs, dropped = [], not isinstance(raw, list)
    for item in raw if isinstance(raw, list) else []:
        fields = OUTPUT_FIELDS.get(item.get("output_type")) if isinstance(item, dict) else None
        if fields is None or not all(isinstance(item.get(k), t) for k, t in fields.items()):
            dropped = True
            continue
        if item["output_type"] == "stream" and item["name"] not in ("stdout", "stderr"):
            dropped = True
            continue
        if item["output_type"] == "error" and not all(
            isinstance(x, str) for x in item["traceback"]
        ):
            dropped = True
            continue
        clean = {"output_type": item["output_type"], **{k: item[k] for k in fields}}
        outputs.append(nbformat.from_dict(clean))
    return outputs, dropped


def error_output(ename: str, evalue: str, traceback: list[str]) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=traceback)


def add_status_error(cell: nbformat.NotebookNode, status: dict[str, Any]) -> None:
    """nbgrader's rule: an error reply whose error no output shows is added as an output."""
    if status.get("status") != "error":
        return
    ename = str(status.get("ename", "Error"))
    if any(o.output_type == "error" and o.ename == ename for o in cell.outputs):
        return
    traceback = status.get("traceback") or SILENCED
    cell.outputs.append(error_output(ename, str(status.get("evalue", "")), list(traceback)))


class Findings:
    """Flags of one notebook, one line per kind of finding, listing the cells concerned."""

    def __init__(self, notebook: str) -> None:
        self.notebook = notebook
        self.cells: dict[str, list[str]] = defaultdict(list)

    def add(self, phrase: str, label: str) -> None:
        if label not in self.cells[phrase]:
            self.cells[phrase].append(label)

    def flags(self) -> list[str]:
        return [
            f"{self.notebook}.ipynb: {phrase} ({', '.join(labels)})"
            for phrase, labels in self.cells.items()
        ]


def label(cell: nbformat.NotebookNode, index: int) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {index + 1}"


def apply_run(
    nb: nbformat.NotebookNode,
    notebook: str,
    sent: list[dict[str, Any]],
    result: JobResult,
    rules: ExecutionRules,
) -> tuple[list[str], str]:
    """Write ``result`` into ``nb``. Returns the flags, and an error if the run itself failed."""
    findings = Findings(notebook)
    kinds = {cell["index"]: cell["kind"] for cell in sent}
    for cell in sent:
        names = sorted(set(SENSITIVE.findall(cell["code"]))) if cell["kind"] == "answer" else []
        if names:
            findings.add(
                f"uses names that can tamper with grading: {', '.join(names)}",
                label(nb.cells[cell["index"]], cell["index"]),
            )
    replied = set()
    for reply in result.replies:
        index = reply["index"]
        replied.add(index)
        cell = nb.cells[index]
        where = label(cell, index)
        cell.outputs, dropped = clean_outputs(reply["outputs"])
        count = reply["execution_count"]
        cell.execution_count = count if isinstance(count, int) else None
        if rules.record_timing:
            started, finished = str(reply["started"]), str(reply["finished"])
            cell.metadata["execution"] = {
                "iopub.execute_input": started,
                "iopub.status.busy": started,
                "iopub.status.idle": finished,
                "shell.execute_reply": finished,
            }
        status = reply["status"] if isinstance(reply["status"], dict) else {}
        if reply.get("timed_out"):
            findings.add(f"ran past the time limit of {rules.timeout} s", where)
            if rules.error_on_timeout:
                status = {**rules.error_on_timeout, "status": "error"}
        add_status_error(cell, status)
        if status.get("ename") == "SystemExit":
            findings.add("called sys.exit (grading went on)", where)
        if status.get("ename") == "MemoryError":
            findings.add("ran out of memory", where)
        if reply.get("audit"):
            events = ", ".join(map(str, reply["audit"]))
            findings.add(f"traced execution or read memory ({events})", where)
            if kinds.get(index) == "test":
                evalue = f"the test's code was traced or tampered with ({events})"
                cell.outputs.append(error_output("GraderIntegrityError", evalue, [evalue]))
        for phrase in reply["flags"]:
            findings.add(str(phrase), where)
        if dropped:
            findings.add("sent malformed outputs (dropped)", where)
        if reply.get("cut"):
            findings.add("output over the limit was cut", where)
    end = result.end
    reason = end.get("reason")
    if reason == "error":
        return findings.flags(), f"could not run {notebook}.ipynb: {end.get('detail', '')}".strip()
    if reason != "complete":
        _stop(nb, sent, replied, end, rules, findings)
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    return findings.flags(), ""


def _stop(nb, sent, replied, end, rules: ExecutionRules, findings: Findings) -> None:
    """The notebook's process is gone before the end: its unreached tests fail."""
    remaining = [cell for cell in sent if cell["index"] not in replied]
    last = remaining[0]["index"] if remaining else sent[-1]["index"]
    where = label(nb.cells[last], last)
    reason = end.get("reason")
    if reason == "unresponsive":
        findings.add("ran past the time limit and did not stop when interrupted", where)
        if rules.error_on_timeout:
            timeout = rules.error_on_timeout
            nb.cells[last].outputs.append(
                error_output(timeout["ename"], timeout["evalue"], list(timeout["traceback"]))
            )
    elif reason == "overtime":
        findings.add(f"ran past the notebook's time limit ({end.get('exit', '')})", where)
    elif reason == "tampered":
        findings.add(f"interfered with the grader: {end.get('detail', '')}", where)
    else:
        findings.add(f"ended the grading process ({end.get('exit', 'unknown')})", where)
    if not remaining:
        return
    findings.add("the rest of the notebook was not run", where)
    evalue = f"not run: the notebook's process stopped at {where}"
    for cell in remaining:
        if cell["kind"] == "test":
            nb.cells[cell["index"]].outputs.append(error_output("NotRun", evalue, [evalue]))
