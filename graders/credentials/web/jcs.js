// JSON Canonicalization Scheme (RFC 8785), as the rfc8785 package computes it for the Python
// verifier: members sorted by the UTF-16 code units of their names, no whitespace, strings
// and numbers written the way ECMAScript's JSON.stringify writes them (which RFC 8785 adopts).

export function canonical(value) {
  if (value === null || typeof value === "boolean") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new TypeError("a number that is not finite cannot be canonicalised");
    }
    return JSON.stringify(value);
  }
  if (typeof value === "string") {
    return string(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(",")}]`;
  }
  if (typeof value === "object") {
    const names = Object.keys(value).sort(); // the default sort compares UTF-16 code units
    return `{${names.map((name) => `${string(name)}:${canonical(value[name])}`).join(",")}}`;
  }
  throw new TypeError(`a ${typeof value} is not JSON`);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function string(text) {
  // Text that is not Unicode has no UTF-8 form to sign (rfc8785 refuses it too).
  if (LONE_SURROGATE.test(text)) {
    throw new TypeError("a string holds a lone surrogate, which is not Unicode text");
  }
  return JSON.stringify(text);
}
