"""The bdhvs command: the documented forms work and user errors never end in a traceback."""

import importlib.metadata
import json
import shutil
import subprocess
import sys

import nbformat

from conftest import ASSIGNMENTS, REPO, run_bdhvs


def assert_clean_error(result, words):
    assert result.returncode == 2, result.stdout + result.stderr
    assert words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_course_init_makes_an_nbgrader_course_with_the_repository_sources(tmp_path):
    result = run_bdhvs("course", "init", str(tmp_path / "k1"))
    assert result.returncode == 0, result.stderr
    course = tmp_path / "k1"
    assert (course / "nbgrader_config.py").is_file()
    assert (course / "source").resolve() == (REPO / "assignments").resolve()


def test_course_init_refuses_a_non_empty_directory(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file.txt").write_text("x")
    assert_clean_error(run_bdhvs("course", "init", str(tmp_path / "busy")), "not empty")


def test_course_defaults_to_the_current_directory(tmp_path):
    result = run_bdhvs("course", "init", "k", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    built = run_bdhvs("build", ASSIGNMENTS[0], cwd=tmp_path / "k")
    assert built.returncode == 0, built.stderr
    assert list((tmp_path / "k" / "release" / ASSIGNMENTS[0]).glob("*.ipynb"))


def test_commands_outside_a_course_explain_how_to_make_one(tmp_path):
    for args in (
        ["build"],
        ["grade", "x"],
        ["records", "--out", "o"],
        ["report", "--out", "r.html"],
    ):
        assert_clean_error(run_bdhvs(*args, cwd=tmp_path), "bdhvs course init")


def test_unknown_assignment_is_a_clear_error(tmp_path):
    run_bdhvs("course", "init", str(tmp_path / "c"))
    assert_clean_error(
        run_bdhvs("grade", "--course", str(tmp_path / "c"), "nope"), "unknown assignment"
    )
    assert_clean_error(
        run_bdhvs("build", "--course", str(tmp_path / "c"), "nope"), "unknown assignment"
    )


def test_grading_before_building_says_to_build(tmp_path):
    run_bdhvs("course", "init", str(tmp_path / "c"))
    result = run_bdhvs("grade", "--course", str(tmp_path / "c"), ASSIGNMENTS[0])
    assert_clean_error(result, "bdhvs build")


def test_build_rejects_unknown_competence_tags_and_builds_nothing(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(REPO / "assignments", sources)
    notebook = sorted((sources / ASSIGNMENTS[0]).glob("*.ipynb"))[0]
    nb = nbformat.read(notebook, as_version=4)
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    graded[0].metadata["bdhvs"]["competences"] = ["9.9"]
    del graded[1].metadata["bdhvs"]
    graded[2].metadata["nbgrader"]["points"] = -1
    nbformat.write(nb, notebook)
    run_bdhvs("course", "init", str(tmp_path / "c"), "--source", str(sources))
    result = run_bdhvs("build", "--course", str(tmp_path / "c"))
    assert_clean_error(result, "competences not in the framework: 9.9")
    assert "without competence tags" in result.stderr
    assert "points must be a positive number" in result.stderr
    assert not list((tmp_path / "c" / "release").iterdir())


def test_bad_arguments_are_rejected_by_the_parser():
    result = run_bdhvs("records", "--mastery", "3", "--out", "x")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_framework_prints_every_competence_and_step():
    text = run_bdhvs("framework").stdout
    assert "4.2" in text and "Bảo vệ dữ liệu cá nhân và quyền riêng tư" in text
    assert "CS2" in text
    data = json.loads(run_bdhvs("framework", "--json").stdout)
    assert len(data["framework"]["domains"]) == 6
    assert "Protecting personal data" in run_bdhvs("framework", "--lang", "en").stdout


def test_coverage_counts_items_and_points_per_competence(tmp_path):
    report = json.loads(run_bdhvs("coverage", "--json", cwd=tmp_path).stdout)
    rows = report["competences"]
    assert len(rows) == 24
    assert {p["path"] for p in report["paths"]} == {"officials", "students", "citizens", "workers"}
    assessed = [r for r in rows if r["auto_items"]]
    assert assessed and all(r["points"] > 0 for r in assessed)
    assert sum(r["manual_items"] for r in rows) >= 1


def test_coverage_counts_items_per_competence_step_and_kind(tmp_path):
    report = json.loads(run_bdhvs("coverage", "--json", cwd=tmp_path).stdout)
    for row in report["competences"]:
        by_kind = [n for kinds in row["kinds_by_step"].values() for n in kinds.values()]
        assert sum(by_kind) == row["auto_items"] + row["manual_items"]
    text = run_bdhvs("coverage", cwd=tmp_path).stdout
    assert "step" in text and all(kind in text for kind in ("app", "choice", "typed", "code"))


def test_coverage_rewrites_only_the_coverage_block_of_an_instructor_guide(tmp_path):
    guide = tmp_path / "an_toan_so.md"
    guide.write_text(
        "# Hướng dẫn\n\nTrước.\n<!-- bdhvs coverage: bắt đầu -->\ncũ\n"
        "<!-- bdhvs coverage: kết thúc -->\nSau.\n",
        encoding="utf-8",
    )
    done = run_bdhvs("coverage", "--guides", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = guide.read_text(encoding="utf-8")
    assert text.startswith("# Hướng dẫn\n\nTrước.\n") and text.endswith("Sau.\n")
    assert "cũ" not in text and "| 4.2 " in text and "Nhiệm vụ trong ứng dụng" in text
    (tmp_path / "an_toan_so.md").write_text("no block", encoding="utf-8")
    refused = run_bdhvs("coverage", "--guides", str(tmp_path), cwd=tmp_path)
    assert refused.returncode != 0 and "no coverage block" in refused.stderr


def test_the_bdhvs_program_is_graders_cli_run():
    scripts = importlib.metadata.entry_points(group="console_scripts", name="bdhvs")
    assert [script.value for script in scripts] == ["graders.cli:run"]


def python_with_a_false_credential(tmp_path, code: str) -> subprocess.CompletedProcess:
    """``code`` run in a process of its own, with ``DOCUMENT`` naming a credential that is not
    genuine."""
    document = tmp_path / "credential.json"
    document.write_text('{"type": ["VerifiableCredential"]}', encoding="utf-8")
    probe = f"DOCUMENT = {str(document)!r}\n{code}"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO)


def test_the_program_freezes_its_objects_before_exit_so_exit_skips_walking_them(tmp_path):
    done = python_with_a_false_credential(
        tmp_path,
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('FROZEN', gc.get_freeze_count()))\n"
        "sys.argv = ['bdhvs', 'credential', 'verify', DOCUMENT]\n"
        "from graders.cli import run\n"
        "run()\n",
    )
    assert done.returncode == 2 and "not genuine" in done.stderr, done.stderr
    frozen = int(done.stdout.split("FROZEN", 1)[1].split()[0])
    assert frozen > 10_000, done.stdout


def test_commands_skip_the_iri_grammar_and_still_check_schemas(tmp_path):
    """rfc3987-syntax builds a grammar for a second at import; no bdhvs schema needs it."""
    done = python_with_a_false_credential(
        tmp_path,
        "import sys\n"
        "from graders.cli import main\n"
        "status = main(['credential', 'verify', DOCUMENT])\n"
        "import jsonschema\n"
        "jsonschema.validate({'a': 1}, {'properties': {'a': {'type': 'integer'}}})\n"
        "print('STATUS', status, 'GRAMMAR', sys.modules.get('rfc3987_syntax') is not None)\n",
    )
    assert done.returncode == 0 and "not genuine" in done.stderr, done.stderr
    assert "STATUS 2 GRAMMAR False" in done.stdout, done.stdout + done.stderr
