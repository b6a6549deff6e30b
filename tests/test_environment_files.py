"""environment.yml (instructors, hub images) and binder/ (learners) pin what pyproject.toml pins."""

import tomllib

import yaml

from conftest import REPO


def _normalise(requirement: str) -> str:
    return requirement.replace(" ", "").lower()


def pyproject_dependencies(*extras: str) -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = set(project["dependencies"])
    for extra in extras:
        found |= set(project["optional-dependencies"][extra])
    return {_normalise(r) for r in found}


def test_environment_yml_pins_the_dependencies_and_the_cluster_and_hub_extras():
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pins = {_normalise(r) for r in pip_section if not r.startswith("-e")}
    assert pins == pyproject_dependencies("cluster", "hub")
    assert "-e ." in pip_section
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python == "python>=3.11"


def test_binder_requirements_pin_the_pyproject_dependencies():
    lines = (REPO / "binder" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pins = {_normalise(line) for line in lines if line.strip() and not line.startswith("#")}
    assert pins == pyproject_dependencies()
    assert "pip install --no-deps -e ." in (REPO / "binder" / "postBuild").read_text()
