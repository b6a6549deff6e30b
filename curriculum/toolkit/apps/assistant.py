"""An AI chat assistant, simulated: build a prompt, send it, check the answer before using it.

There is no network and no model. The assistant's answer is written by fixed rules from what
the prompt says, so one prompt always gets one answer and a grader can rebuild it from the
recorded actions. The rules copy what a real assistant does, because that is what the learner
must learn to handle:

- what the prompt leaves out, the assistant fills in with something plausible and wrong (a
  date, a place, a legal basis, a promise), so a prompt with its context gets a better draft;
- what the prompt gives away (a name, a phone number, an identity number), the assistant
  repeats: once sent, it has left the learner's hands;
- every case's answer holds at least one deliberate error, which only a check against the
  official source (a page of its own in the app) shows.

A task picks one of the :data:`CASES` (the situation, what the prompt box holds at the start,
the ready-made parts the learner may tap instead of typing, the personal data of the case).
Screens and actions, each action recorded as it is done:

=========  ==========================================================================
builder    ``type_part`` (part, text), ``pick_part`` (part, choice), ``clear_part``
           (part), ``remove_personal_data``, ``send_prompt``
answer     ``flag_error`` (sentence), ``unflag_error`` (sentence), ``edit_answer``
           (sentence, fix: "source", "delete", "text" with text, "restore"),
           ``ask_followup``, ``check_source``, ``open_builder``, ``copy_to_document``
source     ``search_source`` (query), ``view_document`` (doc), ``back``
doc        ``check_source``, ``back``
document   ``back``
=========  ==========================================================================

The state keeps what a hidden test needs: ``sent`` (every prompt sent, with its ``text``, its
``parts`` and the kinds of ``personal`` data it held), ``answer`` (the sentences of the
current answer and what the learner did to each), ``viewed`` (documents opened on the source
page) and ``copies`` (each version copied into the document, as a list of sentences). The
helpers :func:`mentions`, :func:`mentions_date` and :func:`states_length` read prompts and
answers the way a person would, whatever keyboard typed them.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import ipywidgets as widgets

from curriculum.toolkit.answers import AnswerSheet
from curriculum.toolkit.apps.app import AppTask, Refused

__all__ = [
    "CASES",
    "PARTS",
    "SOURCES",
    "AssistantApp",
    "Case",
    "find_personal_data",
    "mentions",
    "mentions_date",
    "redact",
    "states_length",
]

PARTS: dict[str, str] = {
    "tu_do": "Câu lệnh (gõ tự do)",
    "vai_tro": "Vai trò",
    "nhiem_vu": "Nhiệm vụ",
    "boi_canh": "Bối cảnh",
    "nguoi_doc": "Người đọc",
    "dinh_dang": "Định dạng",
    "do_dai": "Độ dài, ràng buộc",
}
"""The prompt builder's boxes, in the order their text is joined into the prompt."""

_PART_HINTS = {
    "tu_do": "Gõ câu lệnh ở đây, hoặc lắp từng phần ở dưới",
    "vai_tro": "Bạn là ...",
    "nhiem_vu": "Hãy soạn ...",
    "boi_canh": "Những điều trợ lý cần biết: ...",
    "nguoi_doc": "Ai sẽ đọc văn bản?",
    "dinh_dang": "Trình bày gồm ...",
    "do_dai": "Không quá ... chữ; không ...",
}
_MAX_PART = 1200
_MAX_QUERY = 100

_KIND_NAMES = {
    "id": "số định danh",
    "phone": "số điện thoại",
    "email": "thư điện tử",
    "name": "họ tên",
    "address": "địa chỉ",
}
_PLACEHOLDERS = {"id": "[SỐ ĐỊNH DANH]", "phone": "[SỐ ĐIỆN THOẠI]", "email": "[THƯ ĐIỆN TỬ]"}
# Twelve digits, spaces or dots allowed between them: a citizen identity number.
_ID = re.compile(r"(?<![\d/])\d(?:[ .\-]?\d){11}(?![\d/])")
# A Vietnamese phone number: 0 or +84, then 9 digits (mobile) or 10 (landline).
_PHONE = re.compile(r"(?<![\d/])(?:\+84|0)(?:[ .\-]?\d){9,10}(?![\d/])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PATTERNS = (("id", _ID), ("phone", _PHONE), ("email", _EMAIL))


# Reading text as a person would.


def _bare(text: str) -> str:
    """``text`` without diacritics, in lower case, its punctuation kept."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")


def _fold(text: str) -> str:
    """Lower case, no diacritics, words only: what is left when keyboards and habits differ."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", _bare(text)).split())


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def mentions(text: str | None, *phrases: str) -> bool:
    """Whether ``text`` says any of ``phrases`` as whole words.

    Case, Unicode form, diacritics and punctuation are set aside, so "VNeID", "vneid" and
    "Thôn Đông" typed without accents ("thon dong") all count.
    """
    padded = f" {_fold(text or '')} "
    return any(f" {_fold(phrase)} " in padded for phrase in phrases if _fold(phrase))


_MONTH_WORDS = {
    1: ("một", "giêng"),
    2: ("hai",),
    3: ("ba",),
    4: ("tư", "bốn"),
    5: ("năm",),
    6: ("sáu",),
    7: ("bảy",),
    8: ("tám",),
    9: ("chín",),
    10: ("mười(?!\\s+(?:một|hai))",),
    11: ("mười một",),
    12: ("mười hai", "chạp"),
}


def mentions_date(text: str | None, day: int, month: int, year: int | None = None) -> bool:
    """Whether ``text`` gives the date ``day``/``month`` (and ``year``, when it names one).

    People write one date many ways: 6/12, 06/12, 6-12, 6.12, 6/12/2026, "ngày 6 tháng 12",
    "mùng 6 tháng 12 năm 2026", "6 tháng mười hai". A year written in ``text`` must be
    ``year`` (two digits count); a date written without one is accepted.
    """
    body = _nfc(text or "")
    words = "|".join(_MONTH_WORDS.get(month, ()))
    month_any = rf"(?:0?{month}(?!\d)|{words})" if words else rf"0?{month}(?!\d)"
    forms = (
        rf"(?<![\d/.\-]){'0?' + str(day)}\s*[/.\-]\s*0?{month}(?!\d)"
        rf"(?:\s*[/.\-]\s*(\d{{4}}|\d{{2}})(?!\d))?",
        rf"(?<!\d)0?{day}\s+tháng\s+{month_any}(?:\s*(?:,|năm|/)?\s*(\d{{4}})(?!\d))?",
    )
    for form in forms:
        for match in re.finditer(form, body):
            written = match.group(1)
            if year is None or written is None or int(written) in (year, year % 100):
                return True
    return False


_NUMBER_WORDS = "một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|trăm|nửa"
_UNITS = "chữ|từ|câu|dòng|trang"
# Digits are read without diacritics ("120 chu" typed on a keyboard without them), number
# words with them: without, "tám trang" (eight pages) and "tâm trạng" (mood) are one text.
_LENGTH_DIGITS = re.compile(
    rf"(?<![\d/.,])\d+\s*(?:{_fold(_UNITS.replace('|', ' ')).replace(' ', '|')})(?![a-z])"
)
_LENGTH_WORDS = re.compile(rf"(?<!\w)(?:{_NUMBER_WORDS})\s+(?:{_UNITS})(?!\w)")


def states_length(text: str | None) -> bool:
    """Whether ``text`` limits the length with a number: "không quá 150 chữ", "dưới một trang".

    A number inside a date ("6/12/2026 từ 8 giờ") is not a length.
    """
    body = text or ""
    return bool(_LENGTH_DIGITS.search(_bare(body)) or _LENGTH_WORDS.search(_nfc(body)))


def _pattern_data(text: str) -> list[tuple[str, str]]:
    """(kind, text found) for identity numbers, then phone numbers, then e-mail addresses."""
    found: list[tuple[str, str]] = []
    rest = text
    for kind, pattern in _PATTERNS:
        found += [(kind, match.group(0)) for match in pattern.finditer(rest)]
        rest = pattern.sub(" ", rest)  # a number found once is not found again as another kind
    return found


def find_personal_data(
    text: str, *, names: Sequence[str] = (), addresses: Sequence[str] = ()
) -> list[str]:
    """The kinds of personal data in ``text``, in a fixed order, each once.

    Numbers and e-mail addresses are found by their form; a name or a home address has no
    form a machine can trust, so the case file lists them (``names``, ``addresses``) and they
    are found as :func:`mentions` finds words, with or without diacritics.
    """
    kinds = {kind for kind, _ in _pattern_data(text)}
    if mentions(text, *names):
        kinds.add("name")
    if mentions(text, *addresses):
        kinds.add("address")
    return [kind for kind in _KIND_NAMES if kind in kinds]


def redact(text: str) -> tuple[str, list[str]]:
    """``text`` with identity numbers, phone numbers and e-mail addresses replaced by labels.

    Returns the new text and the kinds replaced. Names and addresses stay: no pattern finds
    them, which is why the learner must still read the prompt before sending it.
    """
    kinds: list[str] = []
    for kind, pattern in _PATTERNS:
        text, count = pattern.subn(_PLACEHOLDERS[kind], text)
        if count and kind not in kinds:
            kinds.append(kind)
    return text, kinds


def _first(text: str, kind: str) -> str | None:
    return next((found for k, found in _pattern_data(text) if k == kind), None)


_NEGATION = re.compile(r"(?<!\w)(?:không|khong|đừng|cấm|chớ)(?!\w)")


def _forbids(text: str, *topics: str) -> bool:
    """Whether the prompt tells the assistant not to add one of ``topics``.

    The words of refusal are read with their diacritics: without them "cấm" (do not) and
    "cam" of "cam kết" (a promise) would be one word.
    """
    return bool(_NEGATION.search(_nfc(text))) and mentions(text, *topics)


# The official source: a page listing documents, as a legal database does.


@dataclass(frozen=True)
class Document:
    """One legal document as the official source shows it."""

    number: str
    name: str
    issued: str
    effect: str
    note: str = ""


SOURCES: dict[str, Document] = {
    doc.number: doc
    for doc in (
        Document(
            "91/2025/QH15",
            "Luật Bảo vệ dữ liệu cá nhân",
            "Quốc hội thông qua ngày 26/6/2025",
            "Có hiệu lực từ ngày 1/1/2026",
        ),
        Document(
            "356/2025/NĐ-CP",
            "Nghị định quy định chi tiết một số điều và biện pháp thi hành Luật Bảo vệ dữ liệu "
            "cá nhân",
            "Chính phủ ban hành ngày 31/12/2025",
            "Có hiệu lực từ ngày 1/1/2026",
        ),
        Document(
            "13/2023/NĐ-CP",
            "Nghị định về bảo vệ dữ liệu cá nhân",
            "Chính phủ ban hành ngày 17/4/2023",
            "Có hiệu lực từ ngày 1/7/2023; hết hiệu lực từ ngày 1/1/2026",
            "Được thay bằng Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 và Nghị định số "
            "356/2025/NĐ-CP.",
        ),
        Document(
            "20/2023/QH15",
            "Luật Giao dịch điện tử",
            "Quốc hội thông qua ngày 22/6/2023",
            "Có hiệu lực từ ngày 1/7/2024",
        ),
        Document(
            "02/2025/TT-BGDĐT",
            "Thông tư quy định Khung năng lực số cho người học",
            "Bộ Giáo dục và Đào tạo ban hành ngày 24/1/2025",
            "Có hiệu lực từ ngày 11/3/2025",
        ),
    )
}
"""The documents on the source page: real ones, their facts checked (see the lesson)."""


def _search(query: str) -> list[str]:
    wanted = _fold(query)
    return [
        number
        for number, doc in SOURCES.items()
        if wanted and (wanted in _fold(number) or wanted in _fold(doc.name))
    ]


# The cases: what the learner is doing, and how the assistant answers.


def _sentence(
    text: str, *, cites: str | None = None, fixed: str | None = None, sources: Sequence[str] = ()
) -> dict[str, Any]:
    """A sentence of an answer: what it cites, and what it says once put right by a source."""
    return {"text": text, "cites": cites, "fixed": fixed, "sources": list(sources)}


@dataclass(frozen=True)
class Case:
    """One situation the assistant is used in.

    ``write`` turns a prompt into the assistant's sentences; ``draft`` is what the builder
    holds at the start (a colleague's pasted text); ``chips`` are ready-made texts the learner
    may tap into each part; ``names`` and ``addresses`` are the case's personal data that no
    pattern finds; ``preset``, if given, is a prompt already sent when the app opens.
    """

    title: str
    document: str
    write: Callable[[str], list[dict[str, Any]]]
    draft: Mapping[str, str] = field(default_factory=dict)
    chips: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    names: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    preset: str | None = None

    def personal(self, text: str) -> list[str]:
        """The kinds of personal data ``text`` holds, this case's names and addresses included."""
        return find_personal_data(text, names=self.names, addresses=self.addresses)


_VERBOSE = (
    "Chuyển đổi số là xu thế tất yếu của thời đại; mỗi người dân cần chủ động nâng cao nhận "
    "thức, tích cực hưởng ứng, góp phần xây dựng chính quyền số, kinh tế số, xã hội số."
)
_LEGAL_TOPICS = ("căn cứ", "pháp lý", "số hiệu", "trích dẫn", "văn bản pháp luật")


def _notice_end(prompt: str, basis: str, contact: str) -> list[dict[str, Any]]:
    """How the assistant ends a notice: ``basis``, a legal basis it makes up unless the prompt
    forbids one, then ``contact``, then filler unless the prompt limits the length."""
    end: list[dict[str, Any]] = []
    if not _forbids(prompt, *_LEGAL_TOPICS):
        end.append(_sentence(basis, cites="88/2026/QĐ-UBND"))
    end.append(_sentence(contact))
    if not states_length(prompt):
        end.append(_sentence(_VERBOSE))
    return end


def _vneid_notice(prompt: str) -> list[dict[str, Any]]:
    """A notice of the commune's VNeID session, as complete as the prompt let it be."""
    personal = _VNEID.personal(prompt)
    about = (
        "cài đặt và sử dụng ứng dụng VNeID"
        if mentions(prompt, "VNeID", "VN eID")
        else "sử dụng dịch vụ công trực tuyến"
    )
    when = (
        "8 giờ sáng Chủ nhật, ngày 6/12/2026"
        if mentions_date(prompt, 6, 12)
        else "14 giờ thứ Bảy, ngày 5/12/2026"
    )
    where = "nhà văn hóa thôn Đông" if mentions(prompt, "thôn Đông") else "hội trường UBND xã"
    bring = (
        "điện thoại và thẻ căn cước"
        if mentions(prompt, "căn cước")
        else "sổ hộ khẩu và giấy khai sinh bản gốc"
    )
    if mentions(prompt, "Nguyễn Văn Tâm"):
        who = "anh Nguyễn Văn Tâm"
    else:
        who = "anh Tâm" if "name" in personal else "[người phụ trách]"
    phone = _first(prompt, "phone") or "[số điện thoại liên hệ]"
    return [
        _sentence(f"THÔNG BÁO: Hướng dẫn {about}."),
        _sentence(f"UBND xã tổ chức buổi hướng dẫn lúc {when}, tại {where}."),
        _sentence("Buổi hướng dẫn kéo dài khoảng 2 tiếng, mỗi người được hỗ trợ riêng."),
        _sentence(f"Bà con nhớ mang theo {bring}."),
        *_notice_end(
            prompt,
            "Buổi hướng dẫn được tổ chức theo Quyết định số 88/2026/QĐ-UBND của UBND tỉnh.",
            f"Mọi thắc mắc xin liên hệ {who}, số điện thoại {phone}.",
        ),
    ]


def _drain_reply(prompt: str) -> list[dict[str, Any]]:
    """A reply to a complaint about a blocked drain, repeating whatever the prompt gave away."""
    personal = _DRAIN.personal(prompt)
    greeting = "ông Hoàng Văn Sáu" if "name" in personal else "ông/bà [HỌ TÊN]"
    where = "trước nhà số 15, xóm 4, thôn Đoài" if "address" in personal else "tại [ĐỊA CHỈ]"
    if mentions(prompt, "mương", "thoát nước", "cống"):
        about = f"mương thoát nước {where} bị tắc, gây ngập khi mưa to"
    else:
        about = "[nội dung phản ánh]"
    sentences = [
        _sentence(f"Kính gửi {greeting},"),
        _sentence(f"UBND xã đã nhận được phản ánh về việc {about}."),
    ]
    if _forbids(prompt, "cam kết", "thời hạn", "hứa", "hẹn"):
        sentences.append(_sentence("Thời gian xử lý: [cần bổ sung]."))
    else:
        sentences.append(
            _sentence("UBND xã cam kết nạo vét xong mương trong vòng 3 ngày kể từ ngày gửi thư.")
        )
    if (phone := _first(prompt, "phone")) is not None:
        sentences.append(_sentence(f"Cán bộ xã sẽ gọi vào số {phone} để hẹn ngày kiểm tra."))
    if "id" in personal:
        sentences.append(
            _sentence(f"Hồ sơ phản ánh được lưu theo số định danh {_first(prompt, 'id')}.")
        )
    sentences.append(_sentence("Trân trọng cảm ơn ông/bà đã quan tâm, phản ánh."))
    return sentences


def _data_notice(_prompt: str) -> list[dict[str, Any]]:
    """A notice on personal data at the one-stop desk, with one outdated and one made-up law."""
    return [
        _sentence(
            "Khi người dân làm thủ tục tại bộ phận một cửa, UBND xã chỉ đề nghị cung cấp những "
            "thông tin cần cho thủ tục đó."
        ),
        _sentence(
            "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 được Quốc hội thông qua ngày 26/6/2025 "
            "và có hiệu lực từ ngày 1/1/2026.",
            cites="91/2025/QH15",
            fixed=(
                "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 được Quốc hội thông qua ngày "
                "26/6/2025 và có hiệu lực từ ngày 1/1/2026."
            ),
            sources=["91/2025/QH15"],
        ),
        _sentence(
            "Nghị định số 13/2023/NĐ-CP của Chính phủ quy định chi tiết thi hành Luật này.",
            cites="13/2023/NĐ-CP",
            fixed=(
                "Nghị định số 356/2025/NĐ-CP ngày 31/12/2025 của Chính phủ quy định chi tiết một "
                "số điều và biện pháp thi hành Luật này."
            ),
            sources=["13/2023/NĐ-CP", "356/2025/NĐ-CP"],
        ),
        _sentence(
            "Theo Nghị định số 147/2026/NĐ-TTg, mọi bản sao giấy tờ có số định danh phải được "
            "hủy sau 30 ngày.",
            cites="147/2026/NĐ-TTg",
        ),
        _sentence("Người dân có thắc mắc xin hỏi trực tiếp cán bộ bộ phận một cửa của UBND xã."),
    ]


def _meeting_notice(prompt: str) -> list[dict[str, Any]]:
    """A notice of a neighbourhood meeting (lesson practice)."""
    personal = _MEETING.personal(prompt)
    when = (
        "19 giờ 30 thứ Sáu, ngày 4/12/2026"
        if mentions_date(prompt, 4, 12)
        else "8 giờ sáng Chủ nhật, ngày 6/12/2026"
    )
    where = "nhà văn hóa tổ 3" if mentions(prompt, "tổ 3") else "hội trường UBND phường"
    about = (
        "bàn việc làm đường bê tông ngõ 5"
        if mentions(prompt, "bê tông")
        else "bàn một số việc chung của tổ"
    )
    who = "bà Phạm Thị Lan" if "name" in personal else "[tổ trưởng]"
    phone = _first(prompt, "phone") or "[số điện thoại tổ trưởng]"
    return [
        _sentence("THÔNG BÁO: Mời họp tổ dân phố số 3."),
        _sentence(f"Tổ dân phố tổ chức họp lúc {when}, tại {where}, để {about}."),
        _sentence("Mỗi hộ cử một người đại diện dự họp."),
        *_notice_end(
            prompt,
            "Cuộc họp thực hiện theo Quyết định số 88/2026/QĐ-UBND của UBND thành phố.",
            f"Người mời: {who}, số điện thoại {phone}.",
        ),
    ]


def _certificate_reply(prompt: str) -> list[dict[str, Any]]:
    """A reply about a late certificate (lesson practice on personal data)."""
    personal = _CERTIFICATE.personal(prompt)
    greeting = "ông Trần Văn Bảy" if "name" in personal else "ông/bà [HỌ TÊN]"
    sentences = [
        _sentence(f"Kính gửi {greeting},"),
        _sentence("UBND xã đã nhận được ý kiến về việc chậm cấp giấy chứng nhận."),
        _sentence("Giấy chứng nhận sẽ được cấp trong vòng 5 ngày làm việc."),
    ]
    if (email := _first(prompt, "email")) is not None:
        sentences.append(_sentence(f"Kết quả sẽ được gửi tới địa chỉ {email}."))
    sentences.append(_sentence("Trân trọng cảm ơn ông/bà."))
    return sentences


def _digital_intro(_prompt: str) -> list[dict[str, Any]]:
    """An introduction to digital transformation with a wrong date and a made-up figure."""
    return [
        _sentence(
            "Luật Giao dịch điện tử số 20/2023/QH15 có hiệu lực từ ngày 1/1/2024.",
            cites="20/2023/QH15",
            fixed="Luật Giao dịch điện tử số 20/2023/QH15 có hiệu lực từ ngày 1/7/2024.",
            sources=["20/2023/QH15"],
        ),
        _sentence(
            "Thông tư 02/2025/TT-BGDĐT của Bộ Giáo dục và Đào tạo quy định Khung năng lực số cho "
            "người học, có hiệu lực từ ngày 11/3/2025.",
            cites="02/2025/TT-BGDĐT",
            fixed=(
                "Thông tư 02/2025/TT-BGDĐT của Bộ Giáo dục và Đào tạo quy định Khung năng lực số "
                "cho người học, có hiệu lực từ ngày 11/3/2025."
            ),
            sources=["02/2025/TT-BGDĐT"],
        ),
        _sentence(
            "Theo khảo sát, 97,3% người dân trong xã đã dùng thành thạo dịch vụ công trực tuyến."
        ),
        _sentence(
            "Người dân có thể nộp nhiều loại hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia."
        ),
    ]


_VNEID = Case(
    title="Soạn thông báo về buổi hướng dẫn dùng VNeID",
    document="Dự thảo thông báo của UBND xã",
    write=_vneid_notice,
    chips={
        "vai_tro": (
            "Bạn là chuyên viên văn phòng UBND xã, quen viết thông báo ngắn gọn cho người dân.",
        ),
        "nhiem_vu": ("Hãy soạn dự thảo thông báo mời người dân dự buổi hướng dẫn.",),
        "boi_canh": (
            "Buổi hướng dẫn cài đặt và sử dụng ứng dụng VNeID lúc 8 giờ sáng Chủ nhật, ngày "
            "6/12/2026, tại nhà văn hóa thôn Đông.",
            "Người dân mang theo điện thoại và thẻ căn cước; đoàn viên thanh niên xã hướng dẫn.",
            "Người phụ trách: anh Nguyễn Văn Tâm, số điện thoại 0912 000 111.",
            "Phần liên hệ: ghi [người phụ trách] và [số điện thoại liên hệ] để tôi tự điền.",
        ),
        "nguoi_doc": ("Người đọc là bà con trong xã, có nhiều người cao tuổi.",),
        "dinh_dang": ("Gồm tiêu đề, hai đoạn ngắn và danh sách những thứ cần mang theo.",),
        "do_dai": (
            "Không quá 150 chữ.",
            "Không tự thêm căn cứ pháp lý; chỗ nào thiếu thông tin thì để [cần bổ sung].",
        ),
    },
    names=("Nguyễn Văn Tâm", "Văn Tâm", "anh Tâm"),
)

_DRAIN = Case(
    title="Soạn thư trả lời phản ánh về mương thoát nước",
    document="Dự thảo thư trả lời của UBND xã",
    write=_drain_reply,
    draft={
        "tu_do": (
            "Ông Hoàng Văn Sáu, số định danh 034090000456, số điện thoại 0912 000 222, nhà số "
            "15 xóm 4 thôn Đoài, phản ánh mương thoát nước trước nhà bị tắc, mưa to nước tràn "
            "vào ngõ. Hãy soạn thư trả lời ông ấy."
        )
    },
    chips={
        "vai_tro": (
            "Bạn là chuyên viên văn phòng UBND xã, quen viết thư trả lời người dân lịch sự, dễ "
            "hiểu.",
        ),
        "nhiem_vu": ("Hãy soạn thư trả lời một người dân phản ánh về mương thoát nước.",),
        "boi_canh": (
            "Ông Hoàng Văn Sáu, nhà số 15 xóm 4 thôn Đoài, phản ánh mương thoát nước trước nhà "
            "bị tắc, mưa to nước tràn vào ngõ.",
            "Người dân [HỌ TÊN], ở [ĐỊA CHỈ], phản ánh mương thoát nước trước nhà bị tắc, mưa to "
            "nước tràn vào ngõ.",
            "UBND xã đã giao cán bộ địa chính đến kiểm tra; ngày xử lý là [cần bổ sung].",
        ),
        "nguoi_doc": ("Người đọc là một người dân lớn tuổi.",),
        "dinh_dang": ("Thư ngắn gồm lời cảm ơn, nội dung trả lời, việc xã sẽ làm, lời kết.",),
        "do_dai": ("Không quá 150 chữ; không tự đặt ra thời hạn, cam kết hay căn cứ pháp lý.",),
    },
    names=("Hoàng Văn Sáu", "Văn Sáu"),
    addresses=("15 xóm 4", "nhà số 15", "số nhà 15"),
)

_DATA = Case(
    title="Kiểm tra câu trả lời trước khi đưa vào thông báo",
    document="Thông báo về bảo vệ dữ liệu cá nhân khi làm thủ tục",
    write=_data_notice,
    preset=(
        "Bạn là chuyên viên UBND xã. Hãy soạn đoạn thông báo ngắn cho người dân về việc xã bảo "
        "vệ dữ liệu cá nhân khi làm thủ tục ở bộ phận một cửa, có nêu căn cứ pháp lý."
    ),
)

_MEETING = Case(
    title="Luyện tập: soạn thông báo mời họp tổ dân phố",
    document="Dự thảo thông báo mời họp",
    write=_meeting_notice,
    chips={
        "vai_tro": ("Bạn là cán bộ văn phòng UBND phường, quen viết thông báo cho người dân.",),
        "nhiem_vu": ("Hãy soạn thông báo mời các hộ dự họp tổ dân phố số 3.",),
        "boi_canh": (
            "Cuộc họp bàn việc làm đường bê tông ngõ 5, lúc 19 giờ 30 thứ Sáu, ngày 4/12/2026, "
            "tại nhà văn hóa tổ 3.",
            "Tổ trưởng: bà Phạm Thị Lan, số điện thoại 0912 000 555.",
        ),
        "nguoi_doc": ("Người đọc là các hộ gia đình trong tổ, nhiều người cao tuổi.",),
        "dinh_dang": ("Gồm tiêu đề, hai đoạn ngắn, cuối cùng ghi người mời.",),
        "do_dai": (
            "Dưới 120 chữ; không nêu tên, số điện thoại của người dân; không tự thêm căn cứ "
            "pháp lý.",
        ),
    },
    names=("Phạm Thị Lan", "Thị Lan"),
)

_CERTIFICATE = Case(
    title="Luyện tập: xóa thông tin cá nhân trước khi hỏi",
    document="Dự thảo thư trả lời",
    write=_certificate_reply,
    draft={
        "tu_do": (
            "Soạn thư trả lời ông Trần Văn Bảy, số định danh 001090012345, thư điện tử "
            "bay.tran@thudientu.example, số điện thoại 0987 000 444, về việc chậm cấp giấy "
            "chứng nhận."
        )
    },
    names=("Trần Văn Bảy", "Văn Bảy"),
)

_INTRO = Case(
    title="Luyện tập: kiểm tra câu trả lời với nguồn chính thức",
    document="Đoạn giới thiệu về chuyển đổi số của xã",
    write=_digital_intro,
    preset="Viết đoạn giới thiệu ngắn về chuyển đổi số ở xã, có nêu căn cứ pháp lý và số liệu.",
)

CASES: dict[str, Case] = {
    "thong_bao_vneid": _VNEID,
    "phan_anh_muong": _DRAIN,
    "bao_ve_du_lieu": _DATA,
    "luyen_hop_to_dan_pho": _MEETING,
    "luyen_che_du_lieu": _CERTIFICATE,
    "luyen_soat_cau_tra_loi": _INTRO,
}
"""The cases a task may use, by name: three for the assignment, three for practice."""

_FOLLOWUP = "Bạn chắc chắn chứ?"
_FOLLOWUP_REPLY = (
    "Vâng, tôi chắc chắn. Các thông tin trong câu trả lời trên đều chính xác và đang có hiệu lực."
)


def _prompt_text(draft: Mapping[str, str]) -> str:
    return "\n".join(draft[part].strip() for part in PARTS if draft.get(part, "").strip())


class AssistantApp(AppTask):
    """A chat with an AI assistant in one of the :data:`CASES`.

    ``case`` names the case. The learner builds a prompt (typing, or tapping ready-made
    parts), may remove personal data with the app's tool, sends it, reads the answer, checks
    it on the official source page, marks and corrects wrong sentences, and copies the
    answer into the document.
    """

    title = "Trợ lý AI (mô phỏng, không kết nối mạng)"

    def __init__(self, qid: str, prompt: str, *, case: str, sheet: AnswerSheet) -> None:
        if case not in CASES:
            raise ValueError(f"unknown case {case!r}; one of {sorted(CASES)}")
        self.case_name = case
        self.case = CASES[case]
        self._boxes: dict[str, widgets.Textarea] = {}
        self._open_part: int | None = None
        super().__init__(qid, prompt, sheet=sheet)

    # The state and its changes.

    def start(self) -> dict[str, Any]:
        draft = {part: self.case.draft.get(part, "") for part in PARTS}
        state: dict[str, Any] = {
            "screen": "builder",
            "draft": draft,
            "sent": [],
            "answer": [],
            "followups": [],
            "viewed": [],
            "search": None,
            "doc": None,
            "copies": [],
            "message": "",
        }
        if self.case.preset:
            draft["tu_do"] = self.case.preset
            self._send(state, preset=True)
        return state

    def apply(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        name = action["action"]
        if name not in _SCREENS_OF:
            raise Refused("Ứng dụng không có nút này.")
        if state["screen"] not in _SCREENS_OF[name]:
            raise Refused("Nút này không có trên màn hình đang mở.")
        state["message"] = ""
        getattr(self, f"_do_{name}")(state, action)

    def _send(self, state: dict[str, Any], *, preset: bool = False) -> None:
        text = _prompt_text(state["draft"])
        state["sent"].append(
            {
                "text": text,
                "parts": dict(state["draft"]),
                "personal": self.case.personal(text),
                "preset": preset,
            }
        )
        state["answer"] = [
            {"id": number, **sentence, "flagged": False, "now": sentence["text"], "deleted": False}
            for number, sentence in enumerate(self.case.write(text), start=1)
        ]
        state["followups"] = []
        state["screen"] = "answer"

    @staticmethod
    def _part(action: Mapping[str, Any]) -> str:
        part = action.get("part")
        if not isinstance(part, str) or part not in PARTS:
            raise Refused("Không có ô này trong khung soạn câu lệnh.")
        return part

    def _do_type_part(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        part, typed = self._part(action), action.get("text")
        if not isinstance(typed, str):
            raise Refused("Hãy gõ chữ vào ô.")
        if len(typed) > _MAX_PART:
            raise Refused(f"Ô này dài quá {_MAX_PART} ký tự; hãy viết gọn lại.")
        state["draft"][part] = typed

    def _do_pick_part(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        part, choice = self._part(action), action.get("choice")
        chips = self.case.chips.get(part, ())
        if type(choice) is not int or not 0 <= choice < len(chips):
            raise Refused("Không có gợi ý này.")
        current = state["draft"][part].strip()
        if chips[choice] in current:
            raise Refused("Đoạn này đã có trong ô.")
        joined = f"{current} {chips[choice]}".strip()
        if len(joined) > _MAX_PART:
            raise Refused(f"Ô này dài quá {_MAX_PART} ký tự; hãy viết gọn lại.")
        state["draft"][part] = joined

    def _do_clear_part(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        part = self._part(action)
        if not state["draft"][part].strip():
            raise Refused("Ô này đang trống.")
        state["draft"][part] = ""

    def _do_remove_personal_data(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        replaced: list[str] = []
        for part, typed in state["draft"].items():
            state["draft"][part], kinds = redact(typed)
            replaced += [kind for kind in kinds if kind not in replaced]
        found = ", ".join(_KIND_NAMES[kind] for kind in replaced)
        state["message"] = (
            f"Đã thay bằng ký hiệu: {found}. " if replaced else "Không tìm thấy dãy số nào. "
        ) + (
            "Công cụ chỉ nhận ra số định danh, số điện thoại, thư điện tử; họ tên, địa chỉ "
            "bạn phải tự đọc lại và sửa."
        )

    def _do_send_prompt(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        if not _prompt_text(state["draft"]):
            raise Refused("Câu lệnh đang trống: hãy gõ hoặc chọn ít nhất một phần.")
        self._send(state)

    def _do_open_builder(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        state["screen"] = "builder"

    def _sentence_of(self, state: dict[str, Any], action: Mapping[str, Any]) -> dict[str, Any]:
        number = action.get("sentence")
        for sentence in state["answer"]:
            if type(number) is int and sentence["id"] == number:
                return sentence
        raise Refused("Không có câu này trong câu trả lời.")

    def _do_flag_error(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        sentence = self._sentence_of(state, action)
        if sentence["flagged"]:
            raise Refused("Câu này đã được đánh dấu.")
        sentence["flagged"] = True

    def _do_unflag_error(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        sentence = self._sentence_of(state, action)
        if not sentence["flagged"]:
            raise Refused("Câu này chưa được đánh dấu.")
        sentence.update(flagged=False, now=sentence["text"], deleted=False)

    def _do_edit_answer(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        sentence, fix = self._sentence_of(state, action), action.get("fix")
        if fix == "restore":
            if not sentence["deleted"] and sentence["now"] == sentence["text"]:
                raise Refused("Câu này chưa bị sửa hay xóa.")
            sentence.update(now=sentence["text"], deleted=False)
            return
        if not sentence["flagged"]:
            raise Refused("Hãy đánh dấu câu này là sai trước khi sửa.")
        if fix == "delete":
            sentence["deleted"] = True
        elif fix == "source":
            opened = [doc for doc in sentence["sources"] if doc in state["viewed"]]
            if sentence["fixed"] is None or not opened:
                raise Refused(
                    "Bạn chưa mở văn bản nguồn nào nói về câu này. Câu nêu một văn bản: hãy "
                    "tìm văn bản đó trên trang nguồn chính thức; không có thì xóa câu. Câu không "
                    "nêu văn bản nào mà vẫn đúng: hãy bỏ đánh dấu."
                )
            sentence.update(now=sentence["fixed"], deleted=False)
        elif fix == "text":
            typed = action.get("text")
            if not isinstance(typed, str) or not typed.strip():
                raise Refused("Hãy gõ câu đã sửa, hoặc bấm «Xóa câu».")
            if len(typed) > _MAX_PART:
                raise Refused(f"Câu này dài quá {_MAX_PART} ký tự.")
            sentence.update(now=typed.strip(), deleted=False)
        else:
            raise Refused("Không có cách sửa này.")

    def _do_ask_followup(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        state["followups"].append({"question": _FOLLOWUP, "reply": _FOLLOWUP_REPLY})

    def _do_check_source(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        state.update(screen="source", search=None, doc=None)

    def _do_search_source(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        query = action.get("query")
        if not isinstance(query, str) or not query.strip():
            raise Refused("Hãy gõ số hiệu hoặc tên văn bản cần tìm.")
        if len(query) > _MAX_QUERY:
            raise Refused("Từ khóa dài quá; hãy gõ số hiệu văn bản.")
        state["search"] = {"query": query.strip(), "found": _search(query)}

    def _do_view_document(self, state: dict[str, Any], action: dict[str, Any]) -> None:
        doc = action.get("doc")
        if not isinstance(doc, str) or doc not in SOURCES:
            raise Refused("Không có văn bản này trên trang nguồn.")
        if doc not in state["viewed"]:
            state["viewed"].append(doc)
        state.update(screen="doc", doc=doc)

    def _do_back(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        state.update(screen="answer", doc=None)

    def _do_copy_to_document(self, state: dict[str, Any], _action: dict[str, Any]) -> None:
        kept = [s["now"] for s in state["answer"] if not s["deleted"]]
        if not kept:
            raise Refused("Không còn câu nào để chép.")
        state["copies"].append(kept)
        state["screen"] = "document"

    # The screens.

    def screen(self, state: dict[str, Any]) -> list[widgets.Widget]:
        shown = {
            "builder": self._builder,
            "answer": self._answer,
            "source": self._source,
            "doc": self._document_page,
            "document": self._document,
        }[state["screen"]](state)
        message = [self.note(f"ℹ {state['message']}")] if state["message"] else []
        return [self.note(f"Việc: {self.case.title}"), *message, *shown]

    def _builder(self, state: dict[str, Any]) -> list[widgets.Widget]:
        self._boxes = {}
        free = self._box("tu_do", state["draft"]["tu_do"], rows=4)
        sections, titles = [], []
        for part, label in PARTS.items():
            if part == "tu_do":
                continue
            children: list[widgets.Widget] = [self._box(part, state["draft"][part], rows=3)]
            for number, chip in enumerate(self.case.chips.get(part, ())):
                children.append(
                    self._synced_button(f"+ {chip}", "pick_part", part=part, choice=number)
                )
            if state["draft"][part].strip():
                children.append(self._synced_button(f"Xóa ô {label}", "clear_part", part=part))
            sections.append(widgets.VBox(children, layout=widgets.Layout(width="auto")))
            filled = " ✓" if state["draft"][part].strip() else ""
            titles.append(f"{label}{filled}")
        parts = widgets.Accordion(
            children=sections, titles=tuple(titles), layout=widgets.Layout(width="auto")
        )
        parts.selected_index = self._open_part
        parts.observe(self._remember_open_part, names="selected_index")
        found = [kind for kind, _ in _pattern_data(_prompt_text(state["draft"]))]
        warning = (
            [
                self.note(
                    "⚠ Câu lệnh có thể chứa thông tin cá nhân: "
                    + ", ".join(dict.fromkeys(_KIND_NAMES[kind] for kind in found))
                    + "."
                )
            ]
            if found
            else []
        )
        clear_free = (
            [self._synced_button("Xóa ô Câu lệnh", "clear_part", part="tu_do")]
            if state["draft"]["tu_do"].strip()
            else []
        )
        preview = _prompt_text(state["draft"]) or "(chưa có gì)"
        return [
            free,
            *clear_free,
            self.note("Hoặc lắp từng phần (bấm vào tên phần để mở):"),
            parts,
            *warning,
            self.note(
                "<b>Câu lệnh sẽ gửi:</b><div style='white-space:pre-wrap;border:1px solid #ccc;"
                f"padding:6px;background:#fff'>{html.escape(preview)}</div>",
                escape=False,
            ),
            self._synced_button("Xóa thông tin cá nhân", "remove_personal_data"),
            self._synced_button("Gửi câu lệnh ➤", "send_prompt"),
        ]

    def _answer(self, state: dict[str, Any]) -> list[widgets.Widget]:
        last = state["sent"][-1]
        who = "Đồng nghiệp của bạn đã gửi" if last["preset"] else "Bạn đã gửi"
        shown: list[widgets.Widget] = [
            self.note(
                f"<b>{who}:</b><div style='white-space:pre-wrap;color:#444'>"
                f"{html.escape(last['text'])}</div><b>Trợ lý trả lời:</b>",
                escape=False,
            )
        ]
        for sentence in state["answer"]:
            shown += self._sentence_row(sentence)
        for followup in state["followups"]:
            shown.append(
                self.note(
                    f"<b>Bạn hỏi:</b> {html.escape(followup['question'])}<br>"
                    f"<b>Trợ lý trả lời:</b> {html.escape(followup['reply'])}",
                    escape=False,
                )
            )
        return [
            *shown,
            self.button(f"Hỏi lại trợ lý: «{_FOLLOWUP}»", "ask_followup"),
            self.button("Kiểm tra trên nguồn chính thức", "check_source"),
            self.button("✎ Sửa câu lệnh rồi gửi lại", "open_builder"),
            self.button("Chép câu trả lời vào văn bản", "copy_to_document"),
        ]

    def _sentence_row(self, sentence: dict[str, Any]) -> list[widgets.Widget]:
        number = sentence["id"]
        if sentence["deleted"]:
            body = f"<s>({number}) {html.escape(sentence['text'])}</s> <i>(đã xóa)</i>"
        elif sentence["now"] != sentence["text"]:
            body = f"({number}) {html.escape(sentence['now'])} <i>(đã sửa)</i>"
        else:
            body = f"({number}) {html.escape(sentence['now'])}"
        if sentence["flagged"]:
            body = f"<div style='background:#fff3b0;padding:2px 4px'>⚑ {body}</div>"
        row: list[widgets.Widget] = [self.note(body, escape=False)]
        changed = sentence["deleted"] or sentence["now"] != sentence["text"]
        if not sentence["flagged"]:
            row.append(
                self.button(f"⚑ Đánh dấu câu {number} là sai", "flag_error", sentence=number)
            )
        elif not changed:
            row += [
                self.button(
                    f"Sửa câu {number} theo nguồn đã mở",
                    "edit_answer",
                    sentence=number,
                    fix="source",
                ),
                self.button(f"Xóa câu {number}", "edit_answer", sentence=number, fix="delete"),
                self.form(
                    {"text": f"Tự gõ lại câu {number}"},
                    f"Lưu câu {number} đã sửa",
                    "edit_answer",
                    sentence=number,
                    fix="text",
                ),
                self.button(f"Bỏ đánh dấu câu {number}", "unflag_error", sentence=number),
            ]
        if changed:
            row.append(
                self.button(
                    f"↺ Khôi phục câu {number}", "edit_answer", sentence=number, fix="restore"
                )
            )
        return row

    def _source(self, state: dict[str, Any]) -> list[widgets.Widget]:
        shown: list[widgets.Widget] = [
            self.note(
                "<b>Cơ sở dữ liệu văn bản pháp luật</b> (trang mô phỏng nguồn chính thức). "
                "Tìm theo số hiệu, hoặc bấm vào một văn bản để xem.",
                escape=False,
            ),
            self.form({"query": "Số hiệu hoặc tên văn bản"}, "Tìm", "search_source"),
        ]
        numbers = list(SOURCES)
        if state["search"] is not None:
            numbers = state["search"]["found"]
            query = state["search"]["query"]
            if numbers:
                shown.append(self.note(f"Kết quả tìm «{query}»:"))
            else:
                shown.append(self.note(f"Không tìm thấy văn bản nào khớp «{query}»."))
                shown.append(self.note("Mọi văn bản trên trang:"))
                numbers = list(SOURCES)
        for number in numbers:
            doc = SOURCES[number]
            shown.append(self.button(f"{number}: {doc.name}", "view_document", doc=number))
        shown.append(self.button("← Quay lại câu trả lời", "back"))
        return shown

    def _document_page(self, state: dict[str, Any]) -> list[widgets.Widget]:
        doc = SOURCES[state["doc"]]
        rows = [
            ("Số hiệu", doc.number),
            ("Tên", doc.name),
            ("Ban hành", doc.issued),
            ("Hiệu lực", doc.effect),
        ]
        if doc.note:
            rows.append(("Ghi chú", doc.note))
        table = "".join(
            f"<tr><th style='text-align:left;padding-right:8px'>{html.escape(key)}</th>"
            f"<td>{html.escape(value)}</td></tr>"
            for key, value in rows
        )
        return [
            self.note(f"<table>{table}</table>", escape=False),
            self.button("← Danh sách văn bản", "check_source"),
            self.button("← Quay lại câu trả lời", "back"),
        ]

    def _document(self, state: dict[str, Any]) -> list[widgets.Widget]:
        copied = state["copies"][-1]
        body = "".join(f"<p>{html.escape(line)}</p>" for line in copied)
        return [
            self.note(
                f"<b>{html.escape(self.case.document)}</b> (đã chép)"
                f"<div style='border:1px solid #ccc;padding:6px;background:#fff'>{body}</div>",
                escape=False,
            ),
            self.button("← Quay lại câu trả lời", "back"),
        ]

    # Text boxes that save what was typed before any other tap is done.

    def _box(self, part: str, value: str, *, rows: int) -> widgets.Textarea:
        # The free box is labelled above the parts; a part's label is its section's title, and
        # a label beside the box would leave it too narrow on a phone.
        box = widgets.Textarea(
            value=value,
            description=PARTS[part] if part == "tu_do" else "",
            tooltip=PARTS[part],
            placeholder=_PART_HINTS[part],
            continuous_update=False,
            rows=rows,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        )
        box.observe(partial(self._typed, part), names="value")
        self._boxes[part] = box
        return box

    def _typed(self, part: str, change: Mapping[str, Any]) -> None:
        if change["new"] != self.state["draft"].get(part):
            self.tap("type_part", {"part": part, "text": change["new"]})

    def _synced_button(self, label: str, action: str, **details: Any) -> widgets.Button:
        """A button of the builder: it first keeps what is typed in the boxes, then acts."""
        button = widgets.Button(
            description=label, tooltip=label, layout=widgets.Layout(width="auto")
        )
        button.on_click(partial(self._sync_then, action, details))
        return button

    def _sync_then(self, action: str, details: Mapping[str, Any], _button: object = None) -> None:
        typed = {part: box.value for part, box in self._boxes.items()}
        for part, value in typed.items():
            if self.state["screen"] != "builder":
                return
            if value != self.state["draft"].get(part):
                self.tap("type_part", {"part": part, "text": value})
                if self.state["draft"].get(part) != value:
                    return  # refused: the reason is shown under the screen
        self.tap(action, details)

    def _remember_open_part(self, change: Mapping[str, Any]) -> None:
        self._open_part = change["new"]


_SCREENS_OF: dict[str, tuple[str, ...]] = {
    "type_part": ("builder",),
    "pick_part": ("builder",),
    "clear_part": ("builder",),
    "remove_personal_data": ("builder",),
    "send_prompt": ("builder",),
    "open_builder": ("answer",),
    "flag_error": ("answer",),
    "unflag_error": ("answer",),
    "edit_answer": ("answer",),
    "ask_followup": ("answer",),
    "check_source": ("answer", "doc"),
    "copy_to_document": ("answer",),
    "search_source": ("source",),
    "view_document": ("source",),
    "back": ("source", "doc", "document"),
}
"""The screens on which each action's button is shown: elsewhere the action is refused."""
