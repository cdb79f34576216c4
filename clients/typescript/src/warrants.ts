/**
 * Offline warrant verification, pinned to one issuer and one tenant, with `action_digest` recomputed.
 *
 * A verifier accepts the warrants of exactly one tenant of exactly one Writ server: both come from
 * the executor's configuration, never from the token. A token naming another issuer or tenant is
 * refused before any key is fetched, and keys are fetched only from the pinned server, for the
 * pinned tenant. (Anyone can sign up on a shared server and have it sign warrants for whatever
 * action, resource and audience their own policy allows: only the tenant tells theirs from yours.)
 */
import { base64url, fromBase64url, fromUtf8, sha256, subtle, utf8 } from "./encoding.js";
import { WarrantInvalid } from "./errors.js";
import { canonicalBytes } from "./json.js";
import type { WarrantClaims } from "./models.js";

/** The `typ` of every warrant. */
export const WARRANT_TYPE = "writ-warrant+jwt";

/** Claims every warrant carries (CONTRACT §2); a token without one of them is refused. */
const REQUIRED = ["iss", "sub", "aud", "jti", "iat", "nbf", "exp", "tenant", "intent", "action", "resource", "action_digest"] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An RFC 7517 JWK Set as Writ serves it. */
export interface JwkSet {
  keys: { kty?: string; crv?: string; kid?: string; alg?: string; use?: string; x?: string; [member: string]: unknown }[];
}

/** What a warrant must be for: exactly what the executor is about to do, and who it is. */
export interface WarrantExpectation {
  action: string;
  resource: string;
  /** The params as the executor will use them (default `{}`); hashed with RFC 8785. */
  params?: object | null;
  /** This executor's audience: the intent's `target`, else the action's first segment. */
  audience: string;
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat` (default 5). */
  leeway?: number;
  /** The time to check `exp`/`nbf`/`iat` against (default now). */
  currentDate?: Date;
}

export interface WarrantVerifierOptions {
  /** The Writ server the keys come from: `{baseUrl}/v1/tenants/{tenant}/jwks.json`. */
  baseUrl: string;
  /** The id of the tenant whose warrants are accepted (a UUID; `GET /v1/me` answers it for an API key). */
  tenant: string;
  /** The `iss` warrants name (the server's `WRIT_PUBLIC_URL`); default `baseUrl`. */
  issuer?: string;
  /** Replaces the HTTP GET of the key set (gets the URL; returns the parsed set). */
  fetchJwks?: (url: string) => Promise<JwkSet>;
  /** The `fetch` used for the key set when `fetchJwks` is not given (default the global one). */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  /** Seconds between key-set fetches for an unknown `kid` (default 30). */
  refreshInterval?: number;
}

/** `tenant` as Writ writes tenant ids (a lower-case UUID); a `TypeError` when it is none. */
export function tenantId(tenant: unknown): string {
  if (typeof tenant !== "string" || !tenant.trim()) {
    throw new TypeError(
      "a warrant verifier needs the id of the tenant whose warrants it accepts (tenant: a UUID; GET /v1/me answers it " +
        "for your API key); it never takes the tenant from the token",
    );
  }
  const normalized = tenant.trim().toLowerCase();
  if (!UUID.test(normalized)) throw new TypeError(`tenant must be a Writ tenant id (a UUID), not ${JSON.stringify(tenant.slice(0, 64))}`);
  return normalized;
}

function stripSlashes(url: string): string {
  return url.replace(/\/+$/, "");
}

/** base64url (no padding) of SHA-256 over the RFC 8785 bytes of `{action, resource, params}`. */
export async function actionDigest(action: string, resource: string, params?: object | null): Promise<string> {
  const value = params ?? {};
  if (typeof value !== "object" || Array.isArray(value)) throw new TypeError("params must be a JSON object");
  return base64url(await sha256(canonicalBytes({ action, resource, params: value })));
}

function shown(value: unknown): string {
  return value === undefined || value === null ? "none" : JSON.stringify(String(value).slice(0, 64));
}

interface Decoded {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signingInput: Uint8Array;
  signature: Uint8Array;
}

function decode(token: unknown): Decoded {
  if (typeof token !== "string") throw new WarrantInvalid("malformed", "not a warrant: not a string");
  const parts = token.split(".");
  if (parts.length !== 3) throw new WarrantInvalid("malformed", "not a warrant: a compact JWS has three parts");
  try {
    const header: unknown = JSON.parse(fromUtf8(fromBase64url(parts[0]!)));
    const claims: unknown = JSON.parse(fromUtf8(fromBase64url(parts[1]!)));
    const signature = fromBase64url(parts[2]!);
    if (typeof header !== "object" || header === null || Array.isArray(header)) throw new TypeError("the header is not a JSON object");
    if (typeof claims !== "object" || claims === null || Array.isArray(claims)) throw new TypeError("the claims are not a JSON object");
    return {
      header: header as Record<string, unknown>,
      claims: claims as Record<string, unknown>,
      signingInput: utf8(`${parts[0]}.${parts[1]}`),
      signature,
    };
  } catch (error) {
    throw new WarrantInvalid("malformed", `not a warrant: ${(error as Error).message}`, { cause: error });
  }
}

/** The claims of `token` without verifying anything: for showing, never for deciding. */
export function unverifiedClaims(token: string): Record<string, unknown> {
  return decode(token).claims;
}

interface KeySet {
  fetchedAt: number;
  keys: Map<string, CryptoKey>;
}

async function importKeys(set: unknown): Promise<Map<string, CryptoKey>> {
  const keys = new Map<string, CryptoKey>();
  const entries = typeof set === "object" && set !== null && Array.isArray((set as JwkSet).keys) ? (set as JwkSet).keys : null;
  if (!entries) throw new TypeError("not a JWK Set");
  for (const jwk of entries) {
    if (typeof jwk !== "object" || jwk === null) continue;
    if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.kid !== "string" || typeof jwk.x !== "string") continue;
    if (jwk.alg !== undefined && jwk.alg !== "EdDSA") continue;
    if (jwk.use !== undefined && jwk.use !== "sig") continue;
    try {
      const raw = fromBase64url(jwk.x);
      if (raw.length !== 32) continue;
      keys.set(jwk.kid, await subtle().importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]));
    } catch {
      // A key this runtime cannot import verifies nothing; the others still do.
    }
  }
  return keys;
}

/**
 * Verifies the warrants of one tenant (`tenant`) of one Writ server (`baseUrl`, whose warrants
 * name `issuer` as `iss`; by default `baseUrl`).
 *
 * The tenant's key set is fetched from `{baseUrl}/v1/tenants/{tenant}/jwks.json` only, cached,
 * and fetched again only for a `kid` it does not hold (a rotation), at most every
 * `refreshInterval` seconds.
 *
 * Offline verification cannot see revocation or a first use: redeem the warrant
 * (`Writ.redeem`) before acting on it when that matters.
 */
export class WarrantVerifier {
  readonly baseUrl: string;
  readonly issuer: string;
  readonly tenant: string;
  readonly refreshInterval: number;
  private readonly fetchJwks: (url: string) => Promise<unknown>;
  private keySet: KeySet | null = null;
  private inflight: Promise<KeySet> | null = null;

  constructor(options: WarrantVerifierOptions) {
    if (typeof options?.baseUrl !== "string" || !options.baseUrl) throw new TypeError("a warrant verifier needs the Writ server's baseUrl");
    this.baseUrl = stripSlashes(options.baseUrl);
    this.issuer = stripSlashes(options.issuer ?? this.baseUrl);
    this.tenant = tenantId(options.tenant);
    this.refreshInterval = options.refreshInterval ?? 30;
    const fetcher = options.fetch ?? ((input: string, init?: RequestInit) => globalThis.fetch(input, init));
    this.fetchJwks = options.fetchJwks ?? (async (url: string) => {
      const response = await fetcher(url, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
      return (await response.json()) as unknown;
    });
  }

  /** Where the pinned tenant's keys come from: the only URL this verifier fetches. */
  get jwksUrl(): string {
    return `${this.baseUrl}/v1/tenants/${this.tenant}/jwks.json`;
  }

  /**
   * The warrant's claims if it is from this verifier's issuer, for its tenant, signed by that
   * tenant's key, current, for `audience`, and for exactly this action, resource and params;
   * `WarrantInvalid` (with `reason`) otherwise.
   */
  async verify(token: string, expected: WarrantExpectation): Promise<WarrantClaims> {
    const leeway = expected.leeway ?? 5;
    const { header, claims, signingInput, signature } = decode(token);
    if (header.typ !== WARRANT_TYPE || header.alg !== "EdDSA") {
      throw new WarrantInvalid("type", `not a Writ warrant (typ ${shown(header.typ)}, alg ${shown(header.alg)})`);
    }
    if (header.crit !== undefined) throw new WarrantInvalid("type", "the warrant names critical extensions this verifier does not know");
    // Pinned before any key is fetched: nothing the token says chooses the keys it is checked with.
    if (claims.iss !== this.issuer) {
      throw new WarrantInvalid("issuer", `the warrant is from another issuer (${shown(claims.iss)}); this verifier accepts only ${JSON.stringify(this.issuer)}`);
    }
    if (claims.tenant !== this.tenant) {
      throw new WarrantInvalid("tenant", `the warrant is for another tenant (${shown(claims.tenant)}); this verifier accepts only tenant ${this.tenant}`);
    }
    const kid = typeof header.kid === "string" ? header.kid : "";
    const key = await this.key(kid);
    let valid = false;
    try {
      valid = signature.length === 64 && (await subtle().verify({ name: "Ed25519" }, key, signature, signingInput));
    } catch {
      valid = false;
    }
    if (!valid) throw new WarrantInvalid("signature", "the warrant does not verify: its signature is not the tenant's key's");

    for (const name of REQUIRED) {
      if (claims[name] === undefined) throw new WarrantInvalid("claims", `the warrant does not verify: the ${name} claim is missing`);
    }
    for (const name of ["iat", "nbf", "exp"] as const) {
      if (typeof claims[name] !== "number" || !Number.isFinite(claims[name])) {
        throw new WarrantInvalid("claims", `the warrant does not verify: ${name} is not a NumericDate`);
      }
    }
    const now = (expected.currentDate ?? new Date()).getTime() / 1000;
    if (now > (claims.exp as number) + leeway) throw new WarrantInvalid("expired", "the warrant has expired");
    if (now + leeway < (claims.nbf as number)) throw new WarrantInvalid("not-yet-valid", "the warrant is not valid yet (nbf)");
    if (now + leeway < (claims.iat as number)) throw new WarrantInvalid("not-yet-valid", "the warrant was issued in the future (iat)");
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(expected.audience)) {
      throw new WarrantInvalid("audience", `the warrant is for another audience (${shown(audiences.join(","))}), not ${JSON.stringify(expected.audience)}`);
    }
    if (claims.action !== expected.action || claims.resource !== expected.resource) {
      throw new WarrantInvalid("action", "the warrant is for another action or resource");
    }
    if (claims.action_digest !== (await actionDigest(expected.action, expected.resource, expected.params))) {
      throw new WarrantInvalid("action-digest", "the warrant's action_digest does not match these params");
    }
    return claims as WarrantClaims;
  }

  private async key(kid: string): Promise<CryptoKey> {
    if (!kid) throw new WarrantInvalid("unknown-key", "the warrant names no signing key");
    let set = this.keySet;
    if (set?.keys.has(kid)) return set.keys.get(kid)!;
    if (this.inflight) {
      set = await this.inflight;
    } else {
      if (set && Date.now() - set.fetchedAt < this.refreshInterval * 1000) {
        throw new WarrantInvalid("unknown-key", `unknown signing key ${shown(kid)}`);
      }
      set = await this.refresh();
    }
    const key = set.keys.get(kid);
    if (!key) throw new WarrantInvalid("unknown-key", `unknown signing key ${shown(kid)}`);
    return key;
  }

  private async refresh(): Promise<KeySet> {
    const url = this.jwksUrl;
    this.inflight = (async () => {
      try {
        const set = { fetchedAt: Date.now(), keys: await importKeys(await this.fetchJwks(url)) };
        this.keySet = set;
        return set;
      } catch (error) {
        throw new WarrantInvalid("keys-unavailable", `cannot fetch the keys of tenant ${this.tenant}: ${(error as Error).message ?? error}`, { cause: error });
      } finally {
        this.inflight = null;
      }
    })();
    return this.inflight;
  }
}

/** Everything `verifyWarrant` needs: the expectation and both pins. */
export interface VerifyWarrantOptions extends WarrantExpectation {
  /** The Writ server's base URL as warrants name it in `iss`, from your configuration. */
  issuer: string;
  /** The id of the tenant whose warrants you accept, from your configuration. */
  tenant: string;
  /** A verifier to use (pinned to the same issuer and tenant), else one cached per (issuer, tenant). */
  verifier?: WarrantVerifier;
}

const verifiers = new Map<string, WarrantVerifier>();

/**
 * Verifies a warrant offline for the tenant `tenant` of the Writ server `issuer`; returns its claims.
 *
 * Both pins come from your configuration: a warrant of any other issuer or tenant is refused before
 * a key is fetched, and keys come only from `{issuer}/v1/tenants/{tenant}/jwks.json`. The default
 * verifiers are cached per (issuer, tenant); a `verifier` given must carry the same pins.
 */
export async function verifyWarrant(token: string, options: VerifyWarrantOptions): Promise<WarrantClaims> {
  if (typeof options?.issuer !== "string" || !options.issuer) throw new TypeError("verifyWarrant needs issuer: the Writ server's URL, from your configuration");
  const issuer = stripSlashes(options.issuer);
  const tenant = tenantId(options.tenant);
  let verifier = options.verifier;
  if (!verifier) {
    const cacheKey = `${issuer} ${tenant}`;
    verifier = verifiers.get(cacheKey);
    if (!verifier) {
      verifier = new WarrantVerifier({ baseUrl: issuer, tenant });
      verifiers.set(cacheKey, verifier);
    }
  } else if (verifier.issuer !== issuer || verifier.tenant !== tenant) {
    throw new TypeError(`the verifier is pinned to tenant ${verifier.tenant} of ${JSON.stringify(verifier.issuer)}, not to tenant ${tenant} of ${JSON.stringify(issuer)}`);
  }
  return verifier.verify(token, options);
}
