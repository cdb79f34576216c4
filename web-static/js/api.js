// Every call the console makes goes through here: JSON in and out, the CSRF header on writes,
// problem+json turned into ApiError, and an expired session sent back to sign-in.

const CSRF_KEY = "writ.csrf";
let onSignedOut = () => {};

/** A problem+json answer (RFC 9457): status, title, detail and per-field errors. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.type = problem.type || "about:blank";
    this.title = problem.title || "Error";
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.problem = problem;
  }
}

/** Registers what happens when the server says the session is gone (401 on a signed-in call). */
export function whenSignedOut(handler) { onSignedOut = handler; }

/** Keeps the CSRF token that sign-in returned; it is needed for every write. */
export function rememberCsrf(token) {
  if (token) localStorage.setItem(CSRF_KEY, token); else localStorage.removeItem(CSRF_KEY);
}

/**
 * Calls the API. `body` is sent as JSON; `options.text` sends a raw string instead (policy
 * documents keep the author's formatting out of it); `options.quiet401` skips the sign-in redirect.
 */
export async function api(method, path, body, options = {}) {
  const headers = { accept: "application/json, application/problem+json" };
  if (method !== "GET") {
    const csrf = localStorage.getItem(CSRF_KEY);
    if (csrf) headers["x-csrf-token"] = csrf;
  }
  let payload;
  if (options.text !== undefined) { headers["content-type"] = "application/json"; payload = options.text; }
  else if (body !== undefined) { headers["content-type"] = "application/json"; payload = JSON.stringify(body); }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: "same-origin", signal: options.signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, { title: "Network error", detail: "The server did not answer. Check the connection and try again." });
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    const error = new ApiError(response.status, data && typeof data === "object" ? data : { detail: text.slice(0, 200) });
    const sessionGone = response.status === 401 || (response.status === 403 && error.type.endsWith("csrf"));
    if (sessionGone && !options.quiet401) onSignedOut(error);
    throw error;
  }
  return data;
}

/** Every page of a list route, up to `max` items. */
export async function listAll(path, max = 1000) {
  const items = [];
  let cursor = null;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const page = await api("GET", cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}

/** Builds a query string from the non-empty values of `params`. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== "") search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : "";
}
