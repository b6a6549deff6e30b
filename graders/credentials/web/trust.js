// Whether the page trusts a credential's issuer, by the trust-list rules of
// graders/credentials/trust.py: the trust lists the page was made with are the whole truth;
// an entry names the signing key (did:key) or the web address in the issuer's profile
// (did:web), and its optional dates bound when the issuer was trusted to issue. The page makes
// no network request, so it cannot read the keys a did:web address publishes: such an entry
// cannot be checked here, as in the Python verifier offline with nothing cached.

import { Refusal } from "bdhvs/refusal.js";

const NOT_TRUSTED = "KHÔNG TIN CẬY";
const CANNOT_CHECK = "KHÔNG KIỂM TRA ĐƯỢC đơn vị cấp";
const DID_WEB_PREFIX = "did:web:";

// Why the issuer is trusted (Vietnamese), or a Refusal. `entries` are the trust lists' entries
// as the page generator read them: {id, name, validFrom, validUntil, source}, dates as
// instants in milliseconds or null.
export function decide(entries, signer, issuer, issued) {
  const webDid = didWebFor(issuer.url);
  const matching = entries.filter((entry) => entry.id === signer || entry.id === webDid);
  if (matching.length === 0) {
    throw new Refusal(
      NOT_TRUSTED,
      "chữ ký hợp lệ nhưng đơn vị cấp không nằm trong danh sách tin cậy " +
        `(chứng nhận ghi tên “${issuer.name ?? ""}”)`,
    );
  }
  const covering = matching.filter(
    (entry) =>
      (entry.validFrom === null || issued >= entry.validFrom) &&
      (entry.validUntil === null || issued <= entry.validUntil),
  );
  if (covering.length === 0) {
    const day = new Date(issued).toISOString().slice(0, 10);
    throw new Refusal(
      NOT_TRUSTED,
      `chứng nhận được cấp ngày ${day}, ngoài thời gian đơn vị “${matching[0].name}” ` +
        `được tin cậy (${matching.map(period).join("; ")})`,
    );
  }
  const entry = covering[0];
  if (entry.id !== signer) {
    throw new Refusal(
      CANNOT_CHECK,
      "trang kiểm tra không dùng mạng nên không đọc được khóa công bố tại " +
        `${documentUrl(entry.id)} (danh sách tin cậy ghi địa chỉ web của đơn vị, không ghi ` +
        "khóa did:key)",
    );
  }
  return `khóa của “${entry.name}” trong danh sách tin cậy ${entry.source}`;
}

function period(entry) {
  const show = (value) => (value === null ? "…" : new Date(value).toISOString());
  return `${show(entry.validFrom)} – ${show(entry.validUntil)}`;
}

// The did:web of a home page address: its host (and port), then its path segments.
function didWebFor(url) {
  if (typeof url !== "string") {
    return null;
  }
  let parts;
  try {
    parts = new URL(url);
  } catch {
    return null;
  }
  if (!parts.hostname || parts.hostname.includes(":")) {
    return null;
  }
  const domain = parts.hostname + (parts.port ? `%3A${parts.port}` : "");
  const segments = parts.pathname.split("/").filter((segment) => segment);
  return DID_WEB_PREFIX + [domain, ...segments].join(":");
}

function documentUrl(did) {
  const [domain, ...segments] = did.slice(DID_WEB_PREFIX.length).split(":");
  const path = segments.length ? segments.join("/") : ".well-known";
  return `https://${decodeURIComponent(domain)}/${path}/did.json`;
}
