// Administration section for webhooks: endpoints (the secret shown once), their recent
// deliveries with each attempt's answer, redelivery, disabling, secret rotation and deletion.
import { api, listAll } from "../api.js";
import { announce, copyButton, field, fill, formatTime, h, submitting } from "../dom.js";

const EVENTS = ["intent.submitted", "approval.requested", "intent.approved", "intent.rejected", "intent.denied", "intent.expired",
  "intent.cancelled", "intent.result", "warrant.redeemed", "warrant.revoked", "policy.changed", "member.changed", "key.revoked"];

export async function webhooksSection(section, { reload, signal }) {
  const endpoints = await listAll("/v1/webhooks");
  if (signal.aborted) return;
  const url = h("input", { name: "url", type: "url", required: true, maxlength: 2048, placeholder: "https://hooks.example.com/writ" });
  const kind = h("select", { name: "kind" }, h("option", { value: "standard" }, "Standard Webhooks (signed JSON)"),
    h("option", { value: "slack" }, "Slack incoming webhook (readable message)"));
  const boxes = EVENTS.map((type) => h("input", { type: "checkbox", name: "events", value: type, id: `event-${type}`,
    checked: type === "approval.requested" }));
  const ordered = h("input", { type: "checkbox", name: "ordered", id: "webhook-ordered" });
  const secret = h("div", { class: "secret", "aria-live": "polite" });
  const form = h("form", { class: "inline-form", novalidate: true },
    field("Endpoint URL", url, { path: "url" }), field("Kind", kind, { path: "kind" }),
    h("fieldset", { class: "field", dataset: { path: "events" } }, h("legend", {}, "Events"),
      boxes.map((box) => h("label", { class: "check", for: box.id }, box, ` ${box.value}`)), h("p", { class: "field-error", hidden: true })),
    h("label", { class: "check", for: ordered.id }, ordered, " Strictly in order (a failing delivery holds back the rest)"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Add the endpoint")), secret);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const created = await api("POST", "/v1/webhooks", {
        url: url.value.trim(), kind: kind.value, ordered: ordered.checked,
        events: boxes.filter((box) => box.checked).map((box) => box.value),
      });
      showSecret(secret, created);
      fill(table, endpointRows(await listAll("/v1/webhooks"), reload, secret));
    });
  });
  const table = h("div", {}, endpointRows(endpoints, reload, secret));
  fill(section, h("h2", { id: "webhooks-title", tabindex: "-1" }, "Webhooks"),
    h("p", { class: "hint" }, "Other systems hear about approvals and decisions at once. Deliveries are signed (Standard Webhooks), retried for more than a day, and never lost; ",
      h("a", { href: "https://www.standardwebhooks.com/" }, "any Standard Webhooks library"), " verifies them."),
    table, form);
}

function showSecret(holder, endpoint) {
  if (!endpoint.secret) { fill(holder, h("p", {}, `Added ${endpoint.url}.`)); return; }
  fill(holder, h("p", {}, h("strong", {}, "Copy this signing secret now: it is shown once and never again.")),
    h("p", { class: "key-line" }, h("code", { id: "new-webhook-secret" }, endpoint.secret), " ", copyButton(endpoint.secret, "Copy the secret")));
  holder.querySelector("button").focus();
}

function endpointRows(endpoints, reload, secret) {
  if (endpoints.length === 0) return h("p", { class: "empty" }, "No webhook endpoints yet.");
  return h("div", { class: "table-scroll" }, h("table", { class: "list" },
    h("thead", {}, h("tr", {}, ["Endpoint", "Events", "State", ""].map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, endpoints.flatMap((endpoint) => {
      const details = h("tr", { hidden: true }, h("td", { colspan: 4 }));
      const actions = h("form", { class: "row-actions" },
        button(`Deliveries of ${endpoint.url}`, "Deliveries", () => toggleDeliveries(endpoint, details)),
        button(endpoint.disabled_at ? `Enable ${endpoint.url}` : `Disable ${endpoint.url}`, endpoint.disabled_at ? "Enable" : "Disable", async () => {
          await api("PATCH", `/v1/webhooks/${endpoint.id}`, { disabled: !endpoint.disabled_at });
          announce(endpoint.disabled_at ? `Enabled ${endpoint.url}.` : `Disabled ${endpoint.url}.`);
          await reload();
        }),
        endpoint.kind === "standard" ? button(`Rotate the secret of ${endpoint.url}`, "Rotate secret", async () => {
          if (!confirm("Make a new secret? The current one keeps signing beside it for 24 hours.")) return;
          showSecret(secret, await api("POST", `/v1/webhooks/${endpoint.id}/rotate-secret`));
        }) : null,
        button(`Delete ${endpoint.url}`, "Delete", async () => {
          if (!confirm(`Delete the endpoint ${endpoint.url} and its delivery log?`)) return;
          await api("DELETE", `/v1/webhooks/${endpoint.id}`);
          announce(`Deleted ${endpoint.url}.`);
          await reload();
        }));
      const state = endpoint.disabled_at ? `disabled: ${endpoint.disabled_reason ?? ""}`
        : endpoint.failing_since ? `failing since ${formatTime(endpoint.failing_since)}` : "active";
      return [h("tr", {}, h("td", {}, h("code", {}, endpoint.url), endpoint.kind === "slack" ? " (Slack)" : ""),
        h("td", {}, endpoint.events.join(", ")), h("td", {}, state), h("td", {}, actions)), details];
    }))));
}

function button(label, text, action) {
  const element = h("button", { type: "button", class: "secondary small", "aria-label": label }, text);
  element.addEventListener("click", () => submitting(element.form, action));
  return element;
}

async function toggleDeliveries(endpoint, row) {
  if (!row.hidden) { row.hidden = true; return; }
  const page = await api("GET", `/v1/webhooks/${endpoint.id}/deliveries?limit=20`);
  const cell = row.firstChild;
  fill(cell, page.items.length === 0 ? h("p", { class: "empty" }, "Nothing delivered yet.") : h("table", { class: "list" },
    h("caption", {}, `Latest deliveries to ${endpoint.url}`),
    h("thead", {}, h("tr", {}, ["Event", "Status", "Attempts", "Last answer", ""].map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, page.items.map((delivery) => {
      const last = h("td", {}, delivery.delivered_at ? `delivered ${formatTime(delivery.delivered_at)}`
        : delivery.next_attempt_at ? `next try ${formatTime(delivery.next_attempt_at)}` : "—");
      const again = h("form", {}, button(`Send ${delivery.event_type} again`, "Send again", async () => {
        await api("POST", `/v1/webhooks/${endpoint.id}/deliveries/${delivery.id}/redeliver`);
        announce(`${delivery.event_type} goes out again under the same webhook-id.`);
        await toggleDeliveries(endpoint, Object.assign(row, { hidden: true }));
      }));
      return h("tr", {}, h("td", {}, delivery.event_type), h("td", {}, delivery.status), h("td", {}, String(delivery.attempts)), last, h("td", {}, again));
    }))));
  row.hidden = false;
}
