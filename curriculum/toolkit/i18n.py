"""Interface language of the learner-side widgets: Vietnamese by default, English on request.

One switch serves the whole notebook. Call ``set_language("en")`` near the top, before any
question or simulation is built: labels are chosen when a widget is built, while status lines
and problem messages follow the language in force when they are shown.

Every interface string of the toolkit lives in :data:`MESSAGES`, in both languages, so a
translation can be checked (and extended) in one place. A module's own tools keep their strings
with the module (``curriculum/modules/<id>/texts.py``) and add them here through
:func:`catalogue`, under keys prefixed with the module's id, so one switch serves them too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

__all__ = ["LANGUAGES", "MESSAGES", "catalogue", "get_language", "set_language", "text"]

LANGUAGES = ("vi", "en")

_current = "vi"

MESSAGES: dict[str, dict[str, str]] = {
    "language.unknown": {
        "vi": "Ngôn ngữ «{language}» chưa được hỗ trợ; hãy chọn «vi» hoặc «en».",
        "en": "Language «{language}» is not supported; choose «vi» or «en».",
    },
    # Status line under each question.
    "status.saved": {
        "vi": "✓ Đã lưu câu trả lời.",
        "en": "✓ Answer saved.",
    },
    "status.unanswered": {
        "vi": "○ Chưa trả lời.",
        "en": "○ Not answered yet.",
    },
    "status.problem": {
        "vi": "⚠ Cần xem lại: {problem}",
        "en": "⚠ Please check: {problem}",
    },
    # The answer file.
    "sheet.bad_name": {
        "vi": (
            "Tên bài «{name}» không dùng được để đặt tên tệp câu trả lời: chỉ dùng chữ không "
            "dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới, bắt đầu bằng chữ hoặc số."
        ),
        "en": (
            "«{name}» cannot name an answer file: use only unaccented letters, digits, dots, "
            "hyphens or underscores, starting with a letter or a digit."
        ),
    },
    "sheet.bad_qid": {
        "vi": "Mã câu hỏi phải là một chuỗi không rỗng, không phải {qid!r}.",
        "en": "A question id must be a non-empty string, not {qid!r}.",
    },
    "sheet.unreadable": {
        "vi": "Không mở được tệp câu trả lời «{file}» ({error}).",
        "en": "The answer file «{file}» cannot be opened ({error}).",
    },
    "sheet.not_file": {
        "vi": "«{file}» không phải là một tệp thông thường, nên không đọc được câu trả lời.",
        "en": "«{file}» is not a regular file, so no answer can be read from it.",
    },
    "sheet.too_big": {
        "vi": (
            "Tệp câu trả lời «{file}» lớn hơn {limit} MiB, nên không được đọc. Hãy báo giảng viên."
        ),
        "en": (
            "The answer file «{file}» is over {limit} MiB, so it is not read. Tell your instructor."
        ),
    },
    "sheet.not_json": {
        "vi": (
            "Tệp câu trả lời «{file}» bị hỏng (không đọc được dưới dạng JSON), nên không dùng "
            "được các câu trả lời đã lưu trong đó. Hãy trả lời lại hoặc báo giảng viên."
        ),
        "en": (
            "The answer file «{file}» is damaged (it is not valid JSON), so the answers saved "
            "in it cannot be used. Answer again or tell your instructor."
        ),
    },
    "sheet.not_dict": {
        "vi": (
            "Tệp câu trả lời «{file}» không đúng cấu trúc ({part} phải là một đối tượng JSON), "
            "nên không dùng được. Hãy trả lời lại hoặc báo giảng viên."
        ),
        "en": (
            "The answer file «{file}» has the wrong structure ({part} must be a JSON object), "
            "so it cannot be used. Answer again or tell your instructor."
        ),
    },
    "sheet.wrong_format": {
        "vi": (
            "Tệp «{file}» không phải tệp câu trả lời của bộ công cụ này (định dạng «{found}», "
            "cần «{expected}»)."
        ),
        "en": (
            "«{file}» is not an answer file of this toolkit (format «{found}», "
            "expected «{expected}»)."
        ),
    },
    "sheet.wrong_sheet": {
        "vi": "Tệp «{file}» ghi câu trả lời của bài «{found}», không phải của bài «{expected}».",
        "en": "«{file}» holds the answers of «{found}», not of «{expected}».",
    },
    "sheet.bad_entry": {
        "vi": "Câu trả lời đã lưu cho câu «{qid}» không đúng cấu trúc; hãy trả lời lại.",
        "en": "The saved answer to question «{qid}» has the wrong structure; answer again.",
    },
    "sheet.not_json_value": {
        "vi": (
            "Câu trả lời phải là dữ liệu JSON (chuỗi, số hữu hạn, đúng/sai, danh sách, "
            "từ điển có khóa là chuỗi), không phải {found}."
        ),
        "en": (
            "An answer must be JSON data (string, finite number, true/false, list, dictionary "
            "with string keys), not {found}."
        ),
    },
    "sheet.write_failed": {
        "vi": (
            "Không lưu được câu trả lời vào tệp «{file}» ({error}). Câu trả lời này chưa được "
            "tính; hãy báo giảng viên."
        ),
        "en": (
            "The answer could not be saved to «{file}» ({error}). It does not count yet; "
            "tell your instructor."
        ),
    },
    # Building a question (mistakes of the notebook author).
    "question.bad_options": {
        "vi": (
            "Cần ít nhất {minimum} lựa chọn; mỗi lựa chọn là một chuỗi hoặc một cặp (nhãn, giá "
            "trị) gồm hai chuỗi không rỗng, không trùng nhãn, không trùng giá trị."
        ),
        "en": (
            "At least {minimum} options are needed; each is a string or a (label, value) pair "
            "of two non-empty strings, with no repeated label or value."
        ),
    },
    # Checking an answer, from the widget or from set_answer.
    "answer.expect_option": {
        "vi": "Câu trả lời phải là một trong các lựa chọn {options}, không phải {found}.",
        "en": "The answer must be one of the options {options}, not {found}.",
    },
    "answer.expect_options": {
        "vi": "Câu trả lời phải là một tập hợp các lựa chọn trong {options}, không phải {found}.",
        "en": "The answer must be a set of options taken from {options}, not {found}.",
    },
    "answer.expect_bool": {
        "vi": "Câu trả lời phải là True (Đúng) hoặc False (Sai), không phải {found}.",
        "en": "The answer must be True or False, not {found}.",
    },
    "answer.expect_order": {
        "vi": "Câu trả lời phải là danh sách sắp xếp đủ các mục {items}, mỗi mục đúng một lần.",
        "en": "The answer must be a list of all the items {items}, each exactly once.",
    },
    "answer.expect_matching": {
        "vi": (
            "Câu trả lời phải là một từ điển ghép các mục trong {items} với lựa chọn trong "
            "{choices}, không phải {found}."
        ),
        "en": (
            "The answer must be a dictionary pairing items of {items} with choices of "
            "{choices}, not {found}."
        ),
    },
    "answer.expect_number": {
        "vi": "Câu trả lời phải là một số hữu hạn, ví dụ 12 hoặc 3,5; không phải {found}.",
        "en": "The answer must be a finite number, for example 12 or 3.5; not {found}.",
    },
    "answer.expect_text": {
        "vi": "Câu trả lời phải là văn bản (chuỗi), không phải {found}.",
        "en": "The answer must be text (a string), not {found}.",
    },
    "answer.stored_invalid": {
        "vi": "Câu trả lời đã lưu cho câu này không dùng được. {reason} Hãy trả lời lại.",
        "en": "The saved answer to this question cannot be used. {reason} Answer again.",
    },
    # Reading a typed number.
    "number.not_a_number": {
        "vi": "«{text}» không phải là một số. Ví dụ cách viết: 12 hoặc 3,5.",
        "en": "«{text}» is not a number. For example, write 12 or 3.5.",
    },
    "number.ambiguous": {
        "vi": (
            "«{text}» có thể hiểu theo hai cách (dấu ngăn cách hàng nghìn hay dấu thập phân). "
            "Hãy viết số không có dấu ngăn cách hàng nghìn, ví dụ 1000 hoặc 1,5."
        ),
        "en": (
            "«{text}» can be read two ways (thousands separator or decimal point). Write the "
            "number without a thousands separator, for example 1000 or 1.5."
        ),
    },
    # Labels, hints and tooltips of the question widgets.
    "ui.choose_one": {
        "vi": "Chọn một đáp án:",
        "en": "Choose one answer:",
    },
    "ui.choose_many": {
        "vi": "Đánh dấu mọi đáp án đúng (có thể chọn nhiều, hoặc không chọn ô nào):",
        "en": "Tick every correct answer (you may tick several, or none):",
    },
    "ui.true_false": {
        "vi": "Nhận định này đúng hay sai?",
        "en": "Is this statement true or false?",
    },
    "ui.true": {"vi": "Đúng", "en": "True"},
    "ui.false": {"vi": "Sai", "en": "False"},
    "ui.order_hint": {
        "vi": (
            "Dùng các nút «▲ Lên» và «▼ Xuống» để sắp xếp các mục theo thứ tự đúng. Nếu thứ "
            "tự đang hiện đã đúng, bấm «Lưu thứ tự này»."
        ),
        "en": (
            "Use the «▲ Up» and «▼ Down» buttons to put the items in the right order. If the "
            "order shown is already right, press «Save this order»."
        ),
    },
    "ui.move_up": {"vi": "▲ Lên", "en": "▲ Up"},
    "ui.move_down": {"vi": "▼ Xuống", "en": "▼ Down"},
    "ui.move_up_tip": {
        "vi": "Đưa «{item}» lên vị trí {position}",
        "en": "Move «{item}» up to position {position}",
    },
    "ui.move_down_tip": {
        "vi": "Đưa «{item}» xuống vị trí {position}",
        "en": "Move «{item}» down to position {position}",
    },
    "ui.keep_order": {"vi": "Lưu thứ tự này", "en": "Save this order"},
    "ui.keep_order_tip": {
        "vi": "Lưu thứ tự đang hiện làm câu trả lời",
        "en": "Save the order shown as your answer",
    },
    "ui.match_hint": {
        "vi": "Với mỗi mục, chọn mục tương ứng trong danh sách bên cạnh:",
        "en": "For each item, choose the matching entry in the list beside it:",
    },
    "ui.match_placeholder": {"vi": "— chọn —", "en": "— choose —"},
    "ui.match_tip": {
        "vi": "Chọn mục ghép với «{item}»",
        "en": "Choose the entry that matches «{item}»",
    },
    "ui.answer": {"vi": "Trả lời:", "en": "Answer:"},
    "ui.number_placeholder": {
        "vi": "Gõ một số, ví dụ 3,5, rồi nhấn Enter",
        "en": "Type a number, for example 3.5, then press Enter",
    },
    "ui.unit_tip": {"vi": "Đơn vị: {unit}", "en": "Unit: {unit}"},
    "ui.text_placeholder": {
        "vi": "Gõ câu trả lời rồi nhấn Enter",
        "en": "Type your answer, then press Enter",
    },
    "ui.textarea_placeholder": {
        "vi": "Gõ câu trả lời; câu trả lời được lưu khi bạn bấm ra ngoài ô này",
        "en": "Type your answer; it is saved when you click outside this box",
    },
    # Simulations.
    "simulation.bad_control": {
        "vi": (
            "Điều khiển «{name}» phải là một widget có giá trị (thanh trượt, ô số, ô chọn...) "
            "và tên của nó phải dùng được làm tên tham số Python."
        ),
        "en": (
            "Control «{name}» must be a widget with a value (slider, number box, dropdown...) "
            "and its name must be usable as a Python parameter name."
        ),
    },
    "simulation.bad_result": {
        "vi": "Hàm hiển thị phải trả về một chuỗi HTML hoặc một widget, không phải {found}.",
        "en": "The render function must return an HTML string or a widget, not {found}.",
    },
    "simulation.error": {
        "vi": "⚠ Không tính được kết quả với các giá trị này: {error}",
        "en": "⚠ No result can be computed for these values: {error}",
    },
    # Tasks in simulated apps (curriculum.toolkit.apps).
    "app.restart": {"vi": "↺ Làm lại từ đầu", "en": "↺ Start again"},
    "app.restart_tip": {
        "vi": "Xóa mọi thao tác đã làm trong ứng dụng này và bắt đầu lại",
        "en": "Clear everything done in this app and start again",
    },
    "app.too_many": {
        "vi": "Bạn đã thao tác quá {limit} lần. Hãy bấm «Làm lại từ đầu» rồi làm lại.",
        "en": "You have done more than {limit} actions. Press «Start again» and redo the task.",
    },
    "app.bad_action": {
        "vi": "Thao tác này không dùng được trong ứng dụng.",
        "en": "This action cannot be used in the app.",
    },
    "app.bad_actions": {
        "vi": "Các thao tác đã lưu không đọc được (tối đa {limit} thao tác).",
        "en": "The saved actions cannot be read (at most {limit} actions).",
    },
    "app.replay_failed": {
        "vi": "Các thao tác đã lưu không làm lại được: {reason}",
        "en": "The saved actions cannot be replayed: {reason}",
    },
    # Self-check of visible tests (curriculum.toolkit.selfcheck).
    "check.title": {"vi": "Kết quả tự kiểm tra: {name}", "en": "Self-check results: {name}"},
    "check.passed": {"vi": "đã trả lời", "en": "answered"},
    "check.failed": {"vi": "chưa xong: {message}", "en": "not finished: {message}"},
    "check.no_message": {"vi": "có lỗi khi chạy", "en": "an error occurred"},
    "check.item": {
        "vi": "{cell} ({points:g} điểm; năng lực {competences})",
        "en": "{cell} ({points:g} points; competences {competences})",
    },
    "check.not_written": {
        "vi": "Bạn chưa viết câu trả lời vào ô dưới câu hỏi.",
        "en": "Nothing is written yet in the box under the question.",
    },
    "check.summary": {
        "vi": "Đã trả lời {passed}/{total} câu.",
        "en": "{passed} of {total} items answered.",
    },
    "check.hidden": {
        "vi": "Phần tự kiểm tra chỉ cho biết câu nào đã trả lời, không cho biết đúng hay sai: "
        "bài được chấm khi giảng viên chấm. Câu tự luận do giảng viên chấm.",
        "en": "The self-check only says which items are answered, not whether they are right: "
        "your work is marked when your instructor grades it. Written answers are graded by "
        "your instructor.",
    },
    "check.unreadable": {
        "vi": "Không đọc được sổ tay {name}: {error}",
        "en": "The notebook {name} cannot be read: {error}",
    },
    "check.no_tests": {
        "vi": "Sổ tay này không có câu nào được chấm tự động.",
        "en": "This notebook has no automatically graded item.",
    },
    "check.button": {"vi": "Kiểm tra bài", "en": "Check my work"},
    "check.button_help": {
        "vi": "Bấm để xem bạn đã trả lời đủ các câu chưa.",
        "en": "Press to see whether every question is answered.",
    },
    "check.running": {
        "vi": "Đang kiểm tra bản đã lưu của {name}…",
        "en": "Checking the saved copy of {name}…",
    },
    "check.no_path": {
        "vi": 'Không biết sổ tay nào cần kiểm tra: hãy gọi check_button("ten_bai.ipynb").',
        "en": 'Which notebook to check is unknown: call check_button("name.ipynb").',
    },
    # Self-learner progress (curriculum.toolkit.progress).
    "progress.not_verified": {
        "vi": "Tự đánh giá qua các kiểm tra hiển thị; chưa được giảng viên xác nhận.",
        "en": "Self-assessed through visible checks; not verified by an instructor.",
    },
    "progress.empty": {
        "vi": "Chưa có lần tự kiểm tra nào. Bấm «Kiểm tra bài» ở cuối một bài tập.",
        "en": "No self-check yet. Press «Check my work» at the end of an assignment.",
    },
    "progress.competence": {"vi": "Năng lực", "en": "Competence"},
    "progress.items_passed": {
        "vi": "Câu đã trả lời",
        "en": "Items answered",
    },
    "progress.refresh": {"vi": "Cập nhật", "en": "Refresh"},
    "progress.export": {"vi": "Xuất hồ sơ tự đánh giá", "en": "Export self-assessment"},
    "progress.exported": {
        "vi": "Đã ghi hồ sơ tự đánh giá vào tệp {file}.",
        "en": "The self-assessed record was written to {file}.",
    },
}


def get_language() -> str:
    """The current interface language: ``"vi"`` or ``"en"``."""
    return _current


def set_language(language: str) -> None:
    """Switch the interface language of every widget built from now on (``"vi"`` or ``"en"``)."""
    global _current
    if language not in LANGUAGES:
        raise ValueError(text("language.unknown", language=language))
    _current = language


def catalogue(prefix: str, messages: Mapping[str, Mapping[str, str]]) -> Callable[..., str]:
    """Add a module's ``messages`` as ``prefix.<key>`` and return its own ``text`` function.

    Every message must have every language, so a missing translation fails when the module is
    imported rather than when a learner reaches it; a key already taken by other text is refused.
    """
    for key, versions in messages.items():
        name = f"{prefix}.{key}"
        if set(versions) != set(LANGUAGES):
            raise ValueError(f"message {name!r} needs exactly the languages {LANGUAGES}")
        if MESSAGES.get(name, versions) != versions:
            raise ValueError(f"message {name!r} is already defined with other text")
        MESSAGES[name] = dict(versions)

    def module_text(key: str, **fields: object) -> str:
        return text(f"{prefix}.{key}", **fields)

    return module_text


def text(key: str, **fields: object) -> str:
    """The message ``key`` in the current language, with ``fields`` filled in.

    An unknown key raises :class:`KeyError`: it is a mistake in the toolkit, not in a notebook.
    """
    return MESSAGES[key][_current].format(**fields)
