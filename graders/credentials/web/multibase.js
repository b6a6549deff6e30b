// The encodings of signed documents: base58btc multibase ("z…") for keys and signatures
// (graders/credentials/didkey.py), base64url multibase ("u…") for status lists
// (graders/credentials/bitstring.py), and hexadecimal for fingerprints.

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function multibaseBase58Decode(text) {
  if (!text.startsWith("z")) {
    throw new Error("not a base58btc multibase value (it must start with 'z')");
  }
  let number = 0n;
  for (const char of text.slice(1)) {
    const digit = BASE58.indexOf(char);
    if (digit < 0) {
      throw new Error(`${JSON.stringify(char)} is not a base58 character`);
    }
    number = number * 58n + BigInt(digit);
  }
  const body = [];
  for (; number > 0n; number >>= 8n) {
    body.unshift(Number(number & 0xffn));
  }
  const zeros = text.slice(1).match(/^1*/)[0].length;
  return Uint8Array.from([...new Array(zeros).fill(0), ...body]);
}

export function multibaseBase64urlDecode(text) {
  if (!text.startsWith("u")) {
    throw new Error("the encoded list is not multibase base64url (it must start with 'u')");
  }
  const body = text.slice(1);
  if (!BASE64URL.test(body) || body.length % 4 === 1) {
    throw new Error("the encoded list is not base64url");
  }
  const binary = atob(body.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

export function hex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
