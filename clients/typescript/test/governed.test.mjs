// governed(fn, options) against a live Writ: runs only with a warrant, waits, throws typed errors,
// files each call once under a key derived from the call, and never loses a result to a failed report.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

import { Denied, REDACTED, Rejected, StillPending, Writ, actionDigest, governed, governedKey, lineageKey } from "../dist/index.js";
import { decide, decideWhenPending, live, signUp, sleep } from "./helpers.mjs";

/** A logger that remembers its warnings. */
function collecting() {
  const warnings = [];
  return { warnings, warn: (message) => warnings.push(message) };
}

async function intentsFor(org, resource) {
  const { items } = await org.admin.ok("GET", "/v1/intents?limit=100");
  return items.filter((item) => item.resource === resource);
}

test("governed: the idempotency key is derived from tool, scope, action, resource, params, target and justification", async () => {
  const call = { tool: "scale", scope: "run-7", action: "k8s.deployment.scale", resource: "staging/web", params: { replicas: 3, name: "web" } };
  const canonical = '{"action":"k8s.deployment.scale","justification":null,"params":{"name":"web","replicas":3},"resource":"staging/web","scope":"run-7","target":null,"tool":"scale"}';
  const digest = createHash("sha256").update(canonical).digest("hex");
  assert.equal(await governedKey(call), `writ-ts-${digest}`);
  assert.equal(await governedKey(call, 2), `writ-ts-${digest}#2`);
  assert.equal(await governedKey({ ...call, params: { name: "web", replicas: 3 } }), `writ-ts-${digest}`);
  for (const changed of [{ scope: "run-8" }, { scope: undefined }, { target: "k8s-east" }, { justification: "why" }, { tool: "resize" }, { resource: "staging/api" }]) {
    assert.notEqual(await governedKey({ ...call, ...changed }), `writ-ts-${digest}`, JSON.stringify(changed));
  }
  // A key of one's own over 240 characters is hashed before the lineage suffix (the server takes 255).
  const long = "k".repeat(300);
  assert.equal(await lineageKey(long, 0), `writ-ts-${createHash("sha256").update(long).digest("hex")}`);
  assert.equal(await lineageKey("mine", 3), "mine#3");
});

test("governed: the shared vectors of test/cases.json (governed keys, action digests)", async () => {
  const { vectors } = JSON.parse(readFileSync(new URL("./cases.json", import.meta.url), "utf8"));
  assert.ok(vectors.governed_key.length >= 3 && vectors.action_digest.length >= 2);
  for (const { call, generation, key } of vectors.governed_key) assert.equal(await governedKey(call, generation), key);
  for (const { action, resource, params, digest } of vectors.action_digest) assert.equal(await actionDigest(action, resource, params), digest);
});

test("governed: T0 runs at once; T1 waits for the operator; the result is reported", live, async () => {
  const org = await signUp();
  const writ = new Writ(org.node, org.agentKey);
  const calls = [];
  const scale = governed(async ({ deployment, replicas }) => {
    calls.push(replicas);
    return { deployment, replicas };
  }, { client: writ, action: "k8s.deployment.scale", resource: ({ deployment }) => `staging/${deployment}`, timeout: 30 });
  assert.deepEqual(await scale({ deployment: "web", replicas: 2 }), { deployment: "web", replicas: 2 });
  const [t0] = await intentsFor(org, "staging/web");
  assert.equal(t0.status, "executed");
  assert.deepEqual(t0.params, { deployment: "web", replicas: 2 });

  const approval = decideWhenPending(org, "approve", { resource: "staging/api" });
  assert.deepEqual(await scale({ deployment: "api", replicas: 20 }), { deployment: "api", replicas: 20 });
  await approval;
  assert.deepEqual(calls, [2, 20]);
  const [t1] = await intentsFor(org, "staging/api");
  assert.equal(t1.tier, "T1");
  assert.equal(t1.status, "executed");

  // Positional arguments: params from a function of them (or {args: [...]} by default).
  const positional = governed((name, count) => `${name}:${count}`, { client: writ, action: "s3.objects.read", resource: (name) => `bucket/${name}` });
  assert.equal(await positional("a", 1), "a:1");
  assert.deepEqual((await intentsFor(org, "bucket/a"))[0].params, { args: ["a", 1] });
  const named = governed((name, count) => `${name}:${count}`, {
    client: writ, action: "s3.objects.read", resource: (name) => `bucket/${name}`, params: (name, count) => ({ name, count: BigInt(count) }),
  });
  assert.equal(await named("b", 2), "b:2");
  assert.deepEqual((await intentsFor(org, "bucket/b"))[0].params, { name: "b", count: "2" });
});

test("governed: a denial or a rejection throws without running; a rejection reaches the call that waited for it, once", live, async () => {
  const org = await signUp();
  const writ = new Writ(org.node, org.agentKey);
  let ran = 0;
  const drop = governed(() => { ran += 1; }, { client: writ, action: "db.drop", resource: "prod/users" });
  await assert.rejects(drop(), (error) => error instanceof Denied && /no-drops/.test(error.message));
  const update = governed(() => { ran += 1; }, { client: writ, action: "crm.update", resource: "customer/9", timeout: 30, name: "update" });
  const rejection = decideWhenPending(org, "reject", { resource: "customer/9" });
  await assert.rejects(update(), (error) => error instanceof Rejected && error.comment === "from the typescript sdk tests");
  const rejectedId = await rejection;
  assert.equal(ran, 0);
  // The same call again: the rejection was raised here, so this is a new request for approval.
  await assert.rejects(governed(() => { ran += 1; }, { client: writ, action: "crm.update", resource: "customer/9", timeout: 1.5, name: "update" })(), StillPending);
  const filed = await intentsFor(org, "customer/9");
  assert.deepEqual(filed.map((item) => item.status).sort(), ["pending_approval", "rejected"]);
  assert.ok(filed.some((item) => item.id === rejectedId));

  // Rejected while nobody waited: the call made again (a restarted process) learns of the rejection,
  // with who and why, instead of asking anew; the call after that is a new request.
  const tool = (client, timeout) => governed(() => { ran += 1; }, { client, action: "crm.update", resource: "customer/10", timeout, name: "update" });
  const pending = await tool(new Writ(org.node, org.agentKey), 1)().catch((error) => error);
  assert.ok(pending instanceof StillPending, String(pending));
  await decide(org, pending.intent.id, "reject", "wrong customer");
  const restarted = new Writ(org.node, org.agentKey);
  await assert.rejects(tool(restarted, 5)(), (error) => error instanceof Rejected && error.intent.id === pending.intent.id && error.comment === "wrong customer");
  assert.equal((await intentsFor(org, "customer/10")).length, 1);
  await assert.rejects(tool(restarted, 1)(), (error) => error instanceof StillPending && error.intent.id !== pending.intent.id);
  assert.equal((await intentsFor(org, "customer/10")).length, 2);
  assert.equal(ran, 0);
});

test("governed: params, exclude, redact and summary choose what is recorded", live, async () => {
  const org = await signUp();
  const writ = new Writ(org.node, org.agentKey);
  const fetchObject = governed(async ({ key }) => ({ fetched: key }), {
    client: writ, action: "s3.objects.read", resource: ({ key }) => `bucket/${key}`, exclude: ["verbose"], redact: ["password", "absent"], summary: null,
  });
  assert.deepEqual(await fetchObject({ key: "k2", password: "hunter2-SECRET", verbose: true }), { fetched: "k2" });
  const [intent] = await intentsFor(org, "bucket/k2");
  assert.deepEqual(intent.params, { key: "k2", password: REDACTED });
  const events = await org.admin.ok("GET", `/v1/audit?type=intent.executed&subject=${intent.id}`);
  assert.deepEqual(events.items.map((event) => event.data.summary), [null]);
  const export_ = await (await fetch(`${org.node}/v1/audit/export`, { headers: { Cookie: org.admin.cookie, "X-Forwarded-For": org.admin.address } })).text();
  assert.ok(export_.includes('"bucket/k2"') && !export_.includes("SECRET"));

  // Any result is reported whatever its text: line breaks, empty, long.
  const echo = governed(async ({ text }) => text, { client: writ, action: "s3.objects.read", resource: ({ name }) => `texts/${name}`, exclude: ["text"] });
  for (const [name, text] of [["multi", '{\n  "timezone": "UTC",\n\t"ok": true\n}'], ["empty", ""], ["long", "x".repeat(5000)]]) {
    assert.equal(await echo({ name, text }), text);
    assert.deepEqual((await intentsFor(org, `texts/${name}`)).map((item) => item.status), ["executed"], name);
  }
  assert.equal(writ.unreported.length, 0);
  // A key of one's own replaces the derived one.
  const keyed = governed(async () => "ok", { client: writ, action: "s3.objects.read", resource: "bucket/keyed", key: "my-own-key", timeout: 0 });
  assert.equal(await keyed(), "ok");
  const replay = await writ.submit("s3.objects.read", "bucket/keyed", {}, { idempotencyKey: "my-own-key" });
  assert.ok(replay.replayed && replay.status === "executed");
});

test("governed: after StillPending the same call (even from a new process) waits for the same intent and runs it once approved", live, async () => {
  const org = await signUp();
  const ran = [];
  const options = { action: "crm.update", resource: ({ customer }) => `customer/${customer}`, name: "update_customer", scope: "ticket-42" };
  const first = governed(async ({ customer }) => { ran.push(`first ${customer}`); }, { ...options, client: new Writ(org.node, org.agentKey), timeout: 1.5 });
  const error = await first({ customer: 11 }).catch((caught) => caught);
  assert.ok(error instanceof StillPending, String(error));
  await decide(org, error.intent.id);
  // A new client is what a restarted process has: nothing remembered but the key derived from the call.
  const again = governed(async ({ customer }) => { ran.push(`again ${customer}`); return "done"; }, { ...options, client: new Writ(org.node, org.agentKey), timeout: 5 });
  assert.equal(await again({ customer: 11 }), "done");
  assert.deepEqual(ran, ["again 11"]);
  const filed = await intentsFor(org, "customer/11");
  assert.deepEqual(filed.map((item) => [item.id, item.status]), [[error.intent.id, "executed"]]);
  // Another scope is another call: a new intent.
  await assert.rejects(governed(async () => {}, { ...options, scope: "ticket-43", client: new Writ(org.node, org.agentKey), timeout: 1 })({ customer: 11 }), StillPending);
  assert.equal((await intentsFor(org, "customer/11")).length, 2);
});

test("governed: a call repeated after it ran is a new action; concurrent identical calls each run once", live, async () => {
  const org = await signUp();
  const writ = new Writ(org.node, org.agentKey);
  let runs = 0;
  const read = governed(async ({ key }) => { runs += 1; await sleep(50); return `read ${key}`; }, { client: writ, action: "s3.objects.read", resource: ({ key }) => `bucket/${key}` });
  assert.equal(await read({ key: "k1" }), "read k1");
  assert.equal(await read({ key: "k1" }), "read k1");
  assert.equal(runs, 2);
  const filed = await intentsFor(org, "bucket/k1");
  assert.equal(filed.length, 2);
  assert.ok(filed.every((item) => item.status === "executed"));
  // A new process walks the lineage past the executed intents to a fresh one. (The tool's name is
  // part of the key: an anonymous function is named after its action.)
  const restarted = governed(async ({ key }) => { runs += 1; return `read ${key}`; }, { client: new Writ(org.node, org.agentKey), action: "s3.objects.read", resource: ({ key }) => `bucket/${key}`, name: "s3.objects.read" });
  assert.equal(await restarted({ key: "k1" }), "read k1");
  assert.equal((await intentsFor(org, "bucket/k1")).length, 3);

  runs = 0;
  const results = await Promise.all([read({ key: "k2" }), read({ key: "k2" }), read({ key: "k2" })]);
  assert.deepEqual(results, ["read k2", "read k2", "read k2"]);
  assert.equal(runs, 3);
  const concurrent = await intentsFor(org, "bucket/k2");
  assert.equal(concurrent.length, 3);
  assert.equal(new Set(concurrent.map((item) => item.id)).size, 3);
  assert.ok(concurrent.every((item) => item.status === "executed"));
});

test("governed: a report that fails does not lose the result; it is kept and delivered later", live, async () => {
  const org = await signUp();
  let failing = true;
  const reports = [];
  const flaky = async (url, init) => {
    if (init.method === "POST" && url.endsWith("/result")) {
      reports.push(url);
      if (failing) throw new TypeError("fetch failed", { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) });
    }
    return fetch(url, init);
  };
  const logger = collecting();
  const writ = new Writ(org.node, org.agentKey, { fetch: flaky, logger });
  const charge = governed(async ({ order }) => ({ charged: order }), { client: writ, action: "s3.objects.read", resource: ({ order }) => `orders/${order}` });
  assert.deepEqual(await charge({ order: 1 }), { charged: 1 });
  assert.equal(reports.length, 1); // tried once, not retried: the caller is not held up
  assert.deepEqual(writ.unreported.map((report) => report.outcome), ["executed"]);
  assert.match(logger.warnings.join("\n"), /kept the executed report/);
  const [kept] = await intentsFor(org, "orders/1");
  assert.equal(kept.status, "approved");

  // A failing tool's report is kept too, and the tool's own error is what the caller gets.
  const broken = governed(async () => { throw new RangeError("card declined"); }, { client: writ, action: "s3.objects.read", resource: "orders/2" });
  await assert.rejects(broken(), (error) => error instanceof RangeError && error.message === "card declined");
  assert.equal(writ.unreported.length, 2);

  // The next governed call delivers the kept reports first.
  failing = false;
  assert.deepEqual(await charge({ order: 3 }), { charged: 3 });
  assert.equal(writ.unreported.length, 0);
  const statuses = Object.fromEntries((await org.admin.ok("GET", "/v1/intents?limit=100")).items.map((item) => [item.resource, item.status]));
  assert.deepEqual([statuses["orders/1"], statuses["orders/2"], statuses["orders/3"]], ["executed", "failed", "executed"]);
  const [failed] = await intentsFor(org, "orders/2");
  const events = await org.admin.ok("GET", `/v1/audit?type=intent.failed&subject=${failed.id}`);
  assert.deepEqual(events.items.map((event) => event.data.summary), ["RangeError: card declined"]);
});

test("governed: a report Writ refuses for good is dropped with a warning; the value is still returned; close() flushes", live, async () => {
  const org = await signUp();
  let mode = "refuse";
  const odd = async (url, init) => {
    if (init.method === "POST" && url.endsWith("/result")) {
      if (mode === "refuse") {
        return new Response(JSON.stringify({ type: "urn:writ:problem:conflict", title: "Conflict", status: 409, detail: "synthetic" }),
          { status: 409, headers: { "Content-Type": "application/problem+json" } });
      }
      if (mode === "busy") {
        return new Response(JSON.stringify({ type: "urn:writ:problem:busy", title: "Busy", status: 503, detail: "synthetic" }),
          { status: 503, headers: { "Content-Type": "application/problem+json", "Retry-After": "1" } });
      }
    }
    return fetch(url, init);
  };
  const logger = collecting();
  const writ = new Writ(org.node, org.agentKey, { fetch: odd, logger });
  const tool = governed(async ({ n }) => n * 2, { client: writ, action: "s3.objects.read", resource: ({ n }) => `numbers/${n}` });
  assert.equal(await tool({ n: 21 }), 42);
  assert.equal(writ.unreported.length, 0);
  assert.match(logger.warnings.join("\n"), /refused the executed report of intent .*dropped: 409/);

  mode = "busy";
  assert.equal(await tool({ n: 5 }), 10);
  assert.equal(writ.unreported.length, 1);
  assert.equal(await writ.flushReports(), 1); // still busy: kept
  mode = "ok";
  assert.equal(await writ.close(), 0);
  const [delivered] = await intentsFor(org, "numbers/5");
  assert.equal(delivered.status, "executed");
});
