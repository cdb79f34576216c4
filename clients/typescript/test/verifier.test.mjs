// Offline verification against a key set this test makes itself: every check, the pins before any
// key fetch, the key cache and its refresh on an unknown kid.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";

import { WarrantInvalid, WarrantVerifier, actionDigest, tenantId, verifyWarrant } from "../dist/index.js";
import { sign, sleep } from "./helpers.mjs";

const TENANT = "0190a000-0000-7000-8000-0000000000aa";
const OTHER = "0190a000-0000-7000-8000-0000000000bb";
const ISSUER = "https://writ.test";
const EXPECTED = { action: "payments.transfer", resource: "accounts/ops", params: { amount: 9000, to: "DE89" }, audience: "pay" };

async function keyPair(kid) {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
  const jwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
  return { kid, privateKey: pair.privateKey, jwk: { kty: "OKP", crv: "Ed25519", kid, alg: "EdDSA", use: "sig", x: jwk.x } };
}

const signing = await keyPair("k1");
const rotated = await keyPair("k2");
const now = Math.floor(Date.now() / 1000);

async function claims(changes = {}) {
  return {
    iss: ISSUER, sub: "agent", aud: "pay", jti: "jti-0123456789abcdef", iat: now, nbf: now, exp: now + 300, tenant: TENANT,
    intent: "intent", action: EXPECTED.action, resource: EXPECTED.resource, tier: "T0",
    action_digest: await actionDigest(EXPECTED.action, EXPECTED.resource, EXPECTED.params),
    policy: { id: "p", version: 1 }, approvals: [], ...changes,
  };
}

const HEADER = { alg: "EdDSA", kid: "k1", typ: "writ-warrant+jwt" };

/** A verifier whose key-set fetches are counted; `sets` is what successive fetches answer. */
function verifier(sets = [{ keys: [signing.jwk] }], options = {}) {
  const fetched = [];
  const made = new WarrantVerifier({
    baseUrl: `${ISSUER}/`, tenant: TENANT.toUpperCase(), ...options,
    fetchJwks: async (url) => {
      fetched.push(url);
      const set = sets[Math.min(fetched.length - 1, sets.length - 1)];
      if (set instanceof Error) throw set;
      return set;
    },
  });
  return { verifier: made, fetched };
}

async function refused(promise, reason, pattern) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof WarrantInvalid, `${error}`);
    assert.equal(error.reason, reason, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

test("verifier: a well-formed warrant of the pinned tenant verifies; keys come from the pinned tenant's URL, once", async () => {
  const { verifier: pinned, fetched } = verifier();
  assert.equal(pinned.tenant, TENANT);
  assert.equal(pinned.issuer, ISSUER);
  assert.equal(pinned.jwksUrl, `${ISSUER}/v1/tenants/${TENANT}/jwks.json`);
  const token = await sign(HEADER, await claims(), signing.privateKey);
  const verified = await pinned.verify(token, EXPECTED);
  assert.equal(verified.tenant, TENANT);
  assert.equal((await pinned.verify(token, { ...EXPECTED, params: { to: "DE89", amount: 9000 } })).jti, verified.jti);
  assert.deepEqual(fetched, [`${ISSUER}/v1/tenants/${TENANT}/jwks.json`]);
  // aud may be a list.
  const listed = await sign(HEADER, await claims({ aud: ["other", "pay"] }), signing.privateKey);
  assert.equal((await pinned.verify(listed, EXPECTED)).jti, verified.jti);
});

test("verifier: another issuer or tenant is refused before any key is fetched", async () => {
  const { verifier: pinned, fetched } = verifier();
  await refused(pinned.verify(await sign(HEADER, await claims({ tenant: OTHER }), signing.privateKey), EXPECTED), "tenant", /another tenant/);
  await refused(pinned.verify(await sign(HEADER, await claims({ iss: "https://writ.attacker.example" }), signing.privateKey), EXPECTED),
    "issuer", /another issuer/);
  await refused(pinned.verify(await sign(HEADER, await claims({ tenant: undefined }), signing.privateKey), EXPECTED), "tenant");
  assert.deepEqual(fetched, []);
});

test("verifier: header, shape, signature and claims checks", async () => {
  const { verifier: pinned } = verifier();
  const good = await claims();
  await refused(pinned.verify("a.b", EXPECTED), "malformed");
  await refused(pinned.verify("!!.!!.!!", EXPECTED), "malformed");
  await refused(pinned.verify(42, EXPECTED), "malformed");
  await refused(pinned.verify(await sign({ ...HEADER, typ: "JWT" }, good, signing.privateKey), EXPECTED), "type");
  await refused(pinned.verify(await sign({ ...HEADER, alg: "none" }, good, signing.privateKey), EXPECTED), "type");
  await refused(pinned.verify(await sign({ ...HEADER, crit: ["exp"] }, good, signing.privateKey), EXPECTED), "type");
  await refused(pinned.verify(await sign({ ...HEADER, kid: undefined }, good, signing.privateKey), EXPECTED), "unknown-key");
  const token = await sign(HEADER, good, signing.privateKey);
  const [header, payload, signature] = token.split(".");
  // Another key's signature under the pinned key's kid; a truncated one; one byte changed.
  await refused(pinned.verify(await sign(HEADER, good, rotated.privateKey), EXPECTED), "signature", /does not verify/);
  await refused(pinned.verify(`${header}.${payload}.${signature.slice(0, 40)}`, EXPECTED), "signature");
  const flipped = Buffer.from(signature, "base64url");
  flipped[10] ^= 1;
  await refused(pinned.verify(`${header}.${payload}.${flipped.toString("base64url")}`, EXPECTED), "signature");
  // The claims changed after signing.
  const altered = Buffer.from(JSON.stringify({ ...good, resource: "accounts/other" })).toString("base64url");
  await refused(pinned.verify(`${header}.${altered}.${signature}`, { ...EXPECTED, resource: "accounts/other" }), "signature");
  for (const name of ["sub", "jti", "exp", "nbf", "iat", "aud", "action_digest", "intent"]) {
    await refused(pinned.verify(await sign(HEADER, { ...good, [name]: undefined }, signing.privateKey), EXPECTED), "claims", new RegExp(name));
  }
  await refused(pinned.verify(await sign(HEADER, { ...good, exp: "soon" }, signing.privateKey), EXPECTED), "claims");
  await refused(pinned.verify(token, { ...EXPECTED, audience: "k8s" }), "audience");
  await refused(pinned.verify(token, { ...EXPECTED, action: "payments.refund" }), "action");
  await refused(pinned.verify(token, { ...EXPECTED, resource: "accounts/other" }), "action");
  await refused(pinned.verify(token, { ...EXPECTED, params: { amount: 9001, to: "DE89" } }), "action-digest", /action_digest/);
  await refused(pinned.verify(token, { ...EXPECTED, params: {} }), "action-digest");
});

test("verifier: exp, nbf and iat with leeway", async () => {
  const { verifier: pinned } = verifier();
  const expired = await sign(HEADER, await claims({ iat: now - 400, nbf: now - 400, exp: now - 3 }), signing.privateKey);
  await refused(pinned.verify(expired, { ...EXPECTED, leeway: 0 }), "expired");
  assert.ok(await pinned.verify(expired, EXPECTED)); // within the default 5 s
  await refused(pinned.verify(expired, { ...EXPECTED, currentDate: new Date((now + 10) * 1000) }), "expired");
  const early = await sign(HEADER, await claims({ nbf: now + 60, iat: now }), signing.privateKey);
  await refused(pinned.verify(early, EXPECTED), "not-yet-valid", /nbf/);
  assert.ok(await pinned.verify(early, { ...EXPECTED, currentDate: new Date((now + 61) * 1000) }));
  const future = await sign(HEADER, await claims({ iat: now + 60 }), signing.privateKey);
  await refused(pinned.verify(future, EXPECTED), "not-yet-valid", /iat/);
  const current = await sign(HEADER, await claims(), signing.privateKey);
  await refused(pinned.verify(current, { ...EXPECTED, currentDate: new Date((now + 306) * 1000) }), "expired");
});

test("verifier: an unknown kid refetches the set at most every refreshInterval; concurrent lookups share one fetch", async () => {
  const { verifier: pinned, fetched } = verifier([{ keys: [signing.jwk] }, { keys: [signing.jwk, rotated.jwk] }], { refreshInterval: 0.3 });
  const first = await sign(HEADER, await claims(), signing.privateKey);
  const second = await sign({ ...HEADER, kid: "k2" }, await claims(), rotated.privateKey);
  await Promise.all([pinned.verify(first, EXPECTED), pinned.verify(first, EXPECTED), pinned.verify(first, EXPECTED)]);
  assert.equal(fetched.length, 1);
  await refused(pinned.verify(second, EXPECTED), "unknown-key"); // just fetched: not again
  assert.equal(fetched.length, 1);
  await sleep(350);
  assert.ok(await pinned.verify(second, EXPECTED)); // the rotation, fetched after the interval
  assert.equal(fetched.length, 2);
  await refused(pinned.verify(await sign({ ...HEADER, kid: "k3" }, await claims(), rotated.privateKey), EXPECTED), "unknown-key");
  assert.equal(fetched.length, 2);
});

test("verifier: a key set that cannot be fetched is keys-unavailable, and is fetched again next time", async () => {
  const { verifier: pinned, fetched } = verifier([new Error("connection refused"), { keys: [{ kty: "RSA", kid: "k1" }] }, { keys: [signing.jwk] }]);
  const token = await sign(HEADER, await claims(), signing.privateKey);
  await refused(pinned.verify(token, EXPECTED), "keys-unavailable", /connection refused/);
  // A set whose entry for the kid is no Ed25519 key verifies nothing with it.
  await refused(pinned.verify(token, EXPECTED), "unknown-key");
  assert.equal(fetched.length, 2);
  const { verifier: later } = verifier([{ nope: true }]);
  await refused(later.verify(token, EXPECTED), "keys-unavailable", /JWK Set/);
});

test("verifier: pins are required, normalized, and never taken from the token", async () => {
  assert.throws(() => new WarrantVerifier({ baseUrl: ISSUER }), (error) => error instanceof TypeError && /tenant/.test(error.message));
  for (const missing of [undefined, null, "", "  "]) {
    assert.throws(() => new WarrantVerifier({ baseUrl: ISSUER, tenant: missing }), TypeError);
  }
  assert.throws(() => new WarrantVerifier({ baseUrl: ISSUER, tenant: "../../other" }), /UUID/);
  assert.equal(tenantId(` ${TENANT.toUpperCase()} `), TENANT);
  const token = await sign(HEADER, await claims(), signing.privateKey);
  await assert.rejects(verifyWarrant(token, { ...EXPECTED, tenant: TENANT }), TypeError); // no issuer
  await assert.rejects(verifyWarrant(token, { ...EXPECTED, issuer: ISSUER }), /tenant/); // no tenant
  const { verifier: pinnedElsewhere } = verifier();
  await assert.rejects(verifyWarrant(token, { ...EXPECTED, issuer: ISSUER, tenant: OTHER, verifier: pinnedElsewhere }), /pinned/);
  const { verifier: pinned, fetched } = verifier();
  assert.equal((await verifyWarrant(token, { ...EXPECTED, issuer: `${ISSUER}/`, tenant: TENANT, verifier: pinned })).tenant, TENANT);
  assert.equal(fetched.length, 1);
});

test("verifier: action_digest matches an independent computation", async () => {
  const canonical = '{"action":"payments.transfer","params":{"amount":9000,"to":"DE89"},"resource":"accounts/ops"}';
  assert.equal(await actionDigest(EXPECTED.action, EXPECTED.resource, EXPECTED.params), createHash("sha256").update(canonical).digest("base64url"));
});
