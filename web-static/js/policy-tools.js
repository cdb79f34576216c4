// The policy page's simulate and backtest panels. A draft can be tried only on the team whose
// policy is in the editor (a draft stands in for that team's saved policy).
import { api } from "./api.js";
import { field, fill, formatTime, h, submitting, tierBadge } from "./dom.js";

function teamSelect(id, names, scope) {
  return h("select", { id, name: "team_id", required: true },
    names.teams.map((team) => h("option", { value: team.id, selected: team.id === scope.value }, team.name)));
}

function draftOption(id, team, scope) {
  const box = h("input", { type: "checkbox", id, checked: true });
  const label = h("label", { for: id, class: "check" }, box, " Use the draft in the editor");
  const sync = () => { box.disabled = !scope.value || scope.value !== team.value; if (box.disabled) box.checked = false; };
  team.addEventListener("change", sync);
  sync();
  return { box, element: h("div", { class: "field" }, label, h("p", { class: "hint" }, "Only for the team whose policy is open in the editor; otherwise the saved policy is used.")) };
}

function draftDocument(editor) {
  try { return JSON.parse(editor.value()); } catch { throw Object.assign(new Error("The draft in the editor is not valid JSON."), { title: "Draft", errors: [] }); }
}

/** An intent in, the decision and the rules that matched out; nothing is stored. */
export function simulatePanel({ names, editor, scope }) {
  if (names.teams.length === 0) return h("section", { class: "card" }, h("h2", {}, "Simulate"), h("p", { class: "muted" }, "Create a team first."));
  const team = teamSelect("sim-team", names, scope);
  const agent = h("select", { id: "sim-agent", name: "agent_id" }, h("option", { value: "" }, "no particular agent"),
    names.agents.map((entry) => h("option", { value: entry.id }, entry.name)));
  const action = h("input", { name: "action", required: true, maxlength: 256, placeholder: "k8s.scale" });
  const resource = h("input", { name: "resource", required: true, maxlength: 256, placeholder: "prod/api" });
  const params = h("textarea", { name: "params", rows: 3, class: "code", spellcheck: "false" });
  params.value = "{}";
  const draft = draftOption("sim-draft", team, scope);
  const result = h("div", { class: "result", "aria-live": "polite" });
  const form = h("form", { novalidate: true },
    h("div", { class: "field" }, h("label", { for: "sim-team" }, "Team"), team),
    h("div", { class: "field" }, h("label", { for: "sim-agent" }, "Agent"), agent),
    field("Action", action, { path: "intent/action" }), field("Resource", resource, { path: "intent/resource" }),
    field("Parameters (JSON object)", params, { path: "intent/params" }), draft.element,
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Simulate")), result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      let parsedParams;
      try { parsedParams = JSON.parse(params.value || "{}"); } catch { throw Object.assign(new Error("Parameters must be a JSON object."), { title: "Invalid input", errors: [{ path: "/intent/params", message: "is not valid JSON" }] }); }
      const body = { team_id: team.value, intent: { action: action.value.trim(), resource: resource.value.trim(), params: parsedParams } };
      if (agent.value) body.intent.agent_id = agent.value;
      if (draft.box.checked) body.policy = draftDocument(editor);
      const decision = await api("POST", "/v1/policies/simulate", body);
      fill(result, h("p", { class: "verdict" }, decision.outcome === "deny" ? h("strong", {}, "Denied") : [h("strong", {}, "Allowed at "), tierBadge(decision.tier)],
        decision.approvals ? ` · ${decision.approvals.count} approval(s)${decision.approvals.roles ? ` from ${decision.approvals.roles.join(", ")}` : ""}` : "",
        h("span", { class: "muted" }, decision.policy?.draft ? " (draft)" : ` (saved version ${decision.policy?.version})`)),
        decision.rules.length ? h("ul", { class: "rules" }, decision.rules.map((rule) => h("li", {}, h("code", {}, rule.id), " — ", rule.reason)))
          : h("p", { class: "muted" }, "No rule matched: the default tier applies."));
    });
  });
  return h("section", { class: "card", "aria-labelledby": "sim-title" }, h("h2", { id: "sim-title" }, "Simulate an intent"), form);
}

/** Replays a team's recorded intents under the draft and lists the ones whose tier would change. */
export function backtestPanel({ names, editor, scope }) {
  const team = teamSelect("bt-team", names, scope);
  const since = h("select", { id: "bt-since" }, [7, 30, 90].map((days) => h("option", { value: days, selected: days === 30 }, `the last ${days} days`)));
  const result = h("div", { class: "result", "aria-live": "polite" });
  const form = h("form", { novalidate: true },
    h("p", { class: "hint" }, "Backtesting replays the team's recorded intents under the draft open in the editor for that team."),
    h("div", { class: "field" }, h("label", { for: "bt-team" }, "Team"), team),
    h("div", { class: "field" }, h("label", { for: "bt-since" }, "Intents of"), since),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Run the backtest")), result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      if (!scope.value || scope.value !== team.value) {
        throw Object.assign(new Error("Open this team's policy in the editor: the backtest replays its intents under that draft."), { title: "Choose the team above", errors: [] });
      }
      const from = new Date(Date.now() - Number(since.value) * 86400000).toISOString();
      const report = await api("POST", "/v1/policies/backtest", { team_id: team.value, policy: draftDocument(editor), since: from });
      const moves = Object.entries(report.totals ?? {}).filter(([key]) => { const [a, b] = key.split("->"); return a !== b; });
      fill(result,
        h("p", { class: "verdict", role: "status" }, report.changed === 0
          ? `This draft would change none of the ${report.replayed} intents of ${since.selectedOptions[0].textContent}.`
          : `This draft would change ${report.changed} of ${report.replayed} intents: ${moves.map(([key, count]) => `${count} from ${key.replace("->", " to ")}`).join(", ")}.`),
        report.changes.length ? h("div", { class: "table-scroll" }, h("table", { class: "list" },
          h("thead", {}, h("tr", {}, ["Submitted", "Action", "Resource", "Now", "With the draft", "Rules"].map((text) => h("th", { scope: "col" }, text)))),
          h("tbody", {}, report.changes.map((change) => h("tr", {},
            h("td", {}, h("a", { href: `#/intents/${change.intent_id}` }, formatTime(change.created_at))), h("td", {}, h("code", {}, change.action)),
            h("td", {}, h("code", {}, change.resource)), h("td", {}, change.old), h("td", {}, change.new), h("td", {}, change.rules.join(", "))))))) : null);
    });
  });
  return h("section", { class: "card", "aria-labelledby": "bt-title" }, h("h2", { id: "bt-title" }, "Backtest the draft"), form);
}
