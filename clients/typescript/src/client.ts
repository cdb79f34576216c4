/** The client: a Writ server as an agent (or executor) sees it, through one API key. */
import { randomUUID } from "./encoding.js";
import {
  ProblemError, RateLimited, ServerError, StillPending, TransportError, Unavailable, WarrantInvalid, problemError,
} from "./errors.js";
import { requireWarrant } from "./outcomes.js";
import { canonicalize } from "./json.js";
import type { JsonObject, JsonValue } from "./json.js";
import { Ledger } from "./ledger.js";
import type { Logger, Report } from "./ledger.js";
import { parseIntent } from "./models.js";
import type { Intent, WarrantClaims } from "./models.js";
import { WarrantVerifier, tenantId as normalizeTenant } from "./warrants.js";
import type { WarrantExpectation } from "./warrants.js";

/** The client's version, sent in `User-Agent`. */
export const VERSION = "0.1.0";

/** A `fetch` (the global one by default): how the client sends its requests. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface WritOptions {
  /** The `iss` warrants name (the server's `WRIT_PUBLIC_URL`) when it differs from `baseUrl`. */
  issuer?: string;
  /** The tenant whose warrants `verifyWarrant` accepts; default the API key's own, learned once from `GET /v1/me`. */
  tenant?: string;
  /** Seconds a request may take (default 30; long-polls add their wait). */
  timeout?: number;
  /** How often a request is sent again after 429, 503 or a connection failure (default 3). */
  retries?: number;
  /** Replaces the global `fetch` (a proxy, a test double, an instrumented one). */
  fetch?: FetchLike;
  /** Where warnings go (kept or dropped reports); default `console`. */
  logger?: Logger;
  /** At most this many undelivered reports are kept (default 1000). */
  reportLimit?: number;
}

export interface SubmitOptions {
  /** The executor the warrant is for (its `aud`); default the action's first segment. */
  target?: string;
  /** Why, for the approvers (visible characters, up to 2,000). */
  justification?: string;
  /** Every attempt of this call carries it; default one made for the call. */
  idempotencyKey?: string;
}

export interface ReportOptions {
  /** Try once; if Writ cannot take it now (no answer, 429, 503, 5xx), keep it for `flushReports()` and return `null`. */
  keep?: boolean;
}

/** The outcome of `POST /v1/warrants/{jti}/redeem`. */
export interface Redemption {
  jti: string;
  redeemed: boolean;
  [member: string]: JsonValue;
}

interface Call {
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | number>;
  /** Whether a request whose answer was lost may be sent again (reads; submissions with their key). */
  repeatable?: boolean;
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A request that got no answer, and whether it cannot have reached the server. */
class NoAnswer extends Error {
  constructor(readonly failure: unknown, readonly timedOut: boolean, readonly unsent: boolean) {
    super(timedOut ? "timed out" : describe(failure));
  }
}

/** Error codes (Node's) of a connection that was never made: nothing reached the server. */
const UNSENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

function codes(error: unknown, depth = 0): string[] {
  if (typeof error !== "object" || error === null || depth > 3) return [];
  const found: string[] = [];
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string") found.push(code);
  found.push(...codes(cause, depth + 1));
  if (Array.isArray(errors)) for (const inner of errors) found.push(...codes(inner, depth + 1));
  return found;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message || error.name;
  }
  return String(error);
}

function sleep(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}

/** Seconds to wait before attempt `attempt + 1`: the server's Retry-After (at most 30), else 0.5 s doubling (at most 8) with jitter. */
function backoff(attempt: number, error: unknown): number {
  const retryAfter = error instanceof RateLimited || error instanceof Unavailable ? error.retryAfter : null;
  if (retryAfter !== null) return Math.min(retryAfter, 30);
  return Math.min(0.5 * 2 ** attempt, 8) * (0.8 + Math.random() * 0.4);
}

function mayRetry(error: unknown, call: Call): boolean {
  if (error instanceof ProblemError) return error.status === 429 || error.status === 503;
  if (error instanceof NoAnswer) return error.unsent || call.repeatable === true;
  return false;
}

/** Whether a later attempt may succeed: no answer, throttled, unavailable or a server error. */
export function transient(error: unknown): boolean {
  return error instanceof TransportError || error instanceof RateLimited || error instanceof Unavailable ||
    (error instanceof ServerError && error.status >= 500);
}

/** `summary` as the server takes it: control characters as spaces, trimmed, at most 2,000 code points; `null` when nothing is left. */
export function reportSummary(summary: string | null | undefined): string | null {
  if (summary === null || summary === undefined) return null;
  // eslint-disable-next-line no-control-regex
  const visible = [...String(summary).replace(/[\u0000-\u001f\u007f-\u009f]/g, " ").trim()].slice(0, 2000).join("").trim();
  return visible || null;
}

/**
 * A Writ server as an agent (or executor) sees it, through one API key.
 *
 * ```ts
 * const writ = new Writ("https://writ.example.com", process.env.WRIT_API_KEY!);
 * const intent = await writ.submit("k8s.deployment.scale", "prod/web", { replicas: 5 });
 * ```
 *
 * Every failure is a `WritError`: a problem answer (typed by status), or `TransportError` when none
 * came. Requests are sent again after 429 and 503 (after `Retry-After`) and after a connection
 * failure; a submission carries one `Idempotency-Key` for all its attempts, so a retry after a
 * lost answer returns the same intent.
 */
export class Writ {
  readonly baseUrl: string;
  readonly issuer: string;
  readonly retries: number;
  readonly timeout: number;
  readonly #apiKey: string;
  readonly #fetch: FetchLike;
  readonly #logger: Logger;
  readonly #ledger: Ledger;
  #tenant: string | null;
  #tenantLookup: Promise<string> | null = null;
  #verifier: Promise<WarrantVerifier> | null = null;
  #flushing: Promise<number> | null = null;

  constructor(baseUrl: string, apiKey: string, options: WritOptions = {}) {
    if (typeof baseUrl !== "string" || !/^https?:\/\//.test(baseUrl)) throw new TypeError("baseUrl must be the Writ server's http(s) URL");
    if (typeof apiKey !== "string" || !apiKey) throw new TypeError("apiKey must be a Writ API key (writ_…)");
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.issuer = (options.issuer ?? this.baseUrl).replace(/\/+$/, "");
    this.retries = options.retries ?? 3;
    this.timeout = options.timeout ?? 30;
    this.#apiKey = apiKey;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#logger = options.logger ?? console;
    this.#ledger = new Ledger(this.#logger, options.reportLimit ?? 1000);
    this.#tenant = options.tenant !== undefined ? normalizeTenant(options.tenant) : null;
  }

  /** @internal What `governed` remembers across calls. */
  get ledger(): Ledger {
    return this.#ledger;
  }

  /** @internal Where `governed` warns. */
  get logger(): Logger {
    return this.#logger;
  }

  private async once(call: Call, timeout: number): Promise<Answer> {
    let url = this.baseUrl + call.path;
    if (call.query) url += "?" + new URLSearchParams(Object.entries(call.query).map(([name, value]) => [name, String(value)])).toString();
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.#apiKey}`,
      Accept: "application/json",
      "User-Agent": `writ-client-ts/${VERSION}`,
      ...call.headers,
    };
    let body: string | undefined;
    if (call.body !== undefined) {
      body = canonicalize(call.body);
      headers["Content-Type"] = "application/json";
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout * 1000);
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, { method: call.method, headers, body, signal: controller.signal });
      text = await response.text();
    } catch (error) {
      throw new NoAnswer(error, timedOut, !timedOut && codes(error).some((code) => UNSENT.has(code)));
    } finally {
      clearTimeout(timer);
    }
    let parsed: unknown = {};
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (response.status >= 400) throw problemError(response.status, parsed, response.headers.get("retry-after"));
    if (typeof parsed === "string") {
      throw new ServerError(response.status, { title: "Unreadable answer", detail: `the answer to ${call.method} ${call.path} is not JSON` });
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  private async exchange(call: Call, timeout?: number, retries?: number): Promise<Answer> {
    const limit = retries ?? this.retries;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(call, timeout ?? this.timeout);
      } catch (error) {
        if (attempt >= limit || !mayRetry(error, call)) {
          if (error instanceof NoAnswer) {
            throw new TransportError(`no answer from Writ to ${call.method} ${call.path} (${error.timedOut ? `timed out after ${timeout ?? this.timeout} s` : error.message})`,
              { cause: error.failure });
          }
          throw error;
        }
        await sleep(backoff(attempt, error));
      }
    }
  }

  private async send(call: Call, timeout?: number, retries?: number): Promise<unknown> {
    return (await this.exchange(call, timeout, retries)).body;
  }

  /**
   * Submits an intent; the answer says its tier and, for T0, carries the warrant.
   *
   * Every attempt of one call carries the same `Idempotency-Key` (`idempotencyKey`, else one made
   * for this call): a retry after a lost answer returns the same intent, and says so
   * (`intent.replayed`). The same key with another body throws `IdempotencyKeyReused`.
   */
  async submit(action: string, resource: string, params?: object | null, options: SubmitOptions = {}): Promise<Intent> {
    const value = params ?? {};
    if (typeof value !== "object" || Array.isArray(value)) throw new TypeError("params must be a JSON object");
    const body: Record<string, unknown> = { action, resource, params: value };
    if (options.target !== undefined) body.target = options.target;
    if (options.justification !== undefined) body.justification = options.justification;
    canonicalize(body); // what JSON cannot hold is a TypeError before anything is sent
    const key = options.idempotencyKey ?? `writ-ts-${randomUUID()}`;
    const answer = await this.exchange({ method: "POST", path: "/v1/intents", body, headers: { "Idempotency-Key": key }, repeatable: true });
    return parseIntent(answer.body, answer.headers.get("idempotent-replayed") === "true");
  }

  /** The intent's current state, with the approvers' decisions so far. */
  async get(intentId: string): Promise<Intent> {
    return parseIntent(await this.send({ method: "GET", path: `/v1/intents/${encodeURIComponent(intentId)}`, repeatable: true }));
  }

  /**
   * The intent once it left `pending_approval`, or as it is when `timeout` seconds passed (default
   * 60): the server's long-poll (`?wait=`, up to 60 s per request), on any node.
   */
  async wait(intentId: string, timeout = 60): Promise<Intent> {
    const deadline = Date.now() + timeout * 1000;
    let intent = await this.get(intentId);
    while (intent.pending) {
      const left = (deadline - Date.now()) / 1000;
      if (left < 1) return intent;
      const wait = Math.floor(Math.min(left, 60));
      intent = parseIntent(await this.send(
        { method: "GET", path: `/v1/intents/${encodeURIComponent(intentId)}`, query: { wait }, repeatable: true }, wait + 15));
    }
    return intent;
  }

  /** Like `wait`, but throws `Denied`/`Rejected`/`Expired`/`Cancelled`, or `StillPending` when the time ran out. */
  async waitForWarrant(intentId: string, timeout = 60): Promise<Intent> {
    const intent = await this.wait(intentId, timeout);
    if (intent.pending) throw new StillPending(intent);
    return requireWarrant(intent);
  }

  /** Withdraws a pending intent. */
  async cancel(intentId: string): Promise<Intent> {
    return parseIntent(await this.send({ method: "POST", path: `/v1/intents/${encodeURIComponent(intentId)}/cancel`, body: {} }));
  }

  /**
   * Reports how the action went: `outcome` is `executed` or `failed`; `summary` is cleaned to what
   * the server takes (no control characters, at most 2,000 characters).
   *
   * With `{keep: true}` the report is tried once, and if Writ cannot take it now (no answer, 429,
   * 503, 5xx) it is kept (bounded) and sent again by the next `flushReports()` — which `governed`
   * calls before each call and `close()` calls last — and `null` is returned instead of throwing:
   * the action ran, and losing its report must not cost its result.
   */
  report(intentId: string, outcome: "executed" | "failed", summary?: string | null): Promise<Intent>;
  report(intentId: string, outcome: "executed" | "failed", summary: string | null | undefined, options: ReportOptions): Promise<Intent | null>;
  async report(intentId: string, outcome: "executed" | "failed", summary?: string | null, options: ReportOptions = {}): Promise<Intent | null> {
    if (outcome !== "executed" && outcome !== "failed") throw new TypeError('outcome must be "executed" or "failed"');
    const report: Report = Object.freeze({ intentId, outcome, summary: reportSummary(summary) });
    if (!options.keep) return parseIntent(await this.send(reportCall(report)));
    try {
      return parseIntent(await this.send(reportCall(report), undefined, 0));
    } catch (error) {
      if (!transient(error)) throw error;
      this.#logger.warn(`writ: kept the ${outcome} report of intent ${intentId} to send later: ${(error as Error).message}`);
      this.#ledger.keep(report);
      return null;
    }
  }

  /** The reports kept by `report(…, {keep: true})` that Writ has not taken yet, oldest first. */
  get unreported(): Report[] {
    return this.#ledger.reports();
  }

  /**
   * Sends the kept reports, oldest first, until one fails for a reason that may pass; returns how
   * many are still kept. A report Writ refuses for good (the intent was reported already, or is not
   * approved) is dropped with a warning.
   */
  async flushReports(): Promise<number> {
    // One flush at a time: concurrent governed calls share it instead of sending a report twice.
    this.#flushing ??= this.#flush().finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  async #flush(): Promise<number> {
    for (const report of this.#ledger.reports()) {
      try {
        await this.send(reportCall(report), undefined, 0);
      } catch (error) {
        if (transient(error)) break;
        this.#logger.warn(`writ: dropped the ${report.outcome} report of intent ${report.intentId}: ${(error as Error).message}`);
      }
      this.#ledger.delivered(report);
    }
    return this.#ledger.reports().length;
  }

  /** Consumes a warrant (executor key, its audience among the key's): the first call succeeds, every later one throws `Conflict`. */
  async redeem(jti: string): Promise<Redemption> {
    return (await this.send({ method: "POST", path: `/v1/warrants/${encodeURIComponent(jti)}/redeem`, body: {} })) as Redemption;
  }

  /** `GET /v1/me`: the API key, its agent and its tenant. */
  async me(): Promise<JsonObject> {
    return (await this.send({ method: "GET", path: "/v1/me", repeatable: true })) as JsonObject;
  }

  /** The tenant this client verifies warrants for: the `tenant` it was given, else its API key's
   * tenant, asked once of the server (`GET /v1/me`) — never a token's. */
  async tenantId(): Promise<string> {
    if (this.#tenant !== null) return this.#tenant;
    this.#tenantLookup ??= (async () => {
      try {
        const me = await this.me();
        const tenant = (me.tenant as JsonObject | undefined)?.id;
        this.#tenant = normalizeTenant(tenant);
        return this.#tenant;
      } finally {
        this.#tenantLookup = null;
      }
    })();
    return this.#tenantLookup;
  }

  /** The verifier pinned to this client's issuer and tenant (made on first use; keys fetched through this client's `fetch`). */
  async warrants(): Promise<WarrantVerifier> {
    this.#verifier ??= (async () => {
      let tenant: string;
      try {
        tenant = await this.tenantId();
      } catch (error) {
        throw new WarrantInvalid("tenant-unknown", `cannot verify warrants: this API key's tenant is unknown (GET /v1/me: ${(error as Error).message})`,
          { cause: error });
      }
      return new WarrantVerifier({ baseUrl: this.baseUrl, issuer: this.issuer, tenant, fetch: (input, init) => this.#fetch(input, init ?? {}) });
    })();
    try {
      return await this.#verifier;
    } catch (error) {
      this.#verifier = null; // asked again next time
      throw error;
    }
  }

  /**
   * Checks a warrant offline: from this client's issuer, for this client's tenant (see
   * `tenantId`), signed with that tenant's key, current, for exactly this action, resource, params
   * and audience; returns its claims. It cannot see revocation or a first use: `redeem` can.
   */
  async verifyWarrant(token: string, expected: WarrantExpectation): Promise<WarrantClaims> {
    return (await this.warrants()).verify(token, expected);
  }

  /** Tries once more to deliver the reports kept by `report(…, {keep: true})`; returns how many are still kept. */
  async close(): Promise<number> {
    try {
      return await this.flushReports();
    } catch (error) {
      this.#logger.warn(`writ: could not deliver the kept reports: ${(error as Error).message}`);
      return this.#ledger.reports().length;
    }
  }
}

function reportCall(report: Report): Call {
  const body: Record<string, string> = { status: report.outcome };
  if (report.summary !== null) body.summary = report.summary;
  return { method: "POST", path: `/v1/intents/${encodeURIComponent(report.intentId)}/result`, body };
}
