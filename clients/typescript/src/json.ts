/**
 * JSON values and RFC 8785 (JCS) canonicalization: the exact bytes Writ hashes into a warrant's
 * `action_digest`.
 */

/** A JSON value as this client sends and receives it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The RFC 8785 canonical form of `value`: object members sorted by the UTF-16 code units of their
 * names, no insignificant whitespace, strings and numbers as ECMAScript's `JSON.stringify` writes
 * them (numbers: the shortest round-tripping form, `1e+21`, `5e-7`, `-0` as `0`).
 *
 * Values are read as `JSON.stringify` reads them (`toJSON` is called, `undefined`, functions and
 * symbols are left out of objects and become `null` in arrays), but what JSON cannot hold exactly is
 * refused with a `TypeError` instead of being changed silently: `NaN` and the infinities, `bigint`,
 * strings with a lone surrogate (I-JSON, RFC 7493), and cycles.
 */
export function canonicalize(value: unknown): string {
  const text = write(value, "", [], "$");
  if (text === undefined) throw new TypeError("canonicalize: the value has no JSON form (undefined, a function or a symbol)");
  return text;
}

/** The UTF-8 bytes of `canonicalize(value)`. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalize(value));
}

function write(input: unknown, key: string, stack: object[], path: string): string | undefined {
  let value = input;
  if ((typeof value === "object" && value !== null) || typeof value === "bigint") {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") value = toJSON.call(value, key);
  }
  if (value instanceof Number) value = Number(value);
  else if (value instanceof String) value = String(value);
  else if (value instanceof Boolean) value = value.valueOf();

  switch (typeof value) {
    case "string":
      return quote(value, path);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonicalize: ${path} is ${value}, which JSON cannot hold`);
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      throw new TypeError(`canonicalize: ${path} is a bigint; JSON numbers are IEEE 754 doubles (send it as a string or a number)`);
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return "null";
  const object = value as object;
  if (stack.includes(object)) throw new TypeError(`canonicalize: ${path} refers to itself (a cycle)`);
  stack.push(object);
  try {
    if (Array.isArray(object)) {
      const parts = object.map((element, index) => write(element, String(index), stack, `${path}[${index}]`) ?? "null");
      return `[${parts.join(",")}]`;
    }
    const record = object as Record<string, unknown>;
    // Array.prototype.sort without a comparator orders strings by UTF-16 code units (RFC 8785 §3.2.3).
    const names = Object.keys(record).sort();
    const parts: string[] = [];
    for (const name of names) {
      const member = write(record[name], name, stack, `${path}.${name}`);
      if (member !== undefined) parts.push(`${quote(name, path)}:${member}`);
    }
    return `{${parts.join(",")}}`;
  } finally {
    stack.pop();
  }
}

function quote(text: string, path: string): string {
  if (LONE_SURROGATE.test(text)) throw new TypeError(`canonicalize: a string at ${path} holds a lone surrogate, which I-JSON forbids`);
  return JSON.stringify(text);
}
