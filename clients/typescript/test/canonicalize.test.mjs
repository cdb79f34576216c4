// RFC 8785 canonicalization against the cyberphone/json-canonicalization test data (test/vectors).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";

import { actionDigest, canonicalize, canonicalBytes } from "../dist/index.js";

const vectors = new URL("./vectors/", import.meta.url);

test("canonicalization: every cyberphone input gives exactly its output bytes", () => {
  const names = readdirSync(new URL("input/", vectors)).filter((name) => name.endsWith(".json")).sort();
  assert.deepEqual(names, ["arrays.json", "french.json", "structures.json", "unicode.json", "values.json", "weird.json"]);
  for (const name of names) {
    const input = JSON.parse(readFileSync(new URL(`input/${name}`, vectors), "utf8"));
    const expected = readFileSync(new URL(`output/${name}`, vectors));
    assert.deepEqual(Buffer.from(canonicalBytes(input)), expected, name);
    assert.equal(canonicalize(input), expected.toString("utf8"), name);
  }
});

function double(hex) {
  return Buffer.from(hex.padStart(16, "0"), "hex").readDoubleBE(0);
}

test("canonicalization: the ES6 number samples", () => {
  const lines = readFileSync(new URL("es6-numbers.txt", vectors), "utf8").trim().split("\n");
  assert.equal(lines.length, 7);
  for (const line of lines) {
    const [hex, expected] = line.split(",");
    assert.equal(canonicalize(double(hex)), expected, hex);
    assert.equal(canonicalize([double(hex)]), `[${expected}]`, hex);
  }
});

// The deterministic sequence of testdata/numgen.js (cyberphone/json-canonicalization, Apache-2.0).
const STATIC = [
  0x0000000000000000n, 0x8000000000000000n, 0x0000000000000001n, 0x8000000000000001n,
  0xc46696695dbd1cc3n, 0xc43211ede4974a35n, 0xc3fce97ca0f21056n, 0xc3c7213080c1a6acn,
  0xc39280f39a348556n, 0xc35d9b1f5d20d557n, 0xc327af4c4a80aaacn, 0xc2f2f2a36ecd5556n,
  0xc2be51057e155558n, 0xc28840d131aaaaacn, 0xc253670dc1555557n, 0xc21f0b4935555557n,
  0xc1e8d5d42aaaaaacn, 0xc1b3de4355555556n, 0xc17fca0555555556n, 0xc1496e6aaaaaaaabn,
  0xc114585555555555n, 0xc0e046aaaaaaaaabn, 0xc0aa0aaaaaaaaaaan, 0xc074d55555555555n,
  0xc040aaaaaaaaaaabn, 0xc00aaaaaaaaaaaabn, 0xbfd5555555555555n, 0xbfa1111111111111n,
  0xbf6b4e81b4e81b4fn, 0xbf35d867c3ece2a5n, 0xbf0179ec9cbd821en, 0xbecbf647612f3696n,
  0xbe965e9f80f29212n, 0xbe61e54c672874dbn, 0xbe2ca213d840baf8n, 0xbdf6e80fe033c8c6n,
  0xbdc2533fe68fd3d2n, 0xbd8d51ffd74c861cn, 0xbd5774ccac3d3817n, 0xbd22c3d6f030f9acn,
  0xbcee0624b3818f79n, 0xbcb804ea293472c7n, 0xbc833721ba905bd3n, 0xbc4ebe9c5db3c61en,
  0xbc18987d17c304e5n, 0xbbe3ad30dfcf371dn, 0xbbaf7b816618582fn, 0xbb792f9ab81379bfn,
  0xbb442615600f9499n, 0xbb101e77800c76e1n, 0xbad9ca58cce0be35n, 0xbaa4a1e0a3e6fe90n,
  0xba708180831f320dn, 0xba3a68cd9e985016n, 0x446696695dbd1cc3n, 0x443211ede4974a35n,
  0x43fce97ca0f21056n, 0x43c7213080c1a6acn, 0x439280f39a348556n, 0x435d9b1f5d20d557n,
  0x4327af4c4a80aaacn, 0x42f2f2a36ecd5556n, 0x42be51057e155558n, 0x428840d131aaaaacn,
  0x4253670dc1555557n, 0x421f0b4935555557n, 0x41e8d5d42aaaaaacn, 0x41b3de4355555556n,
  0x417fca0555555556n, 0x41496e6aaaaaaaabn, 0x4114585555555555n, 0x40e046aaaaaaaaabn,
  0x40aa0aaaaaaaaaaan, 0x4074d55555555555n, 0x4040aaaaaaaaaaabn, 0x400aaaaaaaaaaaabn,
  0x3fd5555555555555n, 0x3fa1111111111111n, 0x3f6b4e81b4e81b4fn, 0x3f35d867c3ece2a5n,
  0x3f0179ec9cbd821en, 0x3ecbf647612f3696n, 0x3e965e9f80f29212n, 0x3e61e54c672874dbn,
  0x3e2ca213d840baf8n, 0x3df6e80fe033c8c6n, 0x3dc2533fe68fd3d2n, 0x3d8d51ffd74c861cn,
  0x3d5774ccac3d3817n, 0x3d22c3d6f030f9acn, 0x3cee0624b3818f79n, 0x3cb804ea293472c7n,
  0x3c833721ba905bd3n, 0x3c4ebe9c5db3c61en, 0x3c18987d17c304e5n, 0x3be3ad30dfcf371dn,
  0x3baf7b816618582fn, 0x3b792f9ab81379bfn, 0x3b442615600f9499n, 0x3b101e77800c76e1n,
  0x3ad9ca58cce0be35n, 0x3aa4a1e0a3e6fe90n, 0x3a708180831f320dn, 0x3a3a68cd9e985016n,
  0x4024000000000000n, 0x4014000000000000n, 0x3fe0000000000000n, 0x3fa999999999999an,
  0x3f747ae147ae147bn, 0x3f40624dd2f1a9fcn, 0x3f0a36e2eb1c432dn, 0x3ed4f8b588e368f1n,
  0x3ea0c6f7a0b5ed8dn, 0x3e6ad7f29abcaf48n, 0x3e35798ee2308c3an, 0x3ed539223589fa95n,
  0x3ed4ff26cd5a7781n, 0x3ed4f95a762283ffn, 0x3ed4f8c60703520cn, 0x3ed4f8b72f19cd0dn,
  0x3ed4f8b5b31c0c8dn, 0x3ed4f8b58d1c461an, 0x3ed4f8b5894f7f0en, 0x3ed4f8b588ee37f3n,
  0x3ed4f8b588e47da4n, 0x3ed4f8b588e3849cn, 0x3ed4f8b588e36bb5n, 0x3ed4f8b588e36937n,
  0x3ed4f8b588e368f8n, 0x3ed4f8b588e368f1n, 0x3ff0000000000000n, 0xbff0000000000000n,
  0xbfeffffffffffffan, 0xbfeffffffffffffbn, 0x3feffffffffffffan, 0x3feffffffffffffbn,
  0x3feffffffffffffcn, 0x3feffffffffffffen, 0xbfefffffffffffffn, 0xbfefffffffffffffn,
  0x3fefffffffffffffn, 0x3fefffffffffffffn, 0x3fd3333333333332n, 0x3fd3333333333333n,
  0x3fd3333333333334n, 0x0010000000000000n, 0x000ffffffffffffdn, 0x000fffffffffffffn,
  0x7fefffffffffffffn, 0xffefffffffffffffn, 0x4340000000000000n, 0xc340000000000000n,
  0x4430000000000000n, 0x44b52d02c7e14af5n, 0x44b52d02c7e14af6n, 0x44b52d02c7e14af7n,
  0x444b1ae4d6e2ef4en, 0x444b1ae4d6e2ef4fn, 0x444b1ae4d6e2ef50n, 0x3eb0c6f7a0b5ed8cn,
  0x3eb0c6f7a0b5ed8dn, 0x41b3de4355555553n, 0x41b3de4355555554n, 0x41b3de4355555555n,
  0x41b3de4355555556n, 0x41b3de4355555557n, 0xbecbf647612f3696n, 0x43143ff3c1cb0959n,
];

function* numgen() {
  const u64 = new BigUint64Array(1);
  const f64 = new Float64Array(u64.buffer);
  for (const bits of STATIC) {
    u64[0] = bits;
    yield f64[0];
  }
  for (let i = 0n; i < 2000n; i++) {
    u64[0] = 0x0010000000000000n + i;
    yield f64[0];
  }
  let block = new ArrayBuffer(32);
  let data = new Float64Array(0);
  for (;;) {
    let f = 0;
    while (f === 0 || !Number.isFinite(f)) {
      if (data.length === 0) {
        const digest = createHash("sha256").update(new Uint8Array(block)).digest();
        block = digest.buffer.slice(digest.byteOffset, digest.byteOffset + 32);
        data = new Float64Array(block);
      }
      f = data[0];
      data = data.slice(1);
    }
    yield f;
  }
}

test("canonicalization: the first 1,000,000 numbers of the ES6 test file hash to the published checksums", () => {
  const expected = new Map([
    [1000, "be18b62b6f69cdab33a7e0dae0d9cfa869fda80ddc712221570f9f40a5878687"],
    [10000, "b9f7a8e75ef22a835685a52ccba7f7d6bdc99e34b010992cbc5864cd12be6892"],
    [100000, "22776e6d4b49fa294a0d0f349268e5c28808fe7e0cb2bcbe28f63894e494d4c7"],
    [1000000, "49415fee2c56c77864931bd3624faad425c3c577d6d74e89a83bc725506dad16"],
  ]);
  const hash = createHash("sha256");
  const u64 = new BigUint64Array(1);
  const f64 = new Float64Array(u64.buffer);
  let lines = 0;
  for (const number of numgen()) {
    f64[0] = number;
    hash.update(`${u64[0].toString(16)},${canonicalize(number)}\n`);
    lines += 1;
    if (expected.has(lines)) assert.equal(hash.copy().digest("hex"), expected.get(lines), `first ${lines} lines`);
    if (lines === 1000000) break;
  }
});

test("canonicalization: refuses what JSON cannot hold exactly, reads the rest as JSON.stringify does", () => {
  for (const bad of [NaN, Infinity, -Infinity, 10n, { a: [1, NaN] }, "\ud800", { "\udc00": 1 }, "a\ud800b"]) {
    assert.throws(() => canonicalize(bad), TypeError);
  }
  const cyclic = { a: 1 };
  cyclic.self = cyclic;
  assert.throws(() => canonicalize(cyclic), /cycle/);
  assert.throws(() => canonicalize(undefined), TypeError);
  // A value met twice without a cycle is fine.
  const shared = { x: 1 };
  assert.equal(canonicalize({ b: shared, a: shared }), '{"a":{"x":1},"b":{"x":1}}');
  assert.equal(canonicalize({ b: undefined, a: () => 1, c: [undefined, Symbol("s")], d: new Date(0), e: -0 }),
    '{"c":[null,null],"d":"1970-01-01T00:00:00.000Z","e":0}');
  assert.equal(canonicalize({ "\u20ac": 1, "\r": 2, "\ud83d\ude02": 3, a: 4, B: 5 }), '{"\\r":2,"B":5,"a":4,"€":1,"😂":3}');
  assert.equal(canonicalize("\u2028\u007f\u0001"), '"\u2028\u007f\\u0001"');
  assert.equal(canonicalize(new String("s")), '"s"');
  assert.equal(canonicalize([1e21, 1e-7, 0.1 + 0.2, 5e-324, -1.5]), "[1e+21,1e-7,0.30000000000000004,5e-324,-1.5]");
});

test("action_digest: base64url SHA-256 of the JCS bytes of {action, resource, params}", async () => {
  const expected = createHash("sha256")
    .update('{"action":"k8s.deployment.scale","params":{"note":"é","replicas":3},"resource":"staging/web"}')
    .digest("base64url");
  assert.equal(await actionDigest("k8s.deployment.scale", "staging/web", { replicas: 3, note: "é" }), expected);
  const empty = createHash("sha256").update('{"action":"a.b","params":{},"resource":"r"}').digest("base64url");
  assert.equal(await actionDigest("a.b", "r"), empty);
  assert.equal(await actionDigest("a.b", "r", null), empty);
  await assert.rejects(actionDigest("a.b", "r", [1]), TypeError);
});
