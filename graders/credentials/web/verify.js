// Whether a credential can be believed: the steps of graders/credentials/verify.py, in the
// same order, so that the page and `bdhvs credential verify` refuse the same credentials with
// the same first reason (tests/test_verify_page.py runs both on the same files).
//
// 1. the file is strict JSON; 2. its eddsa-jcs-2022 proof matches the document and the key
// its did:key names; 3. it has every field the schema requires; 4. the issuer it names is the
// controller of that key; its date of issue has come; 5. the key belongs to an issuer on the
// page's trust lists; 6. if it has a status entry, the issuer's signed status list held by the
// page says it is not revoked; 7. when the page was opened from a certificate's QR code, it is
// the credential the code names.

import { canonical } from "bdhvs/jcs.js";
import { instant, notYetValid } from "bdhvs/instants.js";
import { hex } from "bdhvs/multibase.js";
import { controller, ProofError, sha256, verifyProof } from "bdhvs/proof.js";
import { Refusal } from "bdhvs/refusal.js";
import { schemaProblem } from "bdhvs/schema.js";
import { checkStatus, readEntry, UNCHECKABLE } from "bdhvs/statuslist.js";
import { parseStrict } from "bdhvs/strictjson.js";
import { decide } from "bdhvs/trust.js";

const NOT_GENUINE = "KHÔNG PHẢI BẢN GỐC";

export { Refusal };

// The SHA-256 of the credential's JCS form, proof included (graders/credentials/fingerprint.py).
export async function credentialDigest(credential) {
  return hex(await sha256(canonical(credential)));
}

// The credential in `bytes` (a file's content), read as the Python verifier reads files.
export function readCredential(bytes) {
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    return parseStrict(text);
  } catch {
    throw new Refusal(NOT_GENUINE, "tệp không phải tệp JSON hợp lệ");
  }
}

// Steps 1 to 4: what the file proves by itself.
async function verifySigned(credential, verifier) {
  if (typeof credential !== "object" || credential === null || Array.isArray(credential)) {
    throw new Refusal(NOT_GENUINE, "tệp không phải chứng nhận");
  }
  let options;
  try {
    options = await verifyProof(credential, verifier.ed25519);
  } catch (error) {
    if (error instanceof ProofError) {
      throw new Refusal(
        NOT_GENUINE,
        "chữ ký số không khớp với nội dung (tệp đã bị sửa, hoặc không do khóa này ký)",
      );
    }
    throw error;
  }
  const problem = schemaProblem(credential, verifier.schema);
  if (problem !== null) {
    throw new Refusal("KHÔNG HỢP LỆ", `chứng nhận thiếu hoặc sai thông tin bắt buộc (${problem})`);
  }
  const signer = controller(options.verificationMethod);
  if (credential.issuer.id !== signer) {
    throw new Refusal(
      NOT_GENUINE,
      "chứng nhận ghi một đơn vị cấp nhưng được ký bằng khóa khác",
    );
  }
  const issued = instant(credential.validFrom);
  if (issued === null) {
    throw new Refusal("KHÔNG HỢP LỆ", "ngày cấp không đúng dạng");
  }
  if (notYetValid(issued, verifier.now)) {
    throw new Refusal("CHƯA CÓ HIỆU LỰC", "ngày cấp ghi trong chứng nhận chưa tới");
  }
  return { signer, issued };
}

// Every step. `verifier` is what the page holds: {ed25519, schema, entries, statusLists, now};
// `printed` is the {id, digest} a certificate's QR code names, or null. Returns what the
// credential says once accepted; throws a Refusal otherwise.
export async function verifyCredential(credential, verifier, printed = null) {
  const { signer, issued } = await verifySigned(credential, verifier);
  const trusted = decide(verifier.entries, signer, credential.issuer, issued);
  const entry = readEntry(credential);
  let status = null;
  if (entry !== null) {
    const list = verifier.statusLists[entry.listUrl];
    if (list === undefined) {
      throw new Refusal(
        UNCHECKABLE,
        "trang kiểm tra không có danh sách thu hồi của đơn vị cấp này, nên không biết chứng " +
          "nhận đã bị thu hồi hay chưa",
      );
    }
    status = await checkStatus(entry, list, signer, verifier.now, verifier.ed25519);
    if (status.revoked) {
      throw new Refusal("ĐÃ THU HỒI", "đơn vị cấp đã thu hồi chứng nhận này");
    }
  }
  const digest = await credentialDigest(credential);
  if (printed !== null && (printed.id !== credential.id || printed.digest !== digest)) {
    throw new Refusal("KHÔNG KHỚP", "mã QR trên giấy chứng nhận chỉ một chứng nhận khác");
  }
  return describe(credential, signer, trusted, status, digest);
}

function describe(credential, signer, trusted, status, digest) {
  const subject = credential.credentialSubject;
  const achievement = subject.achievement;
  const identity = subject.identifier[0];
  const achieved = (subject.result ?? [{}])[0]?.achievedLevel ?? null;
  const levels = (achievement.resultDescription ?? []).flatMap(
    (description) => description.rubricCriterionLevel ?? [],
  );
  const step = levels.find((level) => level.id === achieved) ?? null;
  return {
    id: credential.id,
    name: credential.name,
    issuerId: signer,
    issuerName: credential.issuer.name,
    trusted,
    achievement: achievement.name,
    competences: achievement.alignment.map((alignment) => alignment.targetName),
    step: step && [step.name, step.level].filter(Boolean).join(", trình độ "),
    validFrom: credential.validFrom,
    identityHash: identity.identityHash,
    salt: identity.salt,
    status,
    digest,
  };
}

// Whether the credential was issued to the learner with id `learner`: Open Badges'
// IdentityHash, "sha256$" and the hex SHA-256 of the id followed by the salt.
export async function issuedTo(accepted, learner) {
  return `sha256$${hex(await sha256(learner + accepted.salt))}` === accepted.identityHash;
}
