"""The feedback learners receive holds no hidden test, no model answer and no mark scheme.

nbgrader's own ``generate_feedback``, in a course made by ``bdhvs course init``, on every
assignment graded for a perfect and a blank learner (and a wrong one where answers fail hidden
checks with messages): no line of a hidden test, a solution or a mark scheme of the sources is in
any feedback page, except in what the learner wrote in their own answers. Then, on notebooks as
nbgrader's autograde leaves them, what the feedback step keeps of a test cell: its visible code,
the visible checks' messages and the verdict, never what a hidden test said.
"""

from __future__ import annotations

import html
import random
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from traitlets.config import Config

from graders.course.feedback import WITHHELD_CELL, WITHHELD_OUTPUT, LearnerFeedback
from graders.demo.synthetic import Learner, demo_answers, make_submission, taps_of
from graders.grading.grade import grade

from conftest import ASSIGNMENTS, all_secrets, notebooks_of, submit
from gradekit import copy_course

# Answers that pass the visible checks and fail the hidden ones, whose messages and tracebacks
# then speak of the expected answer: widget items, simulated apps, and code items whose hidden
# checks quote their own data. Every other assignment is covered by its perfect and blank learners;
# grading one more learner costs a whole grading run per assignment.
WRONG_IN = ("an_toan_so", "lap_trinh", "tu_dong_hoa")


class _PageText(HTMLParser):
    """Every piece of text of a page, scripts and styles included."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(path: Path) -> str:
    """What a learner can read in a feedback page: its text (code highlighting undone) and its
    markup as written (attributes included)."""
    raw = path.read_text(encoding="utf-8")
    parser = _PageText()
    parser.feed(raw)
    parser.close()
    return "".join(parser.parts) + "\n" + html.unescape(raw)


def own_answers(course, learner: str, assignment: str) -> str:
    """What the learner wrote in the answer cells of their submission."""
    return "\n".join(
        cell.source
        for path in notebooks_of(course.submitted_dir / learner / assignment)
        for cell in nbformat.read(path, as_version=4).cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    )


def submit_wrong(course, assignment: str) -> None:
    answers = demo_answers(assignment)
    name = answers["notebook"]
    source = nbformat.read(course.source_dir / assignment / name, as_version=4)
    release = nbformat.read(course.release_dir / assignment / name, as_version=4)
    learner = Learner("wrong", "", "wrong")
    taps = taps_of(source, release, answers)
    made = make_submission(learner, source, release, answers, random.Random(0), taps)
    submit(course, "wrong", assignment, made.files)


@pytest.fixture(scope="module")
def feedback_course(graded_course, tmp_path_factory):
    """A copy of the graded course with wrong learners added, and its feedback generated."""
    course = copy_course(graded_course, tmp_path_factory.mktemp("feedback") / "cohort")
    for assignment in WRONG_IN:
        submit_wrong(course, assignment)
        grade(course, assignment, progress=False)
    api = course.api()
    for assignment in ASSIGNMENTS:
        result = api.generate_feedback(assignment, force=True)
        assert result["success"], result.get("log") or result.get("error")
    return course


@pytest.mark.slow
def test_no_feedback_page_holds_a_hidden_test_a_solution_or_a_mark_scheme(feedback_course):
    checked = 0
    for assignment in ASSIGNMENTS:
        secrets = all_secrets(feedback_course, assignment)
        learners = ["perfect", "blank", *(["wrong"] if assignment in WRONG_IN else [])]
        for learner in learners:
            pages = sorted(
                (feedback_course.root / "feedback" / learner / assignment).glob("*.html")
            )
            assert pages, f"no feedback for {learner} in {assignment}"
            own = own_answers(feedback_course, learner, assignment)
            for page in pages:
                text = page_text(page)
                leaked = sorted(line for line in secrets if line in text and line not in own)
                assert not leaked, f"{learner}/{assignment}/{page.name} shows {leaked[:3]}"
                checked += 1
    assert checked == 2 * len(ASSIGNMENTS) + len(WRONG_IN)


@pytest.mark.slow
def test_feedback_gives_each_test_cell_its_verdict_and_the_visible_checks_messages(
    feedback_course,
):
    def page(learner: str) -> str:
        folder = feedback_course.root / "feedback" / learner / "an_toan_so"
        return page_text(folder / "an_toan_so.html")

    assert "Chưa đạt: 0/1 điểm. Bạn chưa chọn đáp án cho câu 1." in page("blank")
    assert "Chưa đạt: 0/1 điểm.\n" in page("wrong")
    assert "Đạt: 1/1 điểm." in page("perfect") and "Chưa đạt" not in page("perfect")
    for learner in ("blank", "wrong", "perfect"):
        assert "AssertionError" not in page(learner)


# What nbgrader's autograde leaves, by hand: a test cell whose hidden check failed, with the
# traceback and message a kernel gives, and the scores nbgrader's GetGrades adds before this step.
VISIBLE = 'assert tra_loi is not None, "Bạn chưa trả lời câu 1."'
HIDDEN = 'assert tra_loi == 42, f"Chưa đúng: đáp án là {6 * 7}"'
HIDDEN_PRINT = 'print("Kiểm tra ẩn: so với đáp án 42")'
TEST_SOURCE = "\n".join(
    [
        VISIBLE,
        "### BEGIN HIDDEN TESTS",
        HIDDEN_PRINT,
        HIDDEN,
        "### END HIDDEN TESTS",
        'print("Đã trả lời.")',
    ]
)


def check_cell(source: str, score: float, points: float, outputs: list) -> nbformat.NotebookNode:
    cell = new_code_cell(source, outputs=outputs)
    cell.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": True,
        "grade_id": "cau_1_kiem_tra",
        "points": points,
        "score": score,
    }
    return cell


def answer_cell(source: str, outputs: list) -> nbformat.NotebookNode:
    cell = new_code_cell(source, outputs=outputs)
    cell.metadata["nbgrader"] = {"grade": False, "solution": True, "grade_id": "cau_2_dap_an"}
    return cell


def failed(message: str, *quoted: str) -> nbformat.NotebookNode:
    lines = [f"\x1b[0;32m      {i}\x1b[0m {line}" for i, line in enumerate(quoted, start=1)]
    return new_output(
        "error",
        ename="AssertionError",
        evalue=message,
        traceback=[
            "\x1b[0;31mAssertionError\x1b[0m  Traceback",
            *lines,
            f"AssertionError: {message}",
        ],
    )


def stream(text: str) -> nbformat.NotebookNode:
    return new_output("stream", name="stdout", text=text)


def feedback_of(*cells: nbformat.NotebookNode, config: Config | None = None):
    nb = new_notebook(cells=list(cells))
    LearnerFeedback(config=config or Config()).preprocess(nb, {})
    return nb


def shown(cell: nbformat.NotebookNode) -> str:
    return "".join(output.text for output in cell.outputs)


def test_a_failed_hidden_check_shows_the_verdict_and_nothing_the_hidden_check_said():
    outputs = [
        stream("Kiểm tra ẩn: so với đáp án 42\n"),
        failed("Chưa đúng: đáp án là 42", HIDDEN_PRINT, HIDDEN),
    ]
    (cell,) = feedback_of(check_cell(TEST_SOURCE, 0, 2, outputs)).cells
    assert cell.source == "\n".join([VISIBLE, 'print("Đã trả lời.")'])
    assert shown(cell) == "Chưa đạt: 0/2 điểm.\n"
    assert [o.name for o in cell.outputs] == ["stderr"]


def test_a_failed_visible_check_shows_its_message():
    outputs = [failed("Bạn chưa trả lời câu 1.", VISIBLE, "### BEGIN HIDDEN TESTS", HIDDEN_PRINT)]
    (cell,) = feedback_of(check_cell(TEST_SOURCE, 0, 2, outputs)).cells
    assert shown(cell) == "Chưa đạt: 0/2 điểm. Bạn chưa trả lời câu 1.\n"


def test_a_passed_cell_keeps_what_its_visible_code_prints_and_no_hidden_print_or_result():
    outputs = [
        stream("Kiểm tra ẩn: so với đáp án 42\nĐã trả lời.\n"),
        new_output("execute_result", data={"text/plain": "0.5"}, execution_count=3),
    ]
    (cell,) = feedback_of(check_cell(TEST_SOURCE, 2, 2, outputs)).cells
    assert shown(cell) == "Đã trả lời.\nĐạt: 2/2 điểm.\n"
    (cell,) = feedback_of(check_cell(TEST_SOURCE, 0.5, 2, outputs)).cells
    assert shown(cell).endswith("Đạt một phần: 0,5/2 điểm.\n")


def test_an_answer_cell_output_that_quotes_a_hidden_check_is_withheld_and_others_are_kept():
    history = stream(f"['', {TEST_SOURCE!r}]\n")
    widget = new_output("display_data", data={"text/plain": "Câu 2: đã chọn B"})
    nb = feedback_of(
        check_cell(TEST_SOURCE, 2, 2, []),
        answer_cell("print(In)", [history]),
        answer_cell("cau_2", [widget]),
    )
    assert shown(nb.cells[1]) == WITHHELD_OUTPUT + "\n"
    assert nb.cells[2].outputs == [widget]


def test_mark_schemes_are_cut_from_task_cells():
    task = new_markdown_cell(
        "Viết thư cho bác Tư.\n=== BEGIN MARK SCHEME ===\nĐủ ba ý: không chuyển tiền, "
        "gọi lại số đã lưu, báo công an xã.\n=== END MARK SCHEME ==="
    )
    task.metadata["nbgrader"] = {"task": True, "grade": False, "solution": False, "points": 4}
    (cell,) = feedback_of(task).cells
    assert cell.source == "Viết thư cho bác Tư."


def test_a_cell_whose_hidden_region_never_closes_is_withheld_whole():
    source = "\n".join([VISIBLE, "### BEGIN HIDDEN TESTS", HIDDEN])
    (cell,) = feedback_of(check_cell(source, 0, 2, [])).cells
    assert cell.source == WITHHELD_CELL


def test_the_hidden_region_is_the_one_the_course_configures_for_nbgrader():
    config = Config()
    config.ClearHiddenTests.begin_test_delimeter = "BẮT ĐẦU KIỂM TRA ẨN"
    config.ClearHiddenTests.end_test_delimeter = "HẾT KIỂM TRA ẨN"
    source = "\n".join([VISIBLE, "# BẮT ĐẦU KIỂM TRA ẨN", HIDDEN, "# HẾT KIỂM TRA ẨN"])
    (cell,) = feedback_of(check_cell(source, 0, 2, []), config=config).cells
    assert cell.source == VISIBLE


def test_a_course_configured_before_the_feedback_step_is_recognised_as_unsafe(tmp_path):
    from graders.course.directory import CONFIG_NAME, init_course
    from graders.course.feedback import configured

    course = init_course(tmp_path / "course")
    assert configured(course.config())
    path = course.root / CONFIG_NAME
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("c.GenerateFeedback.preprocessors", "unused"), encoding="utf-8")
    assert not configured(course.config())
