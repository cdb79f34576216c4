// Audit: the verification badge, the chain filtered by type and time, checkpoints, export.
import { api, query } from "../api.js";
import { fill, formatTime, h, heading } from "../dom.js";
import { session } from "../session.js";

export async function render(view, { signal }) {
  if (!session.has("admin", "auditor")) {
    fill(view, heading("Audit"), h("p", {}, "Only admins and auditors can read the audit log."));
    return;
  }
  const badge = h("div", { class: "verify-badge", role: "status", dataset: { state: "checking" } }, "Verifying the whole chain…");
  const type = h("input", { id: "audit-type", name: "type", placeholder: "intent.approved", maxlength: 100 });
  const since = h("input", { id: "audit-since", name: "since", type: "date" });
  const until = h("input", { id: "audit-until", name: "until", type: "date" });
  const filters = h("form", { class: "filters card", role: "search", "aria-label": "Filter the audit log" },
    h("div", { class: "field" }, h("label", { for: "audit-type" }, "Event type"), type),
    h("div", { class: "field" }, h("label", { for: "audit-since" }, "From (day)"), since),
    h("div", { class: "field" }, h("label", { for: "audit-until" }, "Until (day, inclusive)"), until),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Filter")));
  const rows = h("tbody");
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "Load more");
  const checkpoints = h("div");
  fill(view, heading("Audit"),
    h("section", { class: "card", "aria-labelledby": "verify-title" }, h("h2", { id: "verify-title" }, "Integrity"), badge,
      h("p", {}, h("a", { class: "button secondary", href: "/v1/audit/export", download: "writ-audit.ndjson" }, "Export the chain (NDJSON)"),
        " ", h("span", { class: "hint" }, "Anyone can re-check an export with the verifier in docs/audit-format.md."))),
    filters,
    h("section", { class: "card", "aria-labelledby": "events-title" }, h("h2", { id: "events-title" }, "Events"),
      h("div", { class: "table-scroll" }, h("table", { class: "list" },
        h("thead", {}, h("tr", {}, ["#", "Time", "Event", "Actor", "Subject", "Details"].map((text) => h("th", { scope: "col" }, text)))), rows)), more),
    h("section", { class: "card", "aria-labelledby": "checkpoints-title" }, h("h2", { id: "checkpoints-title" }, "Signed checkpoints"), checkpoints));

  let cursor = null;
  let params = {};
  const load = async (reset) => {
    if (reset) { rows.replaceChildren(); cursor = null; }
    const page = await api("GET", `/v1/audit${query({ ...params, cursor, limit: 100 })}`, undefined, { signal });
    for (const event of page.items) {
      rows.append(h("tr", {}, h("td", {}, String(event.seq)), h("td", {}, formatTime(event.time)), h("td", {}, h("code", {}, event.type)),
        h("td", {}, `${event.actor?.kind ?? ""} ${event.actor?.id?.slice(0, 8) ?? ""}`),
        h("td", {}, event.subject ? (event.subject.kind === "intent" ? h("a", { href: `#/intents/${event.subject.id}` }, `intent ${event.subject.id.slice(0, 8)}`) : `${event.subject.kind} ${String(event.subject.id).slice(0, 12)}`) : "—"),
        h("td", {}, h("details", {}, h("summary", {}, "data"), h("pre", { class: "json" }, JSON.stringify(event.data ?? {}, null, 2))))));
    }
    if (rows.children.length === 0) rows.append(h("tr", {}, h("td", { colspan: 6 }, "No events match.")));
    cursor = page.next_cursor;
    more.hidden = !cursor;
  };
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    params = { type: type.value.trim(), since: since.value ? `${since.value}T00:00:00Z` : "",
      until: until.value ? new Date(Date.parse(`${until.value}T00:00:00Z`) + 86400000).toISOString() : "" };
    load(true);
  });
  more.addEventListener("click", () => load(false));
  const checkpointPage = await api("GET", "/v1/audit/checkpoints?limit=20", undefined, { signal });
  fill(checkpoints, checkpointPage.items.length === 0 ? h("p", { class: "muted" }, "No checkpoint yet; one is signed every few minutes while events arrive.")
    : h("ul", { class: "plain-list" }, checkpointPage.items.map((checkpoint) => h("li", {}, `#${checkpoint.seq} · ${formatTime(new Date(checkpoint.iat * 1000).toISOString())} · `, h("code", {}, checkpoint.hash.slice(0, 16)), "…"))));
  await load(true);
  verify(badge, signal);
}

async function verify(badge, signal) {
  try {
    const result = await api("GET", "/v1/audit/verify", undefined, { signal });
    badge.dataset.state = result.valid ? "valid" : "invalid";
    const purged = result.purged_before
      ? ` Events before #${result.purged_before} are past the plan's retention: their contents were purged, their hashes and checkpoints kept.`
      : "";
    fill(badge, result.valid
      ? [h("strong", {}, "✓ Chain verified"), ` — ${result.checked} events and ${result.checkpoints} checkpoints, every hash and signature checked.${purged}`]
      : [h("strong", {}, "✗ Chain broken"), ` at event #${result.first_bad_seq}: ${result.reason}. ${result.checked} events checked before it.${purged}`]);
  } catch (error) {
    if (signal.aborted) return;
    badge.dataset.state = "unknown";
    badge.textContent = `Verification did not finish: ${error.message}`;
  }
}
