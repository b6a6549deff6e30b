"""What the "An toàn số" tools say to a learner, in Vietnamese and English.

Served by the one language layer (:mod:`curriculum.toolkit.i18n`) under keys ``an_toan_so.*``.
The sample messages, scam signals and their explanations stay in :mod:`.safety`: they are the
lesson's Vietnamese content, which the keyword detector reads, not interface text.
"""

from __future__ import annotations

from curriculum.toolkit.i18n import catalogue

MESSAGES: dict[str, dict[str, str]] = {
    # Character classes of a password.
    "class.lower": {"vi": "chữ thường", "en": "lower-case letters"},
    "class.upper": {"vi": "chữ hoa", "en": "upper-case letters"},
    "class.digit": {"vi": "chữ số", "en": "digits"},
    "class.symbol": {"vi": "ký hiệu hoặc dấu cách", "en": "symbols or spaces"},
    "class.other": {
        "vi": "chữ có dấu hoặc ký tự khác",
        "en": "accented letters or other characters",
    },
    # Verdicts, as shown (the estimate's own verdict values are the Vietnamese words).
    "verdict.weak": {"vi": "yếu", "en": "weak"},
    "verdict.medium": {"vi": "trung bình", "en": "medium"},
    "verdict.strong": {"vi": "mạnh", "en": "strong"},
    # Tips of the estimate, most important first.
    "tip.empty": {
        "vi": "Hãy gõ thử một mật khẩu hoặc cụm mật khẩu (đừng dùng mật khẩu thật của bạn).",
        "en": "Type a trial password or passphrase (never your real password).",
    },
    "tip.common": {
        "vi": "Đây là mật khẩu rất hay gặp: kẻ gian luôn thử những mật khẩu như vậy đầu tiên.",
        "en": "This is a very common password: anyone guessing always tries these first.",
    },
    "tip.contains_common": {
        "vi": (
            "Chứa một mật khẩu rất hay gặp (như 123456, matkhau, password): thêm vài chữ số "
            "hay ký hiệu vào đó không làm nó khó đoán hơn bao nhiêu."
        ),
        "en": (
            "Contains a very common password (such as 123456, matkhau, password): adding a few "
            "digits or symbols to it hardly makes it harder to guess."
        ),
    },
    "tip.too_short": {
        "vi": (
            "Quá ngắn: chỉ có {length} ký tự. Nên dài ít nhất 12 ký tự, "
            "tốt nhất là một cụm 4–5 từ ngẫu nhiên."
        ),
        "en": (
            "Too short: only {length} characters. Use at least 12, "
            "best a phrase of 4–5 random words."
        ),
    },
    "tip.short": {
        "vi": (
            "Hơi ngắn: {length} ký tự. Nên dài ít nhất 12 ký tự; "
            "một cụm nhiều từ vừa dài vừa dễ nhớ."
        ),
        "en": (
            "A little short: {length} characters. Use at least 12; "
            "a phrase of several words is long and easy to remember."
        ),
    },
    "tip.digits_only": {
        "vi": "Chỉ có chữ số: nên dùng chữ cái, hoặc tốt hơn là một cụm nhiều từ.",
        "en": "Digits only: use letters, or better a phrase of several words.",
    },
    "tip.phone": {
        "vi": "Trông giống số điện thoại: nhiều người biết số này, đừng dùng làm mật khẩu.",
        "en": "Looks like a phone number: many people know it, do not use it as a password.",
    },
    "tip.date": {
        "vi": "Có vẻ chứa ngày sinh hoặc năm sinh: người khác dễ đoán ra từ hồ sơ, mạng xã hội.",
        "en": (
            "Seems to contain a date or year of birth: others can guess it from records or "
            "social media."
        ),
    },
    "tip.run": {
        "vi": "Có dãy ký tự lặp lại hoặc liên tiếp (như 111, abc, 123): loại này rất dễ đoán.",
        "en": "Has repeated or consecutive characters (such as 111, abc, 123): easy to guess.",
    },
    "tip.strong": {
        "vi": "Khá tốt. Chỉ dùng mật khẩu này cho một tài khoản, và bật xác thực hai yếu tố.",
        "en": "Quite good. Use this password for one account only, and turn on two-factor "
        "authentication.",
    },
    "tip.longer": {
        "vi": "Có thể tốt hơn: thêm từ để cụm mật khẩu dài hơn.",
        "en": "Could be better: add words to make the passphrase longer.",
    },
    # The passphrase explorer.
    "estimate.nothing": {
        "vi": "Chưa có gì để đánh giá.",
        "en": "Nothing to assess yet.",
    },
    "estimate.unknown_classes": {"vi": "không rõ", "en": "unknown"},
    "estimate.verdict": {
        "vi": "Đánh giá: {verdict}",
        "en": "Assessment: {verdict}",
    },
    "estimate.bits": {
        "vi": "(khoảng {bits} bit, ước lượng thô)",
        "en": "(about {bits} bits, a rough estimate)",
    },
    "estimate.facts": {
        "vi": "Độ dài: {length} ký tự. Loại ký tự đã dùng: {classes}.",
        "en": "Length: {length} characters. Kinds of characters used: {classes}.",
    },
    "estimate.tips": {"vi": "Gợi ý:", "en": "Tips:"},
    "explorer.intro": {
        "vi": (
            "<p><strong>Thử độ mạnh của một mật khẩu.</strong> Hãy gõ một mật khẩu "
            "<em>tự nghĩ ra để thử</em>, đừng gõ mật khẩu thật của bạn vào bất kỳ công cụ "
            "thử nghiệm nào. Công cụ này không in ra và không lưu những gì bạn gõ; nó chỉ hiện "
            "kết quả ước lượng bên dưới.</p>"
        ),
        "en": (
            "<p><strong>Try the strength of a password.</strong> Type a password "
            "<em>made up for the trial</em>; never type your real password into any trial "
            "tool. This tool neither prints nor keeps what you type; it only shows the "
            "estimate below.</p>"
        ),
    },
    "explorer.placeholder": {
        "vi": "Ví dụ: một cụm 4–5 từ không liên quan đến nhau",
        "en": "For example: a phrase of 4–5 unrelated words",
    },
    "explorer.box": {"vi": "Mật khẩu thử:", "en": "Trial password:"},
    "explorer.box_tip": {
        "vi": "Gõ một mật khẩu tự nghĩ ra để thử, không dùng mật khẩu thật",
        "en": "Type a password made up for the trial, not a real one",
    },
    "explorer.bar": {"vi": "Độ mạnh:", "en": "Strength:"},
    "explorer.bar_tip": {
        "vi": "Thanh đầy khi ước lượng đạt khoảng 80 bit",
        "en": "The bar is full when the estimate reaches about 80 bits",
    },
    # The message inspector.
    "summary.none": {
        "vi": (
            "Không thấy dấu hiệu nào trong danh sách kiểm tra. Điều đó không bảo đảm tin "
            "nhắn an toàn: nếu thấy điều gì lạ, vẫn hãy kiểm tra qua kênh chính thức."
        ),
        "en": (
            "No sign from the checklist was found. That does not make the message safe: if "
            "anything seems odd, still check through an official channel."
        ),
    },
    "summary.dangerous": {
        "vi": (
            "Nhiều dấu hiệu, trong đó có yêu cầu nguy hiểm (đưa mã, chuyển tiền, bấm link, cài "
            "ứng dụng hoặc gửi dữ liệu): rất có thể là lừa đảo. Đừng làm theo; hãy tự kiểm "
            "tra qua kênh chính thức."
        ),
        "en": (
            "Several signs, among them a dangerous request (give a code, send money, click a "
            "link, install an app or send data): very likely a scam. Do not comply; check "
            "through an official channel yourself."
        ),
    },
    "summary.many": {
        "vi": "Nhiều dấu hiệu cùng lúc: hãy hết sức cảnh giác và kiểm tra trước khi làm gì.",
        "en": "Several signs at once: be very careful and check before doing anything.",
    },
    "summary.few": {
        "vi": (
            "Có ít dấu hiệu. Một dấu hiệu riêng lẻ chưa chắc là lừa đảo (tin thật của ngân hàng "
            "cũng nhắc tên ngân hàng); hãy đọc kỹ xem tin có đòi bạn làm gì không."
        ),
        "en": (
            "Few signs. One sign alone is not proof of a scam (a real bank message names the "
            "bank too); read carefully whether the message asks you to do something."
        ),
    },
    "inspector.no_message": {"vi": "(chưa có tin nhắn)", "en": "(no message yet)"},
    "inspector.found": {
        "vi": "Tìm thấy {signals} dấu hiệu ({kinds} loại).",
        "en": "{signals} signs found ({kinds} kinds).",
    },
    "inspector.none_found": {"vi": "Chưa thấy dấu hiệu.", "en": "No sign found."},
    "inspector.region": {
        "vi": "Kết quả kiểm tra tin nhắn",
        "en": "Result of the message check",
    },
    "inspector.caveat": {
        "vi": (
            "Đây là công cụ dò từ khóa để tập nhận diện, không phải máy phán quyết. "
            "Người đọc vẫn là người quyết định cuối cùng."
        ),
        "en": (
            "This is a keyword finder for practising recognition, not a judge. "
            "The reader still makes the final decision."
        ),
    },
    "inspector.custom": {
        "vi": "(Tự gõ hoặc dán tin nhắn khác)",
        "en": "(Type or paste another message)",
    },
    "inspector.picker": {"vi": "Tin mẫu:", "en": "Sample:"},
    "inspector.picker_tip": {
        "vi": "Chọn một tin nhắn mẫu để xem các dấu hiệu",
        "en": "Choose a sample message to see its signs",
    },
    "inspector.placeholder": {
        "vi": "Dán hoặc gõ nội dung tin nhắn vào đây",
        "en": "Paste or type the message here",
    },
    "inspector.area": {"vi": "Tin nhắn:", "en": "Message:"},
    "inspector.area_tip": {
        "vi": "Nội dung tin nhắn cần kiểm tra; bạn có thể sửa tùy ý",
        "en": "The message to check; you may edit it freely",
    },
    "inspector.intro": {
        "vi": (
            "<p><strong>Soi tin nhắn.</strong> Chọn một tin mẫu hoặc dán một tin nhắn bạn nhận "
            "được (nhớ xóa số điện thoại, số tài khoản, tên thật trước khi dán). Các dấu hiệu "
            "đáng ngờ được tô màu và đánh số, giải thích ở bên dưới.</p>"
        ),
        "en": (
            "<p><strong>Inspect a message.</strong> Choose a sample or paste a message you "
            "received (remove phone numbers, account numbers and real names first). Suspicious "
            "signs are highlighted and numbered, and explained below.</p>"
        ),
    },
    # The Diceware explorer.
    "diceware.intro": {
        "vi": (
            "<p><strong>Mỗi từ thêm vào nhân số khả năng lên 7.776 lần.</strong> Kéo thanh "
            "trượt để chọn số từ của một cụm mật khẩu, mỗi từ chọn ngẫu nhiên bằng xúc xắc từ "
            "danh sách 7.776 từ.</p>"
        ),
        "en": (
            "<p><strong>Each added word multiplies the possibilities by 7,776.</strong> Move the "
            "slider to choose how many words a passphrase has, each picked at random with dice "
            "from a list of 7,776 words.</p>"
        ),
    },
    "diceware.words": {"vi": "Số từ:", "en": "Words:"},
    "diceware.result": {
        "vi": (
            "<p>Số cụm mật khẩu khác nhau: <strong>{count}</strong>, tức khoảng "
            "<strong>{bits} bit</strong>.</p>"
        ),
        "en": (
            "<p>Different passphrases: <strong>{count}</strong>, that is about "
            "<strong>{bits} bits</strong>.</p>"
        ),
    },
    "diceware.compare": {
        "vi": (
            "<p>So sánh: 8 ký tự chọn hoàn toàn ngẫu nhiên trong 95 ký tự gõ được trên bàn "
            "phím (chữ thường, chữ hoa, chữ số, ký hiệu, dấu cách) cho khoảng {bits} bit. "
            "{verdict}</p>"
        ),
        "en": (
            "<p>For comparison: 8 characters picked fully at random from the 95 characters on a "
            "keyboard (lower and upper case, digits, symbols, space) give about {bits} bits. "
            "{verdict}</p>"
        ),
    },
    "diceware.more": {
        "vi": "Cụm mật khẩu này khó đoán hơn, mà lại dễ nhớ hơn.",
        "en": "This passphrase is harder to guess, and easier to remember.",
    },
    "diceware.less": {
        "vi": "Cụm mật khẩu này dễ đoán hơn: hãy thêm từ.",
        "en": "This passphrase is easier to guess: add words.",
    },
    # The link reader.
    "reader.intro": {
        "vi": (
            "<p><strong>Đọc tên máy chủ của một đường link.</strong> Gõ hoặc dán một đường link "
            "vào ô; công cụ cho biết máy tính sẽ thật sự kết nối tới đâu.</p>"
        ),
        "en": (
            "<p><strong>Read the host of a link.</strong> Type or paste a link into the box; the "
            "tool tells where a computer would really connect.</p>"
        ),
    },
    "reader.box": {"vi": "Đường link:", "en": "Link:"},
    "reader.placeholder": {
        "vi": "Ví dụ: https://dichvucong.gov.vn@abc.example",
        "en": "For example: https://dichvucong.gov.vn@abc.example",
    },
    "reader.empty": {"vi": "Chưa có đường link nào.", "en": "No link yet."},
    "reader.no_host": {
        "vi": "Không đọc được tên máy chủ: đây không phải một địa chỉ trang web hợp lệ.",
        "en": "No host can be read: this is not a valid web address.",
    },
    "reader.host": {
        "vi": "Tên máy chủ thật: <strong>{host}</strong>.",
        "en": "Real host: <strong>{host}</strong>.",
    },
    "reader.gov": {
        "vi": "Thuộc <code>.gov.vn</code>: địa chỉ của một cơ quan nhà nước.",
        "en": "In <code>.gov.vn</code>: the address of a state body.",
    },
    "reader.not_gov": {
        "vi": "<strong>Không</strong> thuộc <code>.gov.vn</code>.",
        "en": "<strong>Not</strong> in <code>.gov.vn</code>.",
    },
    "reader.caveat": {
        "vi": (
            "Đuôi .gov.vn chỉ cho biết ai sở hữu địa chỉ. Cách an toàn nhất vẫn là tự gõ địa chỉ "
            "bạn đã biết, không bấm link trong tin nhắn lạ."
        ),
        "en": (
            "The .gov.vn ending only tells who owns the address. Safest is still to type an "
            "address you know, not to tap links in unexpected messages."
        ),
    },
}

text = catalogue("an_toan_so", MESSAGES)
