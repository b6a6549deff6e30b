"""Trust by default: a valid signature is not enough. A credential is GENUINE only from an issuer
the verifier trusts (a trust list, the expected issuer, or a key published at the issuer's web
address with did:web) and only if the issuer's signed Bitstring Status List does not revoke it.
The organisation's key can be protected by a passphrase."""

import base64
import gzip
import json
import shutil
import threading
from dataclasses import replace
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from graders.common.errors import BdhvsError
from graders.credentials.dataintegrity import verify_proof
from graders.credentials.issuer import create_issuer, load_issuer
from graders.credentials.issuing import issue_credentials
from graders.credentials.registry import read_index, revoke, write_index
from graders.credentials.revocation import PublishedList
from graders.credentials.statuslist import list_credential

from conftest import run_bdhvs
from credentialkit import HOME, ISSUER_NAME, NOT_ON_LIST, RECORDS
from in_process import run_in_process

PASSPHRASE = "mật khẩu dài của xã"


@pytest.fixture(autouse=True)
def verifier_machine(tmp_path, monkeypatch):
    """A verifier with nothing installed: no trust list, an empty cache, no passphrase set."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("BDHVS_TRUST_LIST", raising=False)
    monkeypatch.delenv("BDHVS_KEY_PASSPHRASE", raising=False)


def issue(folder, name=ISSUER_NAME, url=HOME):
    """A new organisation's key, and its credentials for ``RECORDS`` issued into ``folder``."""
    key = create_issuer(folder / "keys", name, url)
    issuer = load_issuer(key)
    out = folder / "out"
    issue_credentials(RECORDS, issuer, out, url or "https://bdhvs.invalid")
    return key, issuer, out


def credentials(out, learner="hv001"):
    return sorted((out / "credentials" / learner).glob("*.json"))


def status_list_file(out):
    (path,) = (out / "status-lists").glob("*.json")
    return path


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    """The real organisation: its key, its issued credentials and a trust list naming it."""
    folder = tmp_path_factory.mktemp("org")
    key, issuer, out = issue(folder)
    trust = folder / "trust-list.json"
    added = run_bdhvs("keys", "trust", str(key.parent / "issuer.json"), "--list", str(trust))
    assert added.returncode == 0, added.stderr
    return key, issuer, out, trust


def verify(capsys, path, *options):
    """``bdhvs credential verify`` as a checker runs it, never reaching the network."""
    return run_in_process(capsys, "credential", "verify", str(path), "--offline", *options)


def test_a_genuine_credential_from_an_issuer_on_the_trust_list_passes(org, capsys):
    _, issuer, out, trust = org
    result = verify(
        capsys,
        credentials(out)[0],
        "--trust",
        str(trust),
        "--status-list",
        str(status_list_file(out)),
    )
    assert result.returncode == 0, result.stderr
    assert "GENUINE" in result.stdout and issuer.did in result.stdout
    assert "trong danh sách tin cậy" in result.stdout and str(trust) in result.stdout
    assert "chưa bị thu hồi / not revoked" in result.stdout


def test_a_look_alike_issuer_with_the_same_name_and_address_but_another_key_is_refused(
    org, tmp_path, capsys
):
    _, _, _, trust = org
    _, impostor, out = issue(tmp_path)  # same name, same home page, its own key
    result = verify(
        capsys,
        credentials(out)[0],
        "--trust",
        str(trust),
        "--status-list",
        str(status_list_file(out)),
    )
    assert result.returncode == 2
    assert NOT_ON_LIST in result.stderr and impostor.did in result.stderr
    assert result.stderr.index(NOT_ON_LIST) < result.stderr.index("NOT TRUSTED")
    assert "GENUINE" not in result.stdout and "Traceback" not in result.stderr


def test_a_valid_signature_alone_is_not_trusted_until_the_verifier_says_whom_to_trust(
    tmp_path, capsys
):
    key, _, out = issue(tmp_path, url=None)  # no home page: no did:web, no status list
    path = credentials(out)[0]
    refused = verify(capsys, path)
    assert refused.returncode == 2 and "KHÔNG TIN CẬY" in refused.stderr
    assert "no trust list" in refused.stderr
    pinned = verify(capsys, path, "--issuer", str(key.parent / "issuer.json"))
    assert pinned.returncode == 0, pinned.stderr
    assert "the issuer cannot revoke this credential" in pinned.stdout


def test_the_trust_list_in_the_environment_or_the_user_config_is_used_by_default(
    org, tmp_path, monkeypatch, capsys
):
    _, _, out, trust = org
    args = (credentials(out)[0], "--status-list", str(status_list_file(out)))
    assert verify(capsys, *args).returncode == 2
    monkeypatch.setenv("BDHVS_TRUST_LIST", str(trust))
    assert verify(capsys, *args).returncode == 0
    monkeypatch.delenv("BDHVS_TRUST_LIST")
    installed = tmp_path / "config" / "bdhvs" / "trust-list.json"
    installed.parent.mkdir(parents=True)
    shutil.copy(trust, installed)
    assert verify(capsys, *args).returncode == 0


def test_an_issuer_trusted_only_for_a_period_is_refused_for_credentials_issued_outside_it(
    org, tmp_path, capsys
):
    key, _, out, _ = org
    trust = tmp_path / "trust-list.json"
    profile = str(key.parent / "issuer.json")
    added = run_in_process(
        capsys, "keys", "trust", profile, "--list", str(trust), "--until", "2025-06-30"
    )
    assert added.returncode == 0, added.stderr
    result = verify(
        capsys,
        credentials(out)[0],
        "--trust",
        str(trust),
        "--status-list",
        str(status_list_file(out)),
    )
    assert result.returncode == 2 and "ngoài thời gian" in result.stderr


def test_a_tampered_credential_from_a_trusted_issuer_fails(org, tmp_path, capsys):
    _, _, out, trust = org
    text = credentials(out)[0].read_text(encoding="utf-8")
    changed = tmp_path / "changed.json"
    changed.write_text(text.replace('"name": "Năng lực số', '"name": "Năng lực sổ', 1), "utf-8")
    result = verify(
        capsys, changed, "--trust", str(trust), "--status-list", str(status_list_file(out))
    )
    assert result.returncode == 2
    assert "KHÔNG PHẢI BẢN GỐC" in result.stderr and "not genuine" in result.stderr


def test_issued_credentials_point_to_a_bitstring_status_list_of_16kb_gzip_base64url(org):
    _, issuer, out, _ = org
    status = json.loads(credentials(out)[0].read_text(encoding="utf-8"))["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation" and status["statusListIndex"].isdigit()
    assert status["statusListCredential"].startswith(f"{HOME}/status-lists/")
    listed = json.loads(status_list_file(out).read_text(encoding="utf-8"))
    assert listed["id"] == status["statusListCredential"]
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listed["issuer"] == issuer.did
    verify_proof(listed)
    subject = listed["credentialSubject"]
    assert (subject["type"], subject["statusPurpose"]) == ("BitstringStatusList", "revocation")
    encoded = subject["encodedList"]
    assert encoded.startswith("u") and "=" not in encoded
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) >= 16 * 1024 and not any(bits)
    indices = {e["statusIndex"] for e in read_index(out / "credentials")}
    assert len(indices) == len(read_index(out / "credentials")), "one position per credential"


def test_a_credential_revoked_through_the_status_list_fails_and_the_others_still_pass(
    org, tmp_path, capsys
):
    key, _, issued, trust = org
    out = tmp_path / "out"
    shutil.copytree(issued, out)
    revoked, kept = credentials(out)[0], credentials(out, "hv002")[0]
    revoked_id = json.loads(revoked.read_text(encoding="utf-8"))["id"]
    done = run_in_process(
        capsys, "credential", "revoke", revoked_id, "--out", str(out), "--key", str(key)
    )
    assert done.returncode == 0, done.stderr
    (told,) = [line for line in done.stdout.splitlines() if line.startswith("publish ")]
    address = f"{HOME}/status-lists/{status_list_file(out).name}"
    assert told == (
        f"publish {status_list_file(out)} at {address}: verifiers see a revocation only once "
        "the list signed after it is there"
    )
    listed = json.loads(status_list_file(out).read_text(encoding="utf-8"))
    encoded = listed["credentialSubject"]["encodedList"][1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    index = int(
        json.loads(revoked.read_text(encoding="utf-8"))["credentialStatus"]["statusListIndex"]
    )
    assert bits[index // 8] & (0x80 >> (index % 8)), "the revoked credential's bit is 1"
    assert sum(bin(byte).count("1") for byte in bits) == 1

    checks = ("--trust", str(trust), "--status-list", str(status_list_file(out)))
    result = verify(capsys, revoked, *checks)
    assert result.returncode == 2
    assert "ĐÃ THU HỒI" in result.stderr and "revoked" in result.stderr
    assert verify(capsys, kept, *checks).returncode == 0
    entries = json.loads((out / "credentials" / "revoked.json").read_text("utf-8"))["revoked"]
    assert [e["id"] for e in entries] == [revoked_id]


def test_a_status_list_that_expires_says_by_when_to_sign_it_again(tmp_path):
    listed = PublishedList(
        f"{HOME}/status-lists/0123456789abcdef.json",
        tmp_path / "status-lists" / "0123456789abcdef.json",
        "2027-06-30T23:59:59Z",
    )
    (line,) = listed.note().splitlines()
    assert line.startswith(f"publish {listed.file} at {listed.address}: ")
    assert "expires at 2027-06-30T23:59:59Z: sign it again before then" in line
    assert "expires" not in replace(listed, valid_until=None).note()


def test_revocations_recorded_without_the_key_reach_the_status_list_when_it_is_signed_again(
    org, tmp_path, capsys
):
    """``bdhvs learners forget`` has no key: it records the revocation and drops the learner
    from the index; ``bdhvs credential revoke`` without ids then signs the list again."""
    key, _, issued, trust = org
    out = tmp_path / "out"
    shutil.copytree(issued, out)
    registry = out / "credentials"
    theirs = [e["id"] for e in read_index(registry) if e["learner"] == "hv002"]
    revoke(registry, theirs, "the learner's data was erased")
    write_index(registry, [e for e in read_index(registry) if e["learner"] != "hv002"])
    kept = tmp_path / "kept-by-someone.json"
    shutil.copy(credentials(out, "hv002")[0], kept)
    checks = ("--trust", str(trust), "--status-list", str(status_list_file(out)))
    assert verify(capsys, kept, *checks).returncode == 0, "the list is not signed again yet"
    again = run_in_process(capsys, "credential", "revoke", "--out", str(out), "--key", str(key))
    assert again.returncode == 0, again.stderr
    result = verify(capsys, kept, *checks)
    assert result.returncode == 2 and "ĐÃ THU HỒI" in result.stderr
    assert verify(capsys, credentials(out)[0], *checks).returncode == 0


def test_a_status_list_signed_by_someone_else_cannot_clear_a_revocation(org, tmp_path, capsys):
    _, _, out, trust = org
    other = load_issuer(create_issuer(tmp_path / "other", ISSUER_NAME, HOME))
    real = json.loads(status_list_file(out).read_text(encoding="utf-8"))
    forged = list_credential(other, real["id"], [], 16 * 1024 * 8, real["validFrom"])
    forged_file = tmp_path / "forged.json"
    forged_file.write_text(json.dumps(forged), encoding="utf-8")
    result = verify(
        capsys, credentials(out)[0], "--trust", str(trust), "--status-list", str(forged_file)
    )
    assert result.returncode == 2
    assert "không do chính đơn vị cấp chứng nhận ký" in result.stderr


def test_without_its_status_list_a_credential_is_refused_rather_than_assumed_valid(org, capsys):
    _, _, out, trust = org
    result = verify(capsys, credentials(out)[0], "--trust", str(trust))
    assert result.returncode == 2
    assert "KHÔNG KIỂM TRA ĐƯỢC tình trạng thu hồi" in result.stderr
    assert "--status-list" in result.stderr


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def web_site(tmp_path):
    """A real HTTP server on loopback serving the folder ``site``, stopped at will."""
    site = tmp_path / "site"
    site.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        if thread.is_alive():
            server.shutdown()
            server.server_close()
            thread.join()

    yield site, f"http://127.0.0.1:{server.server_address[1]}", stop
    stop()


def publish(site, key, out):
    """What the organisation puts on its web site: the DID document and the status lists."""
    (site / ".well-known").mkdir()
    shutil.copy(key.parent / "did.json", site / ".well-known" / "did.json")
    shutil.copytree(out / "status-lists", site / "status-lists")


def test_a_key_published_with_did_web_is_trusted_and_checked_offline_from_the_cache_later(
    web_site, tmp_path, capsys
):
    site, address, stop = web_site
    key, _, out = issue(tmp_path, url=address)
    publish(site, key, out)
    path = credentials(out)[0]
    cache = str(tmp_path / "verifier-cache")
    online = ("credential", "verify", str(path), "--cache", cache, "--allow-http-localhost")

    result = run_in_process(capsys, *online)
    assert result.returncode == 0, result.stderr
    assert f"{address}/.well-known/did.json" in result.stdout
    assert "chủ tên miền 127.0.0.1" in result.stdout
    assert f"{address}/status-lists/" in result.stdout

    web_did = json.loads((key.parent / "did.json").read_text(encoding="utf-8"))["id"]
    trust = tmp_path / "trust-by-address.json"
    trust.write_text(
        json.dumps({"type": "BdhvsTrustList", "issuers": [{"id": web_did, "name": ISSUER_NAME}]}),
        encoding="utf-8",
    )
    on_list = run_in_process(capsys, *online, "--trust", str(trust))
    assert on_list.returncode == 0, on_list.stderr
    assert "trong danh sách tin cậy" in on_list.stdout

    stop()
    offline = run_in_process(capsys, *online, "--offline")
    assert offline.returncode == 0, offline.stderr
    assert "bản lưu ngày" in offline.stdout and "cached copy of" in offline.stdout
    empty = run_in_process(
        capsys,
        "credential",
        "verify",
        str(path),
        "--offline",
        "--allow-http-localhost",
        "--cache",
        str(tmp_path / "empty-cache"),
    )
    assert empty.returncode == 2 and "KHÔNG KIỂM TRA ĐƯỢC đơn vị cấp" in empty.stderr


def test_a_did_web_document_that_does_not_list_the_signing_key_is_refused(
    web_site, tmp_path, capsys
):
    site, address, _ = web_site
    _, _, out = issue(tmp_path / "impostor", url=address)
    real_key = create_issuer(tmp_path / "real", ISSUER_NAME, address)
    publish(site, real_key, out)
    result = run_in_process(
        capsys,
        "credential",
        "verify",
        str(credentials(out)[0]),
        "--allow-http-localhost",
        "--cache",
        str(tmp_path / "cache"),
    )
    assert result.returncode == 2
    assert "khóa ký không có trong các khóa mà đơn vị công bố" in result.stderr


def test_did_web_is_read_over_https_only_unless_plain_http_to_this_machine_is_asked_for(
    web_site, tmp_path, capsys
):
    site, address, _ = web_site
    key, _, out = issue(tmp_path, url=address)
    publish(site, key, out)
    result = run_in_process(
        capsys, "credential", "verify", str(credentials(out)[0]), "--cache", str(tmp_path / "c")
    )
    assert result.returncode == 2
    assert "KHÔNG KIỂM TRA ĐƯỢC đơn vị cấp" in result.stderr
    assert "https://127.0.0.1:" in result.stderr


def test_a_passphrase_protected_key_opens_with_its_passphrase_and_is_encrypted_at_rest(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("NEW_KEY_PASSPHRASE", PASSPHRASE)
    made = run_in_process(
        capsys,
        "keys",
        "init",
        "--out",
        str(tmp_path / "keys"),
        "--name",
        ISSUER_NAME,
        "--passphrase-env",
        "NEW_KEY_PASSPHRASE",
    )
    assert made.returncode == 0, made.stderr
    key = tmp_path / "keys" / "issuer-key.pem"
    assert key.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    profile = json.loads((key.parent / "issuer.json").read_text(encoding="utf-8"))
    with pytest.raises(BdhvsError, match="protected by a passphrase.*BDHVS_KEY_PASSPHRASE"):
        load_issuer(key)
    monkeypatch.setenv("BDHVS_KEY_PASSPHRASE", PASSPHRASE)
    assert load_issuer(key).did == profile["id"]


def test_a_wrong_or_short_passphrase_is_a_clear_error_without_a_traceback(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("SHORT", "ngắn")
    short = run_in_process(
        capsys,
        "keys",
        "init",
        "--out",
        str(tmp_path / "k"),
        "--name",
        "X",
        "--passphrase-env",
        "SHORT",
    )
    assert short.returncode == 2 and "shorter than 8" in short.stderr
    assert not (tmp_path / "k" / "issuer-key.pem").exists()

    key = create_issuer(tmp_path / "keys", ISSUER_NAME, HOME, passphrase=PASSPHRASE)
    issue_credentials(RECORDS, load_issuer(key, PASSPHRASE), tmp_path / "out", HOME)
    monkeypatch.setenv("BDHVS_KEY_PASSPHRASE", "không phải mật khẩu này")
    wrong = run_in_process(
        capsys, "credential", "revoke", "--out", str(tmp_path / "out"), "--key", str(key)
    )
    assert wrong.returncode == 2
    assert "wrong passphrase" in wrong.stderr and "Traceback" not in wrong.stderr


def test_bdhvs_records_signs_with_a_protected_key_reading_the_passphrase_from_the_environment(
    graded_course, tmp_path
):
    key = create_issuer(tmp_path / "keys", ISSUER_NAME, HOME, passphrase=PASSPHRASE)
    args = ("records", "--course", str(graded_course.root), "--key", str(key))
    wrong = run_bdhvs(
        *args, "--out", str(tmp_path / "wrong"), env={"BDHVS_KEY_PASSPHRASE": "sai mật khẩu"}
    )
    assert wrong.returncode == 2 and "wrong passphrase" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    out = tmp_path / "out"
    signed = run_bdhvs(*args, "--out", str(out), env={"BDHVS_KEY_PASSPHRASE": PASSPHRASE})
    assert signed.returncode == 0, signed.stderr
    issued = sorted((out / "credentials" / "perfect").glob("*.json"))
    assert issued
    checked = run_bdhvs(
        "credential",
        "verify",
        str(issued[0]),
        "--offline",
        "--issuer",
        str(key.parent / "issuer.json"),
        "--status-list",
        str(status_list_file(out)),
    )
    assert checked.returncode == 0, checked.stderr
