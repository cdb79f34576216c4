// The client against a live Writ: submissions, waits, cancel, report, redeem, typed problems, retries.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";

import {
  Cancelled, Conflict, Denied, Forbidden, IdempotencyKeyReused, InvalidRequest, NotFound, PayloadTooLarge, ProblemError,
  QuotaExceeded, RateLimited, Rejected, ServerError, StillPending, TransportError, Unauthorized, Unavailable,
  UnsupportedMediaType, WritError, Writ, problemError, reportSummary,
} from "../dist/index.js";
import { decide, decideWhenPending, live, signUp, sleep } from "./helpers.mjs";

/** A fetch that answers the first `count` submissions itself with `status` (and Retry-After), then lets requests through. */
function refusingFetch(status, retryAfter, count, seen) {
  return async (url, init) => {
    seen.push({ url, method: init.method, key: init.headers["Idempotency-Key"], at: Date.now() });
    if (init.method === "POST" && url.endsWith("/v1/intents") && seen.filter((entry) => entry.key).length <= count) {
      const type = status === 429 ? "rate-limited" : "busy";
      return new Response(JSON.stringify({ type: `urn:writ:problem:${type}`, title: "Try again", status, detail: "synthetic" }),
        { status, headers: { "Content-Type": "application/problem+json", ...(retryAfter ? { "Retry-After": String(retryAfter) } : {}) } });
    }
    return fetch(url, init);
  };
}

test("client: a T0 submission is approved at once with its warrant, decision and rules", live, async () => {
  const org = await signUp();
  const writ = new Writ(org.node, org.agentKey, { issuer: org.issuer });
  const intent = await writ.submit("k8s.deployment.scale", "staging/web", { replicas: 3 }, { justification: "traffic" });
  assert.equal(intent.status, "approved");
  assert.equal(intent.tier, "T0");
  assert.ok(intent.approved && !intent.pending && !intent.replayed);
  assert.equal(intent.warrant.split(".").length, 3);
  assert.deepEqual(intent.decision.rules.map((rule) => rule.id), ["scale-small"]);
  assert.equal(intent.decision.outcome, "allow");
  assert.equal(intent.jti, intent.warrantClaims.jti);
  const read = await writ.get(intent.id);
  assert.equal(read.id, intent.id);
  assert.deepEqual(read.params, { replicas: 3 });
  assert.deepEqual(read.decisions, []);
  assert.equal(read.warrant, intent.warrant); // the submitting agent gets the warrant on reads too
  const me = await writ.me();
  assert.equal(me.tenant.id, org.tenant);
  assert.equal(await writ.tenantId(), org.tenant);
});

test("client: wait returns as soon as an operator approves; report records the result", live, async () => {
  const org = await signUp();
  const writ = new Writ(org.node, org.agentKey);
  const intent = await writ.submit("k8s.deployment.scale", "staging/api", { replicas: 40 });
  assert.ok(intent.pending);
  assert.equal(intent.tier, "T1");
  assert.equal(intent.warrant, null);
  assert.equal(intent.decisions, null); // a submission's answer carries no decisions
  const started = Date.now();
  const decided = sleep(1000).then(() => decide(org, intent.id));
  const approved = await writ.waitForWarrant(intent.id, 30);
  await decided;
  const waited = Date.now() - started;
  assert.ok(approved.approved && approved.warrant, approved.status);
  assert.ok(waited >= 900 && waited < 10000, `waited ${waited} ms`);
  assert.deepEqual(approved.decisions.map((entry) => [entry.userId, entry.decision]), [[org.operator.userId, "approve"]]);
  assert.deepEqual(approved.warrantClaims.approvals.map((approval) => approval.by), [org.operator.userId]);
  // A summary with line breaks and tabs is cleaned to what the server takes.
  const done = await writ.report(intent.id, "executed", "scaled\nto\t40\r\n");
  assert.equal(done.status, "executed");
  await assert.rejects(writ.report(intent.id, "executed", "again"), Conflict);
  // The server itself refuses control characters in a summary: the cleaning is needed.
  const other = await writ.submit("k8s.deployment.scale", "staging/raw", { replicas: 2 });
  const raw = await fetch(`${org.node}/v1/intents/${other.id}/result`, {
    method: "POST", headers: { Authorization: `Bearer ${org.agentKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ status: "executed", summary: "line\nbreak" }),
  });
  assert.equal(raw.status, 422);
  assert.equal((await writ.report(other.id, "failed", "line\nbreak")).status, "failed");
});

test("client: wait gives up at its timeout; cancel withdraws; a rejection and a denial are typed", live, async () => {
  const org = await signUp();
  const writ = new Writ(org.node, org.agentKey);
  const intent = await writ.submit("crm.update", "customer/7");
  const started = Date.now();
  await assert.rejects(writ.waitForWarrant(intent.id, 2), (error) => error instanceof StillPending && error.intent.id === intent.id);
  assert.ok(Date.now() - started < 6000);
  const still = await writ.wait(intent.id, 1.5);
  assert.ok(still.pending);
  const cancelled = await writ.cancel(intent.id);
  assert.equal(cancelled.status, "cancelled");
  await assert.rejects(writ.waitForWarrant(intent.id, 2), Cancelled);
  await assert.rejects(writ.cancel(intent.id), Conflict);

  const rejected = await writ.submit("crm.update", "customer/8");
  await decide(org, rejected.id, "reject", "not today");
  await assert.rejects(writ.waitForWarrant(rejected.id, 5), (error) => {
    assert.ok(error instanceof Rejected);
    assert.equal(error.comment, "not today");
    assert.match(error.message, /was rejected by operator-.*@example\.com: "not today" \(rules: /);
    assert.equal(error.intent.status, "rejected");
    return true;
  });

  const denied = await writ.submit("db.drop", "prod/users");
  assert.equal(denied.status, "denied");
  assert.equal(denied.tier, null);
  assert.equal(denied.decision.outcome, "deny");
  await assert.rejects(writ.waitForWarrant(denied.id, 1), (error) => error instanceof Denied && /no-drops/.test(error.message));
});

test("client: problems become typed errors", live, async () => {
  const org = await signUp();
  const writ = new Writ(org.node, org.agentKey);
  await assert.rejects(writ.submit("", "staging/web"), (error) => {
    assert.ok(error instanceof InvalidRequest && error instanceof ProblemError && error instanceof WritError);
    assert.equal(error.status, 422);
    assert.equal(error.kind, "invalid-request");
    assert.ok(error.errors.some((entry) => entry.path === "/action"), JSON.stringify(error.errors));
    return true;
  });
  await assert.rejects(writ.get("00000000-0000-7000-8000-000000000000"), NotFound);
  const first = await writ.submit("s3.objects.read", "b/1", {}, { idempotencyKey: "same-key-1" });
  await assert.rejects(writ.submit("s3.objects.read", "b/2", {}, { idempotencyKey: "same-key-1" }), (error) => {
    assert.ok(error instanceof IdempotencyKeyReused && error instanceof InvalidRequest);
    assert.equal(error.kind, "idempotency-key-reused");
    return true;
  });
  const again = await writ.submit("s3.objects.read", "b/1", {}, { idempotencyKey: "same-key-1" });
  assert.equal(again.id, first.id);
  assert.ok(again.replayed && !first.replayed);
  await assert.rejects(writ.submit("s3.objects.read", "b/1", {}, { idempotencyKey: "" }), InvalidRequest);
  await assert.rejects(writ.redeem("some-jti-that-an-agent-key-may-not-redeem"), Forbidden);
  await assert.rejects(writ.report(first.id, "done"), TypeError);
  await assert.rejects(writ.submit("s3.objects.read", "b/1", { n: NaN }), TypeError);
  await assert.rejects(writ.submit("s3.objects.read", "b/1", [1, 2]), TypeError);
  await assert.rejects(writ.submit("s3.objects.read", "b/1", {}, { justification: "x".repeat(300 * 1024) }), PayloadTooLarge);
  const stranger = new Writ(org.node, `writ_${"x".repeat(30)}`, { retries: 0 });
  await assert.rejects(stranger.submit("s3.objects.read", "b/1"), Unauthorized);
  await assert.rejects(stranger.verifyWarrant(first.warrant, { action: "s3.objects.read", resource: "b/1", audience: "s3" }),
    (error) => error.name === "WarrantInvalid" && error.reason === "tenant-unknown");
});

test("client: the problem mapping covers every status Writ answers with", () => {
  const quota = problemError(402, { type: "urn:writ:problem:quota-exceeded:intents_per_month", title: "Quota" });
  assert.ok(quota instanceof QuotaExceeded);
  assert.equal(quota.quota, "intents_per_month");
  const limited = problemError(429, { type: "urn:writ:problem:rate-limited" }, "3");
  assert.ok(limited instanceof RateLimited);
  assert.equal(limited.retryAfter, 3);
  const unavailable = problemError(503, {}, null);
  assert.ok(unavailable instanceof Unavailable);
  assert.equal(unavailable.retryAfter, null);
  assert.equal(unavailable.type, "about:blank");
  assert.ok(problemError(415, {}) instanceof UnsupportedMediaType);
  assert.ok(problemError(413, {}) instanceof PayloadTooLarge);
  assert.ok(problemError(500, "oops") instanceof ServerError);
  assert.equal(problemError(500, "oops").detail, "oops");
  const conflict = problemError(409, { type: "urn:writ:problem:warrant-unusable", title: "Warrant cannot be redeemed", detail: "revoked" });
  assert.ok(conflict instanceof Conflict);
  assert.equal(conflict.kind, "warrant-unusable");
  assert.equal(conflict.message, "409 Warrant cannot be redeemed: revoked");
  const invalid = problemError(422, { type: "urn:writ:problem:invalid-request", title: "Invalid", detail: "d", errors: [{ path: "/a", message: "m" }] });
  assert.equal(invalid.message, "422 Invalid: d (/a: m)");
  assert.equal(reportSummary("  a\u0000b\u009f  "), "a b");
  assert.equal(reportSummary("\n\t"), null);
  assert.equal([...reportSummary("😀".repeat(3000))].length, 2000);
});

test("client: a retry after a lost answer carries the same Idempotency-Key and returns the same intent", live, async () => {
  const org = await signUp();
  const keys = [];
  let submissions = 0;
  const lossy = async (url, init) => {
    const response = await fetch(url, init);
    if (init.method === "POST" && url.endsWith("/v1/intents")) {
      keys.push(init.headers["Idempotency-Key"]);
      if (++submissions === 1) {
        await response.text();
        throw new TypeError("fetch failed", { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) });
      }
    }
    return response;
  };
  const writ = new Writ(org.node, org.agentKey, { fetch: lossy });
  const intent = await writ.submit("s3.objects.read", "bucket/lost-answer");
  assert.equal(submissions, 2);
  assert.equal(keys[0], keys[1]);
  assert.match(keys[0], /^writ-ts-[0-9a-f-]{36}$/);
  assert.ok(intent.replayed);
  const { items } = await org.admin.ok("GET", "/v1/intents?limit=100");
  assert.deepEqual(items.filter((item) => item.resource === "bucket/lost-answer").map((item) => item.id), [intent.id]);
});

test("client: 503 and 429 are retried after Retry-After with the same key; retries run out into the typed error", live, async () => {
  const org = await signUp();
  const seen = [];
  const writ = new Writ(org.node, org.agentKey, { fetch: refusingFetch(503, 1, 1, seen) });
  const intent = await writ.submit("s3.objects.read", "bucket/busy");
  assert.equal(seen.length, 2);
  assert.equal(seen[0].key, seen[1].key);
  assert.ok(seen[1].at - seen[0].at >= 950, `retried after ${seen[1].at - seen[0].at} ms`);
  assert.ok(intent.approved && !intent.replayed);

  const limitedSeen = [];
  const limited = new Writ(org.node, org.agentKey, { fetch: refusingFetch(429, 1, 1, limitedSeen) });
  assert.ok((await limited.submit("s3.objects.read", "bucket/limited")).approved);
  assert.equal(limitedSeen.length, 2);

  const exhaustedSeen = [];
  const exhausted = new Writ(org.node, org.agentKey, { retries: 2, fetch: refusingFetch(503, 0, 10, exhaustedSeen) });
  await assert.rejects(exhausted.submit("s3.objects.read", "bucket/down"), (error) => error instanceof Unavailable && error.kind === "busy");
  assert.equal(exhaustedSeen.length, 3);
  assert.equal(new Set(exhaustedSeen.map((entry) => entry.key)).size, 1);
});

test("client: no answer is a TransportError: refused connections are retried, hung requests time out", async () => {
  const port = await new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port: free } = server.address();
      server.close(() => resolve(free));
    });
  });
  let attempts = 0;
  const counting = (url, init) => {
    attempts += 1;
    return fetch(url, init);
  };
  const refused = new Writ(`http://127.0.0.1:${port}`, "writ_x", { retries: 1, fetch: counting });
  await assert.rejects(refused.report("00000000-0000-7000-8000-000000000000", "executed"), (error) => {
    assert.ok(error instanceof TransportError, String(error));
    assert.match(error.message, /no answer from Writ/);
    return true;
  });
  assert.equal(attempts, 2); // nothing reached the server: even a report is sent again

  let hung = 0;
  const hanging = (_url, init) => new Promise((_resolve, reject) => {
    hung += 1;
    init.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
  });
  const slow = new Writ("http://127.0.0.1:9", "writ_x", { timeout: 0.3, retries: 1, fetch: hanging });
  await assert.rejects(slow.get("00000000-0000-7000-8000-000000000000"), /timed out after 0.3 s/);
  assert.equal(hung, 2); // a read may be sent again
  hung = 0;
  await assert.rejects(slow.cancel("00000000-0000-7000-8000-000000000000"), TransportError);
  assert.equal(hung, 1); // a cancel whose answer was lost is not
});

test("client: redeem consumes a warrant once; another executor's audience is forbidden", live, async () => {
  const org = await signUp();
  const writ = new Writ(org.node, org.agentKey);
  const executor = new Writ(org.node, org.executorKey);
  const intent = await writ.submit("k8s.deployment.scale", "staging/redeem", { replicas: 1 });
  const wrongAudienceKey = (await org.admin.ok("POST", "/v1/api-keys", { name: "s3 only", scopes: ["warrants"], audiences: ["s3"] })).key;
  await assert.rejects(new Writ(org.node, wrongAudienceKey).redeem(intent.jti), Forbidden);
  assert.deepEqual(await executor.redeem(intent.jti), { jti: intent.jti, redeemed: true });
  await assert.rejects(executor.redeem(intent.jti), (error) => error instanceof Conflict && error.kind === "warrant-unusable" && /already redeemed/.test(error.message));
  await assert.rejects(executor.redeem("no-such-warrant-0000000000"), NotFound);
  const once = (await writ.submit("s3.objects.read", "b/concurrent")).jti;
  const racing = await Promise.allSettled([executor.redeem(once), executor.redeem(once), executor.redeem(once)]);
  assert.equal(racing.filter((result) => result.status === "fulfilled").length, 1);
  assert.ok(racing.filter((result) => result.status === "rejected").every((result) => result.reason instanceof Conflict));
});

test("client: a long-poll wait wakes on the change, not at its timeout", live, async () => {
  const org = await signUp();
  const writ = new Writ(org.node, org.agentKey);
  const intent = await writ.submit("crm.update", "customer/long-poll");
  const requests = [];
  const counting = new Writ(org.node, org.agentKey, { fetch: (url, init) => { requests.push(url); return fetch(url, init); } });
  const started = Date.now();
  const approval = decideWhenPending(org, "approve", { resource: "customer/long-poll" });
  const approved = await counting.wait(intent.id, 50);
  await approval;
  assert.equal(approved.status, "approved");
  assert.ok(Date.now() - started < 15000);
  assert.ok(requests.length <= 3, requests.join("\n"));
  assert.ok(requests.slice(1).every((url) => /\?wait=(4\d|50)$/.test(url)), requests.join("\n"));
});
