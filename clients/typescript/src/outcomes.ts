/** How an intent that left `pending_approval` becomes a warrant or a typed error. */
import { Cancelled, Denied, Expired, Rejected, StillPending } from "./errors.js";
import type { Intent } from "./models.js";

/** Why an intent ended without a warrant, in words: the rules, and for a rejection who rejected and their comment. */
export function endedMessage(intent: Intent): string {
  const what = `intent ${intent.id} (${intent.action} on ${intent.resource})`;
  const rules = intent.decision.rules.map((rule) => `${rule.id}: ${rule.reason}`).join("; ") || "no rule matched";
  if (intent.status === "rejected") {
    const by = (intent.decisions ?? []).filter((entry) => entry.decision === "reject")
      .map((entry) => entry.email + (entry.comment ? `: ${JSON.stringify(entry.comment)}` : ""));
    return `${what} was rejected${by.length ? ` by ${by.join("; ")}` : ""} (rules: ${rules})`;
  }
  return `${what} was ${intent.status}: ${rules}`;
}

/** The intent if it is approved with a warrant; throws `Denied`, `Rejected`, `Expired`, `Cancelled`
 * (with the matched rules, and for a rejection who rejected and why, in the message) or
 * `StillPending` otherwise. */
export function requireWarrant(intent: Intent): Intent {
  if (intent.approved) return intent;
  switch (intent.status) {
    case "denied": throw new Denied(intent, endedMessage(intent));
    case "rejected": throw new Rejected(intent, endedMessage(intent));
    case "expired": throw new Expired(intent, endedMessage(intent));
    case "cancelled": throw new Cancelled(intent, endedMessage(intent));
    default: throw new StillPending(intent);
  }
}
