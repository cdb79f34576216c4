// The live event stream (GET /v1/events): one EventSource per signed-in tab, shared by the views.
// The browser reconnects by itself and sends Last-Event-ID, so nothing is missed across a drop.

/** The event types the console reacts to (the server sends the audit chain's types). */
const TYPES = [
  "intent.submitted", "intent.approval_recorded", "intent.rejection_recorded", "intent.approved", "intent.rejected",
  "intent.cancelled", "intent.expired", "intent.executed", "intent.failed", "intent.denied",
  "warrant.issued", "warrant.redeemed", "warrant.revoked", "policy.changed",
];

let source = null;
const listeners = new Set();

/** Calls `listener(event)` for every event (the audit export line, parsed) until `signal` aborts. */
export function onEvent(listener, signal) {
  listeners.add(listener);
  signal?.addEventListener("abort", () => listeners.delete(listener), { once: true });
}

/** Opens the stream unless it is open (after sign-in; again after the server refused it). */
export function start() {
  if (typeof EventSource === "undefined" || (source && source.readyState !== EventSource.CLOSED)) return;
  source = new EventSource("/v1/events");
  for (const type of TYPES) {
    source.addEventListener(type, (message) => {
      let event;
      try { event = JSON.parse(message.data); } catch { return; }
      for (const listener of [...listeners]) listener(event);
    });
  }
}

/** Closes the stream (sign-out). */
export function stop() {
  source?.close();
  source = null;
}

/** `action` at most once per `ms`, run after the last call of a burst. */
export function debounce(action, ms = 300) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => action(...args), ms);
  };
}
