/** `governed(fn, options)`: a tool function that runs only with an approved warrant for exactly its call. */
import type { Writ } from "./client.js";
import { randomUUID, sha256, utf8 } from "./encoding.js";
import { StillPending, WritError } from "./errors.js";
import { canonicalBytes } from "./json.js";
import type { JsonObject, JsonValue } from "./json.js";
import { APPROVED } from "./models.js";
import type { Intent } from "./models.js";
import { requireWarrant } from "./outcomes.js";

/** What `redact` records in place of a value. */
export const REDACTED = "[redacted]";
/** A key's lineage is walked at most this far in one call (then a one-off key is used). */
const MAX_LINEAGE = 100;

export interface GovernedOptions<A extends unknown[], R = unknown> {
  /** The client the intents are filed with (an agent's key, scope `intents`). */
  client: Writ;
  /** The intent's action, e.g. `k8s.deployment.scale`. */
  action: string;
  /** The intent's resource, or a function of the call's arguments. */
  resource: string | ((...args: A) => string);
  /**
   * What is recorded as the intent's params (and bound into the warrant's `action_digest`; the
   * audit log cannot be edited afterwards): a function of the call's arguments. Default: the single
   * plain-object argument, `{}` for none, else `{args: [...]}`. Values JSON cannot hold become
   * text (bigints their digits), as in the Python client.
   */
  params?: (...args: A) => object;
  /** Members of the recorded params never recorded. */
  exclude?: readonly string[];
  /** Members of the recorded params recorded as `"[redacted]"`. */
  redact?: readonly string[];
  /** The tool's name, part of the idempotency key (default `fn.name`, else the action). */
  name?: string;
  /** What separates one logical action from another with the same arguments: a run, conversation or
   * thread id. A string or a function of the arguments; part of the idempotency key. */
  scope?: string | ((...args: A) => string | null | undefined);
  /** Replaces the derived idempotency key altogether (a string or a function of the arguments). */
  key?: string | ((...args: A) => string);
  /** Seconds to wait for the decision (default 300; 0: do not wait); then `StillPending`. */
  timeout?: number;
  /** The executor the warrant is for (its `aud`). */
  target?: string;
  /** Why, for the approvers. */
  justification?: string;
  /** The reported summary of a result (default its text, or its JSON); `null` reports none. */
  summary?: ((result: R) => string | null | undefined) | null;
}

/** What a governed call's idempotency key is derived from. */
export interface GovernedCall {
  tool: string;
  scope?: string | null;
  action: string;
  resource: string;
  params: object;
  target?: string | null;
  justification?: string | null;
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * The idempotency key of one logical call: `writ-ts-` + lower-case hex SHA-256 of the RFC 8785
 * bytes of `{"action", "justification", "params", "resource", "scope", "target", "tool"}` (absent
 * ones `null`). The same call always gives the same key, any difference another — also in what the
 * server compares (action, resource, params, target, justification), so a changed body is a new
 * key, never a 422. Lineage step n ≥ 1 of a key is `key#n` (`lineageKey`).
 */
export async function governedKey(call: GovernedCall, generation = 0): Promise<string> {
  const digest = hex(await sha256(canonicalBytes({
    action: call.action, justification: call.justification ?? null, params: call.params, resource: call.resource,
    scope: call.scope ?? null, target: call.target ?? null, tool: call.tool,
  })));
  return lineageKey(`writ-ts-${digest}`, generation);
}

/** Step `generation` of `key`'s lineage: `key`, `key#1`, `key#2`, … (a key over 240 characters is hashed first). */
export async function lineageKey(key: string, generation: number): Promise<string> {
  const base = key.length > 240 ? `writ-ts-${hex(await sha256(utf8(key)))}` : key;
  return generation > 0 ? `${base}#${generation}` : base;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const bigints = (_key: string, member: unknown): unknown => (typeof member === "bigint" ? member.toString() : member);

/** `value` as JSON: bigints as their digits, the rest as `JSON.stringify` makes it. */
function jsonOf(value: unknown): JsonValue {
  const text = JSON.stringify(value, bigints);
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}

function defaultParams(args: unknown[]): object {
  if (args.length === 0) return {};
  if (args.length === 1 && isPlainObject(args[0])) return args[0];
  return { args };
}

/** The default summary: the text, or the JSON, of the result. */
function summarize(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value === undefined) return null;
  try {
    return JSON.stringify(value, bigints) ?? null;
  } catch {
    return String(value);
  }
}

/**
 * Whether a call that found `intent` again (by its key) continues with it: while it is pending;
 * approved, with a warrant still valid, and not settled here; or rejected or cancelled before its
 * deadline and not settled here — the outcome an earlier call of the same action is waiting for.
 * Carried out, denied or expired, it is over: the call is a new action.
 */
function usable(intent: Intent, settled: (intentId: string) => boolean): boolean {
  if (intent.pending) return true;
  if (settled(intent.id) || ![APPROVED, "rejected", "cancelled"].includes(intent.status)) return false;
  if (intent.status === APPROVED) {
    const exp = intent.warrantClaims?.exp;
    return typeof exp !== "number" || exp * 1000 > Date.now();
  }
  return intent.expiresAt !== null && Date.parse(intent.expiresAt) > Date.now();
}

interface Filing {
  action: string;
  resource: string;
  params: JsonObject;
  key: string;
  target?: string;
  justification?: string;
}

/** The intent of `filing.key`: the one an earlier call filed while it is still usable, else a new
 * one under the key's next generation (the client remembers how far each key went). */
async function fileIntent(client: Writ, filing: Filing): Promise<Intent> {
  const ledger = client.ledger;
  const start = ledger.generation(filing.key);
  for (let generation = start; ; generation++) {
    const oneOff = generation - start >= MAX_LINEAGE;
    if (oneOff) {
      client.logger.warn(`writ: ${MAX_LINEAGE} ended intents share the key of this ${filing.action} call: it files a one-off intent (give it a scope)`);
    }
    const idempotencyKey = oneOff ? `writ-ts-${randomUUID()}` : await lineageKey(filing.key, generation);
    const intent = await client.submit(filing.action, filing.resource, filing.params, {
      target: filing.target, justification: filing.justification, idempotencyKey,
    });
    if (!intent.replayed || oneOff || usable(intent, (id) => ledger.claimed(id))) {
      ledger.reached(filing.key, generation, oneOff ? null : intent.id); // a later call starts here
      return intent;
    }
  }
}

/**
 * `fn` governed by Writ: each call files an intent (action, resource and params from the call),
 * waits up to `timeout` seconds for its decision, runs `fn` only with an approved warrant, and
 * reports `executed` (with the summary of the result) or `failed` (with the error, which is
 * rethrown). A denial, rejection, expiry or cancellation throws `Denied`, `Rejected`, `Expired` or
 * `Cancelled` without running `fn`; a decision still pending after `timeout` throws
 * `StillPending` — call again with the same arguments to keep waiting for the same intent.
 *
 * How retries find their intent: every call carries an idempotency key derived from the tool's
 * name, the action, the resource, the recorded params, the target, the justification and `scope`
 * (`governedKey`). A call repeated while its intent is open (pending, or decided and not yet acted
 * on by this process) finds that intent again — also from a restarted process — so an agent that
 * retries after `StillPending` waits for the same approval instead of asking anew. Once the intent
 * has ended (run, denied, expired, or its rejection raised here), the next call with the same key is
 * a new action and files a new intent (the key's next generation, `key#n`).
 *
 * A result is never lost to a report that fails: a report Writ cannot take now is kept (bounded)
 * and sent before the next governed call and by `client.flushReports()`/`close()`; one Writ refuses
 * for good is dropped with a warning. `fn`'s value is returned either way.
 */
export function governed<A extends unknown[], R>(
  fn: (...args: A) => R | PromiseLike<R>,
  options: GovernedOptions<A, Awaited<R>>,
): (...args: A) => Promise<Awaited<R>> {
  const { client, action } = options;
  if (typeof fn !== "function") throw new TypeError("governed needs the tool function first");
  if (!client || typeof client.submit !== "function") throw new TypeError("governed needs options.client, a Writ client");
  if (typeof action !== "string" || !action) throw new TypeError("governed needs options.action");
  const tool = options.name ?? (fn.name || action);
  const timeout = options.timeout ?? 300;
  const summary = options.summary === undefined ? summarize : options.summary;

  return async function run(...args: A): Promise<Awaited<R>> {
    await client.flushReports().catch((error: unknown) => client.logger.warn(`writ: could not deliver the kept reports: ${(error as Error).message}`));
    const resource = typeof options.resource === "function" ? options.resource(...args) : options.resource;
    const recorded = jsonOf(options.params ? options.params(...args) : defaultParams(args));
    if (typeof recorded !== "object" || recorded === null || Array.isArray(recorded)) throw new TypeError("governed: params must be a JSON object");
    for (const name of options.exclude ?? []) delete recorded[name];
    for (const name of options.redact ?? []) if (name in recorded) recorded[name] = REDACTED;
    const scope = typeof options.scope === "function" ? options.scope(...args) : options.scope;
    const explicit = typeof options.key === "function" ? options.key(...args) : options.key;
    const key = explicit || await governedKey({
      tool, scope, action, resource, params: recorded, target: options.target, justification: options.justification,
    });

    let intent: Intent;
    for (;;) {
      intent = await fileIntent(client, { action, resource, params: recorded, key, target: options.target, justification: options.justification });
      if (intent.pending && timeout > 0) intent = await client.wait(intent.id, timeout);
      if (intent.pending) throw new StillPending(intent);
      if (client.ledger.claim(intent.id)) break; // else another call of this process settled it meanwhile: this call is the next action
    }
    if (intent.status === "rejected" && intent.decisions === null) {
      intent = await client.get(intent.id).catch(() => intent); // who rejected, and why
    }
    requireWarrant(intent);

    let result: Awaited<R>;
    try {
      result = await fn(...args);
    } catch (error) {
      const name = error instanceof Error ? error.name : "Error";
      const message = error instanceof Error ? error.message : String(error);
      await deliver(client, intent, "failed", `${name}: ${message}`);
      throw error;
    }
    let text: string | null = null;
    try {
      text = summary ? summary(result) ?? null : null;
    } catch (error) {
      client.logger.warn(`writ: the summary of intent ${intent.id}'s result failed: ${(error as Error).message}`);
    }
    await deliver(client, intent, "executed", text);
    return result;
  };
}

/** Reports, keeping what Writ cannot take now and never throwing: the action ran. */
async function deliver(client: Writ, intent: Intent, outcome: "executed" | "failed", summary: string | null): Promise<void> {
  try {
    await client.report(intent.id, outcome, summary, { keep: true });
  } catch (error) {
    client.logger.warn(`writ: Writ refused the ${outcome} report of intent ${intent.id}, dropped: ${error instanceof WritError ? error.message : String(error)}`);
  }
}
