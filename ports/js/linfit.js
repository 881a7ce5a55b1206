/* linfit.js — dependency-free port of the linfit training loop.
 * Works as a CommonJS module in Node (module.exports) and as a plain
 * <script> in a browser (globalThis.linfitPort). No require, no DOM. */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module && typeof module.exports === "object") {
    module.exports = api;
  } else if (root) {
    root.linfitPort = api;
  }
})(typeof globalThis !== "undefined" ? globalThis : (typeof self !== "undefined" ? self : this), function () {
  "use strict";

  function arith(precision) {
    if (precision === undefined || precision === null || precision === "float32") {
      var f = Math.fround;
      return {
        name: "float32", r: f,
        add: function (a, b) { return f(a + b); },
        sub: function (a, b) { return f(a - b); },
        mul: function (a, b) { return f(a * b); },
        div: function (a, b) { return f(a / b); }
      };
    }
    if (precision === "float64") {
      return {
        name: "float64", r: function (a) { return +a; },
        add: function (a, b) { return a + b; },
        sub: function (a, b) { return a - b; },
        mul: function (a, b) { return a * b; },
        div: function (a, b) { return a / b; }
      };
    }
    throw new Error("precision must be 'float32' or 'float64', got " + precision);
  }

  function toNumbers(arr, A, name) {
    if (arr === null || arr === undefined || typeof arr.length !== "number") {
      throw new Error(name + " must be an array");
    }
    var out = new Array(arr.length);
    for (var i = 0; i < arr.length; i++) {
      var v = Number(arr[i]);
      if (!isFinite(v)) throw new Error(name + "[" + i + "] is not finite");
      out[i] = A.r(v);
    }
    return out;
  }

  function lossAt(A, x, y, w, b) {
    var n = x.length, s = A.r(0);
    for (var i = 0; i < n; i++) {
      var r = A.sub(A.add(A.mul(w, x[i]), b), y[i]);
      s = A.add(s, A.mul(r, r));
    }
    return A.div(s, A.r(n));
  }

  /* One gradient step on the batch visit[start], ..., visit[end - 1]; both
   * gradients are taken at the w, b before the update. Returns the new [w, b]. */
  function step(A, x, y, visit, start, end, w, b, lr) {
    var sumRx = A.r(0), sumR = A.r(0), m = A.r(end - start), two = A.r(2);
    for (var k = start; k < end; k++) {
      var i = visit[k];
      var r = A.sub(A.add(A.mul(w, x[i]), b), y[i]);  // the residual (w·x + b) − y
      sumRx = A.add(sumRx, A.mul(r, x[i]));
      sumR = A.add(sumR, r);
    }
    var gradW = A.div(A.mul(two, sumRx), m);
    var gradB = A.div(A.mul(two, sumR), m);
    return [A.sub(w, A.mul(lr, gradW)), A.sub(b, A.mul(lr, gradB))];
  }

  function createRun(opts) {
    opts = opts || {};
    var A = arith(opts.precision);
    var x = toNumbers(opts.x, A, "x");
    var y = toNumbers(opts.y, A, "y");
    var n = x.length;
    if (n === 0) throw new Error("x must be non-empty");
    if (y.length !== n) throw new Error("x and y must have the same length");
    var lr = A.r(Number(opts.learningRate));
    var w = A.r(Number(opts.w0 === undefined ? 0 : opts.w0));
    var b = A.r(Number(opts.b0 === undefined ? 0 : opts.b0));
    var bs = (opts.batchSize === null || opts.batchSize === undefined) ? n : Number(opts.batchSize);
    if (!(bs >= 1) || Math.floor(bs) !== bs) throw new Error("batchSize must be a positive integer or null");
    var order = (opts.order === undefined) ? null : opts.order;

    function visitFor(e) {
      var v = new Array(n), k;
      if (order === null) {
        for (k = 0; k < n; k++) v[k] = k;
        return v;
      }
      if (e >= order.length) throw new Error("order has no row for epoch " + e);
      var row = order[e];
      if (!row || row.length !== n) throw new Error("order[" + e + "] must have length n=" + n);
      var seen = new Uint8Array(n);
      for (k = 0; k < n; k++) {
        var idx = Number(row[k]);
        if (!(idx >= 0 && idx < n) || Math.floor(idx) !== idx || seen[idx]) {
          throw new Error("order[" + e + "] is not a permutation of 0..n-1");
        }
        seen[idx] = 1; v[k] = idx;
      }
      return v;
    }

    var run = {
      precision: A.name,
      rows: [{ epoch: 0, w: w, b: b, loss: lossAt(A, x, y, w, b) }],
      get w() { return w; },
      get b() { return b; },
      epoch: function () {
        var e = run.rows.length - 1;
        var visit = visitFor(e);  // this epoch's order of the points
        for (var start = 0; start < n; start += bs) {  // the last batch may be shorter
          var next = step(A, x, y, visit, start, Math.min(start + bs, n), w, b, lr);
          w = next[0];
          b = next[1];
        }
        var row = { epoch: e + 1, w: w, b: b, loss: lossAt(A, x, y, w, b) };
        run.rows.push(row);
        return row;
      }
    };
    return run;
  }

  function train(opts) {
    var epochs = Number(opts.epochs);
    if (!(epochs >= 0) || Math.floor(epochs) !== epochs) {
      throw new Error("epochs must be a non-negative integer");
    }
    var run = createRun(opts);
    for (var e = 0; e < epochs; e++) run.epoch();
    var out = { w: [], b: [], loss: [] };
    for (var k = 0; k < run.rows.length; k++) {
      out.w.push(run.rows[k].w);
      out.b.push(run.rows[k].b);
      out.loss.push(run.rows[k].loss);
    }
    return out;
  }

  function parseNpy(buf) {
    var bytes;
    if (buf instanceof ArrayBuffer) bytes = new Uint8Array(buf);
    else if (ArrayBuffer.isView(buf)) bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    else throw new Error("parseNpy expects an ArrayBuffer or typed array");
    var magic = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59];
    if (bytes.length < 10) throw new Error("not a .npy file (too short)");
    for (var i = 0; i < 6; i++) if (bytes[i] !== magic[i]) throw new Error("not a .npy file (bad magic)");
    var major = bytes[6];
    var dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var hlen, hstart;
    if (major === 1) { hlen = dv.getUint16(8, true); hstart = 10; }
    else if (major === 2 || major === 3) {
      if (bytes.length < 12) throw new Error("truncated .npy header");
      hlen = dv.getUint32(8, true); hstart = 12;
    } else throw new Error("unsupported .npy version " + major);
    if (hstart + hlen > bytes.length) throw new Error("truncated .npy header");
    var header = "";
    var hb = bytes.subarray(hstart, hstart + hlen);
    if (major === 3 && typeof TextDecoder !== "undefined") header = new TextDecoder("utf-8").decode(hb);
    else for (i = 0; i < hb.length; i++) header += String.fromCharCode(hb[i]);
    var dm = /'descr'\s*:\s*'([^']*)'/.exec(header);
    var fm = /'fortran_order'\s*:\s*(True|False)/.exec(header);
    var sm = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
    if (!dm || !fm || !sm) throw new Error("malformed .npy header: " + header);
    var descr = dm[1];
    if (fm[1] !== "False") throw new Error("fortran_order True is not supported");
    var shape = sm[1].split(",").map(function (s) { return s.trim(); })
      .filter(function (s) { return s.length > 0; })
      .map(function (s) { var v = Number(s.replace(/L$/, "")); if (!(v >= 0) || Math.floor(v) !== v) throw new Error("bad shape"); return v; });
    var count = 1;
    for (i = 0; i < shape.length; i++) count *= shape[i];
    var off = hstart + hlen;
    var itemsize = { "<f4": 4, "<f8": 8, "<i8": 8 }[descr];
    if (!itemsize) throw new Error("unsupported descr " + descr + " (need <f4, <f8 or <i8)");
    if (bytes.length - off < count * itemsize) throw new Error("truncated .npy data");
    // copy to an aligned buffer
    var raw = bytes.slice(off, off + count * itemsize).buffer;
    var data;
    if (descr === "<f4") data = new Float32Array(raw);
    else if (descr === "<f8") data = new Float64Array(raw);
    else {
      var big = new BigInt64Array(raw);
      data = new Array(count);
      for (i = 0; i < count; i++) {
        var v = Number(big[i]);
        if (!Number.isSafeInteger(v)) throw new Error("int64 value out of safe range");
        data[i] = v;
      }
    }
    return { descr: descr, shape: shape, data: data };
  }

  function pad2(s) { return s.length >= 2 ? s : (" " + s); }

  /* Python's f"{v:1.2f}" uses correctly rounded round-half-even on the exact
   * binary value; JS toFixed rounds the exact binary value half-up. Because a
   * decimal tie (e.g. 0.125) must be exactly representable, the two differ only
   * on exact binary ties such as 0.125 -> Python "0.12", JS "0.13". We emulate
   * Python by detecting exact ties and rounding to even. */
  function pyFixed(v, digits) {
    if (Number.isNaN(v)) return "nan";
    if (v === Infinity) return "inf";
    if (v === -Infinity) return "-inf";
    var s = v.toFixed(digits);
    if (Math.abs(v) < 1e21) {
      var scaled = Math.abs(v) * Math.pow(10, digits);
      // exact tie only if scaled is exactly k+0.5 and the multiply was exact
      var fl = Math.floor(scaled);
      if (scaled - fl === 0.5 && digits <= 22) {
        // verify exactness via toFixed with more digits (exact decimal expansion up to 100)
        var more = Math.abs(v).toFixed(Math.min(100, digits + 30));
        var tail = more.slice(more.indexOf(".") + 1 + digits);
        if (/^50*$/.test(tail)) {
          var q = fl % 2 === 0 ? fl : fl + 1;       // round half to even
          var t = (q / Math.pow(10, digits)).toFixed(digits);
          s = (v < 0 || Object.is(v, -0) ? "-" : "") + t;
        }
      }
    }
    if (s.charAt(0) !== "-" && (v < 0 || Object.is(v, -0))) s = "-" + s; // Python keeps -0.00
    return s;
  }

  function formatRow(epoch, w, b, loss) {
    return "Epoch " + pad2(String(epoch)) + ": W=" + pyFixed(w, 2) + " b=" + pyFixed(b, 2) +
      ", loss=" + pad2(pyFixed(loss, 5));
  }

  return { train: train, createRun: createRun, stepper: createRun, parseNpy: parseNpy,
           formatRow: formatRow, pyFixed: pyFixed, lossAt: function (x, y, w, b, precision) {
             var A = arith(precision); return lossAt(A, toNumbers(x, A, "x"), toNumbers(y, A, "y"), A.r(w), A.r(b)); } };
});
