// The verification page: takes a credential from the file the user picks, from pasted text,
// or (when the page is published with the credentials and opened from a certificate's QR
// code) from the page's own site, checks it with verify.js and shows the verdict in words,
// colour and symbol. Everything it needs is in the page: it sends nothing anywhere.

import * as ed25519 from "@noble/ed25519";
import { day, instant } from "bdhvs/instants.js";
import { issuedTo, readCredential, Refusal, verifyCredential } from "bdhvs/verify.js";

const data = JSON.parse(document.getElementById("bdhvs-data").textContent);
const entries = data.entries.map((entry) => ({
  ...entry,
  validFrom: entry.validFrom === null ? null : instant(entry.validFrom),
  validUntil: entry.validUntil === null ? null : instant(entry.validUntil),
}));
const REFERENCE = /^id=(urn:uuid:[0-9a-f-]{36})&sha256=([0-9a-f]{64})$/;

// Headline, tone and symbol of each verdict, by the code verify.js gives.
const VERDICTS = {
  "HỢP LỆ": ["ok", "✓", "HỢP LỆ"],
  "KHÔNG PHẢI BẢN GỐC": ["bad", "✗", "KHÔNG HỢP LỆ"],
  "KHÔNG HỢP LỆ": ["bad", "✗", "KHÔNG HỢP LỆ"],
  "CHƯA CÓ HIỆU LỰC": ["bad", "✗", "CHƯA CÓ HIỆU LỰC"],
  "KHÔNG TIN CẬY": ["bad", "✗", "KHÔNG TIN CẬY"],
  "ĐÃ THU HỒI": ["bad", "✗", "ĐÃ BỊ THU HỒI"],
  "KHÔNG KHỚP": ["bad", "✗", "KHÔNG KHỚP VỚI GIẤY CHỨNG NHẬN"],
};
const UNCHECKED = ["warn", "!", "KHÔNG KIỂM TRA ĐƯỢC"];

const $ = (id) => document.getElementById(id);
let accepted = null;

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

// The credential id and fingerprint a certificate's QR code puts after "#", or null.
function printedReference() {
  let fragment;
  try {
    fragment = decodeURIComponent(location.hash.slice(1));
  } catch {
    return null;
  }
  const match = REFERENCE.exec(fragment);
  return match && { id: match[1], digest: match[2] };
}

function showVerdict(code, reason, details) {
  const [tone, symbol, headline] = VERDICTS[code] ?? UNCHECKED;
  const verdict = $("verdict");
  verdict.replaceChildren();
  verdict.className = `verdict ${tone}`;
  verdict.dataset.code = code;
  const title = element("p", "headline");
  title.append(element("span", "symbol", symbol), element("span", "", headline));
  title.firstChild.setAttribute("aria-hidden", "true");
  verdict.append(title);
  if (reason) verdict.append(element("p", "reason", reason));
  if (details) verdict.append(details);
  verdict.hidden = false;
  verdict.focus();
}

function describe(credential) {
  const list = element("dl", "details");
  const add = (label, ...values) => {
    list.append(element("dt", "", label));
    for (const value of values) list.append(element("dd", "", value));
  };
  add("Chứng nhận", credential.name);
  add("Năng lực", ...credential.competences);
  if (credential.step) add("Bậc đạt được", credential.step);
  add("Mã người học (đã băm)", credential.identityHash);
  add("Đơn vị cấp", credential.issuerName);
  add("Tin cậy vì", credential.trusted);
  add("Ngày cấp", day(credential.validFrom));
  add(
    "Thu hồi",
    credential.status
      ? `Chưa bị thu hồi (theo danh sách thu hồi đơn vị ký ngày ${day(credential.status.signed)})`
      : "Chứng nhận không có mục thu hồi: đơn vị cấp không thu hồi được chứng nhận này",
  );
  add("Mã chứng nhận", credential.id);
  add("Dấu vân tay (SHA-256)", credential.digest);
  add("Khóa của đơn vị cấp", credential.issuerId);
  return list;
}

async function check(bytes) {
  accepted = null;
  $("learner").hidden = true;
  $("learner-result").textContent = "";
  const verifier = {
    ed25519,
    schema: data.schema,
    entries,
    statusLists: data.statusLists,
    now: Date.now(),
  };
  try {
    const credential = readCredential(bytes);
    accepted = await verifyCredential(credential, verifier, printedReference());
  } catch (error) {
    if (error instanceof Refusal) {
      showVerdict(error.code, sentence(error.reason));
    } else {
      showVerdict(
        "KHÔNG KIỂM TRA ĐƯỢC",
        "Trình duyệt này không kiểm tra được chữ ký số. Hãy mở trang bằng trình duyệt mới hơn " +
          `(Chrome, Safari, Firefox), qua https hoặc từ tệp. (${error.message})`,
      );
    }
    return;
  }
  const reason = "Chứng nhận đúng bản gốc, do đơn vị trong danh sách tin cậy cấp.";
  showVerdict("HỢP LỆ", reason, describe(accepted));
  $("learner").hidden = false;
}

function sentence(text) {
  return text.charAt(0).toUpperCase() + text.slice(1) + ".";
}

async function lookUpPublished(reference) {
  if (!data.published || !location.protocol.startsWith("http")) return null;
  try {
    const uuid = reference.id.slice("urn:uuid:".length);
    const response = await fetch(`credentials/${uuid}.json`, { cache: "no-store" });
    return response.ok ? new Uint8Array(await response.arrayBuffer()) : null;
  } catch {
    return null;
  }
}

function showAbout() {
  const about = $("about-lists");
  for (const list of data.trustLists) {
    const title = list.name ? `“${list.name}” (${list.source})` : list.source;
    about.append(element("li", "", `Danh sách tin cậy ${title}: ${list.issuers} đơn vị`));
  }
  for (const line of publishedKeys()) {
    about.append(element("li", "", line));
  }
  for (const list of Object.values(data.statusLists)) {
    about.append(element("li", "", `Danh sách thu hồi ký ngày ${day(list.validFrom)}: ${list.id}`));
  }
  const made = `Trang tạo ngày ${day(data.generated)}; chữ ký kiểm tra bằng ${data.library}`;
  about.append(element("li", "", made));
}

// One line for each web address the trust lists name: the keys it published and when the page
// read them, or that they could not be read when the page was made.
function publishedKeys() {
  const lines = new Map();
  for (const { published, name } of data.entries) {
    if (published === null || lines.has(published.url)) continue;
    const line =
      published.keys === null
        ? `Không đọc được khóa công bố tại ${published.url} khi tạo trang: không kiểm tra ` +
          `được chứng nhận của “${name}”`
        : `Khóa do ${published.url} công bố (${published.keys.length} khóa), đọc ngày ` +
          day(published.read);
    lines.set(published.url, line);
  }
  return lines.values();
}

async function start() {
  showAbout();
  $("file").addEventListener("change", async (event) => {
    const [file] = event.target.files;
    if (file) await check(new Uint8Array(await file.arrayBuffer()));
  });
  $("paste-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    await check(new TextEncoder().encode($("paste").value));
  });
  $("learner-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const learner = $("learner-id").value.trim();
    if (!accepted || !learner) return;
    const result = $("learner-result");
    const matches = await issuedTo(accepted, learner);
    result.className = `learner-result ${matches ? "ok" : "bad"}`;
    result.textContent = matches
      ? `✓ Đúng người học: chứng nhận cấp cho mã học viên ${learner}.`
      : `✗ KHÔNG ĐÚNG NGƯỜI HỌC: chứng nhận không cấp cho mã học viên ${learner}.`;
  });
  const reference = printedReference();
  if (reference) {
    $("reference-id").textContent = reference.id;
    $("reference").hidden = false;
    const published = await lookUpPublished(reference);
    if (published) await check(published);
  }
  document.body.dataset.ready = "true";
}

start();
