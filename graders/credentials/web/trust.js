// Whether the page trusts a credential's issuer, by the trust-list rules of
// graders/credentials/trust.py: the trust lists the page was made with are the whole truth;
// an entry names the signing key (did:key) or the web address in the issuer's profile
// (did:web), and its optional dates bound when the issuer was trusted to issue. The page makes
// no network request, so the keys a did:web address publishes were read when the page was
// made (graders/credentials/verifypage.py) and the page holds them with that date; an address
// whose keys could not be read then cannot be checked here, as in the Python verifier offline
// with nothing cached.

import { day } from "bdhvs/instants.js";
import { Refusal } from "bdhvs/refusal.js";

const NOT_TRUSTED = "KHÔNG TIN CẬY";
const CANNOT_CHECK = "KHÔNG KIỂM TRA ĐƯỢC đơn vị cấp";
const DID_WEB_PREFIX = "did:web:";

// Why the issuer is trusted (Vietnamese), or a Refusal. `entries` are the trust lists' entries
// as the page generator read them: {id, name, validFrom, validUntil, source, published}, dates
// as instants in milliseconds or null; `published` is null for a did:key, and for a did:web the
// {url, read, keys} of its DID document (`read` and `keys` null when it could not be read).
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
    const issuedOn = new Date(issued).toISOString().slice(0, 10);
    throw new Refusal(
      NOT_TRUSTED,
      `chứng nhận được cấp ngày ${issuedOn}, ngoài thời gian đơn vị “${matching[0].name}” ` +
        `được tin cậy (${matching.map(period).join("; ")})`,
    );
  }
  const entry = covering[0];
  const how = entry.id === signer ? "khóa" : publishedKey(entry.published, signer);
  return `${how} của “${entry.name}” trong danh sách tin cậy ${entry.source}`;
}

// Where the did:web entry's key was published and when the page read it, once checked that
// the address publishes `signer`.
function publishedKey(published, signer) {
  if (published.keys === null) {
    throw new Refusal(
      CANNOT_CHECK,
      `khi tạo trang không đọc được khóa công bố tại ${published.url}, và trang kiểm tra ` +
        "không dùng mạng (danh sách tin cậy ghi địa chỉ web của đơn vị, không ghi khóa did:key)",
    );
  }
  const when = `đọc ngày ${day(published.read)}`;
  if (!published.keys.includes(signer)) {
    throw new Refusal(
      NOT_TRUSTED,
      "chữ ký hợp lệ nhưng khóa ký không có trong các khóa mà đơn vị công bố tại " +
        `${published.url} (${when})`,
    );
  }
  return `khóa do ${published.url} công bố, ${when},`;
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
