// A plain <textarea> with line numbers beside it and marks on the lines that have problems.
import { h } from "./dom.js";

/** `{element, textarea, value(), setValue(text), mark(lines)}` */
export function lineNumberedEditor({ id, label, rows = 24 }) {
  const gutter = h("pre", { class: "gutter", "aria-hidden": "true" });
  const textarea = h("textarea", { id, rows, spellcheck: "false", autocapitalize: "off", autocomplete: "off", wrap: "off", class: "code" });
  let marked = new Set();
  const redraw = () => {
    const count = textarea.value.split("\n").length;
    gutter.replaceChildren(...Array.from({ length: count }, (_, index) =>
      h("span", { class: marked.has(index + 1) ? "bad" : undefined }, String(index + 1))));
    gutter.scrollTop = textarea.scrollTop;
  };
  textarea.addEventListener("input", redraw);
  textarea.addEventListener("scroll", () => { gutter.scrollTop = textarea.scrollTop; });
  textarea.addEventListener("keydown", (event) => {
    // Tab indents inside the editor; Escape then Tab leaves it (keyboard users are never trapped).
    if (event.key === "Escape") { textarea.dataset.leave = "1"; return; }
    if (event.key === "Tab" && !event.shiftKey && !textarea.dataset.leave) {
      event.preventDefault();
      textarea.setRangeText("  ", textarea.selectionStart, textarea.selectionEnd, "end");
      redraw();
    }
    if (event.key !== "Tab") delete textarea.dataset.leave;
  });
  const element = h("div", { class: "editor-field" },
    h("label", { for: id }, label),
    h("p", { class: "hint", id: `${id}-hint` }, "Tab indents; press Escape, then Tab, to move on."),
    h("div", { class: "editor" }, gutter, textarea));
  textarea.setAttribute("aria-describedby", `${id}-hint`);
  return {
    element, textarea,
    value: () => textarea.value,
    setValue(text) { textarea.value = text; marked = new Set(); redraw(); },
    mark(lines) { marked = new Set(lines); redraw(); },
  };
}
