"""The curriculum's modules: a folder each, holding what a learner may see of the module.

``<id>/module.json`` describes it (``modules.schema.json``), ``<id>/<id>.ipynb`` is its lesson and
``<id>/*.py``, where present, are the module's own tools for its lesson and assignment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import jsonschema

from curriculum.framework import load_framework


@dataclass(frozen=True)
class Module:
    id: str
    title_vi: str
    title_en: str
    lesson: str
    assignment: str
    competences: tuple[str, ...]
    minutes: int

    def title(self, lang: str = "vi") -> str:
        return self.title_vi if lang == "vi" else self.title_en


@cache
def load_modules() -> tuple[Module, ...]:
    """Every module description, validated, in id order."""
    schema = json.loads(
        resources.files("curriculum").joinpath("modules.schema.json").read_text(encoding="utf-8")
    )
    known = load_framework().competences
    modules = []
    for folder in sorted(resources.files(__name__).iterdir(), key=lambda p: p.name):
        entry = folder.joinpath("module.json")
        if not entry.is_file():
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        jsonschema.validate(data, schema)
        unknown = [c for c in data["competences"] if c not in known]
        expected_lesson = f"curriculum/modules/{folder.name}/{folder.name}.ipynb"
        if unknown or data["id"] != folder.name or data["lesson"] != expected_lesson:
            raise ValueError(f"{folder.name}: bad id or lesson, or unknown competences {unknown}")
        modules.append(
            Module(
                id=data["id"],
                title_vi=data["title"]["vi"],
                title_en=data["title"]["en"],
                lesson=data["lesson"],
                assignment=data["assignment"],
                competences=tuple(data["competences"]),
                minutes=data["minutes"],
            )
        )
    return tuple(modules)
