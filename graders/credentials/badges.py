"""Open Badges 3.0 credentials (W3C Verifiable Credentials 2.0) from the competency records.

One credential per learner for each competence attained (step 1 or above) and for each
completed learning path. The learner appears only as a salted SHA-256 hash of the pseudonymous
learner id (``identifier``), with a fresh random salt in each credential so that two credentials
cannot be linked through the hash. Whoever knows the id and reads the salt can check it; the
id alone is not in the credential.

The ``@context`` entries are the context URLs as plain strings: nothing is fetched, and the
proof (``graders.credentials.dataintegrity``) signs the JSON itself, so no JSON-LD processing
is needed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from curriculum.framework import Framework, load_framework
from graders.common import iris
from graders.credentials.issuer import Issuer

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
COMPETENCE = "competence"
PATH = "path"
CIRCULAR = "Thông tư 02/2025/TT-BGDĐT"


@dataclass(frozen=True)
class Award:
    """What one credential is for: a competence at the step attained, or a completed path."""

    learner: str
    kind: str  # COMPETENCE or PATH
    key: str  # the competence id or the path id
    step: int | None = None

    @property
    def stem(self) -> str:
        """File name (without extension) of the credential and its certificate."""
        if self.kind == COMPETENCE:
            return f"competence-{self.key}-step-{self.step}"
        return f"path-{self.key}"


def awards(record: dict[str, Any]) -> list[Award]:
    """The credentials a record earns, competences first."""
    found = [
        Award(record["learner"], COMPETENCE, competence, entry["step"])
        for competence, entry in record["competences"].items()
        if entry["step"] >= 1
    ]
    found += [
        Award(record["learner"], PATH, path)
        for path, progress in record["paths"].items()
        if progress["completed"]
    ]
    return found


def identity_hash(learner: str, salt: str) -> str:
    """Open Badges' IdentityHash: ``sha256$`` and the hex digest of the id followed by the salt."""
    return "sha256$" + hashlib.sha256((learner + salt).encode("utf-8")).hexdigest()


def _framework_name(framework: Framework) -> str:
    return f"{framework.raw['framework']['title']['vi']} ({CIRCULAR})"


def _alignment(framework: Framework, home: str, competence: str) -> dict[str, Any]:
    info = framework.competence(competence)
    return {
        "type": ["Alignment"],
        "targetName": f"{competence} {info.name_vi}",
        "targetDescription": info.name_en,
        "targetUrl": iris.competence_iri(home, framework.id, competence),
        "targetCode": iris.competence_code(framework.id, competence),
        "targetFramework": _framework_name(framework),
        "targetType": "CFItem",
    }


def _steps_description(framework: Framework, home: str) -> dict[str, Any]:
    return {
        "id": iris.steps_iri(home, framework.id),
        "type": ["ResultDescription"],
        "name": "Bậc năng lực số",
        "resultType": "RubricCriterionLevel",
        "requiredLevel": iris.step_iri(home, framework.id, 1),
        "rubricCriterionLevel": [
            {
                "id": iris.step_iri(home, framework.id, step.step),
                "type": ["RubricCriterionLevel"],
                "name": f"Bậc {step.step} ({step.code})",
                "level": step.level_vi,
                "description": step.descriptor_vi,
            }
            for step in framework.steps
        ],
    }


def competence_achievement(competence: str, home: str, mastery: float) -> dict[str, Any]:
    framework = load_framework()
    info = framework.competence(competence)
    domain = next(d for d in framework.domains if d.id == info.domain_id)
    return {
        "id": iris.competence_achievement_iri(home, competence),
        "type": ["Achievement"],
        "achievementType": "Competency",
        "name": f"Năng lực số {competence}: {info.name_vi}",
        "description": (
            f"Năng lực thành phần {competence} ({info.name_vi}), miền {domain.id} "
            f"({domain.name_vi}), của {_framework_name(framework)}."
        ),
        "criteria": {
            "narrative": (
                "Bậc được xác định từ các câu hỏi được chấm gắn với năng lực này: người học đạt "
                f"một bậc khi được ít nhất {round(100 * mastery)}% số điểm của các câu ở bậc đó "
                "và các bậc thấp hơn, lần lượt từ bậc thấp nhất, không bỏ qua bậc nào."
            )
        },
        "alignment": [_alignment(framework, home, competence)],
        "resultDescription": [_steps_description(framework, home)],
        "inLanguage": "vi",
    }


def path_achievement(path_id: str, home: str) -> dict[str, Any]:
    framework = load_framework()
    path = framework.path(path_id)
    raw = next(p for p in framework.raw["paths"]["paths"] if p["id"] == path_id)
    required = ", ".join(f"{r.competence} (bậc {r.step})" for r in path.requirements)
    return {
        "id": iris.path_achievement_iri(home, path_id),
        "type": ["Achievement"],
        "achievementType": "LearningProgram",
        "name": f"Hoàn thành lộ trình kỹ năng số: {path.target_group_vi}",
        "description": raw["description"]["vi"],
        "criteria": {
            "narrative": f"Đạt mọi năng lực của lộ trình ở bậc yêu cầu trở lên: {required}."
        },
        "alignment": [_alignment(framework, home, r.competence) for r in path.requirements],
        "inLanguage": "vi",
    }


def build_credential(
    award: Award,
    record: dict[str, Any],
    issuer: Issuer,
    home: str,
    *,
    credential_id: str,
    salt: str,
    issued_at: str,
    status: dict[str, Any] | None,
) -> dict[str, Any]:
    """The unsigned credential for ``award``, for
    ``graders.credentials.dataintegrity.add_proof`` to sign; ``status`` is its
    ``credentialStatus`` (:mod:`graders.credentials.statuslist`), if it has one."""
    framework = load_framework()
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(award.learner, salt),
                "identityType": "identifier",
                "hashed": True,
                "salt": salt,
            }
        ],
    }
    if award.kind == COMPETENCE:
        assert award.step is not None
        achievement = competence_achievement(award.key, home, record["policy"]["mastery"])
        step = framework.step(award.step)
        subject["achievement"] = achievement
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": iris.steps_iri(home, framework.id),
                "achievedLevel": iris.step_iri(home, framework.id, award.step),
            }
        ]
        name = f"{achievement['name']}, bậc {award.step} ({step.code})"
        description = (
            f"Người học đạt bậc {award.step} ({step.code}, trình độ {step.level_vi}) "
            f"ở năng lực {award.key}: {framework.competence(award.key).name_vi}."
        )
    else:
        achievement = path_achievement(award.key, home)
        subject["achievement"] = achievement
        name = achievement["name"]
        description = f"Người học đã hoàn thành lộ trình: {achievement['criteria']['narrative']}"
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id,
        "type": list(CREDENTIAL_TYPES),
        "name": name,
        "description": description,
        "issuer": issuer.profile(),
        "validFrom": issued_at,
        "credentialSubject": subject,
    }
    if status is not None:
        credential["credentialStatus"] = status
    return credential
