// Compiled (never run) by scripts/typescript_test.py with `tsc -p test/types`: the published
// declarations (dist/*.d.ts) type-check a strict consumer, and governed() infers its wrapper's type.
import {
  Conflict, Denied, StillPending, WarrantInvalid, WarrantVerifier, Writ, canonicalize, governed, governedKey, verifyWarrant,
} from "../../dist/index.js";
import type { Intent, WarrantClaims, WarrantFailure } from "../../dist/index.js";

export async function consumer(): Promise<void> {
  const writ = new Writ("https://writ.example.com", "writ_key", { tenant: "0190a000-0000-7000-8000-0000000000aa", retries: 2 });
  const intent: Intent = await writ.submit("k8s.deployment.scale", "prod/web", { replicas: 5 }, { target: "k8s", idempotencyKey: "k" });
  const waited: Intent = await writ.wait(intent.id, 30);
  const kept: Intent | null = await writ.report(waited.id, "executed", "ok", { keep: true });
  const reported: Intent = await writ.report(waited.id, "failed");
  void kept;
  void reported;

  interface Scale { deployment: string; replicas: number }
  const scale = governed(async ({ deployment, replicas }: Scale) => `${deployment}:${replicas}`, {
    client: writ, action: "k8s.deployment.scale", resource: ({ deployment }) => `prod/${deployment}`, scope: "run-1", timeout: 60,
  });
  const text: string = await scale({ deployment: "web", replicas: 3 });
  void text;
  // @ts-expect-error the wrapper keeps the tool's parameter types
  await scale({ deployment: "web" });

  const claims: WarrantClaims = await writ.verifyWarrant(intent.warrant ?? "", { action: "a.b", resource: "r", params: { n: 1 }, audience: "a" });
  const exp: number = claims.exp;
  void exp;
  const verifier = new WarrantVerifier({ baseUrl: "https://writ.example.com", tenant: "0190a000-0000-7000-8000-0000000000aa" });
  await verifyWarrant("t", { action: "a.b", resource: "r", audience: "a", issuer: "https://writ.example.com", tenant: verifier.tenant, verifier });
  const key: string = await governedKey({ tool: "t", action: "a.b", resource: "r", params: {} });
  const canonical: string = canonicalize({ b: 1, a: [true, null] });
  void key;
  void canonical;

  try {
    await writ.redeem("jti");
  } catch (error) {
    if (error instanceof Conflict) console.log(error.kind, error.status, error.errors.length);
    if (error instanceof Denied) console.log(error.intent.decision.rules.map((rule) => rule.id));
    if (error instanceof StillPending) console.log(error.intent.id);
    if (error instanceof WarrantInvalid) {
      const reason: WarrantFailure = error.reason;
      console.log(reason);
    }
  }
}
