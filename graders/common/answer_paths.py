"""Where answers live: one list for everything that must keep them from learners.

The list is ``answer-bearing-paths.txt`` beside this module, a plain file so that Binder's
``postBuild`` (bash) reads the same lines. From it come the paths the grading sandbox hides
of this project (:func:`hidden`) and the Kubernetes image's ``Dockerfile.dockerignore``
(:func:`dockerignore`; ``python -m graders.common.answer_paths --dockerignore`` writes it). A
course's own answers (its whole folder, sources and gradebook) are hidden by the grading engine,
which knows the course.
"""

from __future__ import annotations

import argparse
import fnmatch
import tomllib
from pathlib import Path

LIST_FILE = Path(__file__).with_name("answer-bearing-paths.txt")
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
PROJECT_ROOT = PACKAGE_ROOT.parent  # the checkout, or site-packages for an installed package
# Not answers, but nothing the user image needs: local environments, build output, benchmarks.
IMAGE_LEAVES_OUT = (
    ".venv",
    "**/__pycache__",
    "*.egg-info",
    "bench",
)
DOCKERIGNORE_HEADER = """\
# Generated from graders/common/answer-bearing-paths.txt: edit that list, then run
#   python -m graders.common.answer_paths --dockerignore > deploy/kubernetes/Dockerfile.dockerignore
# Kept out of the user image: every path that holds answers, then local build output.
"""


def listed() -> list[str]:
    """The list's paths, relative to the repository root, in the list's order."""
    entries = (line.strip() for line in LIST_FILE.read_text(encoding="utf-8").splitlines())
    return [entry for entry in entries if entry and not entry.startswith("#")]


def is_checkout(root: Path = PROJECT_ROOT) -> bool:
    """Whether ``root`` is a checkout (an editable install's packages live in one too), not
    the site-packages folder of an installed package."""
    return (root / "pyproject.toml").is_file()


def hidden(root: Path = PROJECT_ROOT) -> list[Path]:
    """What of this project under ``root`` a submission must not see.

    From a checkout (or an editable install, whose packages live in one): the whole checkout,
    of which the grading sandbox shows only what the interpreter needs (:func:`code_folders`, a
    virtual environment), so that nothing the list lacks (a course made in the checkout) shows;
    then every listed path, for those that lie inside what it shows. An installed package
    brings only its own files, so only the listed paths inside it (its demo answers) apply: a
    folder in site-packages named ``tests`` or ``assignments`` belongs to some other
    distribution.
    """
    if is_checkout(root):
        return [root, *(root / entry for entry in listed())]
    return [root / e for e in listed() if Path(e).parts[0] == PACKAGE_ROOT.name]


def code_folders(root: Path = PROJECT_ROOT) -> list[Path]:
    """Where this project's packages are imported from: in a checkout, its top-level package
    folders (those ``pyproject.toml`` has setuptools find); else ``root``, the folder that
    holds the installed packages."""
    if not is_checkout(root):
        return [root]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["packages"]["find"]["include"]
    return sorted(
        folder
        for folder in root.iterdir()
        if folder.is_dir() and any(fnmatch.fnmatchcase(folder.name, p) for p in patterns)
    )


def dockerignore() -> str:
    """The Kubernetes image's ignore file: the listed paths, then local build output."""
    return DOCKERIGNORE_HEADER + "".join(f"{line}\n" for line in [*listed(), *IMAGE_LEAVES_OUT])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dockerignore",
        action="store_true",
        required=True,
        help="print deploy/kubernetes/Dockerfile.dockerignore as the list gives it",
    )
    parser.parse_args(argv)
    print(dockerignore(), end="")


if __name__ == "__main__":
    main()
