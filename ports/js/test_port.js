#!/usr/bin/env node
"use strict";
// Plain-node self-test for linfit.js: `node test_port.js`; exits non-zero on failure.
const fs = require("fs");
const path = require("path");
const L = require("./linfit.js");

const GOLDEN = process.env.LINFIT_GOLDEN || path.join(__dirname, "..", "..", "linfit", "conformance", "v1");
let failures = 0, passes = 0;
function check(cond, msg) {
  if (cond) { passes++; } else { failures++; console.error("FAIL: " + msg); }
}
function eqArr(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
function readNpy(file) {
  const buf = fs.readFileSync(file);
  return L.parseNpy(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

// 1. parseNpy on the golden canonical x
const manifest = JSON.parse(fs.readFileSync(path.join(GOLDEN, "manifest.json"), "utf8"));
const canon = manifest.cases.find((c) => c.name === "canonical");
const cx = readNpy(path.join(GOLDEN, canon.files.x));
const cy = readNpy(path.join(GOLDEN, canon.files.y));
check(cx.data.length === 1000, "canonical x has length 1000 (got " + cx.data.length + ")");
check(JSON.stringify(cx.shape) === "[1000]", "canonical x shape [1000], got " + JSON.stringify(cx.shape));
check(cx.descr === "<f4" ? cx.data instanceof Float32Array : cx.data instanceof Float64Array,
  "descr " + cx.descr + " maps to the right typed array");
for (const v of cx.data) { if (!Number.isFinite(v)) { check(false, "canonical x finite"); break; } }
// golden trajectory file (<f8, 2-D) and an int64 order file
const g32 = readNpy(path.join(GOLDEN, canon.files.float32));
check(g32.shape.length === 2 && g32.shape[0] === canon.epochs + 1 && g32.shape[1] === 3,
  "golden float32 trajectory shape (epochs+1, 3), got " + JSON.stringify(g32.shape));
const shuf = manifest.cases.find((c) => c.shuffled);
if (shuf) {
  const o = readNpy(path.join(GOLDEN, shuf.files.order));
  check(o.descr === "<i8" && Array.isArray(o.data), "order is <i8 converted to Numbers");
  const row0 = Array.from(o.data.slice(0, shuf.n)).sort((a, b) => a - b);
  check(row0.every((v, i) => v === i), "order[0] is a permutation of 0..n-1");
}
// parseNpy rejects bad input
function throws(fn) { try { fn(); return false; } catch (e) { return true; } }
check(throws(() => L.parseNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]).buffer)), "bad magic rejected");
function makeNpy(header, major, payload) {
  const enc = Buffer.from(header, "latin1");
  const pre = major === 1 ? 10 : 12;
  let total = pre + enc.length + 1; const pad = (64 - (total % 64)) % 64;
  const h = Buffer.concat([enc, Buffer.alloc(pad, 0x20), Buffer.from("\n")]);
  const b = Buffer.alloc(pre);
  Buffer.from([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0]).copy(b);
  if (major === 1) b.writeUInt16LE(h.length, 8); else b.writeUInt32LE(h.length, 8);
  const all = Buffer.concat([b, h, payload]);
  return all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
}
const f8 = Buffer.from(new Float64Array([1.5, -2.25]).buffer);
for (const major of [1, 2, 3]) {
  const r = L.parseNpy(makeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", major, f8));
  check(r.data instanceof Float64Array && r.data[0] === 1.5 && r.data[1] === -2.25, "npy v" + major + " <f8 read");
}
check(throws(() => L.parseNpy(makeNpy("{'descr': '<f8', 'fortran_order': True, 'shape': (2,), }", 1, f8))), "fortran_order True rejected");
check(throws(() => L.parseNpy(makeNpy("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", 1, f8))), "big-endian descr rejected");
const sc = L.parseNpy(makeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", 1, f8.subarray(0, 8)));
check(sc.shape.length === 0 && sc.data.length === 1, "0-d array read");

// 2. formatRow — expected strings produced by CPython 3 f"Epoch {e:2d}: W={w:1.2f} b={b:1.2f}, loss={l:2.5f}"
const fmtCases = [
  [[0, 5.0, 0.0, 10.30171], "Epoch  0: W=5.00 b=0.00, loss=10.30171"],
  [[3, 0.125, -0.375, 0.5], "Epoch  3: W=0.12 b=-0.38, loss=0.50000"],      // exact binary ties: half-even
  [[10, 2.675, -0.0, 123.456785], "Epoch 10: W=2.67 b=-0.00, loss=123.45678"],
  [[7, -0.004, 1e-9, 0.000005], "Epoch  7: W=-0.00 b=0.00, loss=0.00001"],
  [[100, 1.005, 3.14159, 0.1234565], "Epoch 100: W=1.00 b=3.14, loss=0.12346"],
  [[5, 0.625, -2.5, 12345.6789], "Epoch  5: W=0.62 b=-2.50, loss=12345.67890"],
];
for (const [args, want] of fmtCases) {
  const got = L.formatRow(...args);
  check(got === want, "formatRow(" + args.join(", ") + ") = " + JSON.stringify(got) + ", want " + JSON.stringify(want));
}

// 3. createRun().epoch() rows equal train() rows (both precisions, incl. a shuffled minibatch case)
for (const precision of ["float32", "float64"]) {
  for (const c of manifest.cases) {
    const x = readNpy(path.join(GOLDEN, c.files.x)).data;
    const y = readNpy(path.join(GOLDEN, c.files.y)).data;
    let order = null;
    if (c.shuffled) {
      const o = readNpy(path.join(GOLDEN, c.files.order)).data;
      order = [];
      for (let e = 0; e < c.epochs; e++) order.push(o.slice(e * c.n, (e + 1) * c.n));
    }
    const opts = { x, y, learningRate: c.learning_rate, w0: c.w0, b0: c.b0, batchSize: c.batch_size, order, precision };
    const t = L.train(Object.assign({ epochs: c.epochs }, opts));
    const run = L.createRun(opts);
    check(run.rows.length === 1 && run.rows[0].epoch === 0, "createRun records row 0");
    for (let e = 0; e < c.epochs; e++) {
      const r = run.epoch();
      check(r === run.rows[run.rows.length - 1] && r.epoch === e + 1, "epoch() returns the appended row");
    }
    check(t.w.length === c.epochs + 1 && t.b.length === c.epochs + 1 && t.loss.length === c.epochs + 1,
      c.name + ": train rows have length epochs+1");
    check(eqArr(run.rows.map((r) => r.w), t.w) && eqArr(run.rows.map((r) => r.b), t.b) &&
      eqArr(run.rows.map((r) => r.loss), t.loss), c.name + "/" + precision + ": stepper rows == train rows");
    if (precision === "float32") {
      check([...t.w, ...t.b, ...t.loss].every((v) => Math.fround(v) === v), c.name + ": float32 values are float32");
    }
  }
}

// 4. A deliberately wrong variant (loss recorded one step late: row k's loss taken at
//    the parameters of row k-1) must differ from the right one.
{
  const opts = { x: cx.data, y: cy.data, learningRate: canon.learning_rate, w0: canon.w0, b0: canon.b0,
    batchSize: canon.batch_size, order: null, precision: "float32" };
  const right = L.train(Object.assign({ epochs: canon.epochs }, opts));
  const run = L.createRun(opts);
  const wrongLoss = [run.rows[0].loss];
  for (let e = 0; e < canon.epochs; e++) {
    const before = run.rows[run.rows.length - 1];
    run.epoch();
    wrongLoss.push(L.lossAt(cx.data, cy.data, before.w, before.b, "float32"));
  }
  check(eqArr(run.rows.map((r) => r.loss), right.loss), "fresh run reproduces the right losses");
  check(!eqArr(wrongLoss, right.loss), "late-loss variant differs from the right one");
  let maxRel = 0;
  for (let k = 1; k < wrongLoss.length; k++) maxRel = Math.max(maxRel, Math.abs(wrongLoss[k] - right.loss[k]) / right.loss[k]);
  check(maxRel > 1e-2, "late-loss variant differs materially (max rel diff " + maxRel + ")");
  // and the right one matches the golden float32 trajectory closely (column 2 = loss)
  let maxGold = 0;
  for (let k = 0; k <= canon.epochs; k++) maxGold = Math.max(maxGold, Math.abs(g32.data[3 * k + 2] - right.loss[k]) / g32.data[3 * k + 2]);
  check(maxGold < 1e-4, "right losses close to golden float32 (max rel " + maxGold + ")");
  if (process.env.WRITE_WRONG) {
    fs.writeFileSync(process.env.WRITE_WRONG, JSON.stringify({ w: right.w, b: right.b, loss: wrongLoss }));
  }
}

// 5. Browser path: run the engine with no `module` in scope; it must set globalThis.linfitPort.
{
  const vm = require("vm");
  const ctx = vm.createContext({});
  vm.runInContext(fs.readFileSync(path.join(__dirname, "linfit.js"), "utf8"), ctx);
  const P = vm.runInContext("globalThis.linfitPort", ctx);
  check(P && typeof P.train === "function" && typeof P.createRun === "function", "browser-style load sets globalThis.linfitPort");
  const a = P.train({ x: [1, 2, 3], y: [5, 8, 11], epochs: 2, learningRate: 0.1, w0: 5, b0: 0 });
  const b = L.train({ x: [1, 2, 3], y: [5, 8, 11], epochs: 2, learningRate: 0.1, w0: 5, b0: 0 });
  check(eqArr(Array.from(a.loss), b.loss), "browser-style load gives the same numbers");
  check(typeof globalThis.linfitPort === "undefined", "Node load does not set a global");
}

console.log((failures ? "FAILED" : "OK") + ": " + passes + " checks passed, " + failures + " failed");
process.exit(failures ? 1 : 0);
