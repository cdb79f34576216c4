// Administration: members — invite (the link is mailed), change roles and teams, remove.
import { api } from "../api.js";
import { announce, field, fill, h, submitting } from "../dom.js";
import { session } from "../session.js";

const ROLES = [
  ["admin", "manages the organisation"], ["operator", "approves T1 for their teams"], ["approver", "approves T2 (with a second factor)"],
  ["board", "approves T3 through mailed links"], ["auditor", "reads and exports the audit log"],
];

function roleBoxes(prefix, chosen) {
  return ROLES.map(([role, meaning]) => h("input", { type: "checkbox", name: "roles", value: role, id: `${prefix}-${role}`, checked: chosen.includes(role), "data-meaning": meaning }));
}

function teamBoxes(prefix, names, chosen) {
  return names.teams.map((team) => h("input", { type: "checkbox", name: "teams", value: team.id, id: `${prefix}-${team.id}`, checked: chosen.includes(team.id), "data-name": team.name }));
}

function boxesFieldset(legend, path, boxes, text) {
  return h("fieldset", { class: "field", dataset: { path } }, h("legend", {}, legend),
    boxes.map((box) => h("label", { class: "check", for: box.id }, box, ` ${text(box)}`)), h("p", { class: "field-error", hidden: true }));
}

export function membersSection(section, { names, reload }) {
  const email = h("input", { name: "email", type: "email", required: true, maxlength: 254 });
  const roles = roleBoxes("invite", ["operator"]);
  const teams = teamBoxes("invite-team", names, []);
  const form = h("form", { class: "inline-form", novalidate: true },
    field("Email", email, { path: "email" }),
    boxesFieldset("Roles", "roles", roles, (box) => `${box.value} — ${box.dataset.meaning}`),
    names.teams.length ? boxesFieldset("Teams", "teams", teams, (box) => box.dataset.name) : null,
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Send the invitation")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      await api("POST", "/v1/members", {
        email: email.value.trim(), roles: roles.filter((box) => box.checked).map((box) => box.value),
        teams: teams.filter((box) => box.checked).map((box) => box.value),
      });
      announce(`Invitation mailed to ${email.value.trim()}.`);
      email.value = "";
      await reload();
    });
  });
  const rows = names.members.filter((member) => member.status !== "removed").map((member) => {
    const edit = h("form", { class: "row-form", novalidate: true });
    const memberRoles = roleBoxes(`m-${member.id}`, member.roles);
    const memberTeams = teamBoxes(`mt-${member.id}`, names, member.teams);
    const itsMe = member.id === session.me.user.id;
    const remove = h("button", { type: "button", class: "secondary small", disabled: itsMe }, `Remove ${member.email}`);
    edit.append(h("details", {}, h("summary", {}, `Roles and teams of ${member.email}`),
      boxesFieldset("Roles", "roles", memberRoles, (box) => box.value),
      names.teams.length ? boxesFieldset("Teams", "teams", memberTeams, (box) => box.dataset.name) : null,
      h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary small" }, "Save"), remove)));
    edit.addEventListener("submit", (event) => {
      event.preventDefault();
      submitting(edit, async () => {
        await api("PATCH", `/v1/members/${member.id}`, {
          roles: memberRoles.filter((box) => box.checked).map((box) => box.value), teams: memberTeams.filter((box) => box.checked).map((box) => box.value),
        });
        announce(`Saved ${member.email}.`);
        await reload();
      });
    });
    remove.addEventListener("click", () => submitting(edit, async () => {
      if (!confirm(`Remove ${member.email} from the organisation? Their sessions end at once.`)) return;
      await api("DELETE", `/v1/members/${member.id}`);
      announce(`Removed ${member.email}.`);
      await reload();
    }));
    return h("tr", {}, h("td", {}, member.email), h("td", {}, member.status), h("td", {}, member.roles.join(", ")),
      h("td", {}, member.totp_enabled ? "yes" : "no"), h("td", {}, edit));
  });
  fill(section, h("h2", { id: "members-title", tabindex: "-1" }, "Members"),
    h("div", { class: "table-scroll" }, h("table", { class: "list" },
      h("thead", {}, h("tr", {}, ["Email", "Status", "Roles", "Second factor", ""].map((text) => h("th", { scope: "col" }, text)))), h("tbody", {}, rows))),
    h("h3", {}, "Invite someone"), form);
}
