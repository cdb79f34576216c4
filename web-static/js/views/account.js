// My account: password change, authenticator (TOTP) enrolment with the server's QR code and the
// recovery codes shown once, and which organisations this login belongs to.
import { api, rememberCsrf } from "../api.js";
import { announce, copyButton, field, fill, h, heading, submitting } from "../dom.js";
import { session } from "../session.js";

export async function render(view) {
  const me = session.me = await api("GET", "/v1/me");
  fill(view, heading("Your account"),
    h("section", { class: "card", "aria-labelledby": "who-title" }, h("h2", { id: "who-title" }, "Signed in"),
      h("dl", { class: "facts" }, h("dt", {}, "Email"), h("dd", {}, me.user.email), h("dt", {}, "Organisation"), h("dd", {}, me.tenant.name),
        h("dt", {}, "Roles"), h("dd", {}, me.user.roles.join(", ")),
        h("dt", {}, "Other organisations"), h("dd", {}, me.organizations.filter((o) => o.id !== me.tenant.id).map((o) => o.name).join(", ") || "none")),
      h("p", { class: "hint" }, "To switch organisation, sign out and sign in again: you will be asked which one.")),
    totpSection(me), passwordSection());
}

function passwordSection() {
  const current = h("input", { name: "current_password", type: "password", autocomplete: "current-password", required: true, maxlength: 1024 });
  const next = h("input", { name: "new_password", type: "password", autocomplete: "new-password", required: true, minlength: 12, maxlength: 1024 });
  const form = h("form", { novalidate: true }, field("Current password", current, { path: "current_password" }),
    field("New password", next, { path: "new_password", hint: "At least 12 characters. Your other sessions end." }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Change the password")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const answer = await api("POST", "/v1/me/password", { current_password: current.value, new_password: next.value }, { quiet401: true });
      rememberCsrf(answer.csrf_token);
      current.value = next.value = "";
      announce("Password changed. Other sessions were signed out.");
    });
  });
  return h("section", { class: "card", "aria-labelledby": "password-title" }, h("h2", { id: "password-title" }, "Password"), form);
}

function totpSection(me) {
  const section = h("section", { class: "card", "aria-labelledby": "totp-title" });
  const body = h("div");
  fill(section, h("h2", { id: "totp-title" }, "Authenticator app (second factor)"), body);
  if (me.user.totp_enabled) {
    const code = h("input", { name: "code", inputmode: "numeric", autocomplete: "off", maxlength: 32, required: true });
    const form = h("form", { novalidate: true }, h("p", {}, "✓ Enrolled. T2 decisions and sign-in ask for a code."),
      field("A current code, to turn it off", code, { path: "code" }),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Turn off the second factor")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submitting(form, async () => {
        await api("DELETE", "/v1/me/totp", { code: code.value.trim() });
        announce("The second factor is off.");
        location.reload();
      });
    });
    fill(body, form);
    return section;
  }
  const start = h("form", {}, h("p", {}, "Approvers need an authenticator app (any TOTP app) for T2 decisions; anyone can add one to protect sign-in."),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Set up an authenticator app")));
  start.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(start, async () => {
      const enrolment = await api("POST", "/v1/me/totp");
      const code = h("input", { name: "code", id: "totp-confirm", inputmode: "numeric", autocomplete: "off", maxlength: 32, required: true });
      const confirmForm = h("form", { novalidate: true },
        h("p", {}, "Scan the code with your authenticator app, or type the secret into it."),
        h("img", { class: "qr", alt: "QR code holding the authenticator secret", src: `data:image/svg+xml;base64,${btoa(enrolment.qr_svg)}`, width: 220, height: 220 }),
        h("p", {}, "Secret: ", h("code", { id: "totp-secret" }, enrolment.secret), " ", copyButton(enrolment.secret, "Copy the secret")),
        field("The 6-digit code the app shows now", code, { path: "code" }),
        h("div", { class: "actions" }, h("button", { type: "submit" }, "Confirm")));
      confirmForm.addEventListener("submit", (submitEvent) => {
        submitEvent.preventDefault();
        submitting(confirmForm, async () => {
          const confirmed = await api("POST", "/v1/me/totp/confirm", { code: code.value.trim() });
          const text = confirmed.recovery_codes.join("\n");
          fill(body, h("p", { role: "status" }, h("strong", {}, "✓ Enrolled. ")),
            h("p", {}, "Recovery codes — each works once if you lose the app. They are shown only now: store them somewhere safe."),
            h("pre", { class: "codes", id: "recovery-codes", tabindex: "0" }, text), copyButton(text, "Copy the recovery codes"));
          session.me.user.totp_enabled = true;
        });
      });
      fill(body, confirmForm);
      code.focus();
    });
  });
  fill(body, start);
  return section;
}
