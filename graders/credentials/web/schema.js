// The JSON Schema check of graders/credentials/verify.py (step 3), run on the very schema file
// the Python verifier uses (graders/schemas/open_badge_credential.schema.json), which the page
// embeds. Only the keywords that schema uses are known here: a keyword added to the schema and
// not taught to this file stops the check with an error, so the two never silently differ.

import { canonical } from "bdhvs/jcs.js";

const ANNOTATIONS = new Set(["$schema", "$id", "$defs", "title", "description"]);

// Where `instance` first breaks `schema` ("credentialSubject/identifier/0: …"), or null.
export function schemaProblem(instance, schema) {
  try {
    check(instance, schema, schema, []);
    return null;
  } catch (problem) {
    if (problem instanceof Mismatch) {
      return `${problem.path.join("/") || "the document"}: ${problem.message}`;
    }
    throw problem;
  }
}

class Mismatch extends Error {
  constructor(path, message) {
    super(message);
    this.path = path;
  }
}

function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const TYPES = {
  object: isObject,
  array: Array.isArray,
  string: (value) => typeof value === "string",
  boolean: (value) => typeof value === "boolean",
  null: (value) => value === null,
  number: (value) => typeof value === "number",
  integer: (value) => Number.isInteger(value),
};

function valid(value, rule, root, path) {
  try {
    check(value, rule, root, path);
    return true;
  } catch (problem) {
    if (problem instanceof Mismatch) {
      return false;
    }
    throw problem;
  }
}

function check(value, rule, root, path) {
  const fail = (message) => {
    throw new Mismatch(path, message);
  };
  for (const [keyword, expected] of Object.entries(rule)) {
    if (ANNOTATIONS.has(keyword)) {
      continue;
    }
    switch (keyword) {
      case "$ref": {
        const target = expected.replace(/^#\//, "").split("/").reduce((at, key) => at[key], root);
        check(value, target, root, path);
        break;
      }
      case "type":
        if (!TYPES[expected](value)) fail(`is not of type ${expected}`);
        break;
      case "const":
        if (canonical(value) !== canonical(expected)) fail(`is not ${canonical(expected)}`);
        break;
      case "enum":
        if (!expected.some((option) => canonical(option) === canonical(value))) {
          fail(`is not one of ${canonical(expected)}`);
        }
        break;
      case "required":
        if (isObject(value)) {
          const missing = expected.find((name) => !Object.hasOwn(value, name));
          if (missing !== undefined) fail(`"${missing}" is a required property`);
        }
        break;
      case "properties":
        if (isObject(value)) {
          for (const [name, inner] of Object.entries(expected)) {
            if (Object.hasOwn(value, name)) check(value[name], inner, root, [...path, name]);
          }
        }
        break;
      case "additionalProperties":
        if (isObject(value)) {
          for (const name of Object.keys(value)) {
            if (!Object.hasOwn(rule.properties ?? {}, name)) {
              if (expected === false) fail(`"${name}" is not allowed here`);
              check(value[name], expected, root, [...path, name]);
            }
          }
        }
        break;
      case "prefixItems":
        if (Array.isArray(value)) {
          expected.forEach((inner, index) => {
            if (index < value.length) check(value[index], inner, root, [...path, index]);
          });
        }
        break;
      case "items":
        if (Array.isArray(value)) {
          const first = rule.prefixItems?.length ?? 0;
          value.slice(first).forEach((item, index) => {
            check(item, expected, root, [...path, first + index]);
          });
        }
        break;
      case "minItems":
        if (Array.isArray(value) && value.length < expected) {
          fail(`has fewer than ${expected} items`);
        }
        break;
      case "contains":
        if (Array.isArray(value) && !value.some((item) => valid(item, expected, root, path))) {
          fail("contains no item of the kind required");
        }
        break;
      case "allOf":
        for (const inner of expected) check(value, inner, root, path);
        break;
      case "pattern":
        if (typeof value === "string" && !new RegExp(expected, "u").test(value)) {
          fail(`does not match ${expected}`);
        }
        break;
      case "minLength":
        if (typeof value === "string" && [...value].length < expected) fail("is too short");
        break;
      default:
        throw new Error(`the schema keyword "${keyword}" is not known to this page`);
    }
  }
}
