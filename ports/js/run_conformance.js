#!/usr/bin/env node
"use strict";
const fs = require("fs");
const path = require("path");
const linfit = require("./linfit.js");

function readNpy(file) {
  const buf = fs.readFileSync(file);
  return linfit.parseNpy(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

function main(argv) {
  if (argv.length < 2) {
    console.error("usage: node run_conformance.js GOLDEN_DIR OUTPUT.json [float32|float64]");
    return 2;
  }
  const [dir, outFile] = argv;
  const precision = argv[2] || "float32";
  if (precision !== "float32" && precision !== "float64") {
    console.error("precision must be float32 or float64"); return 2;
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
  const cases = {};
  for (const c of manifest.cases) {
    const x = readNpy(path.join(dir, c.files.x));
    const y = readNpy(path.join(dir, c.files.y));
    if (x.data.length !== c.n || y.data.length !== c.n) throw new Error(c.name + ": n mismatch");
    let order = null;
    if (c.shuffled) {
      const o = readNpy(path.join(dir, c.files.order));
      if (o.shape.length !== 2 || o.shape[0] !== c.epochs || o.shape[1] !== c.n)
        throw new Error(c.name + ": order shape " + JSON.stringify(o.shape));
      order = [];
      for (let e = 0; e < c.epochs; e++) order.push(Array.from(o.data.slice(e * c.n, (e + 1) * c.n)));
    }
    const res = linfit.train({
      x: x.data, y: y.data, epochs: c.epochs, learningRate: c.learning_rate,
      w0: c.w0, b0: c.b0, batchSize: c.batch_size, order, precision,
    });
    cases[c.name] = res;
  }
  const out = { format: "linfit-conformance-results/v1", precision, cases };
  fs.writeFileSync(outFile, JSON.stringify(out, null, 1) + "\n");
  console.log("wrote " + outFile + " (" + Object.keys(cases).length + " cases, " + precision + ")");
  return 0;
}

process.exitCode = main(process.argv.slice(2));
