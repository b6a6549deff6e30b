"""Binder's install steps, replayed in a fresh virtual environment, give a working lesson."""

import shutil
import subprocess
import venv
from pathlib import Path

import pytest

from graders.common import answer_paths

from conftest import ASSIGNMENTS, REPO, secret_lines

LESSON = REPO / "curriculum" / "modules" / "an_toan_so" / "an_toan_so.ipynb"


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
        env={"PATH": path, "HOME": str(root), "REPO_DIR": str(checkout)},
    )
    return env_dir


def checkout_of(env_dir: Path) -> Path:
    return env_dir.parent / "repo"


def test_binder_image_ships_released_assignments_and_no_answers(binder_env):
    checkout = checkout_of(binder_env)
    for removed in answer_paths.listed():
        assert not (checkout / removed).exists(), removed
    released = checkout / "bai_tap"
    assert sorted(p.name for p in released.iterdir()) == ASSIGNMENTS
    secrets = set()
    for path in (REPO / "assignments").glob("*/*.ipynb"):
        secrets |= secret_lines(path)
    for path in checkout.rglob("*"):
        if path.is_file() and path.suffix in {".ipynb", ".json", ".py", ".txt"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            leaked = [line for line in secrets if line in text]
            assert not leaked, f"{path.relative_to(checkout)} ships {leaked[:2]}"


def test_binder_opens_the_start_page(binder_env):
    config = binder_env.parent / ".jupyter" / "jupyter_server_config.py"
    self_study = checkout_of(binder_env) / "deploy" / "jupyter" / "self-study"
    assert str(self_study) in config.read_text()
    assert 'default_url = "/bat-dau"' in (self_study / "jupyter_server_config.py").read_text()
    page_config = binder_env.parent / ".jupyter" / "labconfig" / "page_config.json"
    assert "@jupyter/nbgrader:assignment-list" in page_config.read_text()
    assert (checkout_of(binder_env) / "curriculum" / "bat_dau.ipynb").is_file()


def test_binder_post_build_refuses_to_run_outside_a_binder_build(tmp_path):
    done = subprocess.run(
        ["bash", str(REPO / "binder" / "postBuild")], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 1 and "Binder build" in done.stderr


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
