// Approvals inbox: every T1/T2 intent I may decide, with what I need to decide it; it follows
// the server's queue by long-polling, so decisions by others and new intents appear by themselves.
import { api, ApiError } from "../api.js";
import { announce, field, fill, h, heading, submitting, tierBadge } from "../dom.js";
import { decisionsSoFar, deadline, intentFacts, matchedRules } from "../intent-parts.js";
import { loadNames } from "../names.js";
import { session } from "../session.js";
import { refreshPending } from "../../app.js";

export async function render(view, { signal }) {
  const names = await loadNames();
  const list = h("div", { class: "inbox", "aria-live": "polite", "aria-relevant": "additions removals" });
  const status = h("p", { class: "muted", role: "status" });
  fill(view, heading("Approvals"),
    h("p", { class: "lede" }, "Intents waiting for your decision, oldest first. This page updates by itself when someone else decides or a new intent arrives."),
    status, list);
  let version = null;
  const cards = new Map();
  const apply = (queue) => {
    version = queue.version;
    const ids = new Set(queue.items.map((intent) => intent.id));
    for (const [id, card] of cards) if (!ids.has(id)) { card.remove(); cards.delete(id); }
    for (const intent of queue.items) {
      const existing = cards.get(intent.id);
      if (existing) existing.update(intent);
      else { const card = intentCard(intent, names, () => poll()); cards.set(intent.id, card); list.append(card); }
    }
    status.textContent = queue.items.length === 0 ? "Nothing waits for your decision." : `${queue.items.length} intent${queue.items.length === 1 ? "" : "s"} waiting for you.`;
    list.hidden = queue.items.length === 0;
    refreshPending();
  };
  const poll = async () => apply(await api("GET", "/v1/approvals?status=pending", undefined, { signal }));
  await poll();
  follow(signal, () => version, apply);
}

/** Long-polls the queue until the page is left; a failure waits a little and tries again. */
async function follow(signal, version, apply) {
  while (!signal.aborted) {
    try {
      apply(await api("GET", `/v1/approvals?status=pending&wait=25&version=${encodeURIComponent(version())}`, undefined, { signal }));
    } catch (error) {
      if (signal.aborted || error.name === "AbortError") return;
      if (error instanceof ApiError && error.status === 401) return;
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }
}

function intentCard(intent, names, changed) {
  const title = h("h2", {}, `${intent.action} on ${intent.resource}`);
  const decided = h("div");
  const comment = h("textarea", { name: "comment", maxlength: 2000, rows: 2 });
  const totp = h("input", { name: "totp", inputmode: "numeric", autocomplete: "off", maxlength: 32 });
  const needsCode = intent.tier === "T2";
  const form = h("form", { class: "decide", novalidate: true },
    field("Comment (kept in the audit log)", comment, { path: "comment" }),
    needsCode ? (session.me.user.totp_enabled
      ? field("Authenticator code (T2 needs a second factor)", totp, { path: "totp" })
      : h("p", { class: "warning" }, "T2 decisions need a second factor. ", h("a", { href: "#/account" }, "Set up an authenticator app"), " first.")) : null,
    h("div", { class: "actions" },
      h("button", { type: "submit", value: "approve", class: "approve" }, "Approve"),
      h("button", { type: "submit", value: "reject", class: "reject" }, "Reject")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const decision = event.submitter?.value ?? "approve";
    submitting(form, async () => {
      const body = { decision };
      if (comment.value.trim()) body.comment = comment.value.trim();
      if (needsCode && totp.value.trim()) body.totp = totp.value.trim();
      const result = await api("POST", `/v1/intents/${intent.id}/decisions`, body);
      announce(`${decision === "approve" ? "Approved" : "Rejected"}: ${intent.action} on ${intent.resource}. It is now ${result.status.replace("_", " ")}.`);
      await changed();
    });
  });
  const card = h("article", { class: "card intent-card", "aria-labelledby": "" },
    h("header", { class: "card-head" }, tierBadge(intent.tier), title),
    intentFacts(intent, names),
    h("h3", {}, "Why it needs approval"), matchedRules(intent.decision),
    h("h3", {}, "Decided so far"), decided,
    h("p", {}, h("strong", {}, "Deadline: "), deadline(intent)),
    h("p", {}, h("a", { href: `#/intents/${intent.id}` }, "Open the intent's page")),
    form);
  title.id = `t-${intent.id}`;
  card.setAttribute("aria-labelledby", title.id);
  card.update = (latest) => fill(decided, decisionsSoFar(latest, names));
  card.update(intent);
  return card;
}
