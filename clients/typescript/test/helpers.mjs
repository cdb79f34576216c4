// A live Writ for the tests: scripts/typescript_test.py starts one and names it in the environment
// (WRIT_TEST_NODE, WRIT_TEST_MAIL, WRIT_TEST_ISSUER). Each test signs up an organisation of its
// own (a tenant on the same node), as the Python client's tests do (clients/python/tests/conftest.py).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { randomInt, randomBytes } from "node:crypto";

export const NODE = process.env.WRIT_TEST_NODE;
export const MAIL = process.env.WRIT_TEST_MAIL;
export const ISSUER = process.env.WRIT_TEST_ISSUER || NODE;
/** Options for live tests: skipped (with the reason) when no node is given. */
export const live = NODE && MAIL ? {} : { skip: "no live node: set WRIT_TEST_NODE and WRIT_TEST_MAIL (scripts/typescript_test.py does)" };

export const POLICY = {
  defaults: { tier: "T1", approval_timeout: "1h" },
  rules: [
    { id: "reads", match: { action: "**.read" }, tier: "T0" },
    { id: "scale-small", match: { action: "k8s.deployment.scale" }, when: [{ path: "params.replicas", op: "<=", value: 10 }], tier: "T0" },
    { id: "scale-big", match: { action: "k8s.deployment.scale" }, when: [{ path: "params.replicas", op: ">", value: 10 }], tier: "T1" },
    { id: "transfers", match: { action: "payments.transfer" }, tier: "T0" },
    { id: "no-drops", match: { action: "db.drop" }, effect: "deny" },
  ],
};

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A person's session: cookie, CSRF token, and the client address it signs up from. */
export class Person {
  constructor(cookie, csrf, userId, address) {
    Object.assign(this, { cookie, csrf, userId, address });
  }

  /** [status, parsed body] of one request as this person. */
  async call(method, path, body) {
    const response = await fetch(NODE + path, {
      method,
      headers: { Cookie: this.cookie, "X-CSRF-Token": this.csrf, "X-Forwarded-For": this.address, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return [response.status, text ? JSON.parse(text) : {}];
  }

  /** The parsed body of a request that must succeed. */
  async ok(method, path, body) {
    const [status, answer] = await this.call(method, path, body);
    if (status >= 300) throw new Error(`${method} ${path}: ${status} ${JSON.stringify(answer)}`);
    return answer;
  }
}

async function session(path, body, address) {
  const response = await fetch(NODE + path, {
    method: "POST", headers: { "Content-Type": "application/json", "X-Forwarded-For": address }, body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (response.status !== 200 && response.status !== 201) throw new Error(`${path}: ${response.status} ${JSON.stringify(answer)}`);
  const cookie = response.headers.getSetCookie()[0].split(";")[0];
  return new Person(cookie, answer.csrf_token, answer.user.id, address);
}

async function mailedToken(address) {
  for (let attempt = 0; attempt < 200; attempt++) {
    for (const name of readdirSync(MAIL).filter((file) => file.endsWith(".eml"))) {
      const text = readFileSync(join(MAIL, name), "utf8");
      if (text.includes(`\r\nTo: ${address}\r\n`) && text.includes("X-Writ-Kind: member.invitation")) {
        return /\/invite#(\S+)/.exec(text)[1];
      }
    }
    await sleep(50);
  }
  throw new Error(`no invitation mailed to ${address}`);
}

/**
 * A new organisation: its admin and operator sessions, a team with POLICY, an agent with an
 * intents key, and an executor key (scope warrants, audiences k8s, s3 and pay).
 */
export async function signUp({ policy = POLICY } = {}) {
  // Sign-ups are throttled per client address; the node trusts X-Forwarded-For.
  const address = `10.${randomInt(250)}.${randomInt(250)}.${randomInt(1, 250)}`;
  const suffix = randomBytes(4).toString("hex");
  const admin = await session("/v1/signup", {
    organization: `TS SDK ${suffix}`, email: `admin-${suffix}@example.com`, password: "correct horse battery",
  }, address);
  const tenant = (await admin.ok("GET", "/v1/me")).tenant.id;
  const team = (await admin.ok("POST", "/v1/teams", { name: `Platform ${suffix}` })).id;
  await admin.ok("PUT", `/v1/teams/${team}/policy?comment=ts+sdk+tests`, policy);
  const agent = (await admin.ok("POST", "/v1/agents", { name: "deployer", team_id: team })).id;
  const agentKey = (await admin.ok("POST", "/v1/api-keys", { name: "agent", agent_id: agent, scopes: ["intents"] })).key;
  const executorKey = (await admin.ok("POST", "/v1/api-keys", { name: "executor", scopes: ["warrants"], audiences: ["k8s", "s3", "pay"] })).key;
  const email = `operator-${suffix}@example.com`;
  await admin.ok("POST", "/v1/members", { email, roles: ["operator"], teams: [team] });
  const operator = await session("/v1/invitations/accept", { token: await mailedToken(email), password: "operator password 1" }, address);
  return { node: NODE, issuer: ISSUER, tenant, team, agent, agentKey, executorKey, admin, operator };
}

/** The operator decides `intentId` (approve or reject), as a person would. */
export async function decide(org, intentId, decision = "approve", comment = "from the typescript sdk tests") {
  return org.operator.ok("POST", `/v1/intents/${intentId}/decisions`, { decision, comment });
}

/** The operator decides the first pending intent once one shows up; resolves with its id. */
export async function decideWhenPending(org, decision = "approve", { resource } = {}) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { items } = await org.admin.ok("GET", "/v1/intents?status=pending_approval");
    const waiting = items.filter((item) => resource === undefined || item.resource === resource);
    if (waiting.length) {
      await decide(org, waiting[0].id, decision);
      return waiting[0].id;
    }
    await sleep(100);
  }
  throw new Error("no intent became pending");
}

/** A fetch that records every URL it is asked for, then sends the request. */
export function recordingFetch(urls, inner = fetch) {
  return (input, init) => {
    urls.push(String(input));
    return inner(input, init);
  };
}

/** The claims of a compact JWS, unverified (for building forgeries). */
export function claimsOf(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

export function headerOf(token) {
  return JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString("utf8"));
}

/** A compact JWS over `header` and `claims`, signed with `privateKey` (a WebCrypto Ed25519 key). */
export async function sign(header, claims, privateKey) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${encode(header)}.${encode(claims)}`;
  const signature = await crypto.subtle.sign({ name: "Ed25519" }, privateKey, new TextEncoder().encode(input));
  return `${input}.${Buffer.from(signature).toString("base64url")}`;
}
