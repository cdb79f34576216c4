// Sign-in: email and password, then the TOTP step when the person is enrolled, then the
// organisation when the login belongs to several.
import { api, rememberCsrf } from "../api.js";
import { field, h, heading, submitting, fill } from "../dom.js";
import { session } from "../session.js";

export async function render(view) {
  const email = h("input", { name: "email", type: "text", inputmode: "email", autocapitalize: "off", spellcheck: "false", autocomplete: "username", required: true, maxlength: 254 });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true, maxlength: 1024 });
  const totp = h("input", { name: "totp", inputmode: "numeric", autocomplete: "off", maxlength: 32, pattern: "[0-9A-Za-z-]*" });
  const totpField = field("Code from your authenticator app (or a recovery code)", totp, { path: "totp" });
  totpField.hidden = true;
  const organizations = h("fieldset", { class: "choices", hidden: true }, h("legend", {}, "Which organisation?"));
  const form = h("form", { class: "card narrow", novalidate: true },
    field("Email", email, { path: "email" }), field("Password", password, { path: "password" }), totpField, organizations,
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Sign in")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const body = { email: email.value.trim(), password: password.value };
      if (!totpField.hidden && totp.value.trim()) body.totp = totp.value.trim();
      const chosen = organizations.querySelector("input:checked");
      if (chosen) body.tenant_id = chosen.value;
      try {
        const answer = await api("POST", "/v1/sessions", body, { quiet401: true });
        if (answer.choose_organization) {
          fill(organizations, h("legend", {}, "This login belongs to several organisations. Which one?"),
            answer.choose_organization.map((organization, index) => h("label", { class: "choice" },
              h("input", { type: "radio", name: "tenant", value: organization.tenant_id ?? organization.id, checked: index === 0 }),
              ` ${organization.name}`)));
          organizations.hidden = false;
          organizations.querySelector("input").focus();
          return;
        }
        await signedIn(answer);
      } catch (error) {
        if (error.type.endsWith("totp-required")) {
          totpField.hidden = false;
          totp.focus();
          if (!body.totp) return;
        }
        throw error;
      }
    });
  });
  fill(view, h("section", { class: "auth" },
    heading("Sign in to Writ"),
    h("p", { class: "lede" }, "Approve what your organisation's AI agents ask to do, and see every step they took."),
    form,
    h("p", {}, "New to Writ? ", h("a", { href: "#/signup" }, "Create an organisation"), " — free, no card.")));
  email.focus();
}

/** Stores the CSRF token, loads the person and returns to where they were going. */
export async function signedIn(answer) {
  rememberCsrf(answer.csrf_token);
  session.set(await api("GET", "/v1/me"));
  const next = sessionStorage.getItem("writ.after-signin");
  sessionStorage.removeItem("writ.after-signin");
  location.hash = next && !next.startsWith("#/sign") ? next : "#/overview";
}
