/**
 * One error hierarchy: every error this client throws on purpose is a `WritError` — a problem+json
 * answer (`ProblemError` and its subclasses, chosen by status as in the Python client), a request
 * that got no answer (`TransportError`), an intent that ended without a warrant (`IntentEnded`), a
 * wait that ran out (`StillPending`), or a warrant that failed offline verification
 * (`WarrantInvalid`). Misuse (a missing tenant, params JSON cannot hold) is a `TypeError`.
 */
import type { ApprovalDecision, Intent } from "./models.js";

/** The prefix of Writ's problem types (`urn:writ:problem:…`). */
export const PROBLEM_PREFIX = "urn:writ:problem:";

/**
 * The problem types Writ answers with, by status (`about:blank` is also possible for every
 * status: a plain HTTP error). 402's type is `quota-exceeded:<quota>`, e.g.
 * `quota-exceeded:intents_per_month`. From the server's OpenAPI document.
 */
export const PROBLEM_TYPES: Readonly<Record<number, readonly string[]>> = Object.freeze({
  400: ["malformed-json", "malformed-http"],
  401: ["unauthenticated", "invalid-credentials", "invalid-signature", "totp-required", "totp-invalid", "metrics-token"],
  402: ["quota-exceeded:<quota>"],
  403: ["forbidden", "csrf"],
  404: ["approval-link-invalid", "approval-link-expired", "approval-link-used", "invitation-invalid"],
  409: ["conflict", "warrant-unusable", "approval-pending"],
  413: [],
  415: [],
  422: ["invalid-request", "idempotency-key-reused"],
  429: ["rate-limited", "throttled", "totp-throttled", "too-many-streams"],
  503: ["database-unavailable", "busy", "request-timeout", "cancelled", "shutting-down"],
});

/** An RFC 9457 problem as Writ writes it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldError[];
  [member: string]: unknown;
}

/** One invalid input, located by JSON pointer (`/params/replicas`) or header name. */
export interface FieldError {
  path: string;
  message: string;
}

/** Base of every error this client throws. */
export class WritError extends Error {
  override name = "WritError";
}

/** An RFC 9457 problem the server answered with. */
export class ProblemError extends WritError {
  override name = "ProblemError";
  /** The HTTP status. */
  readonly status: number;
  /** The problem body as sent. */
  readonly problem: Problem;
  /** `urn:writ:problem:…`, or `about:blank`. */
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  /** For invalid input: each field by JSON pointer. */
  readonly errors: FieldError[];

  constructor(status: number, problem: Problem) {
    const type = typeof problem.type === "string" ? problem.type : "about:blank";
    const title = typeof problem.title === "string" ? problem.title : "";
    const detail = typeof problem.detail === "string" ? problem.detail : "";
    const errors = Array.isArray(problem.errors)
      ? problem.errors.filter((error): error is FieldError => typeof error === "object" && error !== null)
      : [];
    const fields = errors.map((error) => `${error.path ?? ""}: ${error.message ?? ""}`).join("; ");
    super(`${status} ${title}: ${detail}`.trim() + (fields ? ` (${fields})` : ""));
    this.status = status;
    this.problem = problem;
    this.type = type;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
  }

  /** The problem's name without the `urn:writ:problem:` prefix (`invalid-request`, `warrant-unusable`, …). */
  get kind(): string {
    return this.type.startsWith(PROBLEM_PREFIX) ? this.type.slice(PROBLEM_PREFIX.length) : this.type;
  }
}

/** 400: the request could not be read. */
export class BadRequest extends ProblemError {
  override name = "BadRequest";
}

/** 401: the API key is missing, malformed, unknown, revoked or expired. */
export class Unauthorized extends ProblemError {
  override name = "Unauthorized";
}

/** 402: the plan's quota is used up. */
export class QuotaExceeded extends ProblemError {
  override name = "QuotaExceeded";
  /** The quota used up, e.g. `intents_per_month`. */
  get quota(): string {
    return this.kind.startsWith("quota-exceeded:") ? this.kind.slice("quota-exceeded:".length) : this.kind;
  }
}

/** 403: the key may not do this. */
export class Forbidden extends ProblemError {
  override name = "Forbidden";
}

/** 404: no such intent or warrant (in this organisation; other tenants' look the same). */
export class NotFound extends ProblemError {
  override name = "NotFound";
}

/** 409: the state does not allow it (already decided, already redeemed, revoked, expired, …). */
export class Conflict extends ProblemError {
  override name = "Conflict";
}

/** 413: the body is larger than the server takes (256 KiB). */
export class PayloadTooLarge extends ProblemError {
  override name = "PayloadTooLarge";
}

/** 415: the body is not `application/json`. */
export class UnsupportedMediaType extends ProblemError {
  override name = "UnsupportedMediaType";
}

/** 422: the body or query is invalid; `errors` names each field by JSON pointer. */
export class InvalidRequest extends ProblemError {
  override name = "InvalidRequest";
}

/** 422: the idempotency key was used before with another body. */
export class IdempotencyKeyReused extends InvalidRequest {
  override name = "IdempotencyKeyReused";
}

/** 429: too many requests; `retryAfter` seconds (from `Retry-After`) when the server said. */
export class RateLimited extends ProblemError {
  override name = "RateLimited";
  constructor(status: number, problem: Problem, readonly retryAfter: number | null) {
    super(status, problem);
  }
}

/** 503: the server or its database is unavailable for a moment; `retryAfter` as for 429. */
export class Unavailable extends ProblemError {
  override name = "Unavailable";
  constructor(status: number, problem: Problem, readonly retryAfter: number | null) {
    super(status, problem);
  }
}

/** Any other status (500, 502, 504, …). */
export class ServerError extends ProblemError {
  override name = "ServerError";
}

/** The request got no answer: the connection failed, broke or timed out (after the client's
 * retries). `cause` is the underlying error. */
export class TransportError extends WritError {
  override name = "TransportError";
}

/** An intent ended without a warrant; `intent` is its last state, `decisions` the approvers'
 * decisions when the server sent them. */
export class IntentEnded extends WritError {
  override name = "IntentEnded";
  readonly decisions: ApprovalDecision[];
  constructor(readonly intent: Intent, message: string) {
    super(message);
    this.decisions = [...(intent.decisions ?? [])];
  }
}

/** The policy denies the action: nobody can approve it. */
export class Denied extends IntentEnded {
  override name = "Denied";
}

/** An approver (or the board) rejected the intent. */
export class Rejected extends IntentEnded {
  override name = "Rejected";
  /** The rejecting approvers' comments, joined; `null` when none wrote one. */
  get comment(): string | null {
    const comments = this.decisions.filter((entry) => entry.decision === "reject" && entry.comment).map((entry) => entry.comment);
    return comments.length ? comments.join("; ") : null;
  }
}

/** Nobody decided before the deadline. */
export class Expired extends IntentEnded {
  override name = "Expired";
}

/** The intent was withdrawn. */
export class Cancelled extends IntentEnded {
  override name = "Cancelled";
}

/** The wait ended while the intent still waits for approval; `intent` is its state. */
export class StillPending extends WritError {
  override name = "StillPending";
  constructor(readonly intent: Intent) {
    super(`intent ${intent.id} is still pending approval (${intent.tier ?? "no tier"})`);
  }
}

/** Why a warrant failed offline verification. */
export type WarrantFailure =
  | "malformed" // not a compact JWS with JSON header and claims
  | "type" // typ is not writ-warrant+jwt, alg is not EdDSA, or a critical extension
  | "issuer" // iss is not the pinned issuer (checked before any key is fetched)
  | "tenant" // tenant is not the pinned tenant (checked before any key is fetched)
  | "unknown-key" // kid missing, or not in the pinned tenant's key set
  | "keys-unavailable" // the pinned tenant's key set could not be fetched or read
  | "tenant-unknown" // a client without a configured tenant could not learn its key's (GET /v1/me)
  | "signature" // the Ed25519 signature does not verify
  | "claims" // a required claim is missing or of the wrong type
  | "expired" // exp (+ leeway) has passed
  | "not-yet-valid" // nbf or iat (− leeway) is in the future
  | "audience" // aud does not name the expected audience
  | "action" // another action or resource
  | "action-digest"; // action_digest does not match these params

/** A warrant failed offline verification; `reason` says which check. */
export class WarrantInvalid extends WritError {
  override name = "WarrantInvalid";
  constructor(readonly reason: WarrantFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The typed error for an error answer (`status` ≥ 400) with `body` (parsed JSON, or text). */
export function problemError(status: number, body: unknown, retryAfter?: string | null): ProblemError {
  const problem: Problem =
    typeof body === "object" && body !== null && !Array.isArray(body)
      ? (body as Problem)
      : { title: "Error", detail: String(body ?? "").slice(0, 500) };
  const kind = typeof problem.type === "string" && problem.type.startsWith(PROBLEM_PREFIX) ? problem.type.slice(PROBLEM_PREFIX.length) : "";
  const wait = retryAfter && /^\s*\d+\s*$/.test(retryAfter) ? Number(retryAfter) : null;
  switch (status) {
    case 400: return new BadRequest(status, problem);
    case 401: return new Unauthorized(status, problem);
    case 402: return new QuotaExceeded(status, problem);
    case 403: return new Forbidden(status, problem);
    case 404: return new NotFound(status, problem);
    case 409: return new Conflict(status, problem);
    case 413: return new PayloadTooLarge(status, problem);
    case 415: return new UnsupportedMediaType(status, problem);
    case 422: return kind === "idempotency-key-reused" ? new IdempotencyKeyReused(status, problem) : new InvalidRequest(status, problem);
    case 429: return new RateLimited(status, problem, wait);
    case 503: return new Unavailable(status, problem, wait);
    default: return new ServerError(status, problem);
  }
}
