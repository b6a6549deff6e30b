"""What the "Thiết bị số và chuyển đổi số" tools say to a learner, in Vietnamese and English.

Served by the one language layer (:mod:`curriculum.toolkit.i18n`) under keys ``thiet_bi_so.*``.
The problems, their steps and :data:`~.tools.BAO_CNTT` stay in :mod:`.tools`: they are the
lesson's Vietnamese content, which the lesson prints and the helper walks through, not interface
text.
"""

from __future__ import annotations

from curriculum.toolkit.i18n import catalogue

MESSAGES: dict[str, dict[str, str]] = {
    # The step-by-step helper.
    "helper.unknown": {
        "vi": "Không có sự cố {problem!r}; chọn một trong {choices}.",
        "en": "There is no problem {problem!r}; choose one of {choices}.",
    },
    "helper.step": {
        "vi": "{problem}: bước {step}/{steps}",
        "en": "{problem}: step {step}/{steps}",
    },
    "helper.question": {
        "vi": "Làm xong bước này, lỗi đã hết chưa?",
        "en": "Once this step is done, is the problem gone?",
    },
    "helper.solved": {
        "vi": "{problem}: đã khắc phục ở bước {step}.",
        "en": "{problem}: solved at step {step}.",
    },
    "helper.solved_note": {
        "vi": "Hãy ghi lại cách đã làm để lần sau tự xử lý nhanh hơn.",
        "en": "Write down what you did, so that next time you can fix it faster yourself.",
    },
    "helper.gave_up": {
        "vi": "{problem}: đã thử hết {steps} bước mà vẫn còn lỗi.",
        "en": "{problem}: all {steps} steps tried and the problem is still there.",
    },
    "helper.ask_it": {
        "vi": ("Đến lúc nhờ bộ phận công nghệ thông tin (hoặc người hỗ trợ). Những bước đã thử:"),
        "en": "Time to ask the IT staff (or whoever gives support). The steps tried:",
    },
    "helper.tell": {"vi": "Khi báo, hãy nêu:", "en": "When you report it, say:"},
    "helper.menu": {"vi": "Sự cố:", "en": "Problem:"},
    "helper.solved_button": {"vi": "Đã hết lỗi", "en": "Problem gone"},
    "helper.next_button": {"vi": "Vẫn còn lỗi: bước tiếp", "en": "Still there: next step"},
    "helper.restart_button": {"vi": "Làm lại từ đầu", "en": "Start over"},
    # How full a device is.
    "storage.apps": {"vi": "Ứng dụng và hệ thống", "en": "Apps and system"},
    "storage.photos": {"vi": "Ảnh", "en": "Photos"},
    "storage.videos": {"vi": "Video", "en": "Videos"},
    "storage.grey": {"vi": "xám", "en": "grey"},
    "storage.green": {"vi": "xanh", "en": "green"},
    "storage.red": {"vi": "đỏ", "en": "red"},
    "storage.over": {
        "vi": "⚠️ Vượt quá dung lượng {gb} GB: máy không thể chứa hết.",
        "en": "⚠️ {gb} GB over capacity: the device cannot hold it all.",
    },
    "storage.nearly_full": {
        "vi": (
            "⚠️ Đã dùng {percent}%, chỉ còn {gb} GB: máy dễ chậm, không cập nhật được. "
            "Nên dọn bớt, bắt đầu từ phần lớn nhất."
        ),
        "en": (
            "⚠️ {percent}% used, only {gb} GB left: the device may slow down and fail to "
            "update. Clear some space, starting with the largest part."
        ),
    },
    "storage.ok": {
        "vi": "✅ Đã dùng {percent}%, còn trống {gb} GB.",
        "en": "✅ {percent}% used, {gb} GB free.",
    },
    # The storage sliders.
    "slider.capacity": {"vi": "Dung lượng máy (GB):", "en": "Device capacity (GB):"},
    "slider.apps": {"vi": "Ứng dụng và hệ thống (GB):", "en": "Apps and system (GB):"},
    "slider.photos": {"vi": "Số ảnh:", "en": "Number of photos:"},
    "slider.photo_size": {
        "vi": "Một ảnh (MB, ước lượng):",
        "en": "One photo (MB, estimate):",
    },
    "slider.video_minutes": {"vi": "Tổng số phút video:", "en": "Total minutes of video:"},
    "slider.minute_size": {
        "vi": "Một phút video (MB, ước lượng):",
        "en": "One minute of video (MB, estimate):",
    },
    # The file name sorter.
    "names.box": {"vi": "Thêm một tên tệp:", "en": "Add a file name:"},
    "names.ngay_thang_nam": {
        "vi": "Tên bắt đầu bằng ngày-tháng-năm, máy sắp xếp thành:",
        "en": "Names starting with day-month-year, as the computer sorts them:",
    },
    "names.nam_thang_ngay": {
        "vi": "Tên bắt đầu bằng năm-tháng-ngày, máy sắp xếp thành:",
        "en": "Names starting with year-month-day, as the computer sorts them:",
    },
    # The tool chooser.
    "tools.tool": {"vi": "Công cụ", "en": "Tool"},
    "tools.verdict": {"vi": "Đáp ứng đủ?", "en": "Meets every need?"},
    "tools.fits": {"vi": "Đủ", "en": "Yes"},
    "tools.misses": {"vi": "Thiếu", "en": "No"},
    "tools.needs": {"vi": "Cần: {needs}.", "en": "Needed: {needs}."},
    "tools.none": {
        "vi": 'Chưa chọn nhu cầu nào: công cụ nào cũng "đủ". Hãy đánh dấu nhu cầu trước.',
        "en": 'No need ticked: every tool "fits". Tick the needs first.',
    },
}

text = catalogue("thiet_bi_so", MESSAGES)
