"""Self-check runs visible tests only and never shows hidden tests, solutions or answer keys."""

import json
import shutil

import nbformat
import pytest

from curriculum.toolkit.selfcheck import format_report, run_visible_checks
from graders.demo.synthetic import demo_answers

from conftest import ASSIGNMENTS, all_secrets, notebooks_of, run_bdhvs


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_file_shipped_to_learners_contains_hidden_tests_or_solutions(built_course, assignment):
    secrets = all_secrets(built_course, assignment)
    shipped = [p for p in (built_course.release_dir / assignment).rglob("*") if p.is_file()]
    assert shipped
    for path in shipped:
        text = path.read_text(encoding="utf-8", errors="replace")
        leaked = [line for line in secrets if line in text]
        assert not leaked, f"{path.name} ships {leaked[:3]}"


def wrong_source_copy(course, assignment, folder):
    """The instructor's source notebook (hidden tests included) filled with wrong answers."""
    answers = demo_answers(assignment)
    source = course.source_dir / assignment / answers["notebook"]
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        cell_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell_id in answers["wrong"]:
            cell.source = answers["wrong"][cell_id]
    target = folder / answers["notebook"]
    nbformat.write(nb, target)
    return target


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_check_cuts_hidden_tests_out_even_when_the_notebook_holds_them(
    built_course, assignment, tmp_path
):
    notebook = wrong_source_copy(built_course, assignment, tmp_path)
    check = run_visible_checks(notebook)
    report = format_report(check)
    assert check.results
    # The wrong answers are of the right form: only hidden tests could fail them.
    assert check.passed >= 1, report
    for line in all_secrets(built_course, assignment):
        assert line not in report


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_check_command_on_a_blank_release_lists_every_item_unanswered_and_says_it_is_no_verdict(
    built_course, assignment, tmp_path
):
    release = built_course.release_dir / assignment
    shutil.copytree(release, tmp_path / assignment)
    notebook = notebooks_of(tmp_path / assignment)[0]
    result = run_bdhvs("check", str(notebook), "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["visible_checks_only"] is True
    assert payload["results"] and not any(r["passed"] for r in payload["results"])
    text = run_bdhvs("check", str(notebook)).stdout
    assert "không cho biết đúng hay sai" in text and "Đã trả lời 0/" in text
    english = run_bdhvs("check", str(notebook), "--lang", "en").stdout
    assert "not whether they are right" in english


def test_check_command_reports_an_unreadable_notebook_clearly(tmp_path):
    broken = tmp_path / "bai.ipynb"
    broken.write_text("{ not json", encoding="utf-8")
    result = run_bdhvs("check", str(broken))
    assert result.returncode == 2
    assert "bai.ipynb" in result.stderr and "Traceback" not in result.stderr


def test_build_refuses_sources_that_hold_widget_answer_files(tmp_path):
    from conftest import REPO

    sources = tmp_path / "sources"
    shutil.copytree(REPO / "assignments", sources)
    (sources / ASSIGNMENTS[0] / f"{ASSIGNMENTS[0]}.answers.json").write_text("{}")
    run_bdhvs("course", "init", str(tmp_path / "c"), "--source", str(sources))
    result = run_bdhvs("build", "--course", str(tmp_path / "c"))
    assert result.returncode == 2 and "answer file" in result.stderr
    assert not list((tmp_path / "c" / "release").iterdir())


HIDDEN_CHECK = 'assert tra_loi == "mười bốn", "Đáp án đúng là mười bốn."'


def one_item_notebook(folder, test_source: str):
    """A learner's notebook of one answer cell, answered wrongly, and its test cell."""
    answer = nbformat.v4.new_code_cell('tra_loi = "mười ba"')
    answer.metadata["nbgrader"] = {"grade": False, "solution": True, "grade_id": "cau_1_dap_an"}
    test = nbformat.v4.new_code_cell(test_source)
    test.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": True,
        "grade_id": "cau_1_kiem_tra",
        "points": 1,
    }
    nb = nbformat.v4.new_notebook(cells=[answer, test])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / "bai.ipynb"
    nbformat.write(nb, path)
    return path


def test_check_cuts_every_region_nbgrader_counts_as_hidden_tests(tmp_path):
    # nbgrader's rule: a line that holds the delimiter anywhere opens or closes the region.
    source = "\n".join(
        [
            'assert tra_loi, "Bạn chưa trả lời câu 1."',
            "    # BEGIN HIDDEN TESTS (chấm sau)",
            HIDDEN_CHECK,
            "pass  # END HIDDEN TESTS",
        ]
    )
    check = run_visible_checks(one_item_notebook(tmp_path, source))
    report = format_report(check)
    assert [r.passed for r in check.results] == [True], report
    assert "mười bốn" not in report


def test_check_runs_nothing_when_a_hidden_region_never_closes(tmp_path):
    source = "\n".join(
        ['assert tra_loi, "Bạn chưa trả lời câu 1."', "### BEGIN HIDDEN TESTS", HIDDEN_CHECK]
    )
    check = run_visible_checks(one_item_notebook(tmp_path, source))
    assert check.error and not check.results
    assert "mười bốn" not in format_report(check)


WRITTEN = "cau_13_bai_viet"


def written_result(check):
    (result,) = [r for r in check.results if r.cell == WRITTEN]
    return result


def test_a_written_answer_counts_as_answered_from_the_answer_sheet_or_the_saved_cell(
    built_course, tmp_path
):
    from curriculum.toolkit.answers import FORMAT

    folder = tmp_path / "an_toan_so"
    shutil.copytree(built_course.release_dir / "an_toan_so", folder)
    notebook = folder / "an_toan_so.ipynb"
    blank = run_visible_checks(notebook)
    assert not written_result(blank).passed
    assert "chưa viết" in written_result(blank).message
    assert written_result(blank).competences == ("1.2", "4.2")

    # typed into the box under the question, on a phone: the sheet holds it
    answers = {WRITTEN: {"value": "Bác Tư ơi, đừng chuyển tiền.", "changes": 3, "at": None}}
    sheet = {"format": FORMAT, "sheet": "an_toan_so", "answers": answers}
    (folder / "an_toan_so.answers.json").write_text(json.dumps(sheet), encoding="utf-8")
    in_sheet = run_visible_checks(notebook)
    assert written_result(in_sheet).passed
    assert in_sheet.passed == blank.passed + 1
    assert f"Đã trả lời {in_sheet.passed}/{len(in_sheet.results)} câu." in format_report(in_sheet)

    # typed into the answer cell in JupyterLab, then saved
    (folder / "an_toan_so.answers.json").unlink()
    nb = nbformat.read(notebook, as_version=4)
    (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == WRITTEN]
    cell.source += "\n\nBác Tư ơi, đừng chuyển tiền."
    nbformat.write(nb, notebook)
    assert written_result(run_visible_checks(notebook)).passed
