"""What the "Tìm kiếm và đánh giá thông tin" tools say to a learner, in Vietnamese and English.

Served by the one language layer (:mod:`curriculum.toolkit.i18n`) under keys ``thong_tin.*``.
The simulated pages and :data:`~.tools.LOAI_NGUON` stay in :mod:`.tools`: they are the lesson's
Vietnamese content, which the searches read and the graded tests compare, not interface text.
"""

from __future__ import annotations

from curriculum.toolkit.i18n import catalogue

MESSAGES: dict[str, dict[str, str]] = {
    # Mistakes in a query, raised to the learner's own code and shown by the search box.
    "query.not_text": {
        "vi": "Truy vấn phải là một chuỗi chữ (str).",
        "en": "A query must be a string of text (str).",
    },
    "query.unknown_site": {
        "vi": "Kho mô phỏng chỉ hiểu bộ lọc site:gov.vn, không hiểu site:{site}.",
        "en": "The simulated collection only understands the filter site:gov.vn, not site:{site}.",
    },
    # Kinds of source, as shown on a result (the same words as LOAI_NGUON in Vietnamese).
    "kind.co_quan": {"vi": "Trang của cơ quan nhà nước", "en": "Page of a state body"},
    "kind.bao_chi": {"vi": "Báo điện tử", "en": "Online newspaper"},
    "kind.mang_xa_hoi": {
        "vi": "Bài đăng, tin chuyển tiếp trên mạng xã hội",
        "en": "Post or forwarded message on social media",
    },
    "kind.quang_cao": {
        "vi": "Trang quảng cáo, không rõ chủ",
        "en": "Advertising page, owner unknown",
    },
    "card.posted": {"vi": "đăng ngày {date}", "en": "posted on {date}"},
    # How the query was read.
    "read.keywords": {
        "vi": "từ khóa (phải có đủ): {words}",
        "en": "keywords (all must appear): {words}",
    },
    "read.phrases": {"vi": "cụm từ chính xác: {phrases}", "en": "exact phrases: {phrases}"},
    "read.excluded": {"vi": "loại trừ: {words}", "en": "left out: {words}"},
    "read.site": {"vi": "chỉ trang thuộc {site}", "en": "only pages of {site}"},
    "read.ignored": {"vi": "bỏ qua: {parts}", "en": "ignored: {parts}"},
    "read.nothing": {"vi": "(chưa có từ khóa nào)", "en": "(no keywords yet)"},
    # The results.
    "results.read_as": {"vi": "Máy hiểu truy vấn là:", "en": "The query was read as:"},
    "results.count_label": {"vi": "Số kết quả:", "en": "Results:"},
    "results.count": {
        "vi": "{found} / {total} trang trong kho",
        "en": "{found} / {total} pages in the collection",
    },
    "results.none": {
        "vi": "Không có trang nào khớp. Thử bớt từ khóa hoặc bỏ dấu ngoặc kép.",
        "en": "No page matches. Try fewer keywords or remove the quotation marks.",
    },
    # The search box.
    "explorer.box": {"vi": "Tìm kiếm:", "en": "Search:"},
    "explorer.placeholder": {
        "vi": 'ví dụ: "tiếp công dân" site:gov.vn',
        "en": 'for example: "tiếp công dân" site:gov.vn',
    },
    # The source checklist: one line per check of CAU_HOI_NGUON.
    "check.ai": {
        "vi": "Biết rõ ai đăng tin (cơ quan, tờ báo, người có tên tuổi thật)",
        "en": "It is clear who published it (a state body, a newspaper, a real, named person)",
    },
    "check.ngay": {
        "vi": "Tin có ngày đăng, và nội dung còn đúng ở thời điểm này",
        "en": "It has a date, and what it says still holds today",
    },
    "check.can_cu": {
        "vi": "Tin nêu căn cứ kiểm tra được (số và ngày văn bản, tên cơ quan ban hành)",
        "en": (
            "It cites something that can be checked (number and date of a document, "
            "the body that issued it)"
        ),
    },
    "check.goc": {
        "vi": "Đã tự tìm thấy văn bản gốc hoặc thông báo trên trang chính thức",
        "en": "You found the original document or the notice on an official site yourself",
    },
    "check.doc_lap": {
        "vi": "Ít nhất một nguồn đáng tin khác, độc lập, nói giống như vậy",
        "en": "At least one other trustworthy, independent source says the same",
    },
    "check.binh_tinh": {
        "vi": "Không giật tít, không hối thúc 'chia sẻ gấp', không kèm bán hàng",
        "en": "No sensational headline, no pressure to 'share now', nothing for sale",
    },
    "checklist.score": {"vi": "Mức tin cậy: {score}/10.", "en": "Trust level: {score}/10."},
    # Advice for a score, most trusted first.
    "advice.trusted": {
        "vi": "Đáng tin: đã đối chiếu với nguồn gốc chính thức. Có thể dùng và dẫn nguồn.",
        "en": (
            "Trustworthy: checked against the official original. You can use it and cite "
            "the source."
        ),
    },
    "advice.unsure": {
        "vi": "Chưa đủ chắc: hãy tìm văn bản gốc trên trang chính thức trước khi dùng.",
        "en": "Not certain enough: find the original document on an official site before using it.",
    },
    "advice.untrusted": {
        "vi": "Chưa đáng tin: đừng chia sẻ, đừng làm theo; hãy kiểm tra thêm.",
        "en": "Not trustworthy yet: do not share it, do not act on it; check further.",
    },
}

text = catalogue("thong_tin", MESSAGES)
