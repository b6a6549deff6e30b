"""The code's folders follow the data's way through the system, and no import runs back up it.

README.md "Layout" draws the map; this test holds the code to it, imports inside functions
included, so a module that reaches into a later stage fails here rather than in review.
"""

import ast
from pathlib import Path

import pytest

from graders.course.library import imported_names

REPO = Path(__file__).resolve().parents[1]

#: The stages of ``graders/``, in the order the data flows through them: a folder may import
#: from its own stage and from those before it, never from one after it.
STAGES = (
    "common",
    "gradebook",
    "course",
    "grading",
    "records",
    "credentials",
    "exports",
    "integrity",
    "report",
    "privacy",
    "hub",
    "demo",
    "commands",
    "cli",
)


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "graders" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in STAGES else None


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, wherever in it (names relative to the package resolved)."""
    package = ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
    return set(imported_names(ast.parse(path.read_text(encoding="utf-8")), package))


def python_files(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


def test_every_folder_of_graders_is_a_stage_of_the_map():
    folders = {p.name for p in (REPO / "graders").iterdir() if (p / "__init__.py").is_file()}
    assert folders == set(STAGES) - {"cli"}


@pytest.mark.parametrize("path", python_files("graders"), ids=lambda p: str(p.relative_to(REPO)))
def test_no_module_imports_from_a_later_stage(path):
    module = ".".join(path.relative_to(REPO).with_suffix("").parts)
    own = stage_of(module)
    later = {
        name
        for name in imported(path)
        if own and (stage := stage_of(name)) and STAGES.index(stage) > STAGES.index(own)
    }
    assert not later, f"{module} ({own}) imports from later stages: {sorted(later)}"


@pytest.mark.parametrize("path", python_files("curriculum"), ids=lambda p: str(p.relative_to(REPO)))
def test_the_learner_library_never_imports_the_instructor_side(path):
    assert not {name for name in imported(path) if name.split(".")[0] == "graders"}
