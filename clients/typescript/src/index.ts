/**
 * @writ/client — Writ's TypeScript client: submit execution intents, wait for their approval,
 * verify warrants offline and redeem them, and govern tool functions with `governed`.
 * Zero dependencies: global `fetch`, WebCrypto (Ed25519), its own RFC 8785 canonicalization.
 */
export { Writ, VERSION, reportSummary, transient } from "./client.js";
export type { FetchLike, Redemption, ReportOptions, SubmitOptions, WritOptions } from "./client.js";
export {
  BadRequest, Cancelled, Conflict, Denied, Expired, Forbidden, IdempotencyKeyReused, IntentEnded, InvalidRequest, NotFound,
  PROBLEM_PREFIX, PROBLEM_TYPES, PayloadTooLarge, ProblemError, QuotaExceeded, RateLimited, Rejected, ServerError, StillPending,
  TransportError, Unauthorized, Unavailable, UnsupportedMediaType, WarrantInvalid, WritError, problemError,
} from "./errors.js";
export type { FieldError, Problem, WarrantFailure } from "./errors.js";
export { REDACTED, governed, governedKey, lineageKey } from "./governed.js";
export type { GovernedCall, GovernedOptions } from "./governed.js";
export { canonicalBytes, canonicalize } from "./json.js";
export type { JsonObject, JsonValue } from "./json.js";
export type { Logger, Report } from "./ledger.js";
export { APPROVED, CARRIED_OUT, ENDED_WITHOUT_WARRANT, PENDING, parseIntent } from "./models.js";
export type { ApprovalDecision, Decision, Intent, IntentStatus, Rule, Tier, WarrantClaims } from "./models.js";
export { endedMessage, requireWarrant } from "./outcomes.js";
export { WARRANT_TYPE, WarrantVerifier, actionDigest, tenantId, unverifiedClaims, verifyWarrant } from "./warrants.js";
export type { JwkSet, VerifyWarrantOptions, WarrantExpectation, WarrantVerifierOptions } from "./warrants.js";
