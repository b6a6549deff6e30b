"""What a learner sees of a notebook: the text, the questions and the apps, and code only where
they are meant to write or read it.

A code cell that builds a question or an app, loads the tools or checks an answer is shown to
the learner collapsed (``jupyter.source_hidden``, which JupyterLab and Notebook 7 honour, and
Voilà never shows code at all); only what it displays is seen. A cell stays open when the
learner writes code in it (an nbgrader answer cell that builds no question of the learner
library, as in the programming module) or when a lesson tags it ``learner-code`` (an example
the programming lesson asks them to read and change). The instructor's sources are untouched:
``bdhvs build`` applies this to the release, and lessons are committed with it applied.
"""

from __future__ import annotations

import nbformat

from graders.course.item_kinds import bound_questions, library_imports
from graders.course.library import parse_code

SHOWN_TAG = "learner-code"


def shows_code(cell: nbformat.NotebookNode, imports: dict[str, tuple[str, str]]) -> bool:
    """Whether the learner sees this code cell's source."""
    if SHOWN_TAG in cell.metadata.get("tags", []):
        return True
    if not cell.metadata.get("nbgrader", {}).get("solution"):
        return False
    tree = parse_code(cell.source)
    return tree is None or not any(bound_questions(tree, imports))


def apply_learner_view(nb: nbformat.NotebookNode) -> bool:
    """Collapse every code cell the learner should not see, open the others; True if changed."""
    imports = library_imports(nb)
    changed = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        jupyter = cell.metadata.get("jupyter", {})
        hidden = not shows_code(cell, imports)
        if bool(jupyter.get("source_hidden")) == hidden:
            continue
        changed = True
        if hidden:
            cell.metadata["jupyter"] = {**jupyter, "source_hidden": True}
        else:
            jupyter = {key: value for key, value in jupyter.items() if key != "source_hidden"}
            if jupyter:
                cell.metadata["jupyter"] = jupyter
            else:
                cell.metadata.pop("jupyter", None)
    return changed
