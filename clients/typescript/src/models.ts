/** What the server answers, as plain typed objects. */
import type { JsonObject, JsonValue } from "./json.js";

/** Risk tiers, from auto-approved (T0) to board quorum (T3). */
export type Tier = "T0" | "T1" | "T2" | "T3";

/** An intent's states (CONTRACT §1). */
export type IntentStatus =
  | "pending_approval"
  | "approved"
  | "executed"
  | "failed"
  | "rejected"
  | "expired"
  | "cancelled"
  | "denied";

export const PENDING = "pending_approval";
export const APPROVED = "approved";
/** States in which an intent ended without a warrant. */
export const ENDED_WITHOUT_WARRANT: readonly string[] = ["denied", "rejected", "expired", "cancelled"];
/** States in which the intent's action was carried out (or tried): a later call is a new action. */
export const CARRIED_OUT: readonly string[] = ["executed", "failed"];

/** A policy rule that matched the intent, and why. */
export interface Rule {
  readonly id: string;
  readonly reason: string;
}

/** Why the intent got its tier: every matching rule and its reason. */
export interface Decision {
  /** `allow` or `deny`. */
  readonly outcome: string;
  /** Absent (null) when denied. */
  readonly tier: Tier | null;
  readonly rules: readonly Rule[];
  /** Each matching rule's reason. */
  readonly reasons: readonly string[];
  readonly raw: JsonObject;
}

/** One person's decision on an intent. */
export interface ApprovalDecision {
  readonly userId: string;
  readonly email: string;
  /** `approve` or `reject`. */
  readonly decision: string;
  readonly comment: string | null;
  readonly mfa: boolean;
  readonly at: string;
}

/** What a warrant says (CONTRACT §2); claim names as in the token. */
export interface WarrantClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  tenant: string;
  intent: string;
  action: string;
  resource: string;
  tier: Tier;
  action_digest: string;
  policy: { id: string; version: number };
  approvals: { by: string; at: number; mfa: boolean }[];
  [claim: string]: JsonValue;
}

/**
 * An execution intent as the server last reported it.
 *
 * `warrant` (the compact JWS) is there for the submitting agent once the intent is approved;
 * `warrantClaims` (what it says) for every reader. `decisions` lists the approvers' decisions when
 * the answer carried them (reads do; submissions do not: `null`). `replayed` is true when a
 * submission's idempotency key found an intent filed before.
 */
export interface Intent {
  readonly id: string;
  readonly status: IntentStatus;
  readonly tier: Tier | null;
  readonly action: string;
  readonly resource: string;
  readonly params: JsonObject;
  readonly target: string | null;
  readonly decision: Decision;
  readonly warrant: string | null;
  readonly warrantClaims: WarrantClaims | null;
  readonly expiresAt: string | null;
  readonly decisions: readonly ApprovalDecision[] | null;
  readonly replayed: boolean;
  /** Whether it still waits for approval. */
  readonly pending: boolean;
  /** Whether it is approved and this answer carries its warrant. */
  readonly approved: boolean;
  /** The id of its warrant (what `redeem` takes), once one was issued. */
  readonly jti: string | null;
  /** The answer as the server wrote it. */
  readonly raw: JsonObject;
}

function object(value: unknown): JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** The decision as the server writes it (`{outcome, tier, rules, …}`). */
export function parseDecision(value: unknown): Decision {
  const raw = object(value);
  const rules = (Array.isArray(raw.rules) ? raw.rules : []).map((rule) => {
    const fields = object(rule);
    return Object.freeze({ id: String(fields.id ?? ""), reason: String(fields.reason ?? "") });
  });
  return Object.freeze({
    outcome: String(raw.outcome ?? ""),
    tier: text(raw.tier) as Tier | null,
    rules: Object.freeze(rules),
    reasons: Object.freeze(rules.map((rule) => rule.reason)),
    raw,
  });
}

/** One approver's decision as the server writes it. */
export function parseApprovalDecision(value: unknown): ApprovalDecision {
  const raw = object(value);
  return Object.freeze({
    userId: String(raw.user_id ?? ""),
    email: String(raw.email ?? ""),
    decision: String(raw.decision ?? ""),
    comment: text(raw.comment),
    mfa: raw.mfa === true,
    at: String(raw.at ?? ""),
  });
}

/** The intent as the server writes it; `replayed` from the `Idempotent-Replayed` header. */
export function parseIntent(value: unknown, replayed = false): Intent {
  const raw = object(value);
  if (typeof raw.id !== "string" || typeof raw.status !== "string") {
    throw new TypeError("not an intent: the answer has no id and status");
  }
  const claims = typeof raw.warrant_claims === "object" && raw.warrant_claims !== null && !Array.isArray(raw.warrant_claims)
    ? (raw.warrant_claims as unknown as WarrantClaims)
    : null;
  const warrant = text(raw.warrant);
  const decisions = Array.isArray(raw.decisions)
    ? Object.freeze(raw.decisions.filter((entry) => typeof entry === "object" && entry !== null).map(parseApprovalDecision))
    : null;
  return Object.freeze({
    id: raw.id,
    status: raw.status as IntentStatus,
    tier: text(raw.tier) as Tier | null,
    action: String(raw.action ?? ""),
    resource: String(raw.resource ?? ""),
    params: object(raw.params),
    target: text(raw.target),
    decision: parseDecision(raw.decision),
    warrant,
    warrantClaims: claims,
    expiresAt: text(raw.expires_at),
    decisions,
    replayed,
    pending: raw.status === PENDING,
    approved: raw.status === APPROVED && warrant !== null,
    jti: claims && typeof claims.jti === "string" ? claims.jti : null,
    raw,
  });
}
