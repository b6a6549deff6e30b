"""Short labels of an assignment's questions, as the learner reads them.

The rule is the course's (:mod:`graders.course.questions`); here it is applied to the source
notebooks of a cohort's results. A cell without a heading, or of a notebook that cannot be read,
keeps its grade id.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from graders.course.questions import cell_labels

Key = tuple[str, str, str]  # assignment, notebook, grade id


def question_labels(source_dir: Path, notebooks: set[tuple[str, str]]) -> dict[Key, str]:
    """(assignment, notebook, grade id) -> the heading of its question, for the nbgrader cells
    of these (assignment, notebook) sources that have one."""
    labels: dict[Key, str] = {}
    for assignment, notebook in sorted(notebooks):
        try:
            nb = nbformat.read(source_dir / assignment / f"{notebook}.ipynb", as_version=4)
        except (OSError, ValueError):
            continue
        for grade_id, label in cell_labels(nb.cells).items():
            labels[(assignment, notebook, grade_id)] = label
    return labels


def question_of(labels: dict[Key, str], assignment: str, name: str) -> str:
    """The label of a question named ``notebook/grade id``, or by a widget's id (``cau_7``,
    whose cells are ``cau_7_dap_an`` and ``cau_7_kiem_tra``); the name itself when unknown."""
    cell = name.rsplit("/", 1)[-1]
    notebook = name.rsplit("/", 1)[0] if "/" in name else None
    for (a, nb, grade_id), label in labels.items():
        if a == assignment and notebook in (nb, None) and grade_id == cell:
            return label
    for (a, _, grade_id), label in labels.items():
        if a == assignment and grade_id.startswith(f"{cell}_"):
            return label
    return cell
