"""A question type is one subclass of :class:`~curriculum.toolkit.questions.Question` in one
file: its answers are saved and read back, self-checked and counted, with nothing else edited."""

import json
import textwrap

import nbformat
import pytest

from curriculum.toolkit.answers import answer_sheet
from curriculum.toolkit.progress import competence_progress, record_check
from curriculum.toolkit.selfcheck import run_visible_checks

# A type the toolkit does not have: a 1-to-5 rating on a slider, answered as an int.
RATING = """
import ipywidgets as widgets

from curriculum.toolkit.questions import Question


class Rating(Question[int]):
    def __init__(self, qid, prompt, *, sheet):
        super().__init__(qid, prompt, sheet=sheet)
        self._slider = widgets.IntSlider(min=1, max=5, description="1-5")
        self._slider.observe(self._changed, names="value")
        self._start(self._slider)

    def _read(self):
        return self._slider.value

    def _coerce(self, value):
        if isinstance(value, dict) and set(value) == {"stars"}:  # as saved in the file
            value = value["stars"]
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
            return value
        raise ValueError(f"a rating from 1 to 5, not {value!r}")

    def _to_json(self, answer):
        return {"stars": answer}

    def _show(self, answer):
        self._slider.value = answer or 1
"""


@pytest.fixture
def rating_module(tmp_path, monkeypatch):
    """``rating.py`` beside the notebook, as a module's own question type would be."""
    (tmp_path / "rating.py").write_text(RATING, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BDHVS_HOME", str(tmp_path / "home"))
    return tmp_path


def test_a_new_question_type_is_saved_and_read_back(rating_module):
    from rating import Rating

    sheet = answer_sheet("bai_moi")
    Rating("q1", "Bạn tự tin đến đâu?", sheet=sheet).set_answer(4)
    saved_text = sheet.path.read_text(encoding="utf-8")
    saved = json.loads(saved_text)
    assert saved["answers"]["q1"]["value"] == {"stars": 4}
    again = Rating("q1", "Bạn tự tin đến đâu?", sheet=sheet)
    assert (again.value, again.problem, again._slider.value) == (4, None, 4)
    sheet.path.write_text(saved_text.replace('"stars": 4', '"stars": 9'), encoding="utf-8")
    assert "a rating from 1 to 5" in Rating("q1", "?", sheet=sheet).problem


def notebook_with(folder):
    """A notebook asking a rating, its answer saved beside it, and one visible test cell."""
    build = nbformat.v4.new_code_cell(
        textwrap.dedent("""\
            from curriculum.toolkit.answers import answer_sheet
            from rating import Rating

            q1 = Rating("q1", "Bạn tự tin đến đâu?", sheet=answer_sheet("bai_moi"))""")
    )
    test = nbformat.v4.new_code_cell('assert q1.value == 4, "chưa đúng"')
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "t1", "points": 1}
    test.metadata["bdhvs"] = {"competences": ["4.1"], "step": 2}
    path = folder / "bai_moi.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[build, test]), path)
    return path


@pytest.mark.parametrize("answer, passed", [(4, True), (2, False)])
def test_a_new_question_type_is_self_checked_and_counted(rating_module, answer, passed):
    from rating import Rating

    notebook = notebook_with(rating_module)
    Rating("q1", "Bạn tự tin đến đâu?", sheet=answer_sheet("bai_moi")).set_answer(answer)
    check = run_visible_checks(notebook)
    assert [(r.cell, r.passed) for r in check.results] == [("t1", passed)], check
    record_check(check, notebook)
    assert competence_progress()["4.1"] == {"passed": int(passed), "items": 1, "steps": [2]}
