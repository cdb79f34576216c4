// Administration sections about the organisation: teams, signing keys, plan.
import { api } from "../api.js";
import { announce, field, fill, h, submitting } from "../dom.js";
import { session } from "../session.js";

export function teamsSection(section, { names, reload }) {
  const name = h("input", { name: "name", required: true, maxlength: 200 });
  const form = h("form", { class: "inline-form", novalidate: true }, field("New team's name", name, { path: "name" }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Create the team")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const team = await api("POST", "/v1/teams", { name: name.value.trim() });
      announce(`Created the team ${team.name}.`);
      await reload();
    });
  });
  const rows = names.teams.map((team) => {
    const agents = names.agents.filter((agent) => agent.team_id === team.id).length;
    const remove = h("button", { type: "button", class: "secondary small", disabled: agents > 0, title: agents > 0 ? "Move or disable its agents first" : undefined }, `Delete ${team.name}`);
    const rowForm = h("form", {});
    remove.addEventListener("click", () => submitting(rowForm, async () => {
      if (!confirm(`Delete the team ${team.name}?`)) return;
      await api("DELETE", `/v1/teams/${team.id}`);
      announce(`Deleted the team ${team.name}.`);
      await reload();
    }));
    rowForm.append(remove);
    return h("tr", {}, h("td", {}, team.name), h("td", {}, String(agents)), h("td", {}, rowForm));
  });
  fill(section, h("h2", { id: "teams-title", tabindex: "-1" }, "Teams"),
    h("p", { class: "hint" }, "Teams group agents and the people who approve for them; each team can have its own policy."),
    names.teams.length ? h("div", { class: "table-scroll" }, h("table", { class: "list" },
      h("thead", {}, h("tr", {}, ["Team", "Agents", ""].map((text) => h("th", { scope: "col" }, text)))), h("tbody", {}, rows))) : h("p", { class: "empty" }, "No teams yet."),
    form);
}

export async function signingKeysSection(section, { reload, signal }) {
  const jwks = await api("GET", `/v1/tenants/${session.me.tenant.id}/jwks.json`, undefined, { signal });
  const form = h("form", { class: "inline-form" }, h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Rotate the signing key")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      if (!confirm("Rotate the signing key? New warrants are signed with a new key; the old public key stays published for 7 days.")) return;
      const rotated = await api("POST", "/v1/signing-keys/rotate");
      announce(`New signing key ${rotated.kid}.`);
      await reload();
    });
  });
  fill(section, h("h2", { id: "signing-title", tabindex: "-1" }, "Signing keys"),
    h("p", { class: "hint" }, "Executors verify warrants offline against the published public keys: ",
      h("a", { href: `/v1/tenants/${session.me.tenant.id}/jwks.json` }, "JWK Set"), "."),
    h("ul", { class: "plain-list" }, jwks.keys.map((key) => h("li", {}, h("code", {}, key.kid), ` · ${key.alg ?? "EdDSA"} ${key.crv ?? ""}`))),
    form);
}

export async function planSection(section, { signal }) {
  const overview = await api("GET", "/v1/overview?days=1", undefined, { signal });
  const plan = overview.plan;
  fill(section, h("h2", { id: "plan-title", tabindex: "-1" }, "Plan"),
    h("dl", { class: "stats" },
      h("dt", {}, "Plan"), h("dd", {}, plan.id),
      h("dt", {}, "Active agents"), h("dd", {}, `${plan.active_agents} of ${plan.max_active_agents.toLocaleString()}`),
      h("dt", {}, "Intents this calendar month"), h("dd", {}, `${plan.intents_this_month} of ${plan.max_intents_per_month.toLocaleString()}`),
      h("dt", {}, "Audit retention"), h("dd", {}, plan.audit_retention_days ? `${plan.audit_retention_days} days` : "kept forever")),
    h("p", { class: "hint" }, "Past a limit, the API answers 402 naming the quota; disable an agent to free its place. ",
      "Audit events older than the retention keep their hashes and checkpoints; their contents are purged (an audit.purged event records each purge)."));
}
