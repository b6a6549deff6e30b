"""Binder's install steps, replayed in a fresh virtual environment, give a working lesson."""

import shutil
import subprocess
import venv
from pathlib import Path

import pytest

from conftest import REPO

LESSON = REPO / "curriculum" / "lessons" / "an_toan_so.ipynb"


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory) -> Path:
    """A new venv, set up as Binder does: requirements.txt, then postBuild in the repository."""
    root = tmp_path_factory.mktemp("binder")
    checkout = root / "repo"
    shutil.copytree(
        REPO,
        checkout,
        ignore=shutil.ignore_patterns(".venv", ".git", "demo-output", "*.egg-info", "__pycache__"),
    )
    env_dir = root / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "-r", str(checkout / "binder" / "requirements.txt")], check=True)
    path = f"{env_dir / 'bin'}:/usr/bin:/bin"
    subprocess.run(
        ["bash", str(checkout / "binder" / "postBuild")],
        cwd=checkout,
        check=True,
        env={"PATH": path, "HOME": str(root)},
    )
    return env_dir


def checkout_of(env_dir: Path) -> Path:
    return env_dir.parent / "repo"


def test_binder_environment_runs_a_lesson_with_papermill(binder_env, tmp_path):
    python = binder_env / "bin" / "python"
    kernel = subprocess.run(
        [str(python), "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"],
        capture_output=True,
        text=True,
    )
    assert kernel.returncode == 0, kernel.stderr
    output = tmp_path / "out.ipynb"
    done = subprocess.run(
        [str(python), "-m", "papermill", str(LESSON), str(output), "--cwd", str(LESSON.parent)],
        capture_output=True,
        text=True,
        env={"PATH": f"{binder_env / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert output.is_file()


def test_binder_environment_imports_the_learner_package_it_installed(binder_env, tmp_path):
    python = binder_env / "bin" / "python"
    found = subprocess.run(
        [str(python), "-c", "import curriculum, ipywidgets; print(curriculum.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert found.stdout.strip() == str(checkout_of(binder_env) / "curriculum" / "__init__.py")
