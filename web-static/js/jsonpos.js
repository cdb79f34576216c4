// Where each value of a JSON text starts: JSON pointer → line number, so a problem reported at
// `/rules/2/tier` can be shown at its line. Also reports a syntax error's line and column.

/** `{ lines: Map(pointer → line), error: null }` or `{ lines, error: {line, column, message} }`. */
export function pointerLines(text) {
  const lines = new Map();
  let index = 0;
  const lineAt = (position) => text.slice(0, position).split("\n").length;
  const fail = (message) => { const error = new SyntaxError(message); error.position = index; throw error; };
  const space = () => { while (index < text.length && " \t\r\n".includes(text[index])) index += 1; };
  const escape = (segment) => segment.replaceAll("~", "~0").replaceAll("/", "~1");
  const string = () => {
    if (text[index] !== '"') fail("expected a string");
    const start = index;
    index += 1;
    while (index < text.length && text[index] !== '"') index += text[index] === "\\" ? 2 : 1;
    if (index >= text.length) fail("unterminated string");
    index += 1;
    return JSON.parse(text.slice(start, index));
  };
  const value = (pointer) => {
    space();
    lines.set(pointer, lineAt(index));
    const character = text[index];
    if (character === "{") {
      index += 1; space();
      if (text[index] === "}") { index += 1; return; }
      for (;;) {
        space();
        const key = string();
        space();
        if (text[index] !== ":") fail("expected ':' after a key");
        index += 1;
        value(`${pointer}/${escape(key)}`);
        space();
        if (text[index] === ",") { index += 1; continue; }
        if (text[index] === "}") { index += 1; return; }
        fail("expected ',' or '}'");
      }
    } else if (character === "[") {
      index += 1; space();
      if (text[index] === "]") { index += 1; return; }
      for (let item = 0; ; item += 1) {
        value(`${pointer}/${item}`);
        space();
        if (text[index] === ",") { index += 1; continue; }
        if (text[index] === "]") { index += 1; return; }
        fail("expected ',' or ']'");
      }
    } else if (character === '"') string();
    else {
      const match = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(index));
      if (!match) fail("unexpected character");
      index += match[0].length;
    }
  };
  try {
    value("");
    space();
    if (index < text.length) fail("unexpected text after the document");
    return { lines, error: null };
  } catch (error) {
    const before = text.slice(0, error.position ?? index).split("\n");
    return { lines, error: { line: before.length, column: before.at(-1).length + 1, message: error.message } };
  }
}

/** The line of `pointer`, or of its nearest ancestor that has one. */
export function lineOf(lines, pointer) {
  let current = pointer;
  while (current !== "" && !lines.has(current)) current = current.slice(0, current.lastIndexOf("/"));
  return lines.get(current) ?? 1;
}
