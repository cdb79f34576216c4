// The console: a hash router over views, the signed-in person, and the navigation they may use.
import { api, rememberCsrf, whenSignedOut } from "./js/api.js";
import { fill, h, announce } from "./js/dom.js";
import { session } from "./js/session.js";
import { debounce, onEvent, start as startEvents, stop as stopEvents } from "./js/events.js";

const routes = [
  { pattern: /^#\/signin$/, load: () => import("./js/views/signin.js"), open: true },
  { pattern: /^#\/signup$/, load: () => import("./js/views/signup.js"), open: true },
  { pattern: /^#\/overview$/, load: () => import("./js/views/overview.js") },
  { pattern: /^#\/approvals$/, load: () => import("./js/views/approvals.js") },
  { pattern: /^#\/intents(\?.*)?$/, load: () => import("./js/views/intents.js") },
  { pattern: /^#\/intents\/([0-9a-f-]{36})$/, load: () => import("./js/views/intent.js") },
  { pattern: /^#\/policies$/, load: () => import("./js/views/policies.js") },
  { pattern: /^#\/admin$/, load: () => import("./js/views/admin.js") },
  { pattern: /^#\/audit$/, load: () => import("./js/views/audit.js") },
  { pattern: /^#\/account$/, load: () => import("./js/views/account.js") },
];

const view = document.getElementById("view");
let current = null;

/** Loads who is signed in; `null` when nobody is. */
async function loadSession() {
  try {
    const me = await api("GET", "/v1/me", undefined, { quiet401: true });
    if (me.kind !== "user") return null;
    session.set(me);
    return me;
  } catch { return null; }
}

function showChrome(signedIn) {
  document.getElementById("nav").hidden = !signedIn;
  document.getElementById("who").hidden = !signedIn;
  if (!signedIn) return;
  const roles = session.roles;
  for (const item of document.querySelectorAll("#nav [data-role]")) {
    item.hidden = item.dataset.role === "admin" ? !roles.includes("admin") : !(roles.includes("admin") || roles.includes("auditor"));
  }
  document.getElementById("account-link").textContent = `${session.me.user.email} · ${session.me.tenant.name}`;
}

async function route() {
  current?.abort();
  current = new AbortController();
  const hash = location.hash || "#/overview";
  const match = routes.map((entry) => ({ entry, found: hash.match(entry.pattern) })).find((candidate) => candidate.found);
  if (!match) { location.replace("#/overview"); return; }
  if (!match.entry.open && !session.me && !(await loadSession())) {
    sessionStorage.setItem("writ.after-signin", hash);
    location.replace("#/signin");
    return;
  }
  showChrome(Boolean(session.me));
  if (session.me) startEvents();
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.getAttribute("href") === hash.replace(/\?.*$/, "").replace(/\/[0-9a-f-]{36}$/, "")) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  }
  const module = await match.entry.load();
  fill(view);
  try {
    await module.render(view, { params: match.found.slice(1), signal: current.signal });
  } catch (error) {
    if (error.name === "AbortError") return;
    fill(view, h("h1", { tabindex: "-1" }, "Something went wrong"), h("p", { role: "alert" }, error.message));
  }
  const title = view.querySelector("h1");
  document.title = title ? `${title.textContent} · Writ` : "Writ";
  title?.focus({ preventScroll: true });
  refreshPending();
}

// The pending count follows decisions made anywhere, not only when the page changes.
onEvent(debounce((event) => { if (session.me && event.subject?.kind === "intent") refreshPending(); }, 500));

/** The number of approvals waiting for me, next to the navigation link. */
export async function refreshPending() {
  const badge = document.getElementById("pending-count");
  if (!session.me) return;
  try {
    const queue = await api("GET", "/v1/approvals?status=pending&limit=100", undefined, { quiet401: true });
    badge.textContent = String(queue.items.length);
    badge.hidden = queue.items.length === 0;
    badge.setAttribute("aria-label", `${queue.items.length} waiting`);
  } catch { badge.hidden = true; }
}

whenSignedOut(() => {
  if (!session.me) return;
  session.clear();
  stopEvents();
  rememberCsrf(null);
  sessionStorage.setItem("writ.after-signin", location.hash);
  announce("Your session has ended. Sign in again to continue.", "error");
  location.hash = "#/signin";
});

document.getElementById("sign-out").addEventListener("click", async () => {
  try { await api("DELETE", "/v1/sessions/current", undefined, { quiet401: true }); } catch { /* already gone */ }
  stopEvents();
  session.clear();
  rememberCsrf(null);
  location.hash = "#/signin";
});

async function readiness() {
  const element = document.getElementById("ready");
  try {
    const response = await fetch("/readyz", { headers: { accept: "application/json" } });
    const body = await response.json();
    element.textContent = response.ok ? `server ready (schema ${body.schema_version})` : `server not ready: ${body.detail}`;
    element.dataset.state = response.ok ? "ready" : "down";
  } catch {
    element.textContent = "the server is not answering";
    element.dataset.state = "down";
  }
}

window.addEventListener("hashchange", route);
readiness();
route();
