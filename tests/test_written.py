"""The written answer's box: what is typed is saved in the answer sheet and read back.

Built in-process without a front end, as papermill and nbgrader build it; a "fresh kernel" is a
new ``AnswerSheet`` reading the file again. While a front end types, an event loop runs: the
tests run one to see the saves spaced out and the last words saved when a check needs them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import ipywidgets as widgets
import pytest

from curriculum.toolkit import written
from curriculum.toolkit.answers import WRITTEN_LIMIT, AnswerSheet, answer_sheet
from curriculum.toolkit.i18n import set_language
from curriculum.toolkit.written import WrittenAnswer, save_typing

SHEET = "bai_viet"
QID = "cau_3_bai_viet"
TEXT = "Bác Tư ơi, cháu đây.\nBác đừng chuyển tiền <b>nhé</b>."


@pytest.fixture(autouse=True)
def vietnamese_interface() -> Iterator[None]:
    set_language("vi")
    yield
    set_language("vi")


def box_of(answer: WrittenAnswer) -> widgets.Textarea:
    (box,) = [w for w in answer.widget.children if isinstance(w, widgets.Textarea)]
    return box


def saved(folder: Path) -> dict:
    return json.loads((folder / f"{SHEET}.answers.json").read_text(encoding="utf-8"))["answers"]


def test_typed_text_is_saved_under_the_cells_grade_id_and_shown_again_in_a_fresh_kernel(
    sheet: AnswerSheet, workdir: Path
):
    answer = WrittenAnswer(QID, "Câu 3: viết vào ô dưới đây", sheet=sheet)
    assert answer.value is None and "Chưa trả lời" in answer.status
    box_of(answer).value = f"  {TEXT}\n\n"
    assert saved(workdir)[QID]["value"] == TEXT
    assert answer.value == TEXT and "Đã lưu" in answer.status

    again = WrittenAnswer(QID, "Câu 3: viết vào ô dưới đây", sheet=AnswerSheet(SHEET))
    assert box_of(again).value == TEXT and again.value == TEXT
    assert "Đã lưu" in again.status


def test_the_box_is_large_labelled_in_vietnamese_and_as_wide_as_the_question(sheet: AnswerSheet):
    answer = WrittenAnswer(QID, "Câu 3: viết vào ô dưới đây", sheet=sheet)
    box = box_of(answer)
    assert box.description == "Bài viết của bạn:" and box.tooltip
    assert box.rows >= 6 and box.layout.width == "auto"
    style = "".join(w.value for w in answer.widget.children if isinstance(w, widgets.HTML))
    assert "font-size:16px" in style and "min-height" in style
    assert answer.kind == "written"


def test_blank_text_is_no_answer(sheet: AnswerSheet, workdir: Path):
    answer = WrittenAnswer(QID, "Câu 3", sheet=sheet)
    box_of(answer).value = "Bác ơi"
    box_of(answer).value = "  \n "
    assert answer.value is None and saved(workdir)[QID]["value"] is None


def test_while_a_front_end_types_saves_are_spaced_out_and_a_check_saves_the_last_words(
    sheet: AnswerSheet, workdir: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(written, "SAVE_EVERY", 0.05)
    answer = WrittenAnswer(QID, "Câu 3", sheet=sheet)
    box = box_of(answer)

    async def typing() -> None:
        box.value = "Bác"
        box.value = "Bác ơi"
        assert not (workdir / f"{SHEET}.answers.json").exists()
        assert "Đang lưu" in answer.status
        await asyncio.sleep(0.2)
        entry = saved(workdir)[QID]
        assert (entry["value"], entry["changes"]) == ("Bác ơi", 1)
        box.value = "Bác ơi, cháu đây"
        save_typing()  # a tap on "Kiểm tra bài" or "Nộp bài" right after the last key

    asyncio.run(typing())
    assert saved(workdir)[QID]["value"] == "Bác ơi, cháu đây"
    assert saved(workdir)[QID]["changes"] == 2 and "Đã lưu" in answer.status


def test_text_over_the_limit_is_not_saved_and_the_learner_is_told_in_vietnamese(
    sheet: AnswerSheet, workdir: Path
):
    answer = WrittenAnswer(QID, "Câu 3", sheet=sheet)
    box_of(answer).value = "a" * (WRITTEN_LIMIT + 1)
    assert answer.value is None and saved(workdir)[QID]["value"] is None
    assert "viết ngắn lại" in answer.status


def test_a_save_that_fails_is_reported_in_vietnamese_without_a_traceback(
    sheet: AnswerSheet, monkeypatch: pytest.MonkeyPatch
):
    def refuse(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(AnswerSheet, "record", refuse)
    answer = WrittenAnswer(QID, "Câu 3", sheet=sheet)
    box_of(answer).value = TEXT
    assert "Không lưu được" in answer.status and "Traceback" not in answer.status


def test_a_hand_edited_value_that_is_not_text_is_a_problem_not_an_answer(workdir: Path):
    document = {"format": "bdhvs-answers/1", "sheet": SHEET, "answers": {QID: {"value": 5}}}
    (workdir / f"{SHEET}.answers.json").write_text(json.dumps(document), encoding="utf-8")
    answer = WrittenAnswer(QID, "Câu 3", sheet=answer_sheet(SHEET))
    assert answer.value is None and "không phải là văn bản" in answer.status
