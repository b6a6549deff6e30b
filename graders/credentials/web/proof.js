// Data Integrity proofs with the eddsa-jcs-2022 cryptosuite, checked as
// graders/credentials/dataintegrity.py checks them: the SHA-256 of the JCS form of the proof
// options, then that of the document without its proof, is what the Ed25519 key named by the
// did:key of the verification method signed. Ed25519 itself is the @noble/ed25519 library's,
// handed in by the page; SHA-256 and SHA-512 are the browser's own (Web Crypto).

import { canonical } from "bdhvs/jcs.js";
import { instant } from "bdhvs/instants.js";
import { multibaseBase58Decode } from "bdhvs/multibase.js";

const PROOF_TYPE = "DataIntegrityProof";
const CRYPTOSUITE = "eddsa-jcs-2022";
const ASSERTION_METHOD = "assertionMethod";
const SIGNATURE_BYTES = 64;
const DID_KEY_PREFIX = "did:key:";
const ED25519_PUBLIC_CODEC = [0xed, 0x01];
const ED25519_KEY_BYTES = 32;

export class ProofError extends Error {}

export async function sha256(text) {
  const data = new TextEncoder().encode(text);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
}

// The DID that controls a verification method: its id without the fragment.
export function controller(verificationMethod) {
  return verificationMethod.split("#")[0];
}

function publicKeyFromDid(did) {
  const [identifier, fragment] = [controller(did), did.slice(controller(did).length + 1)];
  if (!identifier.startsWith(DID_KEY_PREFIX)) {
    throw new Error(`${did} is not a did:key`);
  }
  const encoded = identifier.slice(DID_KEY_PREFIX.length);
  if (fragment && fragment !== encoded) {
    throw new Error(`${did}: the fragment does not name the key of the identifier`);
  }
  const data = multibaseBase58Decode(encoded);
  if (data[0] !== ED25519_PUBLIC_CODEC[0] || data[1] !== ED25519_PUBLIC_CODEC[1]) {
    throw new Error(`${did} does not hold an Ed25519 public key`);
  }
  if (data.length !== ED25519_PUBLIC_CODEC.length + ED25519_KEY_BYTES) {
    throw new Error(`${did}: an Ed25519 public key has ${ED25519_KEY_BYTES} bytes`);
  }
  return data.slice(ED25519_PUBLIC_CODEC.length);
}

function sameContexts(proofContexts, documentContexts) {
  return (
    Array.isArray(proofContexts) &&
    Array.isArray(documentContexts) &&
    canonical(documentContexts.slice(0, proofContexts.length)) === canonical(proofContexts)
  );
}

function withoutMember(object, name) {
  return Object.fromEntries(Object.entries(object).filter(([key]) => key !== name));
}

// Check the document's one eddsa-jcs-2022 proof with `ed25519` (the library); return the
// proof without its value. Throws ProofError saying what is wrong.
export async function verifyProof(document, ed25519) {
  const proof = document.proof;
  if (typeof proof !== "object" || proof === null || Array.isArray(proof)) {
    throw new ProofError("the document has no proof (one proof object is expected)");
  }
  const options = withoutMember(proof, "proofValue");
  if (options.type !== PROOF_TYPE || options.cryptosuite !== CRYPTOSUITE) {
    throw new ProofError(`the proof is not a ${PROOF_TYPE} with the ${CRYPTOSUITE} cryptosuite`);
  }
  if (options.proofPurpose !== ASSERTION_METHOD) {
    throw new ProofError(`the proof purpose is not ${ASSERTION_METHOD}`);
  }
  if (instant(options.created, true) === null) {
    throw new ProofError("the proof has no creation time");
  }
  let signature;
  try {
    signature =
      typeof proof.proofValue === "string" ? multibaseBase58Decode(proof.proofValue) : [];
  } catch (error) {
    throw new ProofError(`the proof value is not base58btc: ${error.message}`);
  }
  if (signature.length !== SIGNATURE_BYTES) {
    throw new ProofError("the proof value is not an Ed25519 signature");
  }
  if (typeof options.verificationMethod !== "string") {
    throw new ProofError("the proof names no verification method");
  }
  let publicKey;
  try {
    publicKey = publicKeyFromDid(options.verificationMethod);
  } catch (error) {
    throw new ProofError(`unusable verification method: ${error.message}`);
  }
  const unsecured = withoutMember(document, "proof");
  if (Object.hasOwn(options, "@context")) {
    if (!sameContexts(options["@context"], unsecured["@context"])) {
      throw new ProofError("the proof's @context does not match the document's");
    }
    unsecured["@context"] = options["@context"];
  }
  let signed;
  try {
    signed = new Uint8Array([
      ...(await sha256(canonical(options))),
      ...(await sha256(canonical(unsecured))),
    ]);
  } catch (error) {
    throw new ProofError(`the document cannot be canonicalised: ${error.message}`);
  }
  let matches;
  try {
    // zip215: false is RFC 8032's strict verification, as OpenSSL's behind the Python verifier.
    matches = await ed25519.verifyAsync(signature, signed, publicKey, { zip215: false });
  } catch {
    matches = false;
  }
  if (!matches) {
    throw new ProofError(
      "the signature does not match: the document or its proof was changed, " +
        "or it was signed with another key",
    );
  }
  return options;
}
