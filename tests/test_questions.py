"""Question widgets: an answer given through a widget counts exactly as if it had been typed.

Each test builds widgets in-process, without a front end, as papermill and nbgrader do. A
"fresh kernel" is simulated by building the question again on a new ``AnswerSheet`` that reads
the file from disk, the only thing a new kernel shares with the old one.
"""

from __future__ import annotations

import importlib
import json
import re
import string
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import ipywidgets as widgets
import pytest

from curriculum import modules
from curriculum.toolkit import i18n
from curriculum.toolkit.answers import FORMAT, AnswerSheet, answer_sheet
from curriculum.toolkit.i18n import set_language
from curriculum.toolkit.questions import (
    Matching,
    MultipleChoice,
    NumberAnswer,
    Ordering,
    Question,
    SingleChoice,
    TextAnswer,
    TrueFalse,
)

SHEET = "bai_1"
FILE = f"{SHEET}.answers.json"

Make = Callable[[AnswerSheet], Question]

MAKERS: dict[str, Make] = {
    "single": lambda sheet: SingleChoice(
        "q", "Mã OTP nên gửi cho ai?", ["Ngân hàng", ("Không ai cả", "none")], sheet=sheet
    ),
    "multiple": lambda sheet: MultipleChoice(
        "q",
        "Dấu hiệu lừa đảo?",
        [("Giục chuyển tiền", "money"), ("Hỏi mã OTP", "otp"), ("Chào hỏi", "hello")],
        sheet=sheet,
    ),
    "true_false": lambda sheet: TrueFalse("q", "Mật khẩu dài an toàn hơn.", sheet=sheet),
    "ordering": lambda sheet: Ordering(
        "q", "Sắp xếp các bước", ["Báo cáo", "Dừng lại", "Kiểm tra"], sheet=sheet
    ),
    "matching": lambda sheet: Matching(
        "q",
        "Ghép tin nhắn với nhận định",
        [("Tin trúng thưởng", "prize"), ("Tin báo điện", "power")],
        [("Lừa đảo", "scam"), ("Bình thường", "normal")],
        sheet=sheet,
    ),
    "number": lambda sheet: NumberAnswer("q", "Độ dài tối thiểu?", unit="ký tự", sheet=sheet),
    "text": lambda sheet: TextAnswer("q", "Bạn sẽ gọi số nào?", sheet=sheet),
}

ANSWERS = {
    "single": "none",
    "multiple": frozenset({"money", "otp"}),
    "true_false": False,
    "ordering": ["Dừng lại", "Kiểm tra", "Báo cáo"],
    "matching": {"prize": "scam", "power": "normal"},
    "number": 12.5,
    "text": "Số tổng đài chính thức",
}

# What a learner might leave in the file by editing it by hand: valid JSON, wrong answer.
HAND_EDITED = [
    ("single", "Ngân hàng nhà nước"),
    ("single", ["none"]),
    ("multiple", ["money", "bitcoin"]),
    ("multiple", "money"),
    ("true_false", "false"),
    ("true_false", 0),
    ("ordering", ["Dừng lại", "Kiểm tra"]),
    ("ordering", ["Dừng lại", "Dừng lại", "Báo cáo"]),
    ("matching", {"prize": "maybe"}),
    ("matching", {"lottery": "scam"}),
    ("matching", ["scam", "normal"]),
    ("number", "mười hai"),
    ("number", True),
    ("text", 42),
]

# Values a learner could not produce with the widget.
INVALID = [
    ("single", "Không ai cả"),  # a label, not the option's value
    ("single", 1),
    ("multiple", {"money", "gold"}),
    ("multiple", "money"),
    ("true_false", "True"),
    ("true_false", 1),
    ("ordering", ["Dừng lại", "Kiểm tra"]),
    ("ordering", ["Dừng lại", "Kiểm tra", "Báo cáo", "Báo cáo"]),
    ("ordering", "Dừng lại"),
    ("matching", {"prize": "spam"}),
    ("matching", {"email": "scam"}),
    ("number", "1.000"),
    ("number", "abc"),
    ("number", float("nan")),
    ("number", float("inf")),
    ("number", False),
    ("text", 3),
]

DAMAGED_FILES = {
    "garbage bytes": b"\x00\xff\xfe not json at all",
    "truncated json": b'{"format": "bdhvs-answers/1", "sheet": ',
    "a json list": b"[1, 2, 3]",
    "another format": json.dumps({"format": "other/9", "answers": {}}).encode(),
    "another sheet": json.dumps({"format": FORMAT, "sheet": "bai_2", "answers": {}}).encode(),
    "answers not a dict": json.dumps({"format": FORMAT, "sheet": SHEET, "answers": []}).encode(),
    "NaN constant": b'{"format": "bdhvs-answers/1", "sheet": "bai_1", "answers": NaN}',
    "deep nesting": b"[" * 100_000,
}
CORRUPT = {
    **DAMAGED_FILES,
    "entry not a dict": json.dumps(
        {"format": FORMAT, "sheet": SHEET, "answers": {"q": "none"}}
    ).encode(),
}


@pytest.fixture(autouse=True)
def vietnamese_interface() -> Iterator[None]:
    set_language("vi")
    yield
    set_language("vi")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The notebook's folder, which is the kernel's working folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def fresh(kind: str) -> Question:
    """The question as a new kernel would build it: a new sheet, reading the file again."""
    return MAKERS[kind](AnswerSheet(SHEET))


def write_sheet(folder: Path, answers: dict) -> Path:
    path = folder / FILE
    document = {"format": FORMAT, "sheet": SHEET, "answers": answers}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def controls(widget: widgets.Widget, kind: type) -> list:
    """Every widget of type ``kind`` inside ``widget``, in display order."""
    found = [widget] if isinstance(widget, kind) else []
    for child in getattr(widget, "children", ()):
        found.extend(controls(child, kind))
    return found


def answer_by_hand(kind: str, question: Question) -> object:
    """Act on the question's widgets as a learner would; return the value this should give."""
    top = question.widget
    if kind in ("single", "true_false"):
        (buttons,) = controls(top, widgets.RadioButtons)
        buttons.value = buttons.options[1][1]
        return buttons.options[1][1]
    if kind == "multiple":
        boxes = controls(top, widgets.Checkbox)
        boxes[0].value = True
        boxes[2].value = True
        return frozenset({"money", "hello"})
    if kind == "ordering":
        down_first = [b for b in controls(top, widgets.Button) if b.description == "▼ Xuống"][0]
        down_first.click()
        return ["Dừng lại", "Báo cáo", "Kiểm tra"]
    if kind == "matching":
        menus = controls(top, widgets.Dropdown)
        menus[1].value = "scam"
        return {"power": "scam"}
    (box,) = controls(top, widgets.Text)
    box.value = "3,5" if kind == "number" else "  Gọi 113  "
    return 3.5 if kind == "number" else "Gọi 113"


# ---------------------------------------------------------------------------
# Answers survive a fresh kernel
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", MAKERS)
def test_set_answer_reads_back_the_same_value_in_a_fresh_kernel(folder, kind):
    question = MAKERS[kind](answer_sheet(SHEET))
    question.set_answer(ANSWERS[kind])
    assert question.value == ANSWERS[kind]

    again = fresh(kind)
    assert again.value == ANSWERS[kind]
    assert type(again.value) is type(ANSWERS[kind])
    assert again.problem is None


@pytest.mark.parametrize("kind", MAKERS)
def test_answer_given_in_the_widget_reads_back_in_a_fresh_kernel(folder, kind):
    question = fresh(kind)
    expected = answer_by_hand(kind, question)
    assert question.value == expected
    assert question.problem is None
    assert fresh(kind).value == expected


@pytest.mark.parametrize("kind", MAKERS)
def test_restored_answer_is_shown_in_the_widget(folder, kind):
    MAKERS[kind](AnswerSheet(SHEET)).set_answer(ANSWERS[kind])
    question = fresh(kind)
    assert question.status == "✓ Đã lưu câu trả lời."
    shown = {
        "single": lambda: controls(question.widget, widgets.RadioButtons)[0].value,
        "true_false": lambda: controls(question.widget, widgets.RadioButtons)[0].value,
        "multiple": lambda: [box.value for box in controls(question.widget, widgets.Checkbox)],
        "ordering": lambda: [h.value for h in controls(question.widget, widgets.HTML)][2:5],
        "matching": lambda: [menu.value for menu in controls(question.widget, widgets.Dropdown)],
        "number": lambda: controls(question.widget, widgets.Text)[0].value,
        "text": lambda: controls(question.widget, widgets.Text)[0].value,
    }[kind]()
    assert (
        shown
        == {
            "single": "none",
            "true_false": False,
            "multiple": [True, True, False],
            "ordering": ["1. Dừng lại", "2. Kiểm tra", "3. Báo cáo"],
            "matching": ["scam", "normal"],
            "number": "12,5",
            "text": "Số tổng đài chính thức",
        }[kind]
    )


def test_answer_file_has_the_documented_format(folder):
    MAKERS["multiple"](answer_sheet(SHEET)).set_answer({"otp", "money"})
    document = json.loads((folder / FILE).read_text(encoding="utf-8"))
    assert document["format"] == "bdhvs-answers/1"
    assert document["sheet"] == SHEET
    entry = document["answers"]["q"]
    assert entry["value"] == ["money", "otp"]  # in the order of the options
    assert entry["changes"] == 1
    assert datetime.fromisoformat(entry["at"]).tzinfo is not None


def test_changing_an_answer_twice_keeps_the_last_and_counts_two_changes(folder):
    question = MAKERS["single"](answer_sheet(SHEET))
    question.set_answer("Ngân hàng")
    question.set_answer("none")
    stored = AnswerSheet(SHEET).get("q")
    assert (stored.value, stored.changes) == ("none", 2)
    assert fresh("single").value == "none"


def test_each_question_keeps_its_own_answer_in_a_shared_sheet(folder):
    sheet = answer_sheet(SHEET)
    first = SingleChoice("q1", "Câu 1", ["a", "b"], sheet=sheet)
    second = SingleChoice("q2", "Câu 2", ["a", "b"], sheet=sheet)
    first.set_answer("a")
    second.set_answer("b")
    sheet = AnswerSheet(SHEET)
    assert sheet.get("q1").value == "a"
    assert sheet.get("q2").value == "b"


def test_answer_sheet_is_cached_per_file_within_a_process(folder, tmp_path_factory):
    assert answer_sheet(SHEET) is answer_sheet(SHEET, folder)
    assert answer_sheet(SHEET) is not answer_sheet("bai_2")
    elsewhere = tmp_path_factory.mktemp("other")
    assert answer_sheet(SHEET, elsewhere).path == elsewhere.resolve() / FILE


def test_answer_sheet_lives_in_the_current_folder(folder):
    assert AnswerSheet(SHEET).path == folder.resolve() / FILE


# ---------------------------------------------------------------------------
# No answer, invalid answers, damaged files
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", MAKERS)
def test_untouched_question_is_unanswered_and_writes_no_file(folder, kind):
    question = fresh(kind)
    assert question.value is None
    assert question.problem is None
    assert question.status == "○ Chưa trả lời."
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("kind", MAKERS)
def test_clearing_an_answer_makes_the_question_unanswered_again(folder, kind):
    question = fresh(kind)
    question.set_answer(ANSWERS[kind])
    question.set_answer(None)
    assert question.value is None
    assert fresh(kind).value is None
    assert AnswerSheet(SHEET).get("q").changes == 2


@pytest.mark.parametrize("kind", MAKERS)
@pytest.mark.parametrize("content", CORRUPT.values(), ids=CORRUPT.keys())
def test_corrupt_file_gives_no_answer_and_a_problem_without_raising(folder, kind, content):
    (folder / FILE).write_bytes(content)
    question = fresh(kind)
    assert question.value is None
    assert question.problem
    assert question.status.startswith("⚠ Cần xem lại: ")


@pytest.mark.parametrize("content", DAMAGED_FILES.values(), ids=DAMAGED_FILES.keys())
def test_answering_over_a_damaged_file_keeps_its_bytes_aside(folder, content):
    (folder / FILE).write_bytes(content)
    question = fresh("single")
    question.set_answer("none")
    assert question.problem is None
    assert (folder / f"{FILE}.corrupt").read_bytes() == content
    assert fresh("single").value == "none"


def test_answering_over_a_damaged_entry_replaces_it_and_keeps_the_others(folder):
    write_sheet(folder, {"q": ["not", "an", "entry"], "other": {"value": "kept"}})
    question = fresh("single")
    assert question.value is None
    assert "«q»" in question.problem
    question.set_answer("none")
    assert fresh("single").value == "none"
    assert AnswerSheet(SHEET).get("other").value == "kept"
    assert not (folder / f"{FILE}.corrupt").exists()


@pytest.mark.parametrize(("kind", "stored"), HAND_EDITED)
def test_hand_edited_invalid_answer_gives_none_and_a_problem(folder, kind, stored):
    write_sheet(folder, {"q": {"value": stored, "changes": 1, "at": "2025-06-01T09:00:00+07:00"}})
    question = fresh(kind)
    assert question.value is None
    assert "Câu trả lời đã lưu cho câu này không dùng được" in question.problem


@pytest.mark.parametrize(("kind", "value"), INVALID)
def test_set_answer_rejects_a_value_the_widget_could_not_give(folder, kind, value):
    question = fresh(kind)
    question.set_answer(ANSWERS[kind])
    before = (folder / FILE).read_bytes()
    with pytest.raises(ValueError, match=r"\S"):
        question.set_answer(value)
    assert question.value == ANSWERS[kind]
    assert (folder / FILE).read_bytes() == before


def test_typing_an_invalid_number_clears_the_saved_answer_and_says_why(folder):
    question = fresh("number")
    (box,) = controls(question.widget, widgets.Text)
    box.value = "3,5"
    box.value = "1.000"
    assert question.value is None
    assert "1.000" in question.problem
    assert AnswerSheet(SHEET).get("q").value is None
    assert fresh("number").value is None


def test_blank_text_counts_as_no_answer(folder):
    question = fresh("text")
    question.set_answer("   ")
    assert question.value is None
    assert question.status == "○ Chưa trả lời."


def test_unticking_every_box_is_an_answer_distinct_from_no_answer(folder):
    question = fresh("multiple")
    (first, *_) = controls(question.widget, widgets.Checkbox)
    first.value = True
    first.value = False
    assert question.value == frozenset()
    assert fresh("multiple").value == frozenset()


def test_value_is_a_copy_that_cannot_change_the_answer(folder):
    question = fresh("ordering")
    question.set_answer(ANSWERS["ordering"])
    question.value.reverse()
    assert question.value == ANSWERS["ordering"]


# ---------------------------------------------------------------------------
# Reading never writes
# ---------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_reading_answers_never_modifies_the_file(folder):
    fresh("single").set_answer("none")
    before = snapshot(folder)
    for kind in MAKERS:  # a valid answer for some kinds, an invalid one for others
        fresh(kind)
        AnswerSheet(SHEET).get("q")
    assert snapshot(folder) == before


@pytest.mark.parametrize("content", CORRUPT.values(), ids=CORRUPT.keys())
def test_reading_a_corrupt_file_never_modifies_it(folder, content):
    (folder / FILE).write_bytes(content)
    before = snapshot(folder)
    for kind in MAKERS:
        fresh(kind)
    assert snapshot(folder) == before


def test_a_failed_save_is_reported_and_the_saved_answer_kept(folder, monkeypatch):
    question = fresh("single")
    question.set_answer("Ngân hàng")

    def refuse(qid, value):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(question.sheet, "record", refuse)
    (buttons,) = controls(question.widget, widgets.RadioButtons)
    buttons.value = "none"  # from the widget: reported, not raised
    assert question.value == "Ngân hàng"
    assert "Permission denied" in question.problem
    with pytest.raises(PermissionError):
        question.set_answer("none")


def test_answer_sheet_refuses_values_that_would_not_read_back_the_same(folder):
    sheet = AnswerSheet(SHEET)
    for value in [("a", "b"), {"a"}, float("nan"), {1: "a"}, object()]:
        with pytest.raises(ValueError):
            sheet.record("q", value)
    assert not (folder / FILE).exists()


@pytest.mark.parametrize("name", ["", "../bai", "bai/1", ".hidden", "bài_1", 7])
def test_answer_sheet_name_must_be_a_plain_file_name(folder, name):
    with pytest.raises(ValueError):
        AnswerSheet(name)


# ---------------------------------------------------------------------------
# Display, accessibility and language
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", MAKERS)
def test_question_displays_as_its_widget_with_a_plain_text_summary(folder, kind):
    question = fresh(kind)
    bundle = question._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == question.widget.model_id
    assert bundle["text/plain"] == f"{question.prompt}\n○ Chưa trả lời."


def test_multiline_text_answer_uses_a_text_area_and_reads_back(folder):
    prompt = "Bạn kiểm tra một đường link thế nào?"
    question = TextAnswer("q", prompt, multiline=True, sheet=AnswerSheet(SHEET))
    (area,) = controls(question.widget, widgets.Textarea)
    area.value = "Di chuột lên link.\nXem tên miền thật. "
    again = TextAnswer("q", prompt, multiline=True, sheet=AnswerSheet(SHEET))
    assert again.value == "Di chuột lên link.\nXem tên miền thật."


@pytest.mark.parametrize("kind", MAKERS)
def test_every_input_has_a_visible_label_and_a_tooltip(folder, kind):
    inputs = (
        widgets.RadioButtons,
        widgets.Checkbox,
        widgets.Dropdown,
        widgets.Text,
        widgets.Textarea,
        widgets.Button,
    )
    found = controls(fresh(kind).widget, inputs)
    assert found
    for control in found:
        assert control.description.strip(), control
        assert control.tooltip and control.tooltip.strip(), control


@pytest.mark.parametrize("kind", MAKERS)
def test_no_layout_uses_a_fixed_pixel_width(folder, kind):
    for widget in controls(fresh(kind).widget, widgets.DOMWidget):
        for size in (widget.layout.width, widget.layout.max_width, widget.layout.min_width):
            assert not (size or "").endswith("px"), widget


def test_ordering_moves_items_with_buttons_and_disables_impossible_moves(folder):
    question = fresh("ordering")
    buttons = controls(question.widget, widgets.Button)
    ups = [b for b in buttons if b.description == "▲ Lên"]
    downs = [b for b in buttons if b.description == "▼ Xuống"]
    assert ups[0].disabled and downs[-1].disabled
    assert ups[2].tooltip == "Đưa «Kiểm tra» lên vị trí 2"
    ups[2].click()
    assert question.value == ["Báo cáo", "Kiểm tra", "Dừng lại"]
    assert ups[2].tooltip == "Đưa «Dừng lại» lên vị trí 2"


def test_ordering_keeps_the_order_shown_when_the_learner_saves_it(folder):
    question = fresh("ordering")
    (keep,) = [
        b for b in controls(question.widget, widgets.Button) if b.description == "Lưu thứ tự này"
    ]
    keep.click()
    assert fresh("ordering").value == ["Báo cáo", "Dừng lại", "Kiểm tra"]


def test_english_switch_changes_interface_text(folder):
    set_language("en")
    assert i18n.get_language() == "en"
    question = fresh("true_false")
    (buttons,) = controls(question.widget, widgets.RadioButtons)
    assert [label for label, _ in buttons.options] == ["True", "False"]
    assert question.status == "○ Not answered yet."
    question.set_answer(True)
    assert question.status == "✓ Answer saved."

    (folder / FILE).write_bytes(b"garbage")
    assert "is damaged" in fresh("true_false").problem
    with pytest.raises(ValueError, match="must be True or False"):
        question.set_answer("yes")

    set_language("vi")
    (buttons,) = controls(fresh("true_false").widget, widgets.RadioButtons)
    assert [label for label, _ in buttons.options] == ["Đúng", "Sai"]


def test_english_numbers_are_shown_with_a_decimal_point(folder):
    MAKERS["number"](AnswerSheet(SHEET)).set_answer(12.5)
    set_language("en")
    assert controls(fresh("number").widget, widgets.Text)[0].value == "12.5"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="vi"):
        set_language("fr")
    assert i18n.get_language() == "vi"


def test_catalogue_has_every_message_in_both_languages_with_the_same_fields():
    def fields(template: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}

    for texts in sorted(Path(modules.__file__).parent.glob("*/texts.py")):
        importlib.import_module(f"curriculum.modules.{texts.parent.name}.texts")
    assert any(key.startswith("an_toan_so.") for key in i18n.MESSAGES)
    for tool in Path(modules.__file__).parent.glob("*/*.py"):
        used = re.findall(r"""\b(?:text|message)\(\s*["']([\w.]+)["']""", tool.read_text("utf-8"))
        for key in used:
            assert f"{tool.parent.name}.{key}" in i18n.MESSAGES, (tool, key)
    for key, versions in i18n.MESSAGES.items():
        assert set(versions) == set(i18n.LANGUAGES), key
        assert fields(versions["vi"]) == fields(versions["en"]), key


@pytest.mark.parametrize(
    "options",
    [["chỉ một"], ["a", "a"], [("A", "a"), ("B", "a")], ["a", ""], "ab", [("A", "a", "x"), "b"]],
)
def test_badly_written_options_are_refused_when_the_question_is_built(folder, options):
    with pytest.raises(ValueError):
        SingleChoice("q", "Câu hỏi", options, sheet=AnswerSheet(SHEET))


@pytest.mark.parametrize("kind", MAKERS)
def test_widgets_that_fill_their_box_share_one_layout_across_questions(folder, kind):
    first = controls(fresh(kind).widget, widgets.DOMWidget)
    second = controls(fresh(kind).widget, widgets.DOMWidget)
    filling = {
        id(widget.layout)
        for widget in first + second
        if widget.layout.get_state() == widgets.Layout(width="auto").get_state()
    }
    assert len(filling) == 1  # one layout model for the browser, not one per widget
