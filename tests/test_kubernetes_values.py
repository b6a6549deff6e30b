"""deploy/kubernetes/: the Zero to JupyterHub values, the user image and its nbgrader settings.

Helm and a cluster are not at hand, so these tests check what can be checked without them: every
key is one the chart's schema (chart 4.4) defines, both roles have a profile, limits are at least
the guarantees, idle servers are culled, passwords come from Secrets, the hub's Python snippets
do what they say, and the image installs environment.yml and nothing else.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from traitlets.config import Config, PyFileConfigLoader

from graders.common import answer_paths

from conftest import REPO

DEPLOY = REPO / "deploy" / "kubernetes"
VALUES = yaml.safe_load((DEPLOY / "values.yaml").read_text(encoding="utf-8"))

# Keys the chart's values.schema.yaml (jupyterhub chart 4.4) allows in the objects this
# deployment sets; the chart rejects any other key there ("additionalProperties: false").
CHART_KEYS: dict[str, set[str]] = {
    "": {
        "enabled", "fullnameOverride", "nameOverride", "imagePullSecret", "imagePullSecrets",
        "hub", "proxy", "singleuser", "scheduling", "ingress", "httpRoute", "prePuller",
        "custom", "cull", "debug", "rbac", "global",
    },
    "hub": {
        "revisionHistoryLimit", "config", "extraFiles", "baseUrl", "command", "args",
        "cookieSecret", "image", "networkPolicy", "db", "labels", "initContainers", "extraEnv",
        "extraConfig", "fsGid", "service", "pdb", "existingSecret", "nodeSelector",
        "tolerations", "activeServerLimit", "allowNamedServers", "annotations",
        "authenticatePrometheus", "concurrentSpawnLimit", "consecutiveFailureLimit",
        "podSecurityContext", "containerSecurityContext", "deploymentStrategy",
        "extraContainers", "extraVolumeMounts", "extraVolumes", "livenessProbe",
        "readinessProbe", "namedServerLimitPerUser", "redirectToServer", "resources",
        "lifecycle", "services", "loadRoles", "shutdownOnLogout", "templatePaths",
        "templateVars", "serviceAccount", "extraPodSpec",
    },
    "hub.db": {"type", "pvc", "upgrade", "url", "password"},
    "proxy": {
        "chp", "secretToken", "service", "https", "traefik", "labels", "annotations",
        "deploymentStrategy", "secretSync",
    },
    "proxy.chp": {
        "revisionHistoryLimit", "networkPolicy", "command", "extraCommandLineFlags", "extraEnv",
        "pdb", "nodeSelector", "tolerations", "containerSecurityContext", "image",
        "livenessProbe", "readinessProbe", "resources", "defaultTarget", "errorTarget",
        "extraPodSpec",
    },
    "proxy.https": {"enabled", "type", "letsencrypt", "manual", "secret", "hosts"},
    "proxy.https.letsencrypt": {"contactEmail", "acmeServer"},
    "singleuser": {
        "networkPolicy", "podNameTemplate", "cpu", "memory", "image", "initContainers",
        "profileList", "extraFiles", "extraEnv", "nodeSelector", "extraTolerations",
        "extraNodeAffinity", "extraPodAffinity", "extraPodAntiAffinity", "cloudMetadata", "cmd",
        "defaultUrl", "events", "extraAnnotations", "extraContainers", "extraLabels",
        "extraPodConfig", "extraResource", "fsGid", "lifecycleHooks", "networkTools",
        "serviceAccountName", "startTimeout", "storage", "allowPrivilegeEscalation", "uid",
    },
    "singleuser.networkPolicy": {
        "enabled", "ingress", "egress", "egressAllowRules", "interNamespaceAccessLabels",
        "allowedIngressPorts",
    },
    "singleuser.networkPolicy.egressAllowRules": {
        "cloudMetadataServer", "dnsPortsCloudMetadataServer", "dnsPortsKubeSystemNamespace",
        "dnsPortsPrivateIPs", "nonPrivateIPs", "privateIPs",
    },
    "singleuser.cpu": {"limit", "guarantee"},
    "singleuser.memory": {"limit", "guarantee"},
    "singleuser.image": {"name", "tag", "pullPolicy", "pullSecrets"},
    "singleuser.lifecycleHooks": {"postStart", "preStop"},
    "singleuser.storage": {
        "capacity", "dynamic", "extraLabels", "extraVolumeMounts", "extraVolumes",
        "homeMountPath", "static", "type",
    },
    "scheduling": {"userScheduler", "podPriority", "userPlaceholder", "corePods", "userPods"},
    "scheduling.userScheduler": {
        "enabled", "revisionHistoryLimit", "replicas", "image", "pdb", "nodeSelector",
        "tolerations", "labels", "annotations", "containerSecurityContext", "logLevel",
        "plugins", "pluginConfig", "resources", "serviceAccount", "extraPodSpec",
    },
    "scheduling.podPriority": {
        "enabled", "globalDefault", "defaultPriority", "imagePullerPriority",
        "userPlaceholderPriority",
    },
    "scheduling.userPlaceholder": {
        "enabled", "image", "revisionHistoryLimit", "replicas", "labels", "annotations",
        "resources", "containerSecurityContext", "extraPodSpec",
    },
    "scheduling.userPods": {"tolerations", "nodeAffinity"},
    "scheduling.corePods": {"tolerations", "nodeAffinity"},
    "scheduling.userPods.nodeAffinity": {"matchNodePurpose"},
    "scheduling.corePods.nodeAffinity": {"matchNodePurpose"},
    "prePuller": {
        "revisionHistoryLimit", "labels", "annotations", "resources", "extraTolerations",
        "hook", "continuous", "pullProfileListImages", "extraImages", "containerSecurityContext",
        "pause",
    },
    "prePuller.hook": {
        "enabled", "pullOnlyOnChanges", "podSchedulingWaitDuration", "nodeSelector",
        "tolerations", "containerSecurityContext", "image", "resources", "serviceAccount",
        "serviceAccountImagePuller", "daemonsetAnnotations",
    },
    "prePuller.continuous": {"enabled", "serviceAccount", "daemonsetAnnotations"},
    "cull": {
        "enabled", "users", "adminUsers", "removeNamedServers", "timeout", "every",
        "concurrency", "maxAge",
    },
}  # fmt: skip
DB_TYPES = {"sqlite-pvc", "sqlite-memory", "mysql", "postgres", "other"}
PROFILE_KEYS = {
    "display_name", "slug", "description", "default", "kubespawner_override", "profile_options",
}  # fmt: skip


def _walk(node: object, path: str = ""):
    """Every (path, mapping) pair of the values, depth first."""
    if isinstance(node, dict):
        yield path, node
        for key, child in node.items():
            yield from _walk(child, f"{path}.{key}" if path else key)


def profiles() -> dict[str, dict]:
    return {p["slug"]: p for p in VALUES["singleuser"]["profileList"]}


def _quantity(value: str | int | float, binary: bool) -> float:
    """A Kubernetes (or KubeSpawner) quantity as a number: CPU in cores, memory in bytes."""
    text = str(value)
    units = {"m": 1e-3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
    units |= {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
    match = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", text)
    assert match, f"not a quantity: {text!r}"
    number, unit = match.groups()
    assert unit in units or unit == "", f"unknown unit in {text!r}"
    assert binary or unit in ("", "m"), f"a CPU quantity with a memory unit: {text!r}"
    return float(number) * units.get(unit, 1)


def test_every_key_is_one_the_chart_schema_defines():
    checked = 0
    for path, mapping in _walk(VALUES):
        if path in CHART_KEYS:
            unknown = set(mapping) - CHART_KEYS[path]
            assert not unknown, f"{path or 'top level'}: the chart has no key {sorted(unknown)}"
            checked += 1
    assert checked >= 20
    assert VALUES["hub"]["db"]["type"] in DB_TYPES
    for profile in VALUES["singleuser"]["profileList"]:
        assert set(profile) <= PROFILE_KEYS, profile["slug"]


def test_a_mistyped_key_would_be_caught():
    broken = {"cull": {"enabled": True, "timout": 60}}
    assert any(set(m) - CHART_KEYS[p] for p, m in _walk(broken) if p in CHART_KEYS)


def test_learners_and_instructors_each_have_a_profile_and_learners_get_it_by_default():
    found = profiles()
    assert set(found) == {"learner", "instructor"}
    assert found["learner"].get("default") is True
    assert not found["instructor"].get("default")
    assert found["learner"]["kubespawner_override"]["environment"]["BDHVS_ROLE"] == "learner"
    instructor = found["instructor"]["kubespawner_override"]
    assert instructor["environment"]["BDHVS_ROLE"] == "instructor"
    assert _quantity(instructor["mem_limit"], True) > _quantity(
        VALUES["singleuser"]["memory"]["limit"], True
    )


def _resource_pairs():
    """(where, guarantee, limit, is_memory) for every resource this deployment sizes."""
    single = VALUES["singleuser"]
    yield "singleuser.cpu", single["cpu"]["guarantee"], single["cpu"]["limit"], False
    yield "singleuser.memory", single["memory"]["guarantee"], single["memory"]["limit"], True
    for slug, profile in profiles().items():
        override = profile["kubespawner_override"]
        cpu = (override.get("cpu_guarantee"), override.get("cpu_limit"))
        mem = (override.get("mem_guarantee"), override.get("mem_limit"))
        if any(v is not None for v in cpu):
            yield f"profile {slug} cpu", *cpu, False
        if any(v is not None for v in mem):
            yield f"profile {slug} memory", *mem, True
    for where, resources in (
        ("hub", VALUES["hub"]["resources"]),
        ("proxy.chp", VALUES["proxy"]["chp"]["resources"]),
    ):
        for kind in ("cpu", "memory"):
            yield (
                f"{where} {kind}",
                resources["requests"][kind],
                resources["limits"][kind],
                kind == "memory",
            )


def test_every_limit_is_at_least_its_guarantee():
    pairs = list(_resource_pairs())
    assert len(pairs) >= 8
    for where, guarantee, limit, memory in pairs:
        assert guarantee is not None and limit is not None, f"{where}: set both"
        assert _quantity(limit, memory) >= _quantity(guarantee, memory), where


def test_idle_servers_are_culled_within_an_hour_and_none_lives_past_a_day():
    cull = VALUES["cull"]
    assert cull["enabled"] is True
    assert 0 < cull["timeout"] <= 3600
    assert 0 < cull["every"] < cull["timeout"]
    assert 0 < cull["maxAge"] <= 24 * 3600


def _strings(node: object, path: str = ""):
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _strings(child, f"{path}.{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _strings(child, f"{path}[{index}]")
    elif isinstance(node, str):
        yield path, node


def _from_secret(env: dict, name: str) -> dict:
    ref = env[name]["valueFrom"]["secretKeyRef"]
    assert ref["name"] and ref["key"]
    return ref


def test_hub_and_gradebook_use_postgresql_with_passwords_from_secrets():
    db = VALUES["hub"]["db"]
    assert db["type"] == "postgres"
    assert db["url"].startswith("postgresql")
    assert "password" not in db, "hub.db.password would be a literal in the values"
    _from_secret(VALUES["hub"]["extraEnv"], "PGPASSWORD")
    instructor = profiles()["instructor"]["kubespawner_override"]["environment"]
    assert instructor["BDHVS_GRADEBOOK_URL"].startswith("postgresql")
    _from_secret(instructor, "PGPASSWORD")
    assert "PGPASSWORD" not in profiles()["learner"]["kubespawner_override"]["environment"]


def test_no_literal_password_or_secret_anywhere_in_the_values():
    credentials_in_url = re.compile(r"://[^/@\s:]+:[^/@\s]+@")
    for path, text in _strings(VALUES):
        assert not credentials_in_url.search(text), f"{path} carries a password"
    for path, mapping in _walk(VALUES):
        for key, value in mapping.items():
            if re.search(r"(password|secret|token)$", key, re.I) and isinstance(value, str):
                pytest.fail(f"{path}.{key} is a literal; take it from a Secret")


def _hub_config_after_snippets() -> Config:
    """Run the chart's step (profileList into KubeSpawner) and then the extraConfig snippets
    in the chart's order, as jupyterhub_config.py does."""
    c = Config()
    c.KubeSpawner.profile_list = VALUES["singleuser"]["profileList"]
    c.KubeSpawner.uid = VALUES["singleuser"].get("uid", 1000)
    for name in sorted(VALUES["hub"]["extraConfig"]):
        code = compile(VALUES["hub"]["extraConfig"][name], name, "exec")
        exec(code, {"c": c, "get_config": lambda: c})
    return c


def _spawner(user_id: int, *groups: str) -> SimpleNamespace:
    user = SimpleNamespace(id=user_id, groups=[SimpleNamespace(name=g) for g in groups])
    return SimpleNamespace(user=user)


def test_only_instructors_are_offered_the_instructor_profile():
    offered = _hub_config_after_snippets().KubeSpawner.profile_list
    assert [p["slug"] for p in offered(_spawner(7, "learners"))] == ["learner"]
    assert {p["slug"] for p in offered(_spawner(8, "instructors"))} == {"learner", "instructor"}


def test_each_learner_runs_as_a_uid_of_their_own_apart_from_the_instructors():
    config = _hub_config_after_snippets()
    uids = {config.KubeSpawner.uid(_spawner(n, "learners")) for n in range(1, 1001)}
    assert len(uids) == 1000
    instructor_uid = profiles()["instructor"]["kubespawner_override"]["uid"]
    assert instructor_uid not in uids
    assert min(uids) > 65535 > instructor_uid >= 1000


def test_learners_mount_only_their_cohorts_folder_of_the_exchange_and_instructors_all_of_it():
    learner = profiles()["learner"]["kubespawner_override"]
    instructor = profiles()["instructor"]["kubespawner_override"]
    course = learner["environment"]["BDHVS_COURSE"]
    assert instructor["environment"]["BDHVS_COURSE"] == course
    config = _nbgrader_config({"BDHVS_ROLE": "learner", "JUPYTERHUB_USER": "hv0001"})
    root = config.Exchange.root
    (mount,) = learner["volume_mounts"].values()
    assert (mount["mountPath"], mount["subPath"]) == (f"{root}/{course}", course)
    (whole,) = instructor["volume_mounts"].values()
    assert whole["mountPath"] == root and "subPath" not in whole
    claims = {
        v["persistentVolumeClaim"]["claimName"]
        for o in (learner, instructor)
        for v in o["volumes"].values()
    }
    assert claims == {"bdhvs-exchange"}


def _nbgrader_config(env: dict[str, str]) -> Config:
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return PyFileConfigLoader("nbgrader_config.py", path=str(DEPLOY)).load_config()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_learners_submit_under_their_hub_name_and_instructors_for_anyone():
    learner = _nbgrader_config({"BDHVS_ROLE": "learner", "JUPYTERHUB_USER": "hv0042"})
    assert learner.CourseDirectory.student_id == "hv0042"
    instructor = _nbgrader_config({"BDHVS_ROLE": "instructor", "JUPYTERHUB_USER": "gv01"})
    assert "student_id" not in instructor.CourseDirectory
    assert instructor.CourseDirectory.course_id == "cohort-01"


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


INSTALLERS = re.compile(r"\b(pip|pip3|conda|mamba|micromamba|apt-get|apt|npm|uv)\b")


def test_the_image_installs_environment_yml_and_nothing_else():
    steps = _dockerfile_instructions()
    installs = []
    for keyword, rest in steps:
        if keyword != "RUN":
            continue
        for command in re.split(r"&&|;", rest):
            words = shlex.split(command)
            if words and INSTALLERS.fullmatch(words[0]):
                installs.append(words)
    package_steps = [w for w in installs if not (len(w) > 1 and w[1] == "clean")]
    assert package_steps == [
        ["mamba", "env", "update", "--name", "base", "--file", "environment.yml"]
    ]
    copies = [rest.split() for keyword, rest in steps if keyword == "COPY"]
    assert any(c[-2:] == [".", "/opt/bdhvs"] for c in copies), "the project with environment.yml"
    workdirs = [rest for keyword, rest in steps if keyword == "WORKDIR"]
    assert workdirs[0] == "/opt/bdhvs", "environment.yml's `-e .` is the project"
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    assert "-e ." in next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))


def test_the_image_leaves_out_every_file_that_holds_answers():
    ignored = {
        line.strip()
        for line in (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert set(answer_paths.listed()) <= ignored
    needed = {"environment.yml", "pyproject.toml", "README.md", "graders", "curriculum"}
    assert not needed & ignored
    for name in needed:
        assert (REPO / name).exists()


def test_the_committed_dockerignore_is_the_one_the_answer_list_gives():
    generated = subprocess.run(
        [sys.executable, "-m", "graders.common.answer_paths", "--dockerignore"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    committed = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8")
    assert committed == generated == answer_paths.dockerignore(), (
        "regenerate it: python -m graders.common.answer_paths --dockerignore"
        " > deploy/kubernetes/Dockerfile.dockerignore"
    )


def test_files_the_image_copies_exist_and_the_lesson_copier_keeps_a_learners_own_copy(tmp_path):
    for keyword, rest in _dockerfile_instructions():
        if keyword == "COPY" and rest.split()[-2] != ".":
            assert (REPO / rest.split()[-2]).is_file(), rest
    home = tmp_path / "home"
    home.mkdir()
    script = DEPLOY / "copy-lessons.sh"
    text = script.read_text(encoding="utf-8").replace("/opt/bdhvs", str(REPO))
    local = tmp_path / "copy-lessons.sh"
    local.write_text(text, encoding="utf-8")
    env = {**os.environ, "HOME": str(home)}
    subprocess.run(["sh", str(local)], check=True, env=env)
    assert (home / "curriculum" / "bat_dau.ipynb").is_file()
    (home / "curriculum" / "bat_dau.ipynb").write_text("mine", encoding="utf-8")
    subprocess.run(["sh", str(local)], check=True, env=env)
    assert (home / "curriculum" / "bat_dau.ipynb").read_text(encoding="utf-8") == "mine"
    assert Path(VALUES["singleuser"]["defaultUrl"]).parts[-2:] == ("curriculum", "bat_dau.ipynb")
