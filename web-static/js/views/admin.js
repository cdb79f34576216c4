// Administration: teams, agents, API keys, members and roles, webhooks, signing keys and plan limits.
import { fill, h, heading } from "../dom.js";
import { loadNames } from "../names.js";
import { session } from "../session.js";
import { teamsSection, signingKeysSection, planSection } from "./admin-tenant.js";
import { agentsSection, keysSection } from "./admin-agents.js";
import { membersSection } from "./admin-members.js";
import { webhooksSection } from "./admin-webhooks.js";

export async function render(view, { signal }) {
  if (!session.has("admin")) {
    fill(view, heading("Administration"), h("p", {}, "Only admins can manage the organisation."));
    return;
  }
  const sections = {
    teams: h("section", { class: "card", "aria-labelledby": "teams-title" }),
    agents: h("section", { class: "card", "aria-labelledby": "agents-title" }),
    keys: h("section", { class: "card", "aria-labelledby": "keys-title" }),
    members: h("section", { class: "card", "aria-labelledby": "members-title" }),
    webhooks: h("section", { class: "card", "aria-labelledby": "webhooks-title" }),
    signing: h("section", { class: "card", "aria-labelledby": "signing-title" }),
    plan: h("section", { class: "card", "aria-labelledby": "plan-title" }),
  };
  const reload = async () => {
    const names = await loadNames();
    const context = { names, reload, signal };
    await Promise.all([
      teamsSection(sections.teams, context), agentsSection(sections.agents, context), keysSection(sections.keys, context),
      membersSection(sections.members, context), webhooksSection(sections.webhooks, context), signingKeysSection(sections.signing, context), planSection(sections.plan, context),
    ]);
  };
  fill(view, heading("Administration"),
    h("nav", { class: "toc", "aria-label": "Sections" }, h("ul", {},
      [["teams", "Teams"], ["agents", "Agents"], ["keys", "API keys"], ["members", "Members"], ["webhooks", "Webhooks"], ["signing", "Signing keys"], ["plan", "Plan"]]
        .map(([id, text]) => h("li", {}, h("a", { href: `#/admin`, onclick: (event) => { event.preventDefault(); sections[id].scrollIntoView(); sections[id].querySelector("h2").focus(); } }, text))))),
    Object.values(sections));
  await reload();
}
