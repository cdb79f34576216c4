// The package as published: ESM with types, no runtime dependencies, nothing Node-only in the library.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";

import * as writ from "../dist/index.js";

const root = new URL("../", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));

test("package: @writ/client, ESM with types, no dependencies, its version is the client's", () => {
  assert.equal(manifest.name, "@writ/client");
  assert.equal(manifest.type, "module");
  assert.equal(manifest.exports["."].types, "./dist/index.d.ts");
  assert.equal(manifest.exports["."].import, "./dist/index.js");
  assert.equal(manifest.types, "./dist/index.d.ts");
  assert.equal(manifest.dependencies, undefined);
  assert.equal(manifest.peerDependencies, undefined);
  assert.equal(writ.VERSION, manifest.version);
  for (const name of ["Writ", "governed", "verifyWarrant", "WarrantVerifier", "canonicalize", "actionDigest", "WritError", "ProblemError"]) {
    assert.ok(name in writ, name);
  }
});

test("package: the library imports only its own modules (no node: builtins, no packages)", () => {
  const dist = new URL("dist/", root);
  const files = readdirSync(dist).filter((name) => name.endsWith(".js"));
  assert.ok(files.length >= 8);
  for (const name of files) {
    const source = readFileSync(new URL(name, dist), "utf8");
    const specifiers = [...source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm)].map((match) => match[1]);
    for (const specifier of specifiers) assert.match(specifier, /^\.\/[a-z]+\.js$/, `${name} imports ${specifier}`);
    assert.doesNotMatch(source, /\brequire\(|\bBuffer\b|\bprocess\.(?!env\.WRIT_API_KEY)/, name);
  }
});
