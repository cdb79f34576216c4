// Invitation page: the token travels in the URL fragment, so it never reaches a server log or a
// referrer. Accepting signs the person in (the session cookie is set by the response).
const token = decodeURIComponent(location.hash.slice(1));
const status = document.getElementById("status");
const form = document.getElementById("accept");

if (!token) {
  status.textContent = "This link has no invitation token.";
  form.hidden = true;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const password = document.getElementById("password").value;
  const response = await fetch("/v1/invitations/accept", {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token, password }),
  });
  const body = await response.json();
  if (response.ok) {
    status.textContent = `Welcome to ${body.tenant.name}. You are signed in as ${body.user.email}.`;
    form.hidden = true;
  } else {
    status.textContent = body.detail;
  }
});
