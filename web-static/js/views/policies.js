// Policies: the tenant default and each team's policy, with validation at each JSON pointer,
// simulation, backtesting, and version history with a diff and restore.
import { api, ApiError, listAll } from "../api.js";
import { announce, field, fill, formatTime, h, heading, submitting } from "../dom.js";
import { lineNumberedEditor } from "../editor.js";
import { lineOf, pointerLines } from "../jsonpos.js";
import { lineDiff } from "../diff.js";
import { loadNames } from "../names.js";
import { session } from "../session.js";
import { backtestPanel, simulatePanel } from "../policy-tools.js";

const EMPTY = { defaults: { tier: "T1" }, rules: [] };

export async function render(view, { signal }) {
  const names = await loadNames();
  const admin = session.has("admin");
  const scope = h("select", { id: "policy-scope" }, h("option", { value: "" }, "Tenant default (every team extends it)"),
    names.teams.map((team) => h("option", { value: team.id }, `Team: ${team.name}`)));
  const editor = lineNumberedEditor({ id: "policy-text", label: "Policy document (JSON)" });
  editor.textarea.readOnly = !admin;
  const comment = h("input", { name: "comment", maxlength: 500 });
  const problems = h("div", { class: "problems", role: "alert", hidden: true });
  const versionLine = h("p", { class: "muted", role: "status" });
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "editor-title" },
    h("h2", { id: "editor-title" }, "Edit"), versionLine, editor.element, problems,
    admin ? field("Comment for the change record", comment, { path: "comment" }) : h("p", { class: "muted" }, "Only admins can change policies."),
    admin ? h("div", { class: "actions" }, h("button", { type: "submit" }, "Validate and save")) : null);
  const history = h("section", { class: "card", "aria-labelledby": "history-title" });
  const tools = h("div", { class: "grid-2" });
  const basePath = () => scope.value ? `/v1/teams/${scope.value}/policy` : "/v1/policy";

  const showProblems = (title, items) => {
    const located = items.map((item) => ({ ...item, line: item.line ?? lineOf(pointerLines(editor.value()).lines, item.path ?? "") }));
    editor.mark(located.map((item) => item.line));
    fill(problems, h("p", {}, h("strong", {}, title)),
      h("ul", {}, located.map((item) => h("li", {}, h("button", { type: "button", class: "link", onclick: () => goToLine(editor.textarea, item.line) }, `Line ${item.line}`),
        " ", item.path ? h("code", {}, item.path) : null, " ", item.message))));
    problems.hidden = false;
  };
  const clear = () => { problems.hidden = true; editor.mark([]); };

  const loadScope = async () => {
    clear();
    let current = null;
    try { current = await api("GET", basePath(), undefined, { signal }); }
    catch (error) { if (!(error instanceof ApiError) || error.status !== 404) throw error; }
    editor.setValue(JSON.stringify(current?.document ?? EMPTY, null, 2));
    versionLine.textContent = current ? `Version ${current.version}, saved ${formatTime(current.created_at)}${current.comment ? ` — “${current.comment}”` : ""}.`
      : scope.value ? "This team has no policy of its own yet: it follows the tenant default. Saving creates version 1." : "No tenant default yet.";
    await renderHistory(history, basePath(), editor, signal, loadScope, names);
    fill(tools, simulatePanel({ names, editor, scope, signal }), backtestPanel({ names, editor, scope, signal }));
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      clear();
      const parsed = pointerLines(editor.value());
      if (parsed.error) { showProblems("The document is not valid JSON.", [{ line: parsed.error.line, message: `${parsed.error.message} (column ${parsed.error.column})` }]); return; }
      const suffix = comment.value.trim() ? `?comment=${encodeURIComponent(comment.value.trim())}` : "";
      try {
        const saved = await api("PUT", basePath() + suffix, undefined, { text: editor.value() });
        announce(`Saved version ${saved.version}.`);
        comment.value = "";
        await loadScope();
      } catch (error) {
        if (error instanceof ApiError && error.status === 422 && error.errors.some((item) => String(item.path).startsWith("/"))) {
          showProblems(error.message, error.errors);
          return;
        }
        throw error;
      }
    });
  });
  scope.addEventListener("change", () => loadScope());

  fill(view, heading("Policies"),
    h("p", { class: "lede" }, "A policy decides each intent's tier: T0 runs at once, T1 needs one operator, T2 several approvers with a second factor, T3 the board. Team policies extend the tenant default; a team rule with the same id replaces the default's."),
    h("div", { class: "field inline" }, h("label", { for: "policy-scope" }, "Policy"), scope),
    form, tools, history);
  await loadScope();
}

function goToLine(textarea, line) {
  const lines = textarea.value.split("\n");
  const start = lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0);
  textarea.focus();
  textarea.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  textarea.scrollTop = Math.max(0, (line - 5) * parseFloat(getComputedStyle(textarea).lineHeight || "18"));
}

/** Version history: pick two versions to compare, or restore one as a new version. */
async function renderHistory(section, basePath, editor, signal, reload, names) {
  const versions = await listAll(`${basePath}/versions?limit=100`, 200).catch((error) => { if (error.status === 404) return []; throw error; });
  const admin = session.has("admin");
  const left = h("select", { id: "diff-left" }, versions.map((v, index) => h("option", { value: v.version, selected: index === 1 }, `v${v.version}`)));
  const right = h("select", { id: "diff-right" }, versions.map((v, index) => h("option", { value: v.version, selected: index === 0 }, `v${v.version}`)));
  const output = h("div", { class: "diff-output" });
  const compare = async () => {
    const [a, b] = await Promise.all([left.value, right.value].map((number) => api("GET", `${basePath}/versions/${number}`, undefined, { signal })));
    const rows = lineDiff(JSON.stringify(a.document, null, 2), JSON.stringify(b.document, null, 2));
    const changed = rows.filter((row) => row.kind !== "same").length;
    fill(output, h("p", { role: "status" }, changed === 0 ? `v${a.version} and v${b.version} are the same.` : `${changed} line${changed === 1 ? "" : "s"} differ between v${a.version} and v${b.version}.`),
      h("pre", { class: "diff", tabindex: "0", "aria-label": `Differences from v${a.version} to v${b.version}` },
        rows.map((row) => h("span", { class: row.kind }, `${row.kind === "added" ? "+ " : row.kind === "removed" ? "- " : "  "}${row.text}\n`))));
  };
  fill(section, h("h2", { id: "history-title" }, "Version history"),
    versions.length === 0 ? h("p", { class: "muted" }, "No versions yet.") : [
      h("div", { class: "table-scroll" }, h("table", { class: "list" },
        h("thead", {}, h("tr", {}, ["Version", "Saved", "By", "Comment", ""].map((text) => h("th", { scope: "col" }, text)))),
        h("tbody", {}, versions.map((version) => h("tr", {},
          h("td", {}, `v${version.version}`), h("td", {}, formatTime(version.created_at)),
          h("td", {}, version.author.kind === "user" ? names.member(version.author.id) : `${version.author.kind} ${version.author.id ?? ""}`),
          h("td", {}, version.comment ?? ""),
          h("td", {}, admin && version !== versions[0] ? h("button", { type: "button", class: "secondary small", onclick: async (event) => {
            const old = await api("GET", `${basePath}/versions/${version.version}`);
            const saved = await api("PUT", `${basePath}?comment=${encodeURIComponent(`restore version ${version.version}`)}`, old.document);
            announce(`Restored version ${version.version} as version ${saved.version}.`);
            event.currentTarget.disabled = true;
            await reload();
          } }, `Restore v${version.version}`) : null)))))),
      versions.length > 1 ? h("div", { class: "compare" },
        h("div", { class: "field inline" }, h("label", { for: "diff-left" }, "Compare"), left),
        h("div", { class: "field inline" }, h("label", { for: "diff-right" }, "with"), right),
        h("button", { type: "button", class: "secondary", onclick: compare }, "Show the differences")) : null,
      output]);
  editor.textarea.dataset.versions = String(versions.length);
}
