"""Identifiers (IRIs) for what the exports talk about, all under the issuer's home page.

xAPI activities, Open Badges achievements and their alignments need IRIs. The framework has no
official ones, so each organisation names them under its own home page (or under the
``.invalid`` placeholder until one is configured, see ``graders.credentials.issuer``).
"""

from __future__ import annotations


def framework_iri(home: str, framework_id: str) -> str:
    return f"{home}/frameworks/{framework_id}"


def competence_iri(home: str, framework_id: str, competence: str) -> str:
    return f"{framework_iri(home, framework_id)}/competences/{competence}"


def steps_iri(home: str, framework_id: str) -> str:
    return f"{framework_iri(home, framework_id)}/steps"


def step_iri(home: str, framework_id: str, step: int) -> str:
    return f"{steps_iri(home, framework_id)}/{step}"


def path_iri(home: str, path: str) -> str:
    return f"{home}/paths/{path}"


def competence_achievement_iri(home: str, competence: str) -> str:
    return f"{home}/achievements/competences/{competence}"


def path_achievement_iri(home: str, path: str) -> str:
    return f"{home}/achievements/paths/{path}"


def xapi_extension_iri(home: str, name: str) -> str:
    return f"{home}/xapi/extensions/{name}"


def competence_code(framework_id: str, competence: str) -> str:
    """A short, framework-qualified code for a competence, e.g. ``tt02-2025:4.2``."""
    return f"{framework_id}:{competence}"
