// Small DOM helpers: elements without innerHTML (nothing the server sends is ever parsed as
// markup), problems shown next to the fields they concern, and the formats the pages share.

/** Creates an element: `h("a", {href: "#/x", class: "button"}, "text", child)`. */
export function h(tag, attributes = {}, ...children) {
  const svg = ["svg", "rect", "g", "text", "line", "title", "path"].includes(tag);
  const element = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

// Characters that render as nothing or reorder what follows (bidi controls, zero-width and other
// default-ignorable characters, line separators, C0/C1 controls but tab and line feed).
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2028\u2029\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB\u{E0000}-\u{E0FFF}]/gu;

/** `text` with every invisible or reordering character shown as `⟨U+202E⟩`: what an agent sent
 *  (params, labels, summaries) is read as it is, never as it pretends to be. */
export function inert(text) {
  return text.replace(INVISIBLE, (c) => `⟨U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}⟩`);
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(inert(String(child))));
  }
}

/** Replaces the children of `element`. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A labelled input; `path` names the JSON field its problems are reported at. */
export function field(label, input, { path, hint } = {}) {
  input.id ||= `f-${Math.random().toString(36).slice(2, 9)}`;
  const described = [];
  const hintElement = hint ? h("p", { class: "hint", id: `${input.id}-hint` }, hint) : null;
  if (hintElement) described.push(hintElement.id);
  const error = h("p", { class: "field-error", id: `${input.id}-error`, hidden: true });
  described.push(error.id);
  input.setAttribute("aria-describedby", described.join(" "));
  return h("div", { class: "field", dataset: { path: path ?? input.name ?? "" } }, h("label", { for: input.id }, label), input, hintElement, error);
}

/** Clears the problems shown in `form`. */
export function clearProblems(form) {
  for (const element of form.querySelectorAll(".field-error")) { element.hidden = true; element.textContent = ""; }
  for (const element of form.querySelectorAll("[aria-invalid]")) element.removeAttribute("aria-invalid");
  const alert = form.querySelector(".form-alert");
  if (alert) { alert.hidden = true; alert.textContent = ""; }
}

/** Shows an ApiError: each `errors[].path` next to its field, the rest in the form's alert. */
export function showProblem(form, error) {
  clearProblems(form);
  const leftover = [];
  for (const item of error.errors || []) {
    const path = String(item.path || "").replace(/^\//, "");
    const holder = [...form.querySelectorAll(".field")].find((candidate) => candidate.dataset.path && (path === candidate.dataset.path || path.startsWith(`${candidate.dataset.path}/`)));
    if (holder) {
      const message = holder.querySelector(".field-error");
      message.textContent = [message.textContent, path === holder.dataset.path ? item.message : `${item.path}: ${item.message}`].filter(Boolean).join(" · ");
      message.hidden = false;
      holder.querySelector("input, select, textarea")?.setAttribute("aria-invalid", "true");
    } else leftover.push(`${item.path || "body"}: ${item.message}`);
  }
  let alert = form.querySelector(".form-alert");
  if (!alert) { alert = h("div", { class: "form-alert", role: "alert" }); form.prepend(alert); }
  fill(alert, h("strong", {}, error.title ? `${error.title}. ` : ""), error.message, leftover.length ? h("ul", {}, leftover.map((text) => h("li", {}, text))) : null);
  alert.hidden = false;
  (form.querySelector("[aria-invalid]") || alert).focus?.();
}

/** A polite announcement for screen readers and a visible toast. */
export function announce(message, kind = "ok") {
  const region = document.getElementById("toast");
  if (!region) return;
  fill(region, h("p", { class: `toast ${kind}` }, message));
  clearTimeout(announce.timer);
  announce.timer = setTimeout(() => region.replaceChildren(), 6000);
}

/** Runs an async form action with the submit button disabled; problems land in the form. */
export async function submitting(form, action) {
  const buttons = form.querySelectorAll("button");
  buttons.forEach((button) => { button.disabled = true; });
  clearProblems(form);
  try { return await action(); }
  catch (error) { if (error.name !== "AbortError") showProblem(form, error); return undefined; }
  finally { buttons.forEach((button) => { button.disabled = false; }); }
}

export const formatTime = (iso) => iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "—";

export function formatDuration(seconds) {
  if (seconds === undefined || seconds === null) return "—";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

export function relative(iso) {
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  const text = formatDuration(Math.abs(seconds));
  return seconds >= 0 ? `in ${text}` : `${text} ago`;
}

export const tierBadge = (tier) => h("span", { class: `badge tier-${(tier || "deny").toLowerCase()}` }, tier || "denied");
export const statusBadge = (status) => h("span", { class: `badge status-${status}` }, String(status).replace("_", " "));

/** A copy-to-clipboard button for `text`. */
export function copyButton(text, label = "Copy") {
  return h("button", { type: "button", class: "secondary small", onclick: async (event) => {
    try { await navigator.clipboard.writeText(text); announce("Copied to the clipboard."); }
    catch { announce("Copying is not allowed here; select the text and copy it.", "error"); }
    event.currentTarget.focus();
  } }, label);
}

/** A page heading that receives focus after navigation, so screen readers announce the page. */
export function heading(text, level = "h1") {
  return h(level, { tabindex: "-1", class: "page-title" }, text);
}
