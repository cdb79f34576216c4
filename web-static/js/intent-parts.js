// Pieces of an intent that several pages show: what it asks, why it got its tier, who decided.
import { formatTime, h, relative } from "./dom.js";

/** Agent, team, action, resource, target, justification and params as a description list. */
export function intentFacts(intent, names) {
  return h("dl", { class: "facts" },
    h("dt", {}, "Agent"), h("dd", {}, names.agent(intent.agent_id)),
    h("dt", {}, "Team"), h("dd", {}, names.team(intent.team_id)),
    h("dt", {}, "Action"), h("dd", {}, h("code", {}, intent.action)),
    h("dt", {}, "Resource"), h("dd", {}, h("code", {}, intent.resource)),
    intent.target ? [h("dt", {}, "Target"), h("dd", {}, h("code", {}, intent.target))] : null,
    h("dt", {}, "Justification"), h("dd", {}, intent.justification || h("span", { class: "muted" }, "none given")),
    h("dt", {}, "Parameters"), h("dd", {}, h("pre", { class: "json", tabindex: "0", "aria-label": "Parameters as JSON" }, JSON.stringify(intent.params ?? {}, null, 2))));
}

/** The rules that matched and their reasons. */
export function matchedRules(decision) {
  const rules = decision?.rules ?? [];
  if (rules.length === 0) return h("p", { class: "muted" }, "No rule matched: the policy's default tier applies.");
  return h("ul", { class: "rules" }, rules.map((rule) => h("li", {}, h("code", {}, rule.id), " — ", rule.reason)));
}

/** Who has decided so far, and how many approvals the tier needs. */
export function decisionsSoFar(intent, names) {
  const needed = intent.decision?.approvals?.count;
  const decisions = intent.decisions ?? [];
  return h("div", { class: "decided" },
    h("p", {}, needed ? `Needs ${needed} approval${needed === 1 ? "" : "s"} from distinct people; ${decisions.filter((d) => d.decision === "approve").length} so far.` : ""),
    decisions.length === 0 ? h("p", { class: "muted" }, "Nobody has decided yet.")
      : h("ul", {}, decisions.map((entry) => h("li", {},
        h("strong", {}, entry.email ?? names.member(entry.user_id)), ` ${entry.decision === "approve" ? "approved" : "rejected"}`,
        entry.mfa ? " with a second factor" : "", ` · ${formatTime(entry.at)}`, entry.comment ? h("q", {}, entry.comment) : null))));
}

export function deadline(intent) {
  return intent.expires_at ? `${formatTime(intent.expires_at)} (${relative(intent.expires_at)})` : "—";
}
