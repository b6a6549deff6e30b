"""The national digital competency framework (Circular 02/2025/TT-BGDĐT) as data.

``framework.json`` holds the 6 domains, 24 competences and 8 steps; ``paths.json`` holds the
learning paths of the four target groups; ``targets.json`` the movement's dated completion
targets for those groups. All are validated against their JSON Schemas on load,
so a typo in the data fails loudly instead of producing wrong records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

DATA_FILES = ("framework.json", "paths.json", "targets.json")


@dataclass(frozen=True)
class Competence:
    id: str
    domain_id: str
    name_vi: str
    name_en: str
    digcomp22: str | None

    def name(self, lang: str = "vi") -> str:
        return self.name_vi if lang == "vi" else self.name_en


@dataclass(frozen=True)
class Domain:
    id: str
    name_vi: str
    name_en: str
    digcomp22: str | None
    competence_ids: tuple[str, ...]

    def name(self, lang: str = "vi") -> str:
        return self.name_vi if lang == "vi" else self.name_en


@dataclass(frozen=True)
class Step:
    step: int
    code: str
    level_vi: str
    level_en: str
    digcomp22_level: int
    descriptor_vi: str
    descriptor_en: str


@dataclass(frozen=True)
class Requirement:
    competence: str
    step: int


@dataclass(frozen=True)
class LearningPath:
    id: str
    target_group_vi: str
    target_group_en: str
    requirements: tuple[Requirement, ...]
    modules: tuple[str, ...]

    def target_group(self, lang: str = "vi") -> str:
        return self.target_group_vi if lang == "vi" else self.target_group_en


@dataclass(frozen=True)
class Framework:
    id: str
    domains: tuple[Domain, ...]
    competences: dict[str, Competence]
    steps: tuple[Step, ...]
    paths: tuple[LearningPath, ...]
    raw: dict[str, Any]

    def competence(self, competence_id: str) -> Competence:
        try:
            return self.competences[competence_id]
        except KeyError:
            raise KeyError(f"unknown competence id {competence_id!r}") from None

    def step(self, number: int) -> Step:
        for step in self.steps:
            if step.step == number:
                return step
        raise KeyError(f"unknown step {number!r}")

    def path(self, path_id: str) -> LearningPath:
        for path in self.paths:
            if path.id == path_id:
                return path
        raise KeyError(f"unknown learning path {path_id!r}")


@dataclass(frozen=True)
class Target:
    """By ``by`` (inclusive), ``share`` of the group should have completed its path."""

    path: str
    by: date
    share: float
    source_vi: str
    source_en: str
    uncertain: bool

    def source(self, lang: str = "vi") -> str:
        return self.source_vi if lang == "vi" else self.source_en


def read_json(name: str) -> Any:
    """Read one of this package's JSON files (data or schema) by file name."""
    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))


def validate_data(name: str) -> Any:
    """Load ``name`` (e.g. ``framework.json``) and validate it against its schema."""
    data = read_json(name)
    schema = read_json(name.replace(".json", ".schema.json"))
    jsonschema.validate(data, schema)
    return data


@cache
def load_framework() -> Framework:
    """Load and validate the framework and its learning paths (cached)."""
    data = validate_data("framework.json")
    paths_data = validate_data("paths.json")
    competences: dict[str, Competence] = {}
    domains = []
    for domain in data["domains"]:
        for comp in domain["competences"]:
            competences[comp["id"]] = Competence(
                id=comp["id"],
                domain_id=domain["id"],
                name_vi=comp["name"]["vi"],
                name_en=comp["name"]["en"],
                digcomp22=comp.get("digcomp22"),
            )
        domains.append(
            Domain(
                id=domain["id"],
                name_vi=domain["name"]["vi"],
                name_en=domain["name"]["en"],
                digcomp22=domain.get("digcomp22"),
                competence_ids=tuple(c["id"] for c in domain["competences"]),
            )
        )
    levels = {level["id"]: level for level in data["levels"]}
    steps = tuple(
        Step(
            step=s["step"],
            code=s["code"],
            level_vi=levels[s["level"]]["name"]["vi"],
            level_en=levels[s["level"]]["name"]["en"],
            digcomp22_level=s["digcomp22_level"],
            descriptor_vi=s["descriptor"]["vi"],
            descriptor_en=s["descriptor"]["en"],
        )
        for s in data["steps"]
    )
    paths = []
    for path in paths_data["paths"]:
        requirements = tuple(Requirement(r["competence"], r["step"]) for r in path["requirements"])
        unknown = [r.competence for r in requirements if r.competence not in competences]
        if unknown:
            raise ValueError(f"path {path['id']!r} requires unknown competences {unknown}")
        paths.append(
            LearningPath(
                id=path["id"],
                target_group_vi=path["target_group"]["vi"],
                target_group_en=path["target_group"]["en"],
                requirements=requirements,
                modules=tuple(path["modules"]),
            )
        )
    return Framework(
        id=data["id"],
        domains=tuple(domains),
        competences=competences,
        steps=steps,
        paths=tuple(paths),
        raw={"framework": data, "paths": paths_data},
    )


@cache
def load_targets() -> dict[str, tuple[Target, ...]]:
    """Learning path id -> its dated targets, earliest first (validated, cached)."""
    data = validate_data("targets.json")
    known = {path.id for path in load_framework().paths}
    targets: dict[str, tuple[Target, ...]] = {}
    for group in data["groups"]:
        if group["path"] in targets or group["path"] not in known:
            raise ValueError(f"targets.json: path {group['path']!r} is repeated or unknown")
        entries = sorted(
            (
                Target(
                    path=group["path"],
                    by=date.fromisoformat(t["by"]),
                    share=t["share"],
                    source_vi=t["source"]["vi"],
                    source_en=t["source"]["en"],
                    uncertain=t["uncertain"],
                )
                for t in group["targets"]
            ),
            key=lambda t: t.by,
        )
        if len({t.by for t in entries}) != len(entries):
            raise ValueError(f"targets.json: two targets of {group['path']!r} share a date")
        targets[group["path"]] = tuple(entries)
    return targets
