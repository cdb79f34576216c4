// Administration sections for automation: agents (labels, owner, disable) and API keys (the
// secret shown once, revocation).
import { api, listAll } from "../api.js";
import { announce, copyButton, field, fill, formatTime, h, submitting } from "../dom.js";

function labelsText(labels) { return Object.entries(labels ?? {}).map(([key, value]) => `${key}=${value}`).join(", "); }

function parseLabels(text) {
  const labels = {};
  for (const part of text.split(",").map((item) => item.trim()).filter(Boolean)) {
    const at = part.indexOf("=");
    if (at < 1) throw Object.assign(new Error("Write labels as key=value, separated by commas."), { title: "Invalid labels", errors: [{ path: "/labels", message: "must be key=value pairs" }] });
    labels[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return labels;
}

export function agentsSection(section, { names, reload }) {
  const people = names.members.filter((member) => member.status === "active");
  const name = h("input", { name: "name", required: true, maxlength: 200 });
  const team = h("select", { name: "team_id", required: true }, names.teams.map((entry) => h("option", { value: entry.id }, entry.name)));
  const owner = h("select", { name: "owner_id" }, h("option", { value: "" }, "nobody in particular"), people.map((member) => h("option", { value: member.id }, member.email)));
  const labels = h("input", { name: "labels", placeholder: "env=prod, owner=platform" });
  const form = h("form", { class: "inline-form", novalidate: true },
    field("Agent name", name, { path: "name" }), field("Team", team, { path: "team_id" }),
    field("Owner (never approves this agent's intents)", owner, { path: "owner_id" }), field("Labels", labels, { path: "labels" }),
    h("div", { class: "actions" }, h("button", { type: "submit", disabled: names.teams.length === 0 }, "Register the agent")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const body = { name: name.value.trim(), team_id: team.value, labels: parseLabels(labels.value) };
      if (owner.value) body.owner_id = owner.value;
      const agent = await api("POST", "/v1/agents", body);
      announce(`Registered the agent ${agent.name}. Create an API key for it below.`);
      await reload();
    });
  });
  const rows = names.agents.map((agent) => {
    const edit = h("form", { class: "row-form", novalidate: true });
    const labelInput = h("input", { name: "labels", value: labelsText(agent.labels), "aria-label": `Labels of ${agent.name}` });
    const ownerSelect = h("select", { name: "owner_id", "aria-label": `Owner of ${agent.name}` }, h("option", { value: "" }, "nobody"),
      people.map((member) => h("option", { value: member.id, selected: member.id === agent.owner_id }, member.email)));
    const save = h("button", { type: "submit", class: "secondary small" }, "Save");
    const toggle = h("button", { type: "button", class: "secondary small" }, agent.disabled ? "Enable" : "Disable");
    edit.append(h("div", { class: "field", dataset: { path: "labels" } }, labelInput, h("p", { class: "field-error", hidden: true })), ownerSelect, save, toggle);
    edit.addEventListener("submit", (event) => {
      event.preventDefault();
      submitting(edit, async () => {
        await api("PATCH", `/v1/agents/${agent.id}`, { labels: parseLabels(labelInput.value), owner_id: ownerSelect.value || null });
        announce(`Saved ${agent.name}.`);
        await reload();
      });
    });
    toggle.addEventListener("click", () => submitting(edit, async () => {
      await api("PATCH", `/v1/agents/${agent.id}`, { disabled: !agent.disabled });
      announce(`${agent.disabled ? "Enabled" : "Disabled"} ${agent.name}.`);
      await reload();
    }));
    return h("tr", {}, h("td", {}, agent.name, agent.disabled ? h("span", { class: "badge status-cancelled" }, "disabled") : null),
      h("td", {}, names.team(agent.team_id)), h("td", {}, edit));
  });
  fill(section, h("h2", { id: "agents-title", tabindex: "-1" }, "Agents"),
    h("p", { class: "hint" }, "An agent is a piece of automation that submits intents. Disabling one stops its keys at once, on every node."),
    names.agents.length ? h("div", { class: "table-scroll" }, h("table", { class: "list" },
      h("thead", {}, h("tr", {}, ["Agent", "Team", "Labels, owner"].map((text) => h("th", { scope: "col" }, text)))), h("tbody", {}, rows)))
      : h("p", { class: "empty" }, names.teams.length ? "No agents yet." : "Create a team first."),
    form);
}

export async function keysSection(section, { names, reload, signal }) {
  const keys = await listAll("/v1/api-keys");
  if (signal.aborted) return;
  const name = h("input", { name: "name", required: true, maxlength: 200 });
  const agent = h("select", { name: "agent_id" }, h("option", { value: "" }, "no agent (automation)"),
    names.agents.filter((entry) => !entry.disabled).map((entry) => h("option", { value: entry.id }, entry.name)));
  const scopes = ["intents", "warrants", "admin"].map((scope) => h("input", { type: "checkbox", name: "scopes", value: scope, id: `scope-${scope}`, checked: scope === "intents" }));
  const audiences = h("input", { name: "audiences", placeholder: "k8s, payments" });
  const secret = h("div", { class: "secret", "aria-live": "polite" });
  const form = h("form", { class: "inline-form", novalidate: true },
    field("Key name", name, { path: "name" }), field("Agent", agent, { path: "agent_id" }),
    h("fieldset", { class: "field", dataset: { path: "scopes" } }, h("legend", {}, "Scopes"),
      scopes.map((box) => h("label", { class: "check", for: box.id }, box, ` ${box.value}`)), h("p", { class: "field-error", hidden: true })),
    field("Audiences (executors, for the warrants scope)", audiences, { path: "audiences" }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Create the key")), secret);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const body = { name: name.value.trim(), scopes: scopes.filter((box) => box.checked).map((box) => box.value) };
      if (agent.value) body.agent_id = agent.value;
      const wanted = audiences.value.split(",").map((item) => item.trim()).filter(Boolean);
      if (wanted.length) body.audiences = wanted;
      const created = await api("POST", "/v1/api-keys", body);
      fill(secret, h("p", {}, h("strong", {}, "Copy this key now: it is shown once and never again.")),
        h("p", { class: "key-line" }, h("code", { id: "new-key" }, created.key), " ", copyButton(created.key, "Copy the key")));
      secret.querySelector("button").focus();
      const list = await listAll("/v1/api-keys");
      fill(table, keyRows(list, names, reload));
    });
  });
  const table = h("div", {}, keyRows(keys, names, reload));
  fill(section, h("h2", { id: "keys-title", tabindex: "-1" }, "API keys"),
    h("p", { class: "hint" }, "Agents submit with the intents scope; executors redeem warrants with the warrants scope; automation manages the organisation with admin."),
    table, form);
}

function keyRows(keys, names, reload) {
  if (keys.length === 0) return h("p", { class: "empty" }, "No API keys yet.");
  return h("div", { class: "table-scroll" }, h("table", { class: "list" },
    h("thead", {}, h("tr", {}, ["Name", "Prefix", "Agent", "Scopes", "Last used", ""].map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, keys.map((key) => {
      const revoke = h("button", { type: "button", class: "secondary small", disabled: Boolean(key.revoked_at) }, key.revoked_at ? "Revoked" : `Revoke ${key.name}`);
      const holder = h("form", {}, revoke);
      revoke.addEventListener("click", () => submitting(holder, async () => {
        if (!confirm(`Revoke the key ${key.name}? Requests with it are refused within a second, on every node.`)) return;
        await api("DELETE", `/v1/api-keys/${key.id}`);
        announce(`Revoked ${key.name}.`);
        await reload();
      }));
      return h("tr", {}, h("td", {}, key.name), h("td", {}, h("code", {}, key.prefix)), h("td", {}, key.agent_id ? names.agent(key.agent_id) : "—"),
        h("td", {}, [...key.scopes, ...(key.audiences.length ? [`aud: ${key.audiences.join(" ")}`] : [])].join(", ")),
        h("td", {}, key.last_used_at ? formatTime(key.last_used_at) : "never"), h("td", {}, holder));
    }))));
}
