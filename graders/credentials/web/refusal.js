// Why a credential is refused, as graders/credentials/problems.py says it: `code` is what the
// Python verifier's Vietnamese message starts with (before the colon), which the tests compare
// between the two verifiers; `reason` is the rest of the message.

export class Refusal extends Error {
  constructor(code, reason) {
    super(`${code}: ${reason}`);
    this.code = code;
    this.reason = reason;
  }
}
