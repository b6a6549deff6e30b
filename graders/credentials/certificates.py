"""Printable certificates: one self-contained HTML page per credential, with a QR code.

The page has its CSS inline and the QR code as inline SVG, so it opens and prints offline, on
one A4 page, and reflows on a phone. When the issuer has a home page, the QR code links to its
verification page with the credential's id and fingerprint (:mod:`graders.credentials.fingerprint`),
and the page says to scan it, or to open that page and pick the credential file; otherwise it
carries the id, the fingerprint and the issuer's ``did:key`` as text. The page also says how to
check the credential file with ``bdhvs credential verify``, and that the issuer must be one the
checker trusts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import qrcode
import qrcode.constants
from jinja2 import Environment, PackageLoader, select_autoescape
from qrcode.image.svg import SvgPathImage

from curriculum.framework import load_framework
from graders.credentials.badges import COMPETENCE, Award
from graders.credentials.fingerprint import credential_digest, qr_text, verify_link, verify_page
from graders.credentials.issuer import PLACEHOLDER_HOME_PAGE, Issuer

LABELS = {
    "vi": {
        "competence_title": "Chứng nhận năng lực số",
        "path_title": "Chứng nhận hoàn thành lộ trình kỹ năng số",
        "awarded_to": "Chứng nhận học viên có mã",
        "name_line": "Họ và tên (đơn vị ghi khi trao):",
        "attained": "đã đạt",
        "completed": "đã hoàn thành",
        "competence": "Năng lực {id}: {name}",
        "path": "Lộ trình dành cho: {name}",
        "step": "Bậc {step} ({code}, trình độ {level})",
        "framework": "theo Khung năng lực số cho người học (Thông tư 02/2025/TT-BGDĐT)",
        "issued_by": "Đơn vị cấp",
        "date": "Ngày cấp",
        "credential_id": "Mã chứng nhận",
        "fingerprint": "Dấu vân tay (SHA-256)",
        "issuer_key": "Khóa của đơn vị cấp",
        "scan": "Kiểm tra bằng điện thoại: quét mã QR để mở trang kiểm tra của đơn vị cấp, "
        "hoặc mở trang {page}, rồi chọn tệp chứng nhận điện tử (.json) đi kèm. Trang cho biết "
        "tệp có đúng là bản in ở đây, chưa bị sửa, chưa bị thu hồi, và đơn vị cấp có trong danh "
        "sách tin cậy hay không.",
        "how_to_verify": "Cách kiểm tra: tệp chứng nhận điện tử (.json) đi kèm được ký số. "
        "Lệnh “bdhvs credential verify TỆP --qr 'nội dung mã QR' --trust DANH-SÁCH.json” cho "
        "biết tệp có đúng là bản in ở đây, chưa bị sửa, chưa bị thu hồi, và đơn vị ký có trong "
        "danh sách đơn vị cấp mà người kiểm tra tin cậy hay không. Chữ ký đúng thôi chưa đủ: "
        "ai cũng tạo được khóa mang tên một đơn vị; chỉ tin khi lệnh báo đơn vị được tin cậy.",
        "demo": "BẢN MINH HỌA: ký bằng khóa thử, không có giá trị chứng nhận.",
    },
    "en": {
        "competence_title": "Digital competence certificate",
        "path_title": "Certificate of completion of a digital skills path",
        "awarded_to": "This certifies that the learner with id",
        "name_line": "Full name (written in by the issuing unit):",
        "attained": "has attained",
        "completed": "has completed",
        "competence": "Competence {id}: {name}",
        "path": "Learning path for: {name}",
        "step": "Step {step} ({code}, {level} level)",
        "framework": "of the digital competence framework for learners (Circular 02/2025/TT-BGDĐT)",
        "issued_by": "Issued by",
        "date": "Date of issue",
        "credential_id": "Credential id",
        "fingerprint": "Fingerprint (SHA-256)",
        "issuer_key": "Issuer's key",
        "scan": "To check with a phone: scan the QR code to open the issuer's verification "
        "page, or open {page}, then pick the accompanying electronic credential (.json). The page "
        "tells whether the file is the one printed here, unchanged, not revoked, and from an "
        "issuer on its trust list.",
        "how_to_verify": "How to verify: the accompanying electronic credential (.json) is "
        "digitally signed. The command “bdhvs credential verify FILE --qr 'QR code text' "
        "--trust LIST.json” tells whether the file is the one printed here, unchanged, not "
        "revoked, and signed by an issuer on the checker's trust list. A valid signature alone "
        "is not enough: anyone can make a key in any organisation's name; believe it only when "
        "the command says the issuer is trusted.",
        "demo": "DEMO: signed with a trial key; certifies nothing.",
    },
}


def qr_svg(text: str) -> str:
    """``text`` as a QR code in SVG markup, ready to inline in HTML."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, image_factory=SvgPathImage
    )
    code.add_data(text)
    code.make(fit=True)
    return code.make_image().to_string(encoding="unicode")


def _achievement_lines(award: Award, lang: str) -> tuple[str, str | None]:
    framework = load_framework()
    labels = LABELS[lang]
    if award.kind == COMPETENCE:
        assert award.step is not None
        step = framework.step(award.step)
        name = framework.competence(award.key).name(lang)
        level = step.level_vi if lang == "vi" else step.level_en
        return (
            labels["competence"].format(id=award.key, name=name),
            labels["step"].format(step=award.step, code=step.code, level=level),
        )
    path = framework.path(award.key)
    return labels["path"].format(name=path.target_group(lang)), None


def _date(value: str, lang: str) -> str:
    day = datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    return day.strftime("%d/%m/%Y") if lang == "vi" else day.isoformat()


def certificate_context(
    credential: dict[str, Any], award: Award, issuer: Issuer, lang: str, home: str | None = None
) -> dict[str, Any]:
    """What the template shows; ``home`` is the home page the verification page is published
    under (none, or the placeholder: the QR code carries text, not a link)."""
    labels = LABELS[lang]
    has_page = home is not None and home != PLACEHOLDER_HOME_PAGE
    achievement, step = _achievement_lines(award, lang)
    is_competence = award.kind == COMPETENCE
    return {
        "lang": lang,
        "t": labels,
        "title": labels["competence_title" if is_competence else "path_title"],
        "verb": labels["attained" if is_competence else "completed"],
        "learner": award.learner,
        "achievement": achievement,
        "step": step,
        "issuer": credential["issuer"]["name"],
        "date": _date(credential["validFrom"], lang),
        "credential_id": credential["id"],
        "fingerprint": credential_digest(credential),
        "issuer_key": credential["issuer"]["id"],
        "qr": qr_svg(verify_link(home, credential) if has_page else qr_text(credential)),
        "page": verify_page(home) if has_page else None,
        "demo": issuer.demo,
    }


def render_certificate(
    credential: dict[str, Any],
    award: Award,
    issuer: Issuer,
    lang: str = "vi",
    home: str | None = None,
) -> str:
    environment = Environment(
        loader=PackageLoader("graders", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    template = environment.get_template("certificate.html.j2")
    return template.render(**certificate_context(credential, award, issuer, lang, home))
