"""Digital-safety helpers for the "An toàn số" module (id ``an_toan_so``).

Three small tools used by the lesson, its widgets and the assignment demos:

* :func:`passphrase_strength` gives a rough, explainable estimate of how hard a password or
  passphrase is to guess, with tips in the interface language (:mod:`.texts`);
* :func:`scam_signals` lists the warning signs of a scam message (urgency, requests for an OTP,
  money transfers, strange links, impersonation, threats, prizes...);
* :func:`is_official_gov_domain` tells whether a link really points to a ``.gov.vn`` host.

Everything here is pure Python (standard library only) and does no input or output: the
functions take text and return values, so they are easy to test and safe to call from a widget.
The estimates are teaching aids, not security guarantees; the Vietnamese texts say so too.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from curriculum.modules.an_toan_so.texts import text as message

__all__ = [
    "COMMON_PASSWORDS",
    "FULL_BAR_BITS",
    "SAMPLE_MESSAGES",
    "SIGNAL_LABELS",
    "VERDICT_MEDIUM",
    "VERDICT_STRONG",
    "VERDICT_WEAK",
    "PasswordEstimate",
    "ScamSignal",
    "diceware_combinations",
    "diceware_entropy_bits",
    "fold_vietnamese",
    "is_official_gov_domain",
    "passphrase_strength",
    "real_host",
    "scam_signals",
]

# ---------------------------------------------------------------------------
# Text folding
# ---------------------------------------------------------------------------


def _fold_char(char: str) -> str:
    """Lower-case one character and drop its Vietnamese diacritics ("Ẩ" -> "a", "Đ" -> "d").

    The result is usually one character; it is empty for a lone combining mark and may be
    longer for the rare characters whose lower-case form has several code points.
    """
    lowered = char.lower()
    decomposed = unicodedata.normalize("NFD", lowered)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base.replace("đ", "d")


def fold_vietnamese(text: str) -> str:
    """Return ``text`` in lower case without diacritics: ``"Khẩn Cấp"`` -> ``"khan cap"``.

    Used to match keywords whether or not the writer typed the accents, which scam messages
    often leave out.
    """
    return "".join(_fold_char(c) for c in text)


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` and keep, for every folded character, the index of its source character."""
    folded: list[str] = []
    index_map: list[int] = []
    for index, char in enumerate(text):
        for piece in _fold_char(char):
            folded.append(piece)
            index_map.append(index)
    return "".join(folded), index_map


def _original_span(text: str, index_map: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a span of the folded text back to ``text``, keeping trailing combining marks."""
    orig_start = index_map[start]
    orig_end = index_map[end - 1] + 1
    while orig_end < len(text) and unicodedata.combining(text[orig_end]):
        orig_end += 1
    return orig_start, orig_end


# ---------------------------------------------------------------------------
# Passwords and passphrases
# ---------------------------------------------------------------------------

VERDICT_WEAK = "yếu"
VERDICT_MEDIUM = "trung bình"
VERDICT_STRONG = "mạnh"

#: A small built-in list of passwords that are tried first by anyone guessing. Entries are
#: stored folded (lower case, no diacritics, no spaces), the form :func:`passphrase_strength`
#: compares against. It is deliberately short: it illustrates the idea, it is not a blocklist.
COMMON_PASSWORDS: frozenset[str] = frozenset(
    {
        "000000",
        "111111",
        "11111111",
        "112233",
        "123123",
        "123321",
        "1234",
        "12345",
        "123456",
        "1234567",
        "12345678",
        "123456789",
        "1234567890",
        "123456a",
        "123456aa",
        "147258369",
        "1q2w3e4r",
        "654321",
        "666666",
        "88888888",
        "888888",
        "987654321",
        "a123456",
        "abc123",
        "abcd1234",
        "admin",
        "admin123",
        "anhyeuem",
        "emyeuanh",
        "hanoi",
        "iloveyou",
        "matkhau",
        "matkhau123",
        "password",
        "password1",
        "password123",
        "qwerty",
        "qwerty123",
        "qwertyuiop",
        "saigon",
        "vietnam",
        "yeuem",
    }
)

# (catalogue key of the character class's name, size of its pool). The last class covers
# letters with Vietnamese diacritics and any other non-ASCII character: Vietnamese has 67 lower-case
# letters that are not plain ASCII (a, ă, â, e, ê, i, o, ô, ơ, u, ư, y with their tone marks,
# plus đ), so 134 with upper case.
_CLASS_LOWER = ("class.lower", 26)
_CLASS_UPPER = ("class.upper", 26)
_CLASS_DIGIT = ("class.digit", 10)
_CLASS_SYMBOL = ("class.symbol", 33)
_CLASS_OTHER = ("class.other", 134)

# Thresholds of the verdict, in bits of the pool-size estimate.
_WEAK_BELOW_BITS = 40.0
_STRONG_FROM_BITS = 60.0
_STRONG_MIN_LENGTH = 12
#: Entropy shown as a full bar in the widget.
FULL_BAR_BITS = 80.0


@dataclass(frozen=True)
class PasswordEstimate:
    """A rough estimate of how hard a password or passphrase is to guess.

    Attributes:
        length: number of characters (Unicode code points).
        classes: names of the character classes used, in the interface language.
        pool_size: sum of the pool sizes of those classes.
        effective_length: length without characters that only continue a repeat or a
            run such as ``111`` or ``abc`` (those add almost nothing for a guesser).
        entropy_bits: ``effective_length * log2(pool_size)``, lowered to a small cap when the
            text is a very common password, a date or a phone number.
        verdict: ``"yếu"``, ``"trung bình"`` or ``"mạnh"``.
        tips: advice in the interface language, most important first.
    """

    length: int
    classes: tuple[str, ...]
    pool_size: int
    effective_length: int
    entropy_bits: float
    verdict: str
    tips: tuple[str, ...]

    @property
    def percent(self) -> float:
        """Strength as 0..100 for a progress bar (``FULL_BAR_BITS`` bits or more is 100)."""
        return round(min(100.0, 100.0 * self.entropy_bits / FULL_BAR_BITS), 1)


def _character_classes(text: str) -> tuple[tuple[str, int], ...]:
    found: list[tuple[str, int]] = []
    checks = (
        (_CLASS_LOWER, lambda c: "a" <= c <= "z"),
        (_CLASS_UPPER, lambda c: "A" <= c <= "Z"),
        (_CLASS_DIGIT, lambda c: "0" <= c <= "9"),
        (_CLASS_SYMBOL, lambda c: c.isascii() and not c.isalnum()),
        (_CLASS_OTHER, lambda c: not c.isascii()),
    )
    for char_class, test in checks:
        if any(test(c) for c in text):
            found.append(char_class)
    return tuple(found)


def _effective_length(text: str) -> tuple[int, bool]:
    """Count characters, skipping those that continue a run of 3+ (``aaa``, ``abc``, ``321``).

    Returns the count and whether any run was found.
    """
    codes = [ord(c) for c in text.lower()]
    count = 0
    found_run = False
    for i, code in enumerate(codes):
        if i >= 2:
            step = code - codes[i - 1]
            if step in (-1, 0, 1) and codes[i - 1] - codes[i - 2] == step:
                found_run = True
                continue
        count += 1
    return count, found_run


def _plausible_day_month(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def _looks_like_date(digits: str) -> bool:
    """True for 6 or 8 digits that read as ddmmyy, ddmmyyyy or yyyymmdd."""
    if len(digits) == 6:
        return _plausible_day_month(int(digits[:2]), int(digits[2:4]))
    if len(digits) == 8:
        day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
        if 1900 <= year <= 2099 and _plausible_day_month(day, month):
            return True
        year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:])
        return 1900 <= year <= 2099 and _plausible_day_month(day, month)
    return False


_SEPARATORS_RE = re.compile(r"[\s./\-_]")
_DATE_INSIDE_RE = re.compile(r"(?<!\d)\d{1,2}[./\-]\d{1,2}[./\-](?:19|20)\d{2}(?!\d)")
_YEAR_INSIDE_RE = re.compile(r"(?<!\d)(?:19[4-9]\d|20[0-3]\d)(?!\d)")
_EIGHT_DIGITS_RE = re.compile(r"(?<!\d)\d{8}(?!\d)")
_PHONE_RE = re.compile(r"^(?:\+?84|0)[35789]\d{8}$")
_PHONE_INSIDE_RE = re.compile(r"(?<!\d)(?:84|0)[35789]\d{8}(?!\d)")

# Caps on the estimate, in bits, when the whole text is a guessable pattern.
_COMMON_CAP_BITS = math.log2(len(COMMON_PASSWORDS))
#: About 100 years of 366 days.
_DATE_CAP_BITS = math.log2(100 * 366)
#: Ten-digit mobile numbers: a handful of prefixes times 10**8; known to many people anyway.
_PHONE_CAP_BITS = math.log2(5 * 10**8)


def passphrase_strength(text: str) -> PasswordEstimate:
    """Estimate how hard ``text`` is to guess and explain why, in the interface language.

    The estimate is the classic "pool size" one: find which classes of characters are used
    (lower case 26, upper case 26, digits 10, ASCII symbols and space 33, letters with
    Vietnamese diacritics or other characters 134), add their sizes into a pool, and take
    ``length * log2(pool)`` bits, as if every character were picked at random from the pool.
    Characters that only continue a repeat or a run (``aaa``, ``abc``, ``123``) are not
    counted, and a very common password making up much of the text (``matkhau2026``)
    counts as a single guess from the list. When the whole text is a very common password,
    looks like a date of birth or a Vietnamese mobile number, the estimate is capped at the
    (small) number of bits a guesser who knows that pattern would need.

    The pool estimate overrates passphrases made of real words, because words are not random
    letters: for a passphrase of words drawn at random from a list, prefer
    :func:`diceware_entropy_bits`. The verdict is ``"yếu"`` below 40 bits, for any capped
    pattern or for fewer than 8 characters; ``"mạnh"`` from 60 bits with at least 12
    characters and no date or phone number inside; ``"trung bình"`` otherwise.

    The function only returns numbers and advice: the text itself is not kept in the result.
    """
    length = len(text)
    if length == 0:
        return PasswordEstimate(
            length=0,
            classes=(),
            pool_size=0,
            effective_length=0,
            entropy_bits=0.0,
            verdict=VERDICT_WEAK,
            tips=(message("tip.empty"),),
        )

    classes = _character_classes(text)
    pool = sum(size for _, size in classes)
    effective, has_run = _effective_length(text)
    entropy = effective * math.log2(pool) if pool > 1 else 0.0

    folded = _SEPARATORS_RE.sub("", fold_vietnamese(text))
    compact = _SEPARATORS_RE.sub("", text)
    is_common = folded in COMMON_PASSWORDS
    is_date = compact.isdigit() and _looks_like_date(compact)
    is_phone = bool(_PHONE_RE.match(compact))
    has_date = (
        is_date
        or bool(_DATE_INSIDE_RE.search(text))
        or any(_looks_like_date(m.group()) for m in _EIGHT_DIGITS_RE.finditer(text))
        or bool(_YEAR_INSIDE_RE.search(text))
    )
    has_phone = is_phone or bool(_PHONE_INSIDE_RE.search(compact))

    # A common password that makes up a large part of the text (at least 40 %), as in
    # "matkhau2026": count it as one guess from the list, the rest character by character.
    longest = max((w for w in COMMON_PASSWORDS if len(w) >= 5 and w in folded), key=len, default="")
    contains_common = bool(longest) and not is_common and len(longest) >= 0.4 * len(folded)
    if contains_common:
        rest_length, _ = _effective_length(folded.replace(longest, "", 1))
        rest_bits = rest_length * math.log2(pool) if pool > 1 else 0.0
        entropy = min(entropy, rest_bits + _COMMON_CAP_BITS)

    if is_common:
        entropy = min(entropy, _COMMON_CAP_BITS)
    if is_date:
        entropy = min(entropy, _DATE_CAP_BITS)
    if is_phone:
        entropy = min(entropy, _PHONE_CAP_BITS)

    tips: list[str] = []
    if is_common:
        tips.append(message("tip.common"))
    if contains_common:
        tips.append(message("tip.contains_common"))
    if length < 8:
        tips.append(message("tip.too_short", length=length))
    elif length < _STRONG_MIN_LENGTH:
        tips.append(message("tip.short", length=length))
    if compact.isdigit():
        tips.append(message("tip.digits_only"))
    if is_phone or has_phone:
        tips.append(message("tip.phone"))
    elif has_date:
        tips.append(message("tip.date"))
    if has_run:
        tips.append(message("tip.run"))

    capped = is_common or is_date or is_phone
    if capped or length < 8 or entropy < _WEAK_BELOW_BITS:
        verdict = VERDICT_WEAK
    elif (
        entropy >= _STRONG_FROM_BITS
        and length >= _STRONG_MIN_LENGTH
        and not (has_date or has_phone)
    ):
        verdict = VERDICT_STRONG
    else:
        verdict = VERDICT_MEDIUM

    if verdict == VERDICT_STRONG:
        tips.append(message("tip.strong"))
    elif not tips:
        tips.append(message("tip.longer"))

    return PasswordEstimate(
        length=length,
        classes=tuple(message(key) for key, _ in classes),
        pool_size=pool,
        effective_length=effective,
        entropy_bits=round(entropy, 1),
        verdict=verdict,
        tips=tuple(tips),
    )


def diceware_entropy_bits(words: int, list_size: int = 7776) -> float:
    """Entropy, in bits, of a passphrase of ``words`` words drawn at random from a list.

    Each word chosen uniformly at random from ``list_size`` words adds ``log2(list_size)``
    bits. The default 7776 = 6**5 is the size of a Diceware list, where five throws of a die
    pick one word; four such words give about 51.7 bits, six give about 77.5.

    Raises:
        ValueError: if ``words`` is negative or ``list_size`` is smaller than 2.
    """
    if isinstance(words, bool) or not isinstance(words, int) or words < 0:
        raise ValueError("words must be a non-negative integer")
    if isinstance(list_size, bool) or not isinstance(list_size, int) or list_size < 2:
        raise ValueError("list_size must be an integer of at least 2")
    return words * math.log2(list_size)


def diceware_combinations(words: int, list_size: int = 7776) -> int:
    """Number of different passphrases of ``words`` words from a list of ``list_size``.

    This is ``list_size ** words``; ``2 ** diceware_entropy_bits(words, list_size)`` is the
    same number as a float.
    """
    diceware_entropy_bits(words, list_size)  # same validation
    return list_size**words


# ---------------------------------------------------------------------------
# Official domains
# ---------------------------------------------------------------------------

_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
_HOST_PORT_RE = re.compile(r"^[^/:@?#]+:\d+(?:[/?#]|$)")
_LABEL_RE = re.compile(r"^(?!-)[a-z0-9\-]{1,63}(?<!-)$")


def real_host(url: str) -> str | None:
    """Return the host a browser would contact for ``url``, in lower case, or ``None``.

    A missing scheme is read as ``https://`` (like an address typed in a browser); only
    ``http`` and ``https`` links are accepted. Backslashes count as slashes, as browsers treat
    them. Anything before an ``@`` in the address is user information, not the host, so
    ``https://dichvucong.gov.vn@evil.example`` goes to ``evil.example``. Hosts with characters
    that cannot appear in a domain name give ``None``; international names are converted to
    their ASCII (``xn--``) form.
    """
    text = url.strip()
    if not text or any(c.isspace() for c in text):
        return None
    text = text.replace("\\", "/")
    if text.startswith("//"):
        text = "https:" + text
    elif "://" not in text:
        if _SCHEME_RE.match(text) and not _HOST_PORT_RE.match(text):
            return None  # mailto:, javascript:, tel: ... are not web addresses
        text = "https://" + text
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises ValueError for a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    host = parts.hostname
    if not host:
        return None
    if host.endswith("."):
        host = host[:-1]
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    host = host.lower()
    labels = host.split(".")
    if not all(_LABEL_RE.match(label) for label in labels):
        return None
    return host


def is_official_gov_domain(url: str) -> bool:
    """True only when the real host of ``url`` is ``gov.vn`` or ends with ``.gov.vn``.

    The ``.gov.vn`` zone is reserved for state bodies. Tricks that make a link *look* like a
    state address while going elsewhere are rejected::

        >>> is_official_gov_domain("https://dichvucong.gov.vn/")
        True
        >>> is_official_gov_domain("dichvucong.gov.vn")          # no scheme: still fine
        True
        >>> is_official_gov_domain("https://dichvucong.gov.vn@evil.example")  # user info
        False
        >>> is_official_gov_domain("https://dichvucong-gov.vn")  # dash, not a dot
        False
        >>> is_official_gov_domain("https://dichvucong.gov.vn.abc.example")  # look-alike
        False

    A ``True`` answer says who owns the address, nothing more: a real site can still be the
    wrong one for a task, and a few official sites use other endings.
    """
    host = real_host(url)
    if host is None:
        return False
    return host == "gov.vn" or host.endswith(".gov.vn")


# ---------------------------------------------------------------------------
# Scam signals
# ---------------------------------------------------------------------------

#: Short Vietnamese label of every signal code, in the order they are explained in the lesson.
SIGNAL_LABELS: dict[str, str] = {
    "KHAN_CAP": "Hối thúc",
    "HOI_MA_BAO_MAT": "Hỏi mã OTP, mật khẩu",
    "CHUYEN_TIEN": "Đòi chuyển tiền",
    "LIEN_KET_LA": "Đường link lạ",
    "CAI_UNG_DUNG": "Bảo cài ứng dụng",
    "MAO_DANH": "Nhân danh cơ quan, ngân hàng, người quen",
    "DOA_DAM": "Đe dọa",
    "GIAI_THUONG": "Trúng thưởng, quà tặng",
    "GIU_BI_MAT": "Bắt giữ bí mật",
    "CAP_NHAT_THONG_TIN": "Đòi cập nhật, xác minh",
    "HOI_DU_LIEU": "Xin dữ liệu cá nhân",
}

_EXPLANATIONS: dict[str, str] = {
    "KHAN_CAP": (
        "Tin hối thúc phải làm ngay, trong thời hạn rất ngắn. Kẻ gian muốn bạn không kịp "
        "suy nghĩ, không kịp hỏi ai. Hãy dừng lại và kiểm tra trước."
    ),
    "HOI_MA_BAO_MAT": (
        "Tin nhắc tới mã OTP, mã xác thực hoặc mật khẩu. Không ai có quyền hỏi các mã này, "
        "kể cả người xưng là nhân viên ngân hàng hay công an: đừng đọc, đừng gửi cho ai."
    ),
    "CHUYEN_TIEN": (
        "Tin đòi chuyển tiền, nộp phí hoặc đưa số tài khoản. Không chuyển tiền theo yêu cầu "
        "qua tin nhắn hay cuộc gọi khi chưa tự kiểm tra qua kênh chính thức."
    ),
    "LIEN_KET_LA": (
        "Đường link này không dẫn tới tên miền .gov.vn của cơ quan nhà nước. Đừng bấm link "
        "trong tin nhắn lạ: hãy tự mở ứng dụng chính thức hoặc tự gõ địa chỉ bạn đã biết."
    ),
    "CAI_UNG_DUNG": (
        "Tin bảo tải hoặc cài ứng dụng. Chỉ cài ứng dụng từ kho chính thức của điện thoại "
        "(App Store, Google Play), không cài từ link hay tệp .apk gửi qua tin nhắn, Zalo."
    ),
    "MAO_DANH": (
        "Tin nhắc tới hoặc tự xưng là cơ quan nhà nước, công an, ngân hàng, hay là người quen "
        "đang dùng tạm một tài khoản, số điện thoại khác. Kẻ gian hay mạo danh để tạo lòng "
        "tin: hãy tự liên hệ lại qua số điện thoại, địa chỉ chính thức hoặc số quen mà bạn "
        "đã biết, không dùng số do người gửi đưa ra."
    ),
    "DOA_DAM": (
        "Tin đe dọa: khóa tài khoản, bị khởi tố, liên quan vụ án... Đe dọa để bạn sợ hãi mà "
        "làm theo là dấu hiệu lừa đảo rất thường gặp."
    ),
    "GIAI_THUONG": (
        "Tin báo trúng thưởng, tặng quà, hoàn tiền. Nếu phải nộp phí hay đưa thông tin để "
        "nhận thưởng thì gần như chắc chắn là lừa đảo."
    ),
    "GIU_BI_MAT": (
        "Tin bắt giữ bí mật, không được nói với ai. Đây là cách kẻ gian cắt bạn khỏi người "
        "thân, đồng nghiệp, những người có thể giúp bạn nhận ra trò lừa."
    ),
    "CAP_NHAT_THONG_TIN": (
        "Tin đòi cập nhật, xác minh hoặc đồng bộ thông tin qua link hay qua điện thoại. Hãy "
        "tự làm việc đó trong ứng dụng chính thức hoặc tại nơi giao dịch, không làm theo "
        "hướng dẫn của người lạ."
    ),
    "HOI_DU_LIEU": (
        "Tin xin số căn cước, danh sách công dân hoặc dữ liệu cá nhân khác. Chỉ cung cấp khi "
        "đã xác minh người hỏi qua một kênh khác, có căn cứ và đúng quy định của cơ quan."
    ),
}

# Keyword patterns, written for folded text (lower case, no diacritics).
_SIGNAL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(pattern))
    for code, pattern in (
        (
            "KHAN_CAP",
            r"\bkhan cap\b|\bngay lap tuc\b|\bngay bay gio\b|\bcang som cang tot\b"
            r"|\btrong (?:vong )?\d+ ?(?:gio|tieng|phut|h)\b|\bsau \d+ ?(?:gio|tieng|phut)\b"
            r"|\btruoc \d{1,2} ?(?:h|gio)\b|\bhan chot\b|\bhet han\b|\bngay trong hom nay\b",
        ),
        (
            "HOI_MA_BAO_MAT",
            r"\botp\b|\bma (?:xac thuc|xac nhan|xac minh|bao mat|pin|kich hoat)\b"
            r"|\bmat khau\b|\bpassword\b|\bcvv\b|\bma so bi mat\b",
        ),
        (
            "CHUYEN_TIEN",
            r"\bchuyen (?:tien|khoan)\b|\bnop (?:tien|phi)\b|\bdong phi\b"
            r"|\bphi (?:xu ly|ho so|dich vu|bao lanh|giai ngan|nhan thuong)\b"
            r"|\btai khoan (?:tam giu|an toan|tam thoi|chuyen dung)\b|\bso tai khoan\b"
            r"|\bstk\b|\bnap tien\b|\bdat coc\b",
        ),
        (
            "CAI_UNG_DUNG",
            r"\b(?:cai|tai|tai ve)(?: dat)?(?: va cai(?: dat)?)? (?:app|ung dung|phan mem)\b"
            r"|\.apk\b",
        ),
        (
            "MAO_DANH",
            r"\bcong an\b(?! viec)|\bcanh sat\b|\bco quan dieu tra\b|\bcan bo dieu tra\b"
            r"|\bvien kiem sat\b|\btoa an\b|\bngan hang\b|\bvneid\b|\bdinh danh dien tu\b"
            r"|\bbao hiem xa hoi\b|\bbhxh\b|\bdien luc\b|\bnha mang\b"
            r"|\bdung tam (?:tai khoan|so|zalo|nick)\b"
            r"|\b(?:tai khoan|nick|zalo|so) (?:moi|phu) cua (?:em|anh|chi|minh|con|bo|me)\b",
        ),
        (
            "DOA_DAM",
            r"\bkhoa (?:tai khoan|the|sim|vinh vien)\b|\bbi (?:tam )?khoa\b|\bphong toa\b"
            r"|\bvo hieu hoa\b|\bkhoi to\b|\bbat (?:giam|tam giam)\b|\blenh bat\b|\btruy na\b"
            r"|\bvu an\b|\brua tien\b|\bduong day (?:ma tuy|rua tien|lua dao|toi pham)\b"
            r"|\bxu ly theo (?:quy dinh )?(?:cua )?phap luat\b"
            r"|\bcat (?:sim|dien|thue bao|lien lac)\b",
        ),
        (
            "GIAI_THUONG",
            r"\btrung (?:thuong|giai)\b|\bqua tang\b|\bgiai thuong\b|\bphan thuong\b"
            r"|\bnhan thuong\b|\btri an\b|\bhoan tien\b|\bviec nhe luong cao\b",
        ),
        (
            "GIU_BI_MAT",
            r"\bgiu (?:bi mat|kin)\b|\bbi mat tuyet doi\b"
            r"|\bkhong (?:duoc )?(?:noi|ke|tiet lo|chia se)(?: chuyen nay)? (?:voi|cho) "
            r"(?:ai|nguoi than|gia dinh)\b|\bkhong duoc cup may\b",
        ),
        (
            "CAP_NHAT_THONG_TIN",
            r"\bcap nhat (?:thong tin|du lieu|tai khoan|sinh trac hoc)\b"
            r"|\bxac minh (?:thong tin|danh tinh|tai khoan|du lieu)\b"
            r"|\bdong bo (?:du lieu|thong tin)\b|\bchua (?:duoc )?dong bo\b"
            r"|\bxac thuc (?:lai )?(?:tai khoan|thong tin)\b",
        ),
        (
            "HOI_DU_LIEU",
            r"\b(?:so )?(?:cccd|cmnd|can cuoc(?: cong dan)?)\b"
            r"|\bdanh sach (?:ho|nguoi|cong dan|can bo|hoc sinh)\b"
            r"|\bdu lieu (?:cong dan|ca nhan|dan cu)\b",
        ),
    )
)

# A few words whose folded form collides with common words ("gấp" / "gặp", "đóng tiền" /
# "đồng tiền", "bản" / "bạn"): matched on the lower-cased text, accents included.
_EXACT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(pattern))
    for code, pattern in (
        ("KHAN_CAP", r"\bgấp\b|\bhỏa tốc\b|\bhoả tốc\b"),
        ("CHUYEN_TIEN", r"\bđóng tiền\b"),
        ("CAI_UNG_DUNG", r"\bbản cập nhật\b|\bphiên bản mới\b"),
    )
)

# Links: with a scheme or "www.", or a bare domain with a common ending. Bare domains are
# only recognised with a known ending, so that abbreviations such as "TP.HCM" are not links.
_BARE_TLDS = (
    "com|net|org|vn|info|biz|top|xyz|site|online|link|app|io|me|cc|co|shop|club|live|vip"
    "|icu|asia|click|pro|tk|example"
)
_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|(?<![\w@.\-])(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+(?:" + _BARE_TLDS + r")\b"
    r"(?::\d+)?(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_TRAILING_PUNCTUATION = ".,;:!?)]}'\"…"


@dataclass(frozen=True)
class ScamSignal:
    """One warning sign found in a message.

    Attributes:
        code: a stable ASCII code, e.g. ``"HOI_MA_BAO_MAT"`` (see ``SIGNAL_LABELS``).
        label: a short Vietnamese label for the code.
        explanation: why this is a warning sign and what to do, in Vietnamese.
        start: index of the first character of the match in the message.
        end: index just after the match, so ``message[start:end] == text``.
        text: the matched text, as written in the message.
    """

    code: str
    label: str
    explanation: str
    start: int
    end: int
    text: str

    @property
    def span(self) -> tuple[int, int]:
        """``(start, end)`` of the match in the message."""
        return (self.start, self.end)


def _signal(code: str, message: str, start: int, end: int) -> ScamSignal:
    return ScamSignal(
        code=code,
        label=SIGNAL_LABELS[code],
        explanation=_EXPLANATIONS[code],
        start=start,
        end=end,
        text=message[start:end],
    )


def _link_signals(message: str) -> list[ScamSignal]:
    found: list[ScamSignal] = []
    for match in _URL_RE.finditer(message):
        link = match.group().rstrip(_TRAILING_PUNCTUATION)
        if not link or is_official_gov_domain(link):
            continue
        start = match.start()
        found.append(_signal("LIEN_KET_LA", message, start, start + len(link)))
    return found


def scam_signals(message: str) -> list[ScamSignal]:
    """List the warning signs of a scam found in ``message``, in reading order.

    Keywords are matched on a folded copy of the message (lower case, diacritics removed), so
    "KHẨN CẤP", "khẩn cấp" and "khan cap" are all found; each signal still points to the
    span of the original text. A few words whose unaccented form means something else
    ("gấp" and "gặp" both fold to "gap") are matched only with their accents. Links are
    checked with :func:`is_official_gov_domain`: every link whose real host is not a
    ``.gov.vn`` host is a signal.

    A list of keywords cannot understand a message: one signal alone does not prove a scam
    (a real bank notice mentions the bank), and finding none does not prove a message safe.
    Several signals together, especially a request for an OTP, money or an app install, are a
    strong reason to stop and check through an official channel.
    """
    folded, index_map = _fold_with_map(message)
    found: list[ScamSignal] = _link_signals(message)
    link_spans = [(s.start, s.end) for s in found]

    for code, pattern in _SIGNAL_PATTERNS:
        for match in pattern.finditer(folded):
            if match.end() <= match.start():
                continue
            start, end = _original_span(message, index_map, match.start(), match.end())
            inside_link = any(a <= start and end <= b for a, b in link_spans)
            if inside_link and code != "CAI_UNG_DUNG":
                continue  # words inside a link address are not the message speaking
            found.append(_signal(code, message, start, end))

    lowered = unicodedata.normalize("NFC", message).lower()
    if len(lowered) == len(message):  # same indices; true for ordinary Vietnamese text
        for code, pattern in _EXACT_PATTERNS:
            for match in pattern.finditer(lowered):
                start, end = match.start(), match.end()
                if not any(a <= start and end <= b for a, b in link_spans):
                    found.append(_signal(code, message, start, end))

    unique = {(s.code, s.start, s.end): s for s in found}
    order = list(SIGNAL_LABELS)
    return sorted(unique.values(), key=lambda s: (s.start, order.index(s.code), s.end))


# ---------------------------------------------------------------------------
# Sample messages for the lesson and its widget
# ---------------------------------------------------------------------------

#: Invented sample messages (title, text) used by the lesson and the message inspector. All
#: links end in ``.example``, a name reserved for examples that leads to no real site, except
#: the National Public Service Portal address in the last one.
SAMPLE_MESSAGES: tuple[tuple[str, str], ...] = (
    (
        "Tin nhắn giả danh ngân hàng",
        "[NGAN HANG] Tài khoản của Quý khách sẽ bị khóa trong 24 giờ do chưa cập nhật "
        "sinh trắc học. Vui lòng cập nhật ngay lập tức tại "
        "http://nganhang-xacthuc.example/capnhat và nhập mã OTP để hoàn tất.",
    ),
    (
        "Cuộc gọi giả danh công an (ghi lại thành chữ)",
        "Tôi là cán bộ điều tra công an phường. Số điện thoại của chị liên quan đến một vụ án "
        "rửa tiền. Chị phải xác minh thông tin ngay: tải ứng dụng theo đường link "
        "https://dichvucong.gov.vn.hoso-xacminh.example/app.apk rồi chuyển tiền vào "
        "tài khoản tạm giữ để chứng minh mình trong sạch. Việc này phải giữ bí mật, "
        "không được nói với ai.",
    ),
    (
        "Đường link VNeID giả",
        "VNeID thông báo: tài khoản định danh điện tử của bạn chưa được đồng bộ dữ liệu và sẽ "
        "bị khóa sau 12 giờ. Truy cập vneid-dongbo.example để tải bản cập nhật.",
    ),
    (
        "Tin nhắn báo trúng thưởng",
        "Chúc mừng quý khách đã trúng thưởng 01 xe máy trong chương trình tri ân khách hàng! "
        "Để nhận thưởng, vui lòng nộp phí hồ sơ 500.000đ vào số tài khoản được cung cấp "
        "trước 17h hôm nay.",
    ),
    (
        "“Đồng nghiệp” nhắn Zalo xin tệp dữ liệu",
        "Anh ơi, em Hùng bên văn phòng đây. Điện thoại em hỏng nên em dùng tạm tài khoản Zalo "
        "này. Anh gửi giúp em file danh sách hộ có số CCCD và số điện thoại để em làm báo cáo "
        "nhé, khẩn cấp lắm, lãnh đạo đang chờ!",
    ),
    (
        "Tin nhắn công việc bình thường",
        "Chào chị, cuộc họp giao ban chuyển sang 14 giờ chiều thứ Năm tại phòng họp tầng 2. "
        "Chị nhớ mang theo báo cáo tháng nhé.",
    ),
    (
        "Hướng dẫn nộp hồ sơ trực tuyến",
        "Để nộp hồ sơ trực tuyến, anh chị tự gõ địa chỉ dichvucong.gov.vn vào trình duyệt, "
        "rồi đăng nhập bằng tài khoản định danh điện tử của mình.",
    ),
)
