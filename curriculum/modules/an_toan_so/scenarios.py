"""What the simulated phone holds in each task of the "An toàn số" lesson and assignment.

Each constant is the content of one :class:`~curriculum.toolkit.apps.messages.MessagesApp`,
given as keyword arguments, so that the assignment's answer cell stays one readable line::

    cau_7 = MessagesApp("cau_7", "Câu 7: ...", sheet=phieu, **HOP_THU)

The content is kept here, not in the notebook, because the hidden tests score the learner's
actions against these message, chat, contact and device ids: one place to read them, and the
same ids in the tests of this module. Every name, number, account and address is invented:
numbers are 0912 000 xxx, addresses that are not the National Public Service Portal end in
``.example`` (a name reserved for examples), and the chat app ``Nhắn Nhanh`` does not exist.
Nothing here marks which messages are scams: the learner decides that, and the hidden tests
know it.
"""

from __future__ import annotations

from typing import Any

from curriculum.toolkit.apps.messages import (
    CHAT_APP,
    Account,
    Call,
    Chat,
    ChatFile,
    Contact,
    Device,
    Link,
    Sms,
)

__all__ = [
    "BAO_MAT_TAI_KHOAN",
    "CUOC_GOI_LUYEN_TAP",
    "CUOC_GOI_VIDEO",
    "HOP_THU",
    "HOP_THU_LUYEN_TAP",
    "LO_BAM_LINK",
    "NHAN_NHANH_DU_LIEU",
    "TAI_KHOAN_LUYEN_TAP",
]

PORTAL = "https://dichvucong.gov.vn"
"""The National Public Service Portal, the one real address used (see the lesson)."""

# ---------------------------------------------------------------------------
# The assignment
# ---------------------------------------------------------------------------

#: Câu 5: turning on two-step verification, checking devices, preparing account recovery.
BAO_MAT_TAI_KHOAN: dict[str, Any] = {
    "account": Account(
        name="Nguyễn Thị Mai",
        code="482913",
        own_phone="0912 000 123",
        recovery_phone="0912 000 789",
        devices=(
            Device("may_nay", "Điện thoại Android", "đang dùng", current=True),
            Device("may_co_quan", "Máy tính ở cơ quan (Windows)", "Hà Nội · hôm qua"),
            Device("may_la", "iPhone 13", "TP. Hồ Chí Minh · 3 giờ trước"),
        ),
        recovery_codes=("7391-0264", "5518-3907", "2846-1173", "9035-6621"),
    ),
}

#: Câu 7: an inbox of five texts, three of them scams, one with the "@" trick.
HOP_THU: dict[str, Any] = {
    "contacts": (
        Contact("lan", "Chị Lan (văn phòng UBND xã)", "0912 000 101"),
        Contact("tuan", "Anh Tuấn (bộ phận một cửa)", "0912 000 102"),
    ),
    "sms": (
        Sms(
            "ngan_hang",
            "NGAN HANG",
            "[NGAN HANG] Tài khoản của Quý khách sẽ bị khóa trong 24 giờ do chưa cập nhật sinh "
            "trắc học. Cập nhật ngay tại https://nganhang.com.vn.xacthuc-sinhtrac.example/capnhat "
            "để tránh gián đoạn giao dịch.",
            time="08:15",
            link=Link("https://nganhang.com.vn.xacthuc-sinhtrac.example/capnhat"),
        ),
        Sms(
            "hop_giao_ban",
            "0912 000 101",
            "Chiều nay 14 giờ họp giao ban ở phòng họp tầng 2 nhé em. Em nhớ mang báo cáo tháng.",
            time="08:40",
        ),
        Sms(
            "vneid",
            "0912 000 777",
            "VNeID thông báo: tài khoản định danh điện tử của bạn chưa đồng bộ dữ liệu, sẽ bị "
            "khóa sau 12 giờ. Tải bản cập nhật tại "
            "https://dichvucong.gov.vn@vneid-capnhat.example/vneid.apk",
            time="09:05",
            link=Link("https://dichvucong.gov.vn@vneid-capnhat.example/vneid.apk", page="install"),
        ),
        Sms(
            "huong_dan_dvc",
            "0912 000 102",
            "Anh chị nhắc bà con: nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia "
            f"{PORTAL}, đăng nhập bằng tài khoản định danh điện tử VNeID.",
            time="09:30",
            link=Link(PORTAL, page="info"),
        ),
        Sms(
            "trung_thuong",
            "0912 000 888",
            "Chúc mừng thuê bao của bạn trúng thưởng 50 triệu đồng trong chương trình tri ân "
            "khách hàng! Để nhận thưởng, chuyển phí hồ sơ 1.000.000 đồng và gọi ngay "
            "0912 000 999 trước 17 giờ hôm nay.",
            time="10:12",
            phone="0912 000 999",
            phone_answer=(
                "Người nghe máy: “Anh chị chuyển phí vào số tài khoản em đọc sau đây, rồi đọc "
                "giúp em mã OTP ngân hàng gửi về để em xác nhận nhé.”"
            ),
        ),
    ),
}

#: Câu 8: the morning after tapping a link and installing an app from it.
LO_BAM_LINK: dict[str, Any] = {
    "contacts": (
        Contact(
            "tong_dai",
            "Tổng đài ngân hàng (số in sau thẻ ATM)",
            "1800 000 000",
            answer=(
                "Tổng đài viên: “Ngân hàng xin nghe. Chúng tôi đã tạm khóa dịch vụ ngân hàng "
                "điện tử của bác để kiểm tra. Bác đừng đưa mã OTP cho ai, và đổi mật khẩu ngân "
                "hàng trên một máy khác an toàn nhé.”"
            ),
        ),
        Contact(
            "ha",
            "Hà (con gái)",
            "0912 000 131",
            answer="Hà: “Mẹ cứ để máy đấy, tối con qua xem giúp mẹ.”",
        ),
    ),
    "sms": (
        Sms(
            "giao_hang",
            "0912 000 555",
            "Đơn hàng của bạn bị giữ tại kho do sai địa chỉ. Cài ứng dụng theo dõi đơn hàng và "
            "xác nhận lại tại https://giaohang-nhanh.example/donhang. Hỗ trợ: 0912 000 556.",
            time="07:50",
            link=Link("https://giaohang-nhanh.example/donhang"),
            phone="0912 000 556",
            phone_answer=(
                "Người nghe máy: “Bác đọc giúp cháu mã OTP vừa gửi về máy để cháu hủy đơn hàng "
                "nhé.”"
            ),
        ),
    ),
    "installed": ("GiaoHang",),
    "opened_link": "giao_hang",
}

#: Câu 10: a video call from a "son" on a chat account, asking for money (a deepfake).
CUOC_GOI_VIDEO: dict[str, Any] = {
    "contacts": (
        Contact(
            "minh",
            "Minh (con trai)",
            "0912 000 456",
            answer=(
                "Minh: “Con đây mẹ. Con vẫn đang đi làm bình thường, con không hề gọi video cho "
                "mẹ. Có kẻ giả con đấy, mẹ đừng chuyển tiền nhé!”"
            ),
        ),
        Contact(
            "ong_nha",
            "Ông nhà",
            "0912 000 457",
            answer="Ông nhà: “Tôi đang ở ngoài đồng, có chuyện gì thế bà?”",
        ),
    ),
    "call": Call(
        caller="Minh Nguyễn",
        account=f"Tài khoản {CHAT_APP} “Minh Nguyễn”",
        video=True,
        lines=(
            "“Mẹ ơi, con Minh đây! Con đang ở bệnh viện, bạn con bị tai nạn, con phải đóng viện "
            "phí gấp 20 triệu.”",
            "“Mẹ chuyển ngay vào số tài khoản con nhắn cho mẹ nhé. Mạng ở đây yếu lắm, con "
            "không nói lâu được.”",
            "“Mẹ đừng nói với bố, kẻo bố lo.”",
        ),
        seen=(
            "hình con hơi mờ, khuôn mặt ít cử động, khẩu hình không khớp với tiếng nói, cuộc "
            "gọi chập chờn."
        ),
        replies=(
            (
                "hoi_chuyen_rieng",
                "Hỏi: “Con nhắc lại tên con chó nhà mình xem?”",
                "“Mạng yếu quá mẹ ơi, con không nghe rõ. Mẹ chuyển gấp giúp con đi!”",
            ),
            (
                "dong_y",
                "Nói: “Được, mẹ chuyển ngay đây.”",
                "“Vâng, mẹ chuyển xong thì chụp màn hình gửi con nhé.”",
            ),
            (
                "hen_goi_lai",
                "Nói: “Mẹ sẽ gọi lại cho con ngay.”",
                "“Không cần đâu mẹ, máy con sắp hết pin, mẹ chuyển luôn đi!”",
            ),
        ),
        call_back="“Mẹ chuyển tiền chưa? Con đang cần gấp lắm!” (lại là người vừa gọi)",
    ),
}

#: Câu 12: a fake colleague asks for citizens' data; the vice-chair asks for a summary only.
NHAN_NHANH_DU_LIEU: dict[str, Any] = {
    "contacts": (
        Contact(
            "hung",
            "Anh Hùng (văn phòng UBND xã)",
            "0912 000 303",
            answer=(
                "Anh Hùng: “Mai à? Anh có nhắn gì đâu, điện thoại anh vẫn bình thường. Tài khoản "
                "đó giả anh rồi, em đừng gửi gì nhé, anh sẽ báo cả phòng.”"
            ),
        ),
        Contact(
            "hoa",
            "Chị Hoa (Phó Chủ tịch UBND xã)",
            "0912 000 202",
            answer=(
                "Chị Hoa: “Ừ, chị chỉ cần bảng tổng hợp số hộ theo thôn thôi, em gửi qua "
                f"{CHAT_APP} cho chị là được.”"
            ),
        ),
    ),
    "chats": (
        Chat(
            "hung_gia",
            "Hùng Văn phòng",
            (
                "Mai ơi, anh Hùng đây. Điện thoại anh hỏng nên anh dùng tạm tài khoản này.",
                "Em gửi gấp anh file danh sách hộ nghèo có số CCCD, số điện thoại, kèm ảnh CCCD "
                "của các hộ nhé, lãnh đạo đang chờ báo cáo!",
            ),
            profile=(
                "Ảnh đại diện và tên giống anh Hùng. Tài khoản tạo cách đây 2 ngày, chưa có bạn "
                "chung, chưa có bài đăng nào."
            ),
            time="19:45",
        ),
        Chat(
            "chi_hoa",
            "Hoa Phó Chủ tịch",
            (
                "Mai ơi, sáng mai em gửi chị bảng tổng hợp số hộ nghèo theo từng thôn để chị đưa "
                "vào báo cáo tháng nhé. Chị chỉ cần số hộ thôi.",
            ),
            profile="Đã kết bạn với bạn từ năm 2021; có 35 bạn chung.",
            contact="hoa",
            time="16:20",
        ),
    ),
    "files": (
        ChatFile(
            "tong_hop",
            "Tong_hop_ho_ngheo_theo_thon.xlsx",
            "tên thôn và số hộ nghèo của mỗi thôn, không có thông tin của từng người",
        ),
        ChatFile(
            "danh_sach",
            "Danh_sach_ho_ngheo_day_du.xlsx",
            "họ tên, số CCCD, số điện thoại, tình trạng sức khỏe của từng người",
        ),
        ChatFile(
            "anh_cccd",
            "Anh_CCCD_cac_ho.zip",
            "ảnh chụp hai mặt thẻ căn cước của các chủ hộ",
        ),
    ),
}

# ---------------------------------------------------------------------------
# The lesson's practice phones (not graded; other content than the assignment)
# ---------------------------------------------------------------------------

#: A phone to explore freely: two texts and the contacts.
HOP_THU_LUYEN_TAP: dict[str, Any] = {
    "contacts": (
        Contact(
            "tong_dai",
            "Tổng đài ngân hàng (số in sau thẻ ATM)",
            "1800 000 000",
            answer=(
                "Tổng đài viên: “Ngân hàng chúng tôi không gửi tin nhắn kèm đường link đề nghị "
                "cập nhật thông tin. Bác đừng bấm link và đừng đưa mã OTP cho ai nhé.”"
            ),
        ),
        Contact("nam", "Anh Nam (tổ dân phố)", "0912 000 141"),
    ),
    "sms": (
        Sms(
            "bao_hiem",
            "0912 000 666",
            "BHXH thông báo: hồ sơ hưởng chế độ của bạn chưa được xác minh. Truy cập "
            "https://dichvucong.gov.vn.hoso-xacminh.example/bhxh và nhập mã OTP để nhận tiền "
            "trong ngày.",
            time="08:02",
            link=Link("https://dichvucong.gov.vn.hoso-xacminh.example/bhxh"),
        ),
        Sms(
            "to_dan_pho",
            "0912 000 141",
            "Tối thứ Bảy 19 giờ họp tổ dân phố ở nhà văn hóa, bác nhớ đến nhé.",
            time="09:10",
        ),
    ),
}

#: The chat account's settings, to try turning on two-step verification.
TAI_KHOAN_LUYEN_TAP: dict[str, Any] = {
    "account": Account(
        name="Trần Văn Bình",
        code="305718",
        own_phone="0912 000 150",
        recovery_phone="0912 000 150",
        devices=(
            Device("may_nay", "Điện thoại Android", "đang dùng", current=True),
            Device("may_tinh_la", "Máy tính Windows", "Đà Nẵng · 5 giờ trước"),
        ),
        recovery_codes=("1046-7722", "6630-2158", "8817-4409", "3392-5061"),
    ),
}

#: A voice call that sounds like a grandson asking for money, to try hanging up and calling back.
CUOC_GOI_LUYEN_TAP: dict[str, Any] = {
    "contacts": (
        Contact(
            "tuan",
            "Tuấn (cháu nội)",
            "0912 000 161",
            answer="Tuấn: “Cháu đang ở lớp, cháu có sao đâu ông. Ông đừng chuyển tiền cho ai nhé!”",
        ),
    ),
    "call": Call(
        caller="0912 000 999",
        account="Số lạ 0912 000 999",
        lines=(
            "“Ông ơi, cháu Tuấn đây. Cháu bị ngã xe, đang ở viện, ông chuyển gấp cho cháu 15 "
            "triệu vào số tài khoản của bác sĩ nhé.”",
            "“Ông đừng gọi cho bố mẹ cháu, cháu sợ bị mắng.”",
        ),
        seen="giọng rất giống cháu Tuấn, nhưng đây là một số lạ, không phải số của cháu.",
        replies=(
            (
                "dong_y",
                "Nói: “Được, ông chuyển ngay.”",
                "“Vâng, ông chuyển xong báo cháu nhé.”",
            ),
            (
                "hen_goi_lai",
                "Nói: “Ông sẽ gọi lại cho cháu theo số ông đã lưu.”",
                "“Máy cháu hỏng rồi ông ạ, ông cứ chuyển luôn đi!”",
            ),
        ),
        call_back="“Ông chuyển tiền chưa ạ?” (lại là người vừa gọi)",
    ),
}
