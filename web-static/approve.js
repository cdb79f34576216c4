// Board approval page: the token travels in the URL fragment, so it never reaches a server log or
// a referrer. Viewing changes nothing; only submitting a decision consumes the link.
const token = decodeURIComponent(location.hash.slice(1));
const status = document.getElementById("status");
const text = (id, value) => { document.getElementById(id).textContent = value ?? "—"; };

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  });
  return { ok: response.ok, body: await response.json() };
}

function list(id, items) {
  const element = document.getElementById(id);
  element.replaceChildren(...items.map((item) => Object.assign(document.createElement("li"), { textContent: item })));
}

async function load() {
  if (!token) { status.textContent = "This link has no token."; return; }
  const { ok, body } = await post("/v1/approval-links/view", { token });
  if (!ok) { status.textContent = body.detail; return; }
  const intent = body.intent;
  text("agent", intent.agent.name); text("action", intent.action); text("resource", intent.resource);
  text("justification", intent.justification); text("deadline", intent.deadline);
  document.getElementById("params").textContent = JSON.stringify(intent.params, null, 2);
  list("rules", intent.rules.map((rule) => `${rule.id}: ${rule.reason}`));
  list("decisions", intent.decisions.map((d) => `${d.member}: ${d.decision} (${d.at})`));
  document.getElementById("totp-field").hidden = !body.totp_required;
  status.textContent = `${body.member.email}, the board needs ${intent.quorum} approval(s).`;
  document.getElementById("intent").hidden = false;
}

document.getElementById("decide").addEventListener("submit", async (event) => {
  event.preventDefault();
  const decision = event.submitter.value;
  const payload = { token, decision };
  const comment = document.getElementById("comment").value.trim();
  const totp = document.getElementById("totp").value.trim();
  if (comment) payload.comment = comment;
  if (totp) payload.totp = totp;
  const { ok, body } = await post("/v1/approval-links/decide", payload);
  status.textContent = ok ? `Recorded. The request is now ${body.status.replace("_", " ")}.` : body.detail;
  if (ok) document.getElementById("decide").hidden = true;
});

load();
