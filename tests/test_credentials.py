"""Open Badges 3.0 credentials: issuing, offline verification, certificates, keys.

Trust lists, did:web, status lists and passphrases: ``tests/test_credential_trust.py``."""

import copy
import hashlib
import json
import re
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from curriculum.framework import load_framework
from graders.common.errors import BdhvsError
from graders.credentials.badges import Award
from graders.credentials.certificates import render_certificate
from graders.credentials.dataintegrity import ProofError, add_proof, verify_proof
from graders.credentials.didkey import multibase_decode
from graders.credentials.fingerprint import credential_digest, parse_qr_text, qr_text
from graders.credentials.issuer import Issuer, create_issuer, load_issuer
from graders.credentials.issuing import issue_credentials
from graders.credentials.pdf import find_browser, html_to_pdf
from graders.credentials.problems import CredentialError
from graders.credentials.registry import read_index, revoke
from graders.credentials.strictjson import parse_strict
from graders.credentials.trust import TrustPolicy
from graders.credentials.verify import (
    Verifier,
    read_credential,
    verify_credential,
    verify_signed,
)
from graders.credentials.webcache import WebCache

from conftest import run_bdhvs
from in_process import run_in_process
from resultkit import records_of

HOME = "https://xa-thu-nghiem.example.vn"
ISSUER_NAME = "UBND xã Thử Nghiệm"

# The eddsa-jcs-2022 test vector of the W3C "Data Integrity EdDSA Cryptosuites v1.0"
# specification (TestVectors/eddsa-jcs-2022): key pair, and the signed credential.
W3C_PRIVATE_KEY = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
W3C_KEY_ID = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/ns/credentials/examples/v2",
]
W3C_SIGNED = {
    "@context": W3C_CONTEXT,
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
    "proof": {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": W3C_KEY_ID + "#" + W3C_KEY_ID.removeprefix("did:key:"),
        "proofPurpose": "assertionMethod",
        "@context": W3C_CONTEXT,
        "proofValue": "z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfj"
        "oJdcnTMuVor51aX",
    },
}


@pytest.fixture(scope="module")
def key_path(tmp_path_factory):
    return create_issuer(tmp_path_factory.mktemp("keys"), ISSUER_NAME, HOME)


@pytest.fixture(scope="module")
def issuer(key_path):
    return load_issuer(key_path)


@pytest.fixture(scope="module")
def other_issuer(tmp_path_factory):
    return load_issuer(create_issuer(tmp_path_factory.mktemp("other"), "Kẻ mạo danh", None))


@pytest.fixture(scope="module")
def issued(graded_course, key_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("issued")
    result = run_bdhvs(
        "records", "--course", str(graded_course.root), "--out", str(out), "--key", str(key_path)
    )
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def records(graded_course):
    return records_of(graded_course)


@pytest.fixture(scope="module")
def trusted(issued, key_path):
    """What a checker of the issued credentials holds: a trust list naming the issuer and the
    issuer's status list; with them nothing is read from the network (``--offline``)."""
    trust = issued.parent / "trust-list.json"
    added = run_bdhvs("keys", "trust", str(key_path.parent / "issuer.json"), "--list", str(trust))
    assert added.returncode == 0, added.stderr
    (status_list,) = (issued / "status-lists").glob("*.json")
    return ("--offline", "--trust", str(trust), "--status-list", str(status_list))


@pytest.fixture(autouse=True)
def no_installed_trust(tmp_path, monkeypatch):
    """Nothing trusted but what a test gives: no trust list of the machine's user is read."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("BDHVS_TRUST_LIST", raising=False)


def trusting(issuer, tmp_path, status_list=None):
    """A verifier that trusts ``issuer`` and holds its status list, offline."""
    lists = {}
    if status_list is not None:
        document = load(status_list)
        lists[document["id"]] = document
    return Verifier(TrustPolicy(issuer.did), WebCache(tmp_path / "cache", offline=True), lists)


def credential_files(out, learner):
    return sorted((out / "credentials" / learner).glob("*.json"))


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def smallest_credential(out):
    return min(credential_files(out, "perfect"), key=lambda p: p.stat().st_size)


def test_keys_init_writes_an_owner_only_private_key_and_a_public_profile(tmp_path, capsys):
    result = run_in_process(
        capsys, "keys", "init", "--out", str(tmp_path), "--name", ISSUER_NAME, "--url", HOME
    )
    assert result.returncode == 0, result.stderr
    key = tmp_path / "issuer-key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    profile = load(tmp_path / "issuer.json")
    assert profile["id"] == load_issuer(key).did and profile["id"].startswith("did:key:z6Mk")
    assert (profile["name"], profile["url"]) == (ISSUER_NAME, HOME)
    assert "PRIVATE" not in (tmp_path / "issuer.json").read_text(encoding="utf-8")
    published = load(tmp_path / "did.json")
    assert published["id"] == "did:web:xa-thu-nghiem.example.vn"
    assert published["verificationMethod"][0]["publicKeyMultibase"] == profile["publicKeyMultibase"]
    assert published["assertionMethod"] == [published["verificationMethod"][0]["id"]]
    again = run_in_process(capsys, "keys", "init", "--out", str(tmp_path), "--name", "X")
    assert again.returncode == 2 and "never overwritten" in again.stderr


def test_a_key_without_its_profile_or_with_another_key_profile_is_refused(tmp_path, key_path):
    lonely = tmp_path / "issuer-key.pem"
    lonely.write_bytes(key_path.read_bytes())
    with pytest.raises(BdhvsError, match="no issuer profile"):
        load_issuer(lonely)
    other = create_issuer(tmp_path / "other", "Khác", None)
    (tmp_path / "issuer.json").write_bytes((other.parent / "issuer.json").read_bytes())
    with pytest.raises(BdhvsError, match="belongs to another key"):
        load_issuer(lonely)


def test_one_credential_per_attained_competence_and_none_for_the_blank_learner(issued):
    record = load(issued / "learners" / "perfect.json")
    expected = {
        f"competence-{c}-step-{e['step']}" for c, e in record["competences"].items() if e["step"]
    }
    expected |= {f"path-{p}" for p, progress in record["paths"].items() if progress["completed"]}
    assert expected
    assert {p.stem for p in credential_files(issued, "perfect")} == expected
    assert credential_files(issued, "blank") == []
    index = read_index(issued / "credentials")
    assert {(e["learner"], e["file"]) for e in index} == {
        ("perfect", f"credentials/perfect/{stem}.json") for stem in expected
    }


def test_credentials_carry_the_open_badges_fields_and_the_step(issued, issuer):
    framework = load_framework()
    for path in credential_files(issued, "perfect"):
        credential = load(path)
        verify_signed(credential)
        assert credential["@context"][:2] == [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ]
        assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", credential["id"])
        assert credential["issuer"] == issuer.profile()
        assert credential["issuer"]["type"] == ["Profile"]
        assert credential["validFrom"].endswith("Z")
        subject = credential["credentialSubject"]
        assert subject["type"] == ["AchievementSubject"] and "id" not in subject
        achievement = subject["achievement"]
        assert {"id", "type", "name", "description", "criteria"} <= set(achievement)
        assert achievement["criteria"]["narrative"]
        proof = credential["proof"]
        assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-jcs-2022"
        assert proof["proofPurpose"] == "assertionMethod"
        assert proof["verificationMethod"] == issuer.verification_method
        assert proof["proofValue"].startswith("z")
        status = credential["credentialStatus"]
        assert status["type"] == "BitstringStatusListEntry"
        assert status["statusListCredential"].startswith(f"{HOME}/status-lists/")
        if path.stem.startswith("competence-"):
            competence, step = re.fullmatch(r"competence-(.+)-step-(\d)", path.stem).groups()
            assert achievement["achievementType"] == "Competency"
            alignment = achievement["alignment"][0]
            assert alignment["targetCode"] == f"tt02-2025:{competence}"
            assert alignment["targetType"] == "CFItem"
            assert alignment["targetUrl"].startswith(HOME)
            assert framework.competence(competence).name_vi in alignment["targetName"]
            assert subject["result"][0]["achievedLevel"].endswith(f"/steps/{step}")
            assert f"bậc {step}" in credential["description"]


def test_the_learner_appears_only_as_a_salted_hash(issued):
    salts = set()
    for path in credential_files(issued, "perfect"):
        text = path.read_text(encoding="utf-8")
        assert "perfect" not in text
        identity = load(path)["credentialSubject"]["identifier"][0]
        assert identity["hashed"] is True and identity["type"] == "IdentityObject"
        digest = hashlib.sha256(("perfect" + identity["salt"]).encode()).hexdigest()
        assert identity["identityHash"] == f"sha256${digest}"
        salts.add(identity["salt"])
    assert len(salts) == len(credential_files(issued, "perfect"))


def test_verify_accepts_a_genuine_credential_and_says_who_issued_what_to_whom(
    issued, trusted, capsys
):
    path = smallest_credential(issued)
    credential = load(path)
    result = run_in_process(
        capsys, "credential", "verify", str(path), *trusted, "--learner", "perfect"
    )
    assert result.returncode == 0, result.stderr
    assert "GENUINE" in result.stdout and "trust list" in result.stdout
    assert ISSUER_NAME in result.stdout and credential["issuer"]["id"] in result.stdout
    assert credential["credentialSubject"]["achievement"]["name"] in result.stdout
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] in result.stdout


def test_verify_says_when_a_credential_is_not_for_the_given_learner(issued, trusted, capsys):
    path = str(smallest_credential(issued))
    result = run_in_process(capsys, "credential", "verify", path, *trusted, "--learner", "x")
    assert result.returncode == 2 and "not issued to learner" in result.stderr


def test_every_single_character_change_is_rejected(issued):
    text = smallest_credential(issued).read_text(encoding="utf-8")
    verify_signed(parse_strict(text))
    accepted = []
    for position, char in enumerate(text):
        changed = text[:position] + chr(ord(char) ^ 1) + text[position + 1 :]
        try:
            verify_signed(parse_strict(changed))
        except (CredentialError, ValueError):
            continue
        accepted.append(position)
    assert accepted == []


def test_verify_command_rejects_a_changed_file_with_a_clear_message(
    issued, trusted, tmp_path, capsys
):
    text = smallest_credential(issued).read_text(encoding="utf-8")
    cases = {
        "name": text.replace('"name": "Năng lực số', '"name": "Năng lực sổ', 1),
        "proof": re.sub(r'("proofValue": "z)(.)', lambda m: m[1] + chr(ord(m[2]) ^ 1), text),
        "date": text.replace('"validFrom": "2', '"validFrom": "1', 1),
    }
    for name, changed in cases.items():
        assert changed != text, name
        path = tmp_path / f"{name}.json"
        path.write_text(changed, encoding="utf-8")
        result = run_in_process(capsys, "credential", "verify", str(path), *trusted)
        assert result.returncode == 2, name
        assert "not genuine" in result.stderr and "Traceback" not in result.stderr, name
        assert "KHÔNG PHẢI BẢN GỐC" in result.stderr, name
    (tmp_path / "broken.json").write_text(text[:-5], encoding="utf-8")
    result = run_in_process(capsys, "credential", "verify", str(tmp_path / "broken.json"))
    assert result.returncode == 2 and "not valid JSON" in result.stderr


def test_a_credential_signed_with_another_key_is_rejected(issued, issuer, other_issuer, tmp_path):
    credential = load(smallest_credential(issued))
    unsigned = {k: v for k, v in credential.items() if k != "proof"}

    forged = add_proof(unsigned, other_issuer.private_key, credential["proof"]["created"])
    with pytest.raises(CredentialError, match="names .* as issuer"):
        verify_signed(forged)

    swapped = copy.deepcopy(credential)
    swapped["proof"]["verificationMethod"] = other_issuer.verification_method
    with pytest.raises(CredentialError, match="signature does not match"):
        verify_signed(swapped)

    reissued = add_proof(
        {**unsigned, "issuer": {**unsigned["issuer"], "id": other_issuer.did}},
        other_issuer.private_key,
        credential["proof"]["created"],
    )
    verify_signed(reissued)
    (status_list,) = (issued / "status-lists").glob("*.json")
    verifier = trusting(issuer, tmp_path, status_list)
    with pytest.raises(CredentialError, match="not by the expected issuer"):
        verify_credential(reissued, verifier)
    verify_credential(credential, verifier)


def test_verify_command_checks_the_expected_issuer_from_its_profile(
    issued, key_path, tmp_path, capsys
):
    path = str(smallest_credential(issued))
    (status_list,) = (issued / "status-lists").glob("*.json")
    verify = ("credential", "verify", path, "--offline", "--status-list", str(status_list))
    profile = str(key_path.parent / "issuer.json")
    assert run_in_process(capsys, *verify, "--issuer", profile).returncode == 0
    other = create_issuer(tmp_path, "Khác", None).parent / "issuer.json"
    result = run_in_process(capsys, *verify, "--issuer", str(other))
    assert result.returncode == 2 and "not by the expected issuer" in result.stderr


def test_w3c_test_vector_verifies_and_is_reproduced():
    verify_proof(copy.deepcopy(W3C_SIGNED))
    seed = multibase_decode(W3C_PRIVATE_KEY).removeprefix(b"\x80\x26")
    key = Ed25519PrivateKey.from_private_bytes(seed)
    unsigned = {k: v for k, v in W3C_SIGNED.items() if k != "proof"}
    signed = add_proof(unsigned, key, W3C_SIGNED["proof"]["created"])
    assert signed == W3C_SIGNED
    tampered = copy.deepcopy(W3C_SIGNED)
    tampered["credentialSubject"]["alumniOf"] = "Another School"
    with pytest.raises(ProofError):
        verify_proof(tampered)


def test_certificate_is_one_offline_page_with_a_qr_code_naming_the_credential(issued):
    for path in credential_files(issued, "perfect"):
        credential = load(path)
        page = issued / "certificates" / "perfect" / f"{path.stem}.html"
        html = page.read_text(encoding="utf-8")
        assert re.findall(r'(?:src|href)="(?!data:)[^"]*"', html) == []
        assert "<script" not in html and "<link" not in html
        assert '<html lang="vi">' in html and "perfect" in html
        assert credential["id"] in html and credential_digest(credential) in html
        assert "<svg" in html and "<path" in html
        content = parse_qr_text(qr_text(credential))
        assert (content.credential_id, content.digest, content.issuer) == (
            credential["id"],
            credential_digest(credential),
            credential["issuer"]["id"],
        )
    titles = {"Chứng nhận năng lực số", "Chứng nhận hoàn thành lộ trình kỹ năng số"}
    pages = (issued / "certificates" / "perfect").glob("*.html")
    assert all(any(t in p.read_text(encoding="utf-8") for t in titles) for p in pages)


def test_verify_with_the_qr_text_matches_only_its_own_credential(issued, trusted, capsys):
    first, second = credential_files(issued, "perfect")[:2]
    own = qr_text(load(first))
    verify = ("credential", "verify", *trusted, "--qr", own)
    assert run_in_process(capsys, *verify, str(first)).returncode == 0
    result = run_in_process(capsys, *verify, str(second))
    assert result.returncode == 2 and "QR code names another credential" in result.stderr


def test_certificate_speaks_english_on_request(issued, issuer):
    path = smallest_credential(issued)
    competence, step = re.fullmatch(r"competence-(.+)-step-(\d)", path.stem).groups()
    award = Award("perfect", "competence", competence, int(step))
    html = render_certificate(load(path), award, issuer, "en")
    assert '<html lang="en">' in html and "Digital competence certificate" in html
    assert load_framework().competence(competence).name_en in html


@pytest.mark.skipif(find_browser() is None, reason="no Chromium to print PDF with")
def test_certificate_prints_to_pdf_when_chromium_is_installed(issued, tmp_path):
    page = next((issued / "certificates" / "perfect").glob("*.html"))
    pdf = tmp_path / "certificate.pdf"
    html_to_pdf(find_browser(), page, pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) == 1, "one printed page"


def test_issuing_again_keeps_credentials_and_reissues_changed_or_revoked_ones(
    records, issuer, tmp_path
):
    first = issue_credentials(records, issuer, tmp_path, HOME)
    assert first.new > 1 and first.kept == 0
    files = credential_files(tmp_path, "perfect")
    before = {p.name: load(p)["id"] for p in files}
    again = issue_credentials(records, issuer, tmp_path, HOME)
    assert (again.new, again.kept) == (0, first.new)
    assert {p.name: load(p)["id"] for p in credential_files(tmp_path, "perfect")} == before

    changed, revoked = files[0], files[1]
    revoked_copy = load(revoked)
    tampered = load(changed)
    tampered["name"] += "!"
    changed.write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
    revoke(tmp_path / "credentials", [before[revoked.name]], "test")
    third = issue_credentials(records, issuer, tmp_path, HOME)
    assert (third.new, third.kept) == (2, first.new - 2)
    assert load(changed)["id"] != before[changed.name]
    assert load(revoked)["id"] != before[revoked.name]
    assert len(read_index(tmp_path / "credentials")) == first.new + 2
    assert (tmp_path / "credentials" / "revoked.json").is_file()
    (status_list,) = (tmp_path / "status-lists").glob("*.json")
    with pytest.raises(CredentialError, match="revoked"):
        verify_credential(revoked_copy, trusting(issuer, tmp_path, status_list))


def test_a_completed_path_earns_a_learning_program_credential(records, issuer, tmp_path):
    record = copy.deepcopy(next(r for r in records if r["learner"] == "perfect"))
    path = load_framework().path("citizens")
    required = len(path.requirements)
    record["paths"]["citizens"] = {
        "completed": True,
        "met": required,
        "required": required,
        "missing": [],
    }
    issue_credentials([record], issuer, tmp_path, HOME)
    credential = read_credential(tmp_path / "credentials" / "perfect" / "path-citizens.json")
    (status_list,) = (tmp_path / "status-lists").glob("*.json")
    verify_credential(credential, trusting(issuer, tmp_path, status_list))
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "LearningProgram"
    assert [a["targetCode"] for a in achievement["alignment"]] == [
        f"tt02-2025:{r.competence}" for r in path.requirements
    ]
    page = tmp_path / "certificates" / "perfect" / "path-citizens.html"
    assert "Chứng nhận hoàn thành lộ trình kỹ năng số" in page.read_text(encoding="utf-8")


def test_demo_issuer_is_marked_on_its_certificates(records, tmp_path):
    demo = Issuer("Minh họa", None, Ed25519PrivateKey.generate(), demo=True)
    issue_credentials(records, demo, tmp_path, HOME)
    page = next((tmp_path / "certificates" / "perfect").glob("*.html"))
    assert "BẢN MINH HỌA" in page.read_text(encoding="utf-8")
