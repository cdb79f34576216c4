// Sign-up: a new organisation on the free plan with its first admin.
import { api } from "../api.js";
import { field, h, heading, submitting, fill } from "../dom.js";
import { signedIn } from "./signin.js";

export async function render(view) {
  const organization = h("input", { name: "organization", required: true, maxlength: 200, autocomplete: "organization" });
  const email = h("input", { name: "email", type: "email", required: true, maxlength: 254, autocomplete: "email" });
  const password = h("input", { name: "password", type: "password", required: true, minlength: 12, maxlength: 1024, autocomplete: "new-password" });
  const form = h("form", { class: "card narrow", novalidate: true },
    field("Organisation name", organization, { path: "organization" }),
    field("Your work email", email, { path: "email" }),
    field("Password", password, { path: "password", hint: "At least 12 characters. A passphrase of a few words is easiest." }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Create the organisation")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const answer = await api("POST", "/v1/signup", { organization: organization.value.trim(), email: email.value.trim(), password: password.value },
        { quiet401: true });
      await signedIn(answer);
    });
  });
  fill(view, h("section", { class: "auth" },
    heading("Create your organisation"),
    h("p", { class: "lede" }, "You become its first admin. Then add a team, an agent and its key, and write the policy that decides what needs approval."),
    form,
    h("p", {}, "Already on Writ? ", h("a", { href: "#/signin" }, "Sign in"))));
  organization.focus();
}
