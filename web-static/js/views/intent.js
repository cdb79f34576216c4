// One intent: what it asks, why it got its tier, the timeline from the audit chain, and the
// warrant's decoded claims.
import { api, ApiError } from "../api.js";
import { announce, copyButton, fill, formatTime, h, heading, statusBadge, tierBadge } from "../dom.js";
import { debounce, onEvent } from "../events.js";
import { decisionsSoFar, deadline, intentFacts, matchedRules } from "../intent-parts.js";
import { loadNames } from "../names.js";

const LABELS = {
  "intent.submitted": "Submitted", "intent.approval_recorded": "Approval recorded", "intent.rejection_recorded": "Rejection recorded",
  "intent.approved": "Approved", "intent.rejected": "Rejected", "intent.cancelled": "Cancelled by the agent", "intent.expired": "Expired",
  "intent.executed": "Executed (reported by the agent)", "intent.failed": "Failed (reported by the agent)",
  "warrant.issued": "Warrant issued", "warrant.redeemed": "Warrant redeemed", "warrant.revoked": "Warrant revoked",
};

export async function render(view, { params: [id], signal }) {
  let shown = await draw(view, id, signal);
  // Decisions, expiry, results and redemptions made anywhere show up here as they happen.
  onEvent(debounce(async (event) => {
    if (signal.aborted || (event.subject?.id !== id && event.subject?.id !== shown.warrant_claims?.jti)) return;
    const before = shown.status;
    try { shown = await draw(view, id, signal); } catch { return; }  // left the page, or the server is away: the next event retries
    if (shown.status !== before) announce(`This intent is now ${shown.status.replace("_", " ")}.`);
  }, 300), signal);
}

/** Renders the intent as it is now; returns it. */
async function draw(view, id, signal) {
  const [intent, names] = await Promise.all([api("GET", `/v1/intents/${id}`, undefined, { signal }), loadNames()]);
  const claims = intent.warrant_claims;
  fill(view,
    h("p", {}, h("a", { href: "#/intents" }, "← All intents")),
    heading(`${intent.action} on ${intent.resource}`),
    h("p", { class: "badges" }, tierBadge(intent.tier), " ", statusBadge(intent.status), h("span", { class: "muted" }, ` submitted ${formatTime(intent.created_at)}`)),
    h("div", { class: "grid-2" },
      h("section", { class: "card", "aria-labelledby": "what" }, h("h2", { id: "what" }, "What the agent asked"), intentFacts(intent, names)),
      h("section", { class: "card", "aria-labelledby": "why" }, h("h2", { id: "why" }, "Why this tier"), matchedRules(intent.decision),
        h("h3", {}, "Decisions"), decisionsSoFar(intent, names),
        intent.status === "pending_approval" ? h("p", {}, h("strong", {}, "Deadline: "), deadline(intent)) : null)),
    h("section", { class: "card", "aria-labelledby": "timeline-title" }, h("h2", { id: "timeline-title" }, "Timeline"), await timeline(intent, names, signal)),
    h("section", { class: "card", "aria-labelledby": "warrant-title" }, h("h2", { id: "warrant-title" }, "Warrant"),
      claims ? warrant(claims) : h("p", { class: "muted" }, intent.status === "pending_approval" ? "Issued once the intent is approved." : "No warrant was issued for this intent.")));
  return intent;
}

/** The intent's events from the audit chain; people who may not read the chain see the intent's own record. */
async function timeline(intent, names, signal) {
  let events;
  try {
    const subjects = [intent.id, intent.warrant_claims?.jti].filter(Boolean);
    const pages = await Promise.all(subjects.map((subject) => api("GET", `/v1/audit?subject=${encodeURIComponent(subject)}&limit=200`, undefined, { signal })));
    events = pages.flatMap((page) => page.items).sort((a, b) => a.seq - b.seq)
      .map((event) => ({ time: event.time, label: LABELS[event.type] ?? event.type, who: actor(event.actor, names), seq: event.seq, detail: event.data?.comment }));
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 403) throw error;
    events = [{ time: intent.created_at, label: "Submitted", who: names.agent(intent.agent_id) },
      ...(intent.decisions ?? []).map((entry) => ({ time: entry.at, label: entry.decision === "approve" ? "Approval recorded" : "Rejection recorded", who: entry.email })),
      ...(intent.warrant_claims ? [{ time: new Date(intent.warrant_claims.iat * 1000).toISOString(), label: "Warrant issued", who: "Writ" }] : [])];
  }
  return h("ol", { class: "timeline" }, events.map((event) => h("li", {},
    h("time", { datetime: event.time }, formatTime(event.time)), " ", h("strong", {}, event.label), event.who ? ` · ${event.who}` : "",
    event.seq ? h("span", { class: "muted" }, ` · audit #${event.seq}`) : null, event.detail ? h("q", {}, event.detail) : null)));
}

function actor(party, names) {
  if (!party) return "";
  switch (party.kind) {
    case "agent": return `agent ${names.agent(party.id)}`;
    case "user": return names.member(party.id);
    case "system": return "Writ";
    default: return `${party.kind} ${party.id ?? ""}`;
  }
}

function warrant(claims) {
  const text = JSON.stringify(claims, null, 2);
  return h("div", {},
    h("dl", { class: "facts" },
      h("dt", {}, "Warrant id (jti)"), h("dd", {}, h("code", {}, claims.jti)),
      h("dt", {}, "Valid until"), h("dd", {}, formatTime(new Date(claims.exp * 1000).toISOString())),
      h("dt", {}, "Audience"), h("dd", {}, String(claims.aud ?? "—"))),
    h("p", { class: "muted" }, "The signed warrant itself goes only to the agent that submitted the intent; here are its claims."),
    h("pre", { class: "json", tabindex: "0", "aria-label": "Warrant claims as JSON" }, text),
    copyButton(text, "Copy the claims"));
}
