"""The verification page (``bdhvs credential page``): a phone checks a credential offline.

Chromium opens the page from a file, with no network, at phone size, on a genuine credential, a
tampered one, a revoked one and one from a look-alike issuer (another key, same name and home
page). The page's JavaScript verifier must refuse what ``bdhvs credential verify`` refuses, for
the same first reason: both are run on the same files, and the Python verifier is the
reference. An issuer the trust list names by its web address (did:web) is trusted on the keys
the address published when the page was made, read from the web or the cache. The certificate's
QR code links to the page; the certificate fits a phone and prints on one A4 page.
"""

import json
import os
import re
import threading
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import rfc8785

from graders.credentials.certificates import qr_svg
from graders.credentials.dataintegrity import add_proof
from graders.credentials.fingerprint import credential_digest, verify_link, verify_page
from graders.credentials.issuer import create_issuer, load_issuer
from graders.credentials.issuing import issue_credentials
from graders.credentials.statuslist import list_credential
from graders.credentials.trust import add_to_trust_list
from graders.credentials.verifypage import write_verify_page
from graders.credentials.webcache import WebCache
from graders.credentials.webscripts import LIBRARY, node_modules

from conftest import run_bdhvs
from credentialkit import HOME, ISSUER_NAME, NOT_ON_LIST, RECORDS
from in_process import run_in_process

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
PHONE, DESKTOP = (390, 844), (1280, 960)
GENUINE = "HỢP LỆ"
WEB_DID = "did:web:xa-thu-nghiem.example.vn"


@dataclass(frozen=True)
class Case:
    """A credential file to check, with what the checker holds, and the verdict due."""

    file: Path
    page: Path  # the verification page that holds the checker's lists
    options: tuple[str, ...]  # the same lists, for bdhvs credential verify
    expected: str  # GENUINE, or how the Vietnamese refusal starts
    fragment: str = ""  # after "#" in the page's address: a certificate's QR code


@dataclass(frozen=True)
class World:
    folder: Path
    issuer_key: Path
    out: Path
    trust: Path
    page: Path
    cases: dict[str, Case]


def credential_file(out, learner, competence):
    return next((out / "credentials" / learner).glob(f"competence-{competence}-*.json"))


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def write(path, document):
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def make_page(out, trust, status_lists, *options):
    """``bdhvs credential page``, as the organisation runs it; returns the page."""
    return run_page(out, trust, status_lists, *options)[0]


def run_page(out, trust, status_lists, *options):
    """``bdhvs credential page``; returns the page and what the command printed."""
    made = run_bdhvs(
        "credential",
        "page",
        "--out",
        str(out),
        "--trust",
        str(trust),
        *[option for path in status_lists for option in ("--status-list", str(path))],
        *options,
    )
    assert made.returncode == 0, made.stderr
    return out / "index.html", made.stdout


def no_web(folder):
    """A page maker with no network and nothing cached: no did:web can be read."""
    return WebCache(folder / "empty-cache", offline=True)


@pytest.fixture(scope="module", autouse=True)
def page_library():
    """The npm package the page is made with: under CI its absence fails, elsewhere skips."""
    if not (node_modules() / LIBRARY / "package.json").is_file():
        problem = f"{LIBRARY} is not installed in {node_modules()} (make test installs it)"
        if os.environ.get("CI"):
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The organisation, its credentials (one revoked with ``bdhvs credential revoke``), its
    verification page, a look-alike organisation, and the cases to check."""
    folder = tmp_path_factory.mktemp("verify-page")
    key = create_issuer(folder / "org", ISSUER_NAME, HOME)
    issuer = load_issuer(key)
    out = folder / "out"
    issue_credentials(RECORDS, issuer, out, HOME)
    revoked = credential_file(out, "hv002", "2.1")
    withdrawn = run_bdhvs(
        "credential", "revoke", load(revoked)["id"], "--out", str(out), "--key", str(key)
    )
    assert withdrawn.returncode == 0, withdrawn.stderr
    trust = folder / "trust-list.json"
    add_to_trust_list(trust, issuer.public_profile(), None, None)
    (status_list,) = (out / "status-lists").glob("*.json")
    page = make_page(folder / "site" / "kiem-tra", trust, [status_list])
    holds = ("--trust", str(trust), "--status-list", str(status_list))

    impostor = load_issuer(create_issuer(folder / "impostor", ISSUER_NAME, HOME))
    issue_credentials(RECORDS, impostor, folder / "impostor-out", HOME)

    genuine = credential_file(out, "hv001", "1.1")
    text = genuine.read_text(encoding="utf-8")
    tampered = folder / "tampered.json"  # a step changed: bậc 2 made bậc 3
    tampered.write_text(
        text.replace("/steps/2", "/steps/3").replace("bậc 2 (CB2)", "bậc 3 (TC1)"), "utf-8"
    )
    assert tampered.read_text(encoding="utf-8") != text
    duplicated = folder / "duplicated.json"  # a second "name", which readers take differently
    duplicated.write_text(text.replace('"name": ', '"name": "Khác", "name": ', 1), "utf-8")
    credential = load(genuine)
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    future = write(
        folder / "future.json",
        add_proof(
            {**unsigned, "validFrom": "2099-01-01T00:00:00Z"},
            issuer.private_key,
            "2099-01-01T00:00:00Z",
        ),
    )
    resigned = write(  # signed with the look-alike's key, still naming the organisation
        folder / "resigned.json",
        add_proof(unsigned, impostor.private_key, credential["proof"]["created"]),
    )
    forged_list = write(  # the organisation's list address, signed by someone else
        folder / "forged-list.json",
        list_credential(impostor, load(status_list)["id"], [], 131072, "2025-01-01T00:00:00Z"),
    )
    web_trust = write(  # the organisation named by its web address, not its key
        folder / "web-trust.json",
        {"type": "BdhvsTrustList", "issuers": [{"id": WEB_DID, "name": ISSUER_NAME}]},
    )
    expired = folder / "expired-trust.json"  # trusted only before these credentials
    add_to_trust_list(expired, issuer.public_profile(), None, "2020-12-31T23:59:59+07:00")
    no_lists = make_page(folder / "no-lists", trust, [])
    forged = make_page(folder / "forged-lists", trust, [forged_list])
    other = load(credential_file(out, "hv001", "1.2"))
    cases = {
        "genuine": Case(genuine, page, holds, GENUINE),
        "tampered": Case(tampered, page, holds, "KHÔNG PHẢI BẢN GỐC"),
        "revoked": Case(revoked, page, holds, "ĐÃ THU HỒI"),
        "look-alike": Case(
            credential_file(folder / "impostor-out", "hv001", "1.1"), page, holds, "KHÔNG TIN CẬY"
        ),
        "duplicate names": Case(duplicated, page, holds, "KHÔNG PHẢI BẢN GỐC"),
        "not yet valid": Case(future, page, holds, "CHƯA CÓ HIỆU LỰC"),
        "another key": Case(resigned, page, holds, "KHÔNG PHẢI BẢN GỐC"),
        "printed from another": Case(
            genuine, page, holds, "KHÔNG KHỚP", verify_link(HOME, other).partition("#")[2]
        ),
        "printed from it": Case(
            genuine, page, holds, GENUINE, verify_link(HOME, credential).partition("#")[2]
        ),
        "no status list": Case(
            genuine, no_lists, ("--trust", str(trust)), "KHÔNG KIỂM TRA ĐƯỢC tình trạng thu hồi"
        ),
        "forged status list": Case(
            genuine,
            forged,
            ("--trust", str(trust), "--status-list", str(forged_list)),
            "DANH SÁCH TRẠNG THÁI KHÔNG HỢP LỆ",
        ),
    }
    for name, listed, expected in (
        ("did:web on the list", web_trust, "KHÔNG KIỂM TRA ĐƯỢC đơn vị cấp"),
        ("trusted only before", expired, "KHÔNG TIN CẬY"),
    ):
        made = write_verify_page(folder / listed.stem, [listed], [status_list], [], no_web(folder))
        other_page = made.page
        options = ("--trust", str(listed), "--status-list", str(status_list))
        cases[name] = Case(genuine, other_page, options, expected)
    return World(folder, key, out, trust, page, cases)


@pytest.fixture(autouse=True)
def verifier_machine(tmp_path, monkeypatch):
    """A checker with nothing installed: no trust list, an empty cache."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("BDHVS_TRUST_LIST", raising=False)


def python_verdict(capsys, case):
    """What ``bdhvs credential verify`` says of the case, offline: GENUINE or the start of its
    refusal (before the first colon)."""
    qr = ("--qr", f"{verify_page(HOME)}#{case.fragment}") if case.fragment else ()
    result = run_in_process(
        capsys, "credential", "verify", str(case.file), "--offline", *case.options, *qr
    )
    if result.returncode == 0:
        return GENUINE
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    return re.match(r"bdhvs: error: ([^:]+):", result.stderr)[1]


def open_page(page, path, fragment=""):
    """Load the page afresh (a new document, even when only the fragment differs)."""
    page.goto("about:blank")
    page.goto(path.as_uri() + (f"#{fragment}" if fragment else ""))
    page.wait_for_selector("body[data-ready]")


def page_verdict(page, case):
    """What the page says of the case, once its file is picked: the verdict's code."""
    open_page(page, case.page, case.fragment)
    page.set_input_files("#file", str(case.file))
    page.wait_for_selector("#verdict:not([hidden])")
    return page.get_attribute("#verdict", "data-code")


def record_requests(page):
    """Every address the page asks for, from now on."""
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    return requested


# Without a browser: the command, the page file, the certificate's link.


def test_the_page_is_one_file_that_loads_nothing_and_holds_its_lists(world):
    html = world.page.read_text(encoding="utf-8")
    assert re.findall(r"""(?:src|href|action)\s*=""", html) == []
    assert "default-src 'none'" in html and "connect-src 'self'" in html
    assert '<html lang="vi">' in html and 'name="viewport"' in html
    data = json.loads(re.search(r'id="bdhvs-data">(.*?)</script>', html, re.S)[1])
    assert [entry["id"] for entry in data["entries"]] == [load_issuer(world.issuer_key).did]
    (status_list,) = (world.out / "status-lists").glob("*.json")
    assert data["statusLists"] == {load(status_list)["id"]: load(status_list)}
    assert data["library"].startswith("@noble/ed25519 3.") and data["published"] is False
    imports = json.loads(re.search(r'type="importmap">(.*?)</script>', html, re.S)[1])["imports"]
    assert set(imports) >= {"@noble/ed25519", "bdhvs/verify.js", "bdhvs/proof.js"}
    assert all(url.startswith("data:text/javascript;base64,") for url in imports.values())
    assert not (world.page.parent / "credentials").exists()


def test_the_page_needs_a_trust_list_and_refuses_a_status_list_that_is_not_signed(
    world, tmp_path, capsys
):
    result = run_in_process(capsys, "credential", "page", "--out", str(tmp_path / "a"))
    assert result.returncode == 2 and "needs a trust list" in result.stderr
    (status_list,) = (world.out / "status-lists").glob("*.json")
    changed = load(status_list)
    changed["validFrom"] = "2020-01-01T00:00:00Z"
    result = run_in_process(
        capsys,
        "credential",
        "page",
        "--out",
        str(tmp_path / "b"),
        "--trust",
        str(world.trust),
        "--status-list",
        str(write(tmp_path / "changed.json", changed)),
    )
    assert result.returncode == 2 and "not a signed status list" in result.stderr
    assert not (tmp_path / "b").exists()


def test_published_credentials_are_those_not_revoked_and_go_when_not_published(world, tmp_path):
    site = tmp_path / "kiem-tra"
    summary = write_verify_page(site, [world.trust], [], [world.out], no_web(tmp_path))
    published = {load(path)["id"] for path in (site / "credentials").glob("*.json")}
    expected = {load(world.cases["genuine"].file)["id"]}
    expected.add(load(credential_file(world.out, "hv001", "1.2"))["id"])
    assert published == expected and summary.published == 2
    assert load(world.cases["revoked"].file)["id"] not in published
    write_verify_page(site, [world.trust], [], [], no_web(tmp_path))
    assert not (site / "credentials").exists()


def test_the_certificate_qr_code_links_to_the_page_and_verify_accepts_the_link(world, capsys):
    genuine = world.cases["genuine"]
    credential = load(genuine.file)
    page = world.out / "certificates" / "hv001" / f"{genuine.file.stem}.html"
    html = page.read_text(encoding="utf-8")
    link = verify_link(HOME, credential)
    digest = credential_digest(credential)
    assert link == f"{HOME}/kiem-tra/#id={credential['id']}&sha256={digest}"
    assert qr_svg(link) in html, "the QR code carries the link"
    assert "quét mã QR" in html and f"{HOME}/kiem-tra/" in html and "chọn tệp" in html
    verify = ("credential", "verify", str(genuine.file), "--offline", *genuine.options)
    assert run_in_process(capsys, *verify, "--qr", link).returncode == 0
    other = verify_link(HOME, load(credential_file(world.out, "hv001", "1.2")))
    refused = run_in_process(capsys, *verify, "--qr", other)
    assert refused.returncode == 2 and "QR code names another credential" in refused.stderr


# In Chromium.


@pytest.mark.browser
def test_phone_offline_genuine_tampered_revoked_and_look_alike(world):
    """The four credentials at phone size, from the file, with no network: the verdict in big
    words with a symbol and colour; nothing but the page's own file is requested."""
    from browser import axe_violations, chromium_page, require_browser_support

    require_browser_support()
    ARTIFACTS.mkdir(exist_ok=True)
    credential = load(world.cases["genuine"].file)
    shown = {
        "genuine": [
            "HỢP LỆ",
            credential["credentialSubject"]["identifier"][0]["identityHash"],
            "1.1 Duyệt, tìm kiếm và lọc dữ liệu",
            "Bậc 2 (CB2), trình độ Cơ bản",
            ISSUER_NAME,
            "Chưa bị thu hồi",
        ],
        "tampered": ["KHÔNG HỢP LỆ", "chữ ký số không khớp"],
        "revoked": ["ĐÃ BỊ THU HỒI", "đơn vị cấp đã thu hồi chứng nhận này"],
        "look-alike": ["KHÔNG TIN CẬY", NOT_ON_LIST],
    }
    problems = []
    with chromium_page(*PHONE) as page:
        requested = record_requests(page)
        for name, texts in shown.items():
            case = world.cases[name]
            verdict = page_verdict(page, case)
            assert verdict == case.expected, name
            text = page.inner_text("#verdict")
            assert all(part.lower() in text.lower() for part in texts), f"{name}: {text}"
            tone = page.get_attribute("#verdict", "class")
            assert ("ok" in tone.split()) == (name == "genuine"), name
            if name == "genuine":
                page.fill("#learner-id", "hv001")
                page.click("#learner-form button")
                page.wait_for_selector("#learner-result.ok")
                assert "Đúng người học" in page.inner_text("#learner-result")
            page.screenshot(path=str(ARTIFACTS / f"verify-page-{name}-phone.png"), full_page=True)
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > PHONE[0]:
                problems.append(f"{name}: {wide}px wide on a {PHONE[0]}px screen")
            small = page.evaluate(SMALL_TEXT_AND_TARGETS)
            problems += [f"{name}: {line}" for line in small]
            problems += [f"{name}: {line}" for line in axe_violations(page)]
    assert problems == [], "\n".join(problems)
    assert {url for url in requested if url != "about:blank"} == {world.page.as_uri()}


# Text under 16px, and buttons or fields under 44px high, that a person can see.
SMALL_TEXT_AND_TARGETS = """() => {
    const found = [];
    for (const element of document.querySelectorAll("body *")) {
        const box = element.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        const own = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (own && parseFloat(getComputedStyle(element).fontSize) < 16) {
            found.push(`text under 16px: ${element.textContent.trim().slice(0, 40)}`);
        }
        if (element.matches("button, label.button, summary, input[type=text], textarea")
            && box.height < 44) {
            found.push(`target under 44px: ${element.textContent.trim().slice(0, 40)}`);
        }
    }
    return found;
}"""


@pytest.mark.browser
def test_desktop_screenshots_and_a_pasted_credential(world):
    from browser import chromium_page, require_browser_support

    require_browser_support()
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_page(*DESKTOP) as page:
        open_page(page, world.page, world.cases["printed from it"].fragment)
        page.screenshot(path=str(ARTIFACTS / "verify-page-scanned-desktop.png"), full_page=True)
        for name in ("genuine", "look-alike"):
            page_verdict(page, world.cases[name])
            path = ARTIFACTS / f"verify-page-{name}-desktop.png"
            page.screenshot(path=str(path), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP[0]
        open_page(page, world.page)  # the file's text pasted rather than the file picked
        page.click("summary")
        page.fill("#paste", world.cases["genuine"].file.read_text(encoding="utf-8"))
        page.click("#paste-form button")
        page.wait_for_selector("#verdict:not([hidden])")
        assert page.get_attribute("#verdict", "data-code") == GENUINE


@pytest.mark.browser
def test_the_page_and_bdhvs_credential_verify_give_the_same_verdicts(world, capsys):
    """The JavaScript verifier against the Python one, on every case: genuine, changed, revoked,
    from a look-alike, duplicate names, not yet valid, re-signed with another key, another
    credential's QR code, no status list, a status list signed by someone else, an issuer
    listed by its web address (which neither can read offline), an issuer trusted only
    before the credentials were issued."""
    from browser import chromium_page, require_browser_support

    require_browser_support()
    verdicts = {}
    with chromium_page(*PHONE) as page:
        for name, case in world.cases.items():
            verdicts[name] = (python_verdict(capsys, case), page_verdict(page, case))
    expected = {name: (case.expected, case.expected) for name, case in world.cases.items()}
    assert verdicts == expected


# RFC 8785's own examples of numbers, strings and the order of names, and a few more.
JCS_SAMPLE = (
    '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001, -0, 1e21,'
    ' 9007199254740991], "string": "\\u20ac$\\u000F\\u000aA\'B\\"\\\\\\\\\\"/",'
    ' "literals": [null, true, false], "\\u20ac": 1, "\\r": 2, "\\ud83d\\ude00": 3,'
    ' "\\u0080": 4, "1": 5, "\\u00f6": 6, "\\ufb33": 7, "a": {"b": [], "A": {}}}'
)


@pytest.mark.browser
def test_the_page_modules_canonicalise_like_rfc8785_and_verify_the_w3c_test_vector(world):
    """The page's own modules, as it loads them: JCS gives the bytes the Python verifier signs,
    and the eddsa-jcs-2022 test vector of the W3C specification verifies (and fails once
    changed)."""
    from browser import chromium_page, require_browser_support

    require_browser_support()
    from test_credentials import W3C_SIGNED

    with chromium_page(*PHONE) as page:
        open_page(page, world.page)
        canonical = page.evaluate(
            """async (text) => {
                const { canonical } = await import("bdhvs/jcs.js");
                return canonical(JSON.parse(text));
            }""",
            JCS_SAMPLE,
        )
        proofs = page.evaluate(
            """async (signed) => {
                const ed25519 = await import("@noble/ed25519");
                const { verifyProof } = await import("bdhvs/proof.js");
                const outcome = (document) => verifyProof(document, ed25519).then(
                    () => "verified", (error) => error.message);
                const changed = structuredClone(signed);
                changed.credentialSubject.alumniOf = "Another School";
                return [await outcome(signed), await outcome(changed)];
            }""",
            W3C_SIGNED,
        )
    assert canonical == rfc8785.dumps(json.loads(JCS_SAMPLE)).decode("utf-8")
    assert proofs[0] == "verified" and proofs[1].startswith("the signature does not match")


@pytest.mark.browser
def test_a_scanned_qr_code_shows_a_published_credential_at_once(world, tmp_path):
    """Published with --publish on the organisation's site (here a server on loopback), the
    page opened from a certificate's link fetches the credential beside it and checks it; a
    revoked credential is not published, and the page asks for the file."""
    from browser import chromium_page, require_browser_support

    require_browser_support()
    site = tmp_path / "site"
    write_verify_page(
        site / "kiem-tra",
        [world.trust],
        [*(world.out / "status-lists").glob("*.json")],
        [world.out],
        no_web(tmp_path),
    )
    handler = partial(QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with chromium_page(*PHONE) as page:
            requested = record_requests(page)
            genuine = load(world.cases["genuine"].file)
            page.goto(verify_link(origin, genuine))
            page.wait_for_selector("body[data-ready]")
            assert page.get_attribute("#verdict", "data-code") == GENUINE
            assert genuine["id"] in page.inner_text("#verdict")
            page.screenshot(path=str(ARTIFACTS / "verify-page-scanned-phone.png"), full_page=True)
            page.goto("about:blank")
            page.goto(verify_link(origin, load(world.cases["revoked"].file)))
            page.wait_for_selector("body[data-ready]")
            assert page.is_hidden("#verdict") and page.is_visible("#reference")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert {url.split("/kiem-tra/")[0] for url in requested if url != "about:blank"} == {origin}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.mark.browser
def test_the_certificate_fits_a_phone_and_prints_on_one_a4_page(world, tmp_path):
    from browser import chromium_page, require_browser_support

    require_browser_support()
    certificate = world.out / "certificates" / "hv001" / f"{world.cases['genuine'].file.stem}.html"
    with chromium_page(*PHONE) as page:
        page.goto(certificate.as_uri())
        page.screenshot(path=str(ARTIFACTS / "verify-page-certificate-phone.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "one printed page"
    width, height = map(float, re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf).groups())
    assert (round(width), round(height)) == (842, 595), "A4 landscape, in points"


# An issuer the trust list names by its web address (did:web).


@dataclass(frozen=True)
class WebWorld:
    address: str  # the organisation's home page, a server on loopback
    document: str  # where its DID document is published
    did: str  # the did:web the trust list names
    key_id: str  # its signing key, the did:key its document publishes
    cached: Path  # a page made once the site was down, from the cache
    unread: Path  # a page made once the site was down, with nothing cached
    cached_output: str
    unread_output: str
    cases: dict[str, Case]


@pytest.fixture(scope="module")
def web_world(tmp_path_factory):
    """An organisation publishing its key at its web address, a trust list naming the address,
    a look-alike signing with another key under the same name and address, and pages made
    after the site went down: one from the cache a first page filled, one with no cache."""
    folder = tmp_path_factory.mktemp("verify-page-did-web")
    site = folder / "site"
    (site / ".well-known").mkdir(parents=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    address = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        key = create_issuer(folder / "org", ISSUER_NAME, address)
        issuer = load_issuer(key)
        (site / ".well-known" / "did.json").write_bytes((key.parent / "did.json").read_bytes())
        did = load(key.parent / "did.json")["id"]
        out = folder / "out"
        issue_credentials(RECORDS, issuer, out, address)
        trust = write(
            folder / "trust-by-address.json",
            {"type": "BdhvsTrustList", "issuers": [{"id": did, "name": ISSUER_NAME}]},
        )
        (status_list,) = (out / "status-lists").glob("*.json")
        cache = folder / "cache"
        web = ("--allow-http-localhost", "--cache", str(cache))
        make_page(folder / "online", trust, [status_list], *web)  # fills the cache
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    cached, cached_output = run_page(folder / "cached", trust, [status_list], *web)
    empty = ("--allow-http-localhost", "--cache", str(folder / "empty-cache"))
    unread, unread_output = run_page(folder / "unread", trust, [status_list], *empty)

    impostor = load_issuer(create_issuer(folder / "impostor", ISSUER_NAME, address))
    issue_credentials(RECORDS, impostor, folder / "impostor-out", address)
    genuine = credential_file(out, "hv001", "1.1")
    holds = ("--trust", str(trust), "--status-list", str(status_list))
    cases = {
        "published key": Case(genuine, cached, (*holds, *web), GENUINE),
        "key not published": Case(
            credential_file(folder / "impostor-out", "hv001", "1.1"),
            cached,
            (*holds, *web),
            "KHÔNG TIN CẬY",
        ),
        "keys not read": Case(genuine, unread, (*holds, *empty), "KHÔNG KIỂM TRA ĐƯỢC đơn vị cấp"),
    }
    document = f"{address}/.well-known/did.json"
    return WebWorld(
        address, document, did, issuer.did, cached, unread, cached_output, unread_output, cases
    )


def page_data(path):
    html = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'id="bdhvs-data">(.*?)</script>', html, re.S)[1])


def test_a_page_holds_the_keys_a_did_web_issuer_published_read_from_the_cache(web_world):
    (entry,) = page_data(web_world.cached)["entries"]
    published = entry["published"]
    assert entry["id"] == web_world.did
    assert published["url"] == web_world.document and published["keys"] == [web_world.key_id]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", published["read"])
    told = f"  {web_world.did}: 1 keys published at {web_world.document}, read {published['read']}"
    assert f"{told} (cached copy; cannot reach {web_world.document}" in web_world.cached_output
    assert "cannot read the keys" not in web_world.cached_output


def test_a_page_made_when_a_did_web_cannot_be_read_says_so_and_holds_no_keys(web_world):
    (entry,) = page_data(web_world.unread)["entries"]
    assert entry["published"] == {"url": web_world.document, "read": None, "keys": None}
    (warning,) = [
        line for line in web_world.unread_output.splitlines() if "cannot read the keys" in line
    ]
    assert warning.startswith(f"  cannot read the keys {web_world.did} publishes (cannot reach ")
    assert "the page cannot check its credentials (KHÔNG KIỂM TRA ĐƯỢC)" in warning
    assert "list the issuer's did:key" in warning


@pytest.mark.browser
def test_the_page_trusts_a_key_its_did_web_issuer_published_and_no_other(web_world, capsys):
    """At phone size, offline: a credential signed with the published key is genuine and the
    page names the address that published it and when it was read; one signed with another key
    under the same name and address is not trusted; with the keys unread the page cannot check.
    ``bdhvs credential verify``, offline from the same cache, agrees."""
    from browser import axe_violations, chromium_page, require_browser_support

    require_browser_support()
    ARTIFACTS.mkdir(exist_ok=True)
    read = page_data(web_world.cached)["entries"][0]["published"]["read"]
    on = "/".join(reversed(read[:10].split("-")))
    shown = {
        "published key": [f"khóa do {web_world.document} công bố, đọc ngày {on}", ISSUER_NAME],
        "key not published": [
            f"khóa ký không có trong các khóa mà đơn vị công bố tại {web_world.document}"
        ],
        "keys not read": [f"không đọc được khóa công bố tại {web_world.document}"],
    }
    problems, verdicts, about = [], {}, {}
    with chromium_page(*PHONE) as page:
        requested = record_requests(page)
        for name, texts in shown.items():
            case = web_world.cases[name]
            verdicts[name] = (python_verdict(capsys, case), page_verdict(page, case))
            text = page.inner_text("#verdict")
            assert all(part in text for part in texts), f"{name}: {text}"
            path = ARTIFACTS / f"verify-page-did-web-{name.replace(' ', '-')}-phone.png"
            page.screenshot(path=str(path), full_page=True)
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > PHONE[0]:
                problems.append(f"{name}: {wide}px wide on a {PHONE[0]}px screen")
            problems += [f"{name}: {line}" for line in page.evaluate(SMALL_TEXT_AND_TARGETS)]
            problems += [f"{name}: {line}" for line in axe_violations(page)]
            about[name] = page.inner_text("#about-lists")
    assert verdicts == {name: (case.expected,) * 2 for name, case in web_world.cases.items()}
    held = f"Khóa do {web_world.document} công bố (1 khóa), đọc ngày {on}"
    assert held in about["published key"]
    unread = f"Không đọc được khóa công bố tại {web_world.document} khi tạo trang"
    assert unread in about["keys not read"]
    assert problems == [], "\n".join(problems)
    pages = {web_world.cached.as_uri(), web_world.unread.as_uri()}
    assert {url for url in requested if url != "about:blank"} == pages
