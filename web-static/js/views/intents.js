// Intents: the tenant's intents, newest first, filtered by status, tier, team, agent and time.
import { api, query } from "../api.js";
import { fill, formatTime, h, heading, statusBadge, tierBadge } from "../dom.js";
import { loadNames } from "../names.js";

const STATUSES = ["pending_approval", "approved", "executed", "failed", "rejected", "expired", "cancelled", "denied"];

export async function render(view, { signal }) {
  const names = await loadNames();
  const current = new URLSearchParams(location.hash.split("?")[1] ?? "");
  const select = (name, label, options) => h("div", { class: "field" },
    h("label", { for: `filter-${name}` }, label),
    h("select", { id: `filter-${name}`, name }, h("option", { value: "" }, "any"),
      options.map(([value, text]) => h("option", { value, selected: current.get(name) === value }, text))));
  const dateInput = (name, label) => h("div", { class: "field" }, h("label", { for: `filter-${name}` }, label),
    h("input", { id: `filter-${name}`, name, type: "date", value: current.get(name) ?? "" }));
  const filters = h("form", { class: "filters card", role: "search", "aria-label": "Filter intents" },
    select("status", "Status", STATUSES.map((status) => [status, status.replace("_", " ")])),
    select("tier", "Tier", ["T0", "T1", "T2", "T3"].map((tier) => [tier, tier])),
    select("team_id", "Team", names.teams.map((team) => [team.id, team.name])),
    select("agent_id", "Agent", names.agents.map((agent) => [agent.id, agent.name])),
    dateInput("since", "From (day)"), dateInput("until", "Until (day, inclusive)"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Filter"), h("a", { href: "#/intents", class: "button secondary" }, "Clear")));
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(filters));
    location.hash = `#/intents${query(values)}`;
  });
  const rows = h("tbody");
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "Load more");
  const status = h("p", { role: "status", class: "muted" });
  fill(view, heading("Intents"), filters, status,
    h("div", { class: "table-scroll" }, h("table", { class: "list" },
      h("caption", { class: "visually-hidden" }, "Intents, newest first"),
      h("thead", {}, h("tr", {}, ["Submitted", "Action", "Resource", "Agent", "Team", "Tier", "Status"].map((text) => h("th", { scope: "col" }, text)))),
      rows)), more);

  const params = {
    status: current.get("status"), tier: current.get("tier"), team_id: current.get("team_id"), agent_id: current.get("agent_id"),
    since: current.get("since") ? `${current.get("since")}T00:00:00Z` : undefined,
    until: current.get("until") ? new Date(Date.parse(`${current.get("until")}T00:00:00Z`) + 86400000).toISOString() : undefined,
    limit: 50,
  };
  let cursor = null;
  let shown = 0;
  const load = async () => {
    const page = await api("GET", `/v1/intents${query({ ...params, cursor })}`, undefined, { signal });
    for (const intent of page.items) {
      rows.append(h("tr", {},
        h("td", {}, h("a", { href: `#/intents/${intent.id}` }, formatTime(intent.created_at))),
        h("td", {}, h("code", {}, intent.action)), h("td", {}, h("code", {}, intent.resource)),
        h("td", {}, names.agent(intent.agent_id)), h("td", {}, names.team(intent.team_id)),
        h("td", {}, tierBadge(intent.tier)), h("td", {}, statusBadge(intent.status))));
    }
    shown += page.items.length;
    cursor = page.next_cursor;
    more.hidden = !cursor;
    status.textContent = shown === 0 ? "No intent matches these filters." : `${shown} intent${shown === 1 ? "" : "s"} shown${cursor ? "; more below" : ""}.`;
  };
  more.addEventListener("click", load);
  await load();
}
