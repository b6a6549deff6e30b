// Revocation by the W3C Bitstring Status List, checked as graders/credentials/statuslist.py
// and bitstring.py check it: the list is believed only if its own proof holds and the
// credential's issuer signed it; bit 1 at the credential's position means revoked.

import { instant, notYetValid } from "bdhvs/instants.js";
import { multibaseBase64urlDecode } from "bdhvs/multibase.js";
import { controller, ProofError, verifyProof } from "bdhvs/proof.js";
import { Refusal } from "bdhvs/refusal.js";

const ENTRY_TYPE = "BitstringStatusListEntry";
const LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential";
const LIST_TYPE = "BitstringStatusList";
const REVOCATION = "revocation";
const MIN_BITS = 16 * 1024 * 8;
const MAX_BYTES = 16 * 1024 * 1024;

export const UNCHECKABLE = "KHÔNG KIỂM TRA ĐƯỢC tình trạng thu hồi";
const BAD_LIST = "DANH SÁCH TRẠNG THÁI KHÔNG HỢP LỆ";

// The credential's revocation entry ({listUrl, index}), or null when it has none.
export function readEntry(credential) {
  const status = credential.credentialStatus ?? null;
  if (status === null) {
    return null;
  }
  if (typeof status !== "object" || status === null || Array.isArray(status)) {
    throw new Refusal(UNCHECKABLE, "mục credentialStatus không đúng dạng");
  }
  const index = status.statusListIndex;
  const url = status.statusListCredential;
  if (
    status.type !== ENTRY_TYPE ||
    status.statusPurpose !== REVOCATION ||
    typeof index !== "string" ||
    !/^[0-9]+$/.test(index) ||
    typeof url !== "string"
  ) {
    throw new Refusal(UNCHECKABLE, "mục credentialStatus không đúng chuẩn Bitstring Status List");
  }
  return { listUrl: url, index: Number(index) };
}

// What the status list `document` says of `entry` ({revoked, signed}), once the list itself
// is checked: its proof, its issuer (the credential's `signer`), its type, purpose and dates.
export async function checkStatus(entry, document, signer, now, ed25519) {
  if (typeof document !== "object" || document === null || document.id !== entry.listUrl) {
    throw new Refusal(BAD_LIST, "tệp danh sách trạng thái không phải danh sách của chứng nhận này");
  }
  let options;
  try {
    options = await verifyProof(document, ed25519);
  } catch (error) {
    if (error instanceof ProofError) {
      throw new Refusal(BAD_LIST, "chữ ký của danh sách trạng thái không hợp lệ");
    }
    throw error;
  }
  if (controller(options.verificationMethod) !== signer || document.issuer !== signer) {
    throw new Refusal(BAD_LIST, "danh sách trạng thái không do chính đơn vị cấp chứng nhận ký");
  }
  const subject = document.credentialSubject;
  if (
    !Array.isArray(document.type) ||
    !document.type.includes(LIST_CREDENTIAL_TYPE) ||
    typeof subject !== "object" ||
    subject === null ||
    Array.isArray(subject) ||
    subject.type !== LIST_TYPE ||
    subject.statusPurpose !== REVOCATION ||
    typeof subject.encodedList !== "string"
  ) {
    throw new Refusal(BAD_LIST, "không phải danh sách thu hồi theo chuẩn Bitstring Status List");
  }
  checkDates(document, now);
  let bits;
  try {
    bits = await decodeBits(subject.encodedList);
  } catch {
    throw new Refusal(BAD_LIST, "không đọc được dãy bit của danh sách");
  }
  if (entry.index >= bits.length * 8) {
    throw new Refusal(BAD_LIST, "vị trí của chứng nhận nằm ngoài danh sách");
  }
  const revoked = (bits[Math.floor(entry.index / 8)] & (0x80 >> entry.index % 8)) !== 0;
  return { revoked, signed: document.validFrom };
}

function checkDates(document, now) {
  const validFrom = instant(document.validFrom);
  const hasUntil = Object.hasOwn(document, "validUntil");
  const validUntil = hasUntil ? instant(document.validUntil) : null;
  if (validFrom === null || (hasUntil && validUntil === null)) {
    throw new Refusal(BAD_LIST, "ngày hiệu lực của danh sách không đúng dạng");
  }
  if (notYetValid(validFrom, now) || (validUntil !== null && validUntil < now)) {
    throw new Refusal(BAD_LIST, "danh sách trạng thái chưa hoặc đã hết hiệu lực");
  }
}

// The bitstring of an encodedList: multibase base64url of GZIP data, at least MIN_BITS long
// and, so that a hostile list cannot fill the phone's memory, at most MAX_BYTES.
async function decodeBits(encoded) {
  const compressed = multibaseBase64urlDecode(encoded);
  const stream = new Blob([compressed]).stream().pipeThrough(new DecompressionStream("gzip"));
  const reader = stream.getReader();
  const chunks = [];
  let length = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    length += read.value.length;
    if (length > MAX_BYTES) {
      await reader.cancel();
      throw new Error(`the list is longer than ${MAX_BYTES} bytes uncompressed`);
    }
    chunks.push(read.value);
  }
  if (length * 8 < MIN_BITS) {
    throw new Error(`the list has fewer than the ${MIN_BITS} bits the standard requires`);
  }
  const bits = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bits.set(chunk, offset);
    offset += chunk.length;
  }
  return bits;
}
