// Invitation page: the token travels in the URL fragment, so it never reaches a server log or a
// referrer. Accepting signs the person in (the session cookie is set by the response).
import { api, rememberCsrf } from "./js/api.js";
import { submitting } from "./js/dom.js";

const token = decodeURIComponent(location.hash.slice(1));
const status = document.getElementById("status");
const form = document.getElementById("accept");

if (!token) {
  status.textContent = "This link has no invitation token. Open the whole link from your email.";
  status.dataset.state = "bad";
  form.hidden = true;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  submitting(form, async () => {
    const password = document.getElementById("password").value;
    const body = await api("POST", "/v1/invitations/accept", { token, password }, { quiet401: true });
    rememberCsrf(body.csrf_token);
    status.textContent = `Welcome to ${body.tenant.name}. You are signed in as ${body.user.email}.`;
    status.dataset.state = "ok";
    form.hidden = true;
    document.getElementById("next").hidden = false;
  });
});
