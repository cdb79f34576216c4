// Board approval page: the token travels in the URL fragment, so it never reaches a server log or
// a referrer. Viewing changes nothing; only submitting a decision consumes the link.
import { api } from "./js/api.js";
import { fill, h, showProblem, submitting, formatTime, relative } from "./js/dom.js";

const token = decodeURIComponent(location.hash.slice(1));
const status = document.getElementById("status");
const form = document.getElementById("decide");
const text = (id, value) => { document.getElementById(id).textContent = value || "—"; };
const say = (message, state) => { status.textContent = message; status.dataset.state = state ?? ""; };
const PLAIN = { approved: "approved", rejected: "rejected", expired: "expired", cancelled: "withdrawn by the agent", executed: "approved and carried out", failed: "approved, but it failed when carried out", denied: "denied by policy" };

async function load() {
  if (!token) { say("This link has no token. Open the whole link from your email.", "bad"); return; }
  let body;
  try { body = await api("POST", "/v1/approval-links/view", { token }, { quiet401: true }); }
  catch (error) { say(error.message, "bad"); return; }
  const intent = body.intent;
  text("agent", intent.agent.name); text("action", intent.action); text("resource", intent.resource);
  text("justification", intent.justification);
  text("deadline", intent.deadline ? `${formatTime(intent.deadline)} (${relative(intent.deadline)})` : "");
  document.getElementById("params").textContent = JSON.stringify(intent.params, null, 2);
  fill(document.getElementById("rules"), intent.rules.map((rule) => h("li", {}, h("code", {}, rule.id), ` — ${rule.reason}`)));
  fill(document.getElementById("decisions"), intent.decisions.length === 0 ? h("li", {}, "Nobody yet.")
    : intent.decisions.map((d) => h("li", {}, `${d.member} ${d.decision === "approve" ? "approved" : "rejected"} · ${formatTime(d.at)}`)));
  document.getElementById("summary").textContent =
    `The agent “${intent.agent.name}” asks to run ${intent.action} on ${intent.resource}. ` +
    `This is a T3 action: it runs only if ${intent.quorum} board member${intent.quorum === 1 ? "" : "s"} approve${intent.quorum === 1 ? "s" : ""}` +
    " and nobody on the board rejects it.";
  document.getElementById("totp-field").hidden = !body.totp_required;
  document.getElementById("intent").hidden = false;
  if (intent.status !== "pending_approval") {
    say(`This request was already decided: it is ${PLAIN[intent.status] ?? intent.status}. Nothing more is needed from you.`, "ok");
    form.hidden = true;
    return;
  }
  say(`${body.member.email}, your decision is requested. Read the request, then approve or reject it below.`);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const decision = event.submitter?.value ?? "approve";
  submitting(form, async () => {
    const payload = { token, decision };
    const comment = document.getElementById("comment").value.trim();
    const totp = document.getElementById("totp").value.trim();
    if (comment) payload.comment = comment;
    if (totp) payload.totp = totp;
    try {
      const body = await api("POST", "/v1/approval-links/decide", payload, { quiet401: true });
      const now = body.status === "pending_approval" ? "It still waits for other board members." : `The request is now ${PLAIN[body.status] ?? body.status}.`;
      say(`Thank you: your ${decision === "approve" ? "approval" : "rejection"} is recorded. ${now} This link is now used up.`, "ok");
      form.hidden = true;
      status.focus?.();
    } catch (error) {
      if (error.type.endsWith("totp-required")) {
        document.getElementById("totp-field").hidden = false;
        document.getElementById("totp").focus();
      }
      if (error.status === 404 || error.status === 409) { say(error.message, "bad"); form.hidden = true; return; }
      showProblem(form, error);
    }
  });
});

load();
