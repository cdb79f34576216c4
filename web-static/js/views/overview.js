// Overview: what waits for me, the last 7 days by tier and outcome, time to decision, plan use.
import { api, listAll } from "../api.js";
import { fill, formatDuration, h, heading, relative, tierBadge } from "../dom.js";
import { stackedBars } from "../chart.js";
import { session } from "../session.js";

const TIERS = ["T0", "T1", "T2", "T3"];
const OUTCOMES = [
  { name: "approved", statuses: ["approved", "executed", "failed"] },
  { name: "pending", statuses: ["pending_approval"] },
  { name: "rejected", statuses: ["rejected"] },
  { name: "expired or cancelled", statuses: ["expired", "cancelled"] },
  { name: "denied", statuses: ["denied"] },
];

export async function render(view, { signal }) {
  const [overview, queue, teams, agents] = await Promise.all([
    api("GET", "/v1/overview?days=7", undefined, { signal }),
    api("GET", "/v1/approvals?status=pending&limit=5", undefined, { signal }),
    listAll("/v1/teams"), listAll("/v1/agents"),
  ]);
  const days = lastDays(7);
  const count = (day, predicate) => overview.counts.filter((row) => row.day === day && predicate(row)).reduce((sum, row) => sum + row.count, 0);
  const series = [...TIERS.map((tier) => ({ name: tier, className: `fill-${tier.toLowerCase()}`, values: days.map((day) => count(day, (row) => row.tier === tier)) })),
    { name: "denied", className: "fill-deny", values: days.map((day) => count(day, (row) => row.status === "denied")) }];
  const total = (tier, outcome) => overview.counts.filter((row) => (tier ? row.tier === tier : row.tier === null) && outcome.statuses.includes(row.status)).reduce((sum, row) => sum + row.count, 0);
  const plan = overview.plan;

  fill(view,
    heading(`Overview · ${session.me.tenant.name}`),
    gettingStarted(teams, agents),
    h("section", { class: "card", "aria-labelledby": "waiting-title" },
      h("h2", { id: "waiting-title" }, "Waiting for you"),
      queue.items.length === 0
        ? h("p", { class: "empty" }, "Nothing waits for your decision.")
        : h("ul", { class: "plain-list" }, queue.items.map((intent) => h("li", {},
          tierBadge(intent.tier), " ", h("a", { href: `#/approvals` }, `${intent.action} on ${intent.resource}`),
          h("span", { class: "muted" }, ` · deadline ${relative(intent.expires_at)}`))))),
    h("div", { class: "grid-2" },
      h("section", { class: "card", "aria-labelledby": "week-title" },
        h("h2", { id: "week-title" }, "Intents of the last 7 days, by tier"),
        stackedBars(days, series, { title: "Intents per day by tier" })),
      h("section", { class: "card", "aria-labelledby": "numbers-title" },
        h("h2", { id: "numbers-title" }, "Time to decision and plan"),
        h("dl", { class: "stats" },
          ["T1", "T2", "T3"].map((tier) => [h("dt", {}, `Median time to decision, ${tier}`), h("dd", {}, formatDuration(overview.median_seconds_to_decision[tier]))])),
        usage("Active agents", plan.active_agents, plan.max_active_agents),
        usage("Intents this month", plan.intents_this_month, plan.max_intents_per_month),
        h("p", { class: "muted" }, `Plan: ${plan.id}.`))),
    h("section", { class: "card", "aria-labelledby": "table-title" },
      h("h2", { id: "table-title" }, "The same 7 days by tier and outcome"),
      h("div", { class: "table-scroll" }, h("table", {},
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Tier"), OUTCOMES.map((outcome) => h("th", { scope: "col" }, outcome.name)))),
        h("tbody", {}, [...TIERS, null].map((tier) => h("tr", {}, h("th", { scope: "row" }, tier ?? "no tier (denied)"),
          OUTCOMES.map((outcome) => h("td", {}, String(total(tier, outcome)))))))))));
}

function usage(label, used, limit) {
  const id = `u-${label.replace(/\W/g, "")}`;
  return h("div", { class: "usage" }, h("label", { for: id }, `${label}: ${used} of ${limit.toLocaleString()}`),
    h("meter", { id, min: 0, max: limit, low: limit * 0.7, high: limit * 0.9, optimum: 0, value: used }, `${used} of ${limit}`));
}

function gettingStarted(teams, agents) {
  if (!session.has("admin") || (teams.length > 0 && agents.length > 0)) return null;
  return h("section", { class: "card callout", "aria-labelledby": "start-title" },
    h("h2", { id: "start-title" }, "Getting started"),
    h("ol", {},
      h("li", {}, h("a", { href: "#/admin" }, "Create a team"), " — the people and agents that work together, e.g. “Platform”."),
      h("li", {}, h("a", { href: "#/admin" }, "Register an agent and create its API key"), " — the agent sends intents with it."),
      h("li", {}, h("a", { href: "#/policies" }, "Write the team's policy"), " — which actions are T0 (automatic) up to T3 (board)."),
      h("li", {}, h("a", { href: "#/admin" }, "Invite operators, approvers and board members"), " — they approve in this console or by mailed link."),
      h("li", {}, "Point the agent at ", h("code", {}, "POST /v1/intents"), " and watch its intents arrive under ", h("a", { href: "#/intents" }, "Intents"), ".")));
}

function lastDays(count) {
  const today = new Date();
  const days = [];
  for (let back = count - 1; back >= 0; back -= 1) {
    const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - back));
    days.push(day.toISOString().slice(0, 10));
  }
  return days;
}
