// Offline verification of warrants the live server issued, pinned to the executor's own issuer and
// tenant: another tenant's warrant (a second organisation signed up on the same node), forged
// signatures, another audience, altered params, an expired warrant, and revocation (which only
// redemption sees).
import { test } from "node:test";
import assert from "node:assert/strict";

import { WarrantInvalid, WarrantVerifier, Writ, NotFound, Conflict, unverifiedClaims, verifyWarrant } from "../dist/index.js";
import { POLICY, claimsOf, headerOf, live, recordingFetch, sign, signUp, sleep } from "./helpers.mjs";

const TRANSFER = { action: "payments.transfer", resource: "accounts/acme-ops", params: { amount: 9000, to: "DE89 3704 0044 0532 0130 00" } };
const EXPECTED = { ...TRANSFER, audience: "pay" };

/** A T0 warrant of `org`'s own agent for TRANSFER, with target (audience) `pay`. */
async function transferWarrant(org) {
  const intent = await new Writ(org.node, org.agentKey, { issuer: org.issuer }).submit(TRANSFER.action, TRANSFER.resource, TRANSFER.params, { target: "pay" });
  assert.ok(intent.approved && intent.tier === "T0", intent.status);
  return intent.warrant;
}

const jwksUrl = (org) => `${org.node}/v1/tenants/${org.tenant}/jwks.json`;

async function refused(promise, reason, pattern) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof WarrantInvalid, String(error));
    assert.equal(error.reason, reason, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

test("warrants: the tenant's own warrant verifies offline, pinned to the tenant learned from GET /v1/me", live, async () => {
  const org = await signUp();
  const token = await transferWarrant(org);
  assert.deepEqual(Object.keys(headerOf(token)).sort(), ["alg", "kid", "typ"]);
  const urls = [];
  const executor = new Writ(org.node, org.executorKey, { issuer: org.issuer, fetch: recordingFetch(urls) });
  const claims = await executor.verifyWarrant(token, EXPECTED);
  assert.equal(claims.tenant, org.tenant);
  assert.equal(claims.aud, "pay");
  assert.equal(claims.tier, "T0");
  assert.deepEqual(claims.approvals, []);
  assert.equal(claims.exp - claims.iat, 300);
  assert.equal((await executor.verifyWarrant(token, EXPECTED)).jti, claims.jti);
  // GET /v1/me once for the key's tenant, the pinned tenant's key set once; nothing else.
  assert.deepEqual(urls.map((url) => url.slice(org.node.length)), ["/v1/me", `/v1/tenants/${org.tenant}/jwks.json`]);

  // A tenant given in the configuration (any case) is used as is: no GET /v1/me.
  const configuredUrls = [];
  const configured = new Writ(org.node, org.executorKey, { issuer: org.issuer, tenant: org.tenant.toUpperCase(), fetch: recordingFetch(configuredUrls) });
  assert.equal(await configured.tenantId(), org.tenant);
  assert.equal((await configured.verifyWarrant(token, EXPECTED)).jti, claims.jti);
  assert.deepEqual(configuredUrls, [jwksUrl(org)]);

  // The module-level check with both pins explicit, and a reusable verifier.
  assert.equal((await verifyWarrant(token, { ...EXPECTED, issuer: org.issuer, tenant: org.tenant })).jti, claims.jti);
  const verifier = new WarrantVerifier({ baseUrl: org.node, issuer: org.issuer, tenant: org.tenant });
  assert.equal((await verifyWarrant(token, { ...EXPECTED, issuer: org.issuer, tenant: org.tenant, verifier })).jti, claims.jti);
  assert.deepEqual(unverifiedClaims(token).jti, claims.jti);
});

test("warrants: another tenant's warrant for exactly this action is refused before any key is fetched", live, async () => {
  const [org, other] = await Promise.all([signUp(), signUp()]);
  const forged = await transferWarrant(other);
  const unverified = claimsOf(forged);
  // Everything but the tenant is what this executor expects: same node and issuer, action, resource, params, audience.
  assert.ok(unverified.tenant === other.tenant && unverified.tenant !== org.tenant);
  assert.equal(unverified.iss, org.issuer);
  assert.equal(unverified.aud, "pay");
  const urls = [];
  const executor = new Writ(org.node, org.executorKey, { issuer: org.issuer, fetch: recordingFetch(urls) });
  await refused(executor.verifyWarrant(forged, EXPECTED), "tenant", /another tenant/);
  assert.equal(await executor.tenantId(), org.tenant);
  // At the server it is no warrant of this tenant's either.
  await assert.rejects(executor.redeem(unverified.jti), NotFound);
  assert.deepEqual(urls.filter((url) => url.includes("jwks") || url.includes(other.tenant)), []);

  const fetched = [];
  const pinned = new WarrantVerifier({ baseUrl: org.node, issuer: org.issuer, tenant: org.tenant, fetchJwks: async (url) => { fetched.push(url); return (await fetch(url)).json(); } });
  await refused(pinned.verify(forged, EXPECTED), "tenant");
  await refused(verifyWarrant(forged, { ...EXPECTED, issuer: org.issuer, tenant: org.tenant, verifier: pinned }), "tenant");
  assert.deepEqual(fetched, []);
  // The other tenant's own executor, pinned to it, accepts it: pinning tells tenants apart and refuses nothing else.
  assert.equal((await verifyWarrant(forged, { ...EXPECTED, issuer: org.issuer, tenant: other.tenant })).tenant, other.tenant);
});

test("warrants: forged signatures, another issuer, another audience, altered params are refused", live, async () => {
  const org = await signUp();
  const token = await transferWarrant(org);
  const claims = claimsOf(token);
  const header = headerOf(token);
  const attacker = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
  const fetched = [];
  const verifier = new WarrantVerifier({ baseUrl: org.node, issuer: org.issuer, tenant: org.tenant, fetchJwks: async (url) => { fetched.push(url); return (await fetch(url)).json(); } });

  await refused(verifier.verify(await sign(header, { ...claims, iss: "https://writ.attacker.example" }, attacker.privateKey), EXPECTED), "issuer", /another issuer/);
  assert.deepEqual(fetched, []);
  await refused(verifier.verify(await sign(header, claims, attacker.privateKey), EXPECTED), "signature", /does not verify/);
  await refused(verifier.verify(await sign({ ...header, kid: "attacker-key" }, claims, attacker.privateKey), EXPECTED), "unknown-key");
  assert.deepEqual(fetched, [jwksUrl(org)]); // the pinned tenant's set, once (the unknown kid came within 30 s)

  const [head, payload, signature] = token.split(".");
  await refused(verifier.verify(`${head}.${payload}.${signature.slice(0, -4)}AAAA`, EXPECTED), "signature");
  const raised = Buffer.from(JSON.stringify({ ...claims, params: undefined, resource: "accounts/everything" })).toString("base64url");
  await refused(verifier.verify(`${head}.${raised}.${signature}`, { ...EXPECTED, resource: "accounts/everything" }), "signature");

  await refused(verifier.verify(token, { ...EXPECTED, audience: "k8s" }), "audience");
  await refused(verifier.verify(token, { ...EXPECTED, params: { ...TRANSFER.params, amount: 900000 } }), "action-digest", /action_digest/);
  await refused(verifier.verify(token, { ...EXPECTED, params: { amount: 9000 } }), "action-digest");
  await refused(verifier.verify(token, { ...EXPECTED, resource: "accounts/other" }), "action");
  assert.equal((await verifier.verify(token, { ...EXPECTED, params: { to: TRANSFER.params.to, amount: 9000.0 } })).tenant, org.tenant);
});

test("warrants: an expired warrant is refused (policy warrant_ttl 1s)", live, async () => {
  const org = await signUp({ policy: { ...POLICY, defaults: { ...POLICY.defaults, warrant_ttl: "1s" } } });
  const token = await transferWarrant(org);
  const claims = claimsOf(token);
  assert.equal(claims.exp - claims.iat, 1);
  const executor = new Writ(org.node, org.executorKey, { issuer: org.issuer, tenant: org.tenant });
  assert.ok(await executor.verifyWarrant(token, { ...EXPECTED, leeway: 0, currentDate: new Date(claims.iat * 1000) }));
  await sleep(Math.max(0, (claims.exp + 1) * 1000 - Date.now()) + 200);
  await refused(executor.verifyWarrant(token, { ...EXPECTED, leeway: 0 }), "expired");
  assert.ok(await executor.verifyWarrant(token, { ...EXPECTED, leeway: 120 }));
  // The server agrees: an expired warrant cannot be redeemed.
  await assert.rejects(executor.redeem(claims.jti), (error) => error instanceof Conflict && /expired/.test(error.message));
});

test("warrants: offline verification cannot see revocation; redemption can", live, async () => {
  const org = await signUp();
  const token = await transferWarrant(org);
  const executor = new Writ(org.node, org.executorKey, { issuer: org.issuer });
  const claims = await executor.verifyWarrant(token, EXPECTED);
  const [status] = await org.admin.call("POST", `/v1/warrants/${claims.jti}/revoke`);
  assert.equal(status, 204);
  assert.equal((await executor.verifyWarrant(token, EXPECTED)).jti, claims.jti);
  await assert.rejects(executor.redeem(claims.jti), (error) => error instanceof Conflict && /revoked/.test(error.message));
});
