/* playground.js — interactive linfit training playground.
 * Plain JavaScript + SVG, no libraries, no network. Needs linfit.js loaded first
 * (globalThis.linfitPort) and a <script type="application/json" id="playground-data">
 * block; renders into the first <div class="linfit-playground" data-lang="en|zh">. */
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var DIVERGENCE_FACTOR = 1e4;          // linfit.recorder.DIVERGENCE_FACTOR
  var RATE_MIN_EXP = -3, RATE_MAX_EXP = 1, RATE_STEPS = 200;
  var PLAY_INTERVAL_MS = 100;           // about 10 epochs per second
  var MAX_PATH_DOTS = 400;

  /* ------------------------------------------------------------------ strings */
  var STRINGS = {
    en: {
      controls: "Training settings",
      dataset: "Dataset",
      ds_canonical: "canonical (1000 normal points)",
      ds_linspace: "evenly spaced (100 points)",
      rateSlider: "Learning rate (log scale)",
      rateNumber: "Learning rate",
      rateRatio: "= {r} × 2/λ_max",
      tick2L: "2/λ_max",
      tick1L: "1/λ_max",
      regimeLow: "Full batch: below 1/λ_max every direction shrinks steadily.",
      regimeMid: "Full batch: between 1/λ_max and 2/λ_max the steepest direction overshoots and oscillates, but still shrinks.",
      regimeHigh: "Full batch: above 2/λ_max the steepest direction grows every step — training diverges.",
      aboveBound: "above 2/λ_max",
      w0: "Start W",
      b0: "Start b",
      batch: "Batch",
      batchFull: "full batch",
      batchOf: "batches of {n}",
      step: "Step",
      play: "Play",
      pause: "Pause",
      reset: "Reset",
      stepTitle: "Run one epoch",
      dataPlot: "Data and the current line",
      lossPlot: "Loss by epoch (log scale)",
      pathPlot: "Path of (W, b) over the loss contours",
      table: "Epoch table",
      xAxis: "x",
      yAxis: "y",
      epochAxis: "epoch",
      lossAxis: "loss (log scale)",
      wAxis: "W",
      bAxis: "b",
      legData: "data",
      legLine: "current line",
      legLsLine: "least-squares line",
      legLoss: "full-data loss",
      legPath: "path of (W, b)",
      legLsPoint: "least squares",
      legContours: "loss contours",
      status: "Epoch {epoch}: W = {w}, b = {b}, loss = {loss}",
      diverged: "training diverged: the loss is {loss} at epoch {epoch}; learning_rate {rate} is above the stable bound 2/λ_max = {bound} for this data",
      divergedBatch: "training diverged: the loss is {loss} at epoch {epoch}; learning_rate {rate} is below the full-batch bound 2/λ_max = {bound}, but each step here sees a batch of {batch} points, whose own bound can be lower",
      badStart: "the loss at the starting point (W={w}, b={b}) is {loss}; choose a smaller start",
      invalidRate: "The learning rate must be a positive number.",
      invalidStart: "W and b must be finite numbers.",
      missing: "The training playground could not start: its data or linfit.js is missing."
    },
    zh: {
      controls: "训练设置",
      dataset: "数据集",
      ds_canonical: "标准数据（1000 个正态分布点）",
      ds_linspace: "等间距数据（100 个点）",
      rateSlider: "学习率（对数刻度）",
      rateNumber: "学习率",
      rateRatio: "= {r} × 2/λ_max",
      tick2L: "2/λ_max",
      tick1L: "1/λ_max",
      regimeLow: "全批量：学习率低于 1/λ_max 时，各个方向都稳步收缩。",
      regimeMid: "全批量：学习率介于 1/λ_max 与 2/λ_max 之间时，最陡方向会越过最低点来回振荡，但仍在收缩。",
      regimeHigh: "全批量：学习率高于 2/λ_max 时，最陡方向每一步都在放大——训练发散。",
      aboveBound: "高于 2/λ_max",
      w0: "起始 W",
      b0: "起始 b",
      batch: "批大小",
      batchFull: "全批量",
      batchOf: "每批 {n} 个点",
      step: "单步",
      play: "开始",
      pause: "暂停",
      reset: "重置",
      stepTitle: "运行一轮",
      dataPlot: "数据与当前直线",
      lossPlot: "各轮损失（对数刻度）",
      pathPlot: "(W, b) 在损失等高线上的路径",
      table: "逐轮记录",
      xAxis: "x",
      yAxis: "y",
      epochAxis: "轮",
      lossAxis: "损失（对数刻度）",
      wAxis: "W",
      bAxis: "b",
      legData: "数据点",
      legLine: "当前直线",
      legLsLine: "最小二乘直线",
      legLoss: "全数据损失",
      legPath: "(W, b) 的路径",
      legLsPoint: "最小二乘解",
      legContours: "损失等高线",
      status: "第 {epoch} 轮：W = {w}，b = {b}，损失 = {loss}",
      diverged: "训练发散：第 {epoch} 轮的损失为 {loss}；学习率 {rate} 高于此数据的稳定上界 2/λ_max = {bound}",
      divergedBatch: "训练发散：第 {epoch} 轮的损失为 {loss}；学习率 {rate} 低于全批量的稳定上界 2/λ_max = {bound}，但这里每一步只看一批 {batch} 个点，一批数据自己的上界可能更低",
      badStart: "起点（W={w}，b={b}）处的损失为 {loss}；请换一个更小的起点",
      invalidRate: "学习率必须是正数。",
      invalidStart: "W 和 b 必须是有限的数。",
      missing: "训练演练场无法启动：缺少数据或 linfit.js。"
    }
  };

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : m;
    });
  }

  /* --------------------------------------------------- Python-compatible %g */
  /* Python's format(v, ".{p}g"): p significant digits (round half to even on the
   * exact binary value), trailing zeros stripped, exponent form d.ddde+XX when the
   * exponent is < -4 or >= p; "inf", "-inf", "nan" for non-finite values. */
  function pyG(v, p) {
    if (p === undefined) p = 6;
    if (p === 0) p = 1;
    if (Number.isNaN(v)) return "nan";
    if (v === Infinity) return "inf";
    if (v === -Infinity) return "-inf";
    var neg = v < 0 || Object.is(v, -0);
    var a = Math.abs(v);
    var sign = neg ? "-" : "";
    if (a === 0) return sign + "0";
    var s = a.toExponential(p - 1);                 // JS: ties away from zero
    var exact = a.toExponential(Math.min(100, p - 1 + 30));
    var em = /^(\d)\.?(\d*)e([+-]\d+)$/.exec(exact);
    var digitsAll = em[1] + em[2];
    var tail = digitsAll.slice(p);
    if (/^50*$/.test(tail) && (Number(digitsAll.charAt(p - 1)) % 2 === 0)) {
      // exact tie and the kept digit is even: Python rounds down (to even)
      s = digitsAll.charAt(0) + (p > 1 ? "." + digitsAll.slice(1, p) : "") + "e" + em[3];
    }
    var m = /^(\d)\.?(\d*)e([+-]\d+)$/.exec(s);
    var digits = m[1] + m[2];                         // exactly p digits
    var exp = Number(m[3]);
    if (exp >= -4 && exp < p) {
      var intPart, frac;
      if (exp >= 0) {
        intPart = digits.slice(0, exp + 1);
        frac = digits.slice(exp + 1);
      } else {
        intPart = "0";
        frac = new Array(-exp).join("0") + digits;
      }
      frac = frac.replace(/0+$/, "");
      return sign + intPart + (frac ? "." + frac : "");
    }
    var mant = digits.charAt(0);
    var rest = digits.slice(1).replace(/0+$/, "");
    if (rest) mant += "." + rest;
    var ae = Math.abs(exp);
    return sign + mant + "e" + (exp < 0 ? "-" : "+") + (ae < 10 ? "0" + ae : String(ae));
  }

  /* ------------------------------------------------------------- DOM helpers */
  function el(tag, attrs, parent, text) {
    var e = document.createElement(tag);
    setAttrs(e, attrs);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function svg(tag, attrs, parent, text) {
    var e = document.createElementNS(SVGNS, tag);
    setAttrs(e, attrs);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function setAttrs(e, attrs) {
    if (!attrs) return;
    for (var k in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, k) && attrs[k] !== undefined && attrs[k] !== null) {
        e.setAttribute(k, String(attrs[k]));
      }
    }
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  function r2(v) { return Math.round(v * 100) / 100; }   // SVG coordinates

  function niceStep(span, count) {
    var raw = span / Math.max(1, count);
    var mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var f = raw / mag;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
  }
  function niceTicks(lo, hi, count) {
    if (!(hi > lo)) return [lo];
    var step = niceStep(hi - lo, count);
    var out = [];
    for (var t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
      out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
    }
    return out;
  }

  /* ------------------------------------------------------------ the widget */
  function Playground(container, data, port) {
    var lang = (container.getAttribute("data-lang") || document.documentElement.lang || "en").toLowerCase();
    lang = lang.indexOf("zh") === 0 ? "zh" : "en";
    var T = STRINGS[lang];
    var defaults = data.defaults || {};
    var datasetKeys = Object.keys(data.datasets);
    var state = {
      dataset: datasetKeys.indexOf("canonical") >= 0 ? "canonical" : datasetKeys[0],
      rate: Number(defaults.learning_rate !== undefined ? defaults.learning_rate : 0.1),
      w0: Number(defaults.w0 !== undefined ? defaults.w0 : 5),
      b0: Number(defaults.b0 !== undefined ? defaults.b0 : 0),
      batch: "full",
      run: null,
      diverged: false,
      playing: false,
      timer: null,
      pathDomain: null
    };

    /* ---------- build the DOM ---------- */
    clear(container);
    container.classList.add("lp-root");
    container.setAttribute("lang", lang === "zh" ? "zh-CN" : "en");

    var top = el("div", { "class": "lp-top" }, container);
    var form = el("form", { "class": "lp-controls", "aria-label": T.controls }, top);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });

    // dataset
    var fDs = el("div", { "class": "lp-field" }, form);
    el("label", { "for": "lp-dataset" }, fDs, T.dataset);
    var selDs = el("select", { id: "lp-dataset" }, fDs);
    datasetKeys.forEach(function (k) {
      el("option", { value: k }, selDs, T["ds_" + k] || k);
    });
    selDs.value = state.dataset;

    // learning rate
    var fRate = el("div", { "class": "lp-field lp-rate-field" }, form);
    var rateHead = el("div", { "class": "lp-rate-head" }, fRate);
    el("label", { "for": "lp-rate-value" }, rateHead, T.rateNumber);
    var numRate = el("input", { id: "lp-rate-value", type: "number", min: "0", step: "any",
      inputmode: "decimal", "aria-describedby": "lp-rate-regime" }, rateHead);
    var rateRatio = el("span", { "class": "lp-rate-ratio", "aria-hidden": "true" }, rateHead);
    var rateWrap = el("div", { "class": "lp-rate-wrap" }, fRate);
    var rowAbove = el("div", { "class": "lp-tickrow lp-tickrow-above", "aria-hidden": "true" }, rateWrap);
    var trackBox = el("div", { "class": "lp-track" }, rateWrap);
    var range = el("input", { id: "lp-rate", type: "range", min: "0", max: String(RATE_STEPS), step: "1",
      "aria-label": T.rateSlider, "aria-describedby": "lp-rate-regime" }, trackBox);
    var rowBelow = el("div", { "class": "lp-tickrow lp-tickrow-below", "aria-hidden": "true" }, rateWrap);
    var rowDecades = el("div", { "class": "lp-tickrow lp-tickrow-decades", "aria-hidden": "true" }, rateWrap);
    for (var d = RATE_MIN_EXP; d <= RATE_MAX_EXP; d++) {
      placeTick(rowDecades, null, (d - RATE_MIN_EXP) / (RATE_MAX_EXP - RATE_MIN_EXP), pyG(Math.pow(10, d)), "lp-decade");
    }
    var regime = el("p", { id: "lp-rate-regime", "class": "lp-regime" }, fRate);

    // start W, b and batch
    var fWb = el("div", { "class": "lp-field lp-row" }, form);
    var fW = el("div", { "class": "lp-sub" }, fWb);
    el("label", { "for": "lp-w0" }, fW, T.w0);
    var inW = el("input", { id: "lp-w0", type: "number", step: "any", inputmode: "decimal" }, fW);
    var fB = el("div", { "class": "lp-sub" }, fWb);
    el("label", { "for": "lp-b0" }, fB, T.b0);
    var inB = el("input", { id: "lp-b0", type: "number", step: "any", inputmode: "decimal" }, fB);
    var fBs = el("div", { "class": "lp-sub" }, fWb);
    el("label", { "for": "lp-batch" }, fBs, T.batch);
    var selBatch = el("select", { id: "lp-batch" }, fBs);
    el("option", { value: "full" }, selBatch, T.batchFull);
    el("option", { value: "10" }, selBatch, fill(T.batchOf, { n: 10 }));
    el("option", { value: "100" }, selBatch, fill(T.batchOf, { n: 100 }));
    inW.value = String(state.w0);
    inB.value = String(state.b0);
    selBatch.value = state.batch;

    var hint = el("p", { id: "lp-input-hint", "class": "lp-hint", "aria-live": "polite" }, form);

    // buttons
    var fBtn = el("div", { "class": "lp-buttons" }, form);
    var btnStep = el("button", { id: "lp-step", type: "button", title: T.stepTitle }, fBtn, T.step);
    var btnPlay = el("button", { id: "lp-play", type: "button" }, fBtn, T.play);
    var btnReset = el("button", { id: "lp-reset", type: "button" }, fBtn, T.reset);

    var status = el("p", { id: "lp-status", "class": "lp-status", role: "status", "aria-live": "polite" }, form);
    var message = el("div", { id: "lp-message", "class": "lp-message", role: "alert" }, form);

    // data plot
    var dataFig = el("figure", { "class": "lp-figure lp-data" }, top);
    el("figcaption", { id: "lp-data-cap" }, dataFig, T.dataPlot);
    var dataSvg = svg("svg", { id: "lp-data-plot", viewBox: "0 0 360 260", role: "img",
      "aria-labelledby": "lp-data-cap", preserveAspectRatio: "xMidYMid meet" }, dataFig);
    legend(dataFig, [["dot", "lp-sw-data", T.legData], ["line", "lp-sw-line", T.legLine],
      ["line", "lp-sw-ls", T.legLsLine]]);

    var bottom = el("div", { "class": "lp-bottom" }, container);
    var lossFig = el("figure", { "class": "lp-figure lp-loss" }, bottom);
    el("figcaption", { id: "lp-loss-cap" }, lossFig, T.lossPlot);
    var lossSvg = svg("svg", { id: "lp-loss-plot", viewBox: "0 0 360 260", role: "img",
      "aria-labelledby": "lp-loss-cap" }, lossFig);
    legend(lossFig, [["line", "lp-sw-loss", T.legLoss]]);

    var pathFig = el("figure", { "class": "lp-figure lp-path" }, bottom);
    el("figcaption", { id: "lp-path-cap" }, pathFig, T.pathPlot);
    var pathSvg = svg("svg", { id: "lp-path-plot", viewBox: "0 0 300 300", role: "img",
      "aria-labelledby": "lp-path-cap" }, pathFig);
    legend(pathFig, [["line", "lp-sw-contour", T.legContours], ["dot", "lp-sw-path", T.legPath],
      ["cross", "lp-sw-lspt", T.legLsPoint]]);

    var tableFig = el("figure", { "class": "lp-figure lp-tablefig" }, bottom);
    el("figcaption", { id: "lp-table-cap" }, tableFig, T.table);
    var table = el("pre", { id: "lp-table", "class": "lp-table", tabindex: "0",
      "aria-labelledby": "lp-table-cap" }, tableFig);

    function legend(parent, items) {
      var ul = el("ul", { "class": "lp-legend" }, parent);
      items.forEach(function (it) {
        var li = el("li", null, ul);
        el("span", { "class": "lp-sw lp-sw-" + it[0] + " " + it[1], "aria-hidden": "true" }, li);
        el("span", null, li, it[2]);
      });
    }

    function placeTick(row, cls, frac, label, labelCls) {
      var s = el("span", { "class": "lp-tick-label " + (labelCls || "") }, row, label);
      s.style.setProperty("--f", String(frac));
      if (frac <= 0.02) s.classList.add("lp-at-start");
      else if (frac >= 0.98) s.classList.add("lp-at-end");
      return s;
    }

    /* ---------- rate helpers ---------- */
    function rateToPos(rate) {
      var p = (Math.log10(rate) - RATE_MIN_EXP) / (RATE_MAX_EXP - RATE_MIN_EXP) * RATE_STEPS;
      return Math.max(0, Math.min(RATE_STEPS, Math.round(p)));
    }
    function posToRate(pos) {
      var r = Math.pow(10, RATE_MIN_EXP + (RATE_MAX_EXP - RATE_MIN_EXP) * pos / RATE_STEPS);
      return Number(r.toPrecision(3));
    }
    function fracOf(rate) {
      return Math.max(0, Math.min(1, (Math.log10(rate) - RATE_MIN_EXP) / (RATE_MAX_EXP - RATE_MIN_EXP)));
    }
    function ds() { return data.datasets[state.dataset]; }
    function bound() { return Number(ds().stable_rate); }
    function lamMax() { return Number(ds().hessian_eigenvalues[1]); }

    function updateRateMarks() {
      // markers on the track and their labels (1/λ_max above, 2/λ_max below)
      Array.prototype.slice.call(trackBox.querySelectorAll(".lp-mark")).forEach(function (m) { trackBox.removeChild(m); });
      clear(rowAbove); clear(rowBelow);
      var f2 = fracOf(bound()), f1 = fracOf(1 / lamMax());
      var m2 = el("span", { "class": "lp-mark lp-mark-2l", "aria-hidden": "true" }, trackBox);
      m2.style.setProperty("--f", String(f2));
      var m1 = el("span", { "class": "lp-mark lp-mark-1l", "aria-hidden": "true" }, trackBox);
      m1.style.setProperty("--f", String(f1));
      placeTick(rowBelow, null, f2, T.tick2L, "lp-label-2l");
      placeTick(rowAbove, null, f1, T.tick1L, "lp-label-1l");
    }

    function showRate() {
      range.value = String(rateToPos(state.rate));
      var txt = pyG(state.rate);
      var above = state.rate > bound();
      range.setAttribute("aria-valuetext", txt + (above ? " (" + T.aboveBound + ")" : ""));
      if (document.activeElement !== numRate || Number(numRate.value) !== state.rate) numRate.value = txt;
      rateRatio.textContent = fill(T.rateRatio, { r: pyG(state.rate / bound(), 3) });
      var lo = 1 / lamMax();
      regime.textContent = above ? T.regimeHigh : (state.rate > lo ? T.regimeMid : T.regimeLow);
      fRate.classList.toggle("lp-unstable", above);
    }

    /* ---------- the run ---------- */
    function newRun() {
      stopPlaying();
      var dset = ds();
      state.run = port.createRun({
        x: dset.x, y: dset.y, learningRate: state.rate, w0: state.w0, b0: state.b0,
        batchSize: state.batch === "full" ? null : Number(state.batch), order: null, precision: "float32"
      });
      state.diverged = false;
      state.pathDomain = null;
      message.textContent = "";
      clear(table);
      var r0 = state.run.rows[0];
      appendRow(r0);
      if (!isFinite(r0.loss)) {
        state.diverged = true;
        message.textContent = fill(T.badStart, { w: pyG(state.w0), b: pyG(state.b0), loss: pyG(r0.loss) });
      }
      updateButtons();
      renderAll();
    }

    function appendRow(row) {
      var line = port.formatRow(row.epoch, row.w, row.b, row.loss);
      table.appendChild(document.createTextNode((row.epoch > 0 ? "\n" : "") + line));
      table.scrollTop = table.scrollHeight;
    }

    function checkDivergence(row) {
      var limit = DIVERGENCE_FACTOR * state.run.rows[0].loss;
      if (isFinite(row.loss) && row.loss <= limit) return false;
      state.diverged = true;
      var b = bound();
      var vals = { loss: pyG(row.loss), epoch: row.epoch, rate: pyG(state.rate), bound: pyG(b), batch: state.batch };
      message.textContent = fill((state.batch !== "full" && state.rate <= b) ? T.divergedBatch : T.diverged, vals);
      stopPlaying();
      updateButtons();
      return true;
    }

    function stepOnce() {
      if (state.diverged || !state.run) return null;
      var row = state.run.epoch();
      appendRow(row);
      checkDivergence(row);
      renderRun();
      return row;
    }

    function stopPlaying() {
      state.playing = false;
      if (state.timer !== null) { clearTimeout(state.timer); state.timer = null; }
      btnPlay.textContent = T.play;
      container.classList.remove("lp-playing");
    }
    function startPlaying() {
      if (state.diverged) return;
      state.playing = true;
      btnPlay.textContent = T.pause;
      container.classList.add("lp-playing");
      var tick = function () {
        state.timer = null;
        if (!state.playing) return;
        stepOnce();
        if (state.playing) state.timer = setTimeout(tick, PLAY_INTERVAL_MS);
      };
      state.timer = setTimeout(tick, PLAY_INTERVAL_MS);
    }
    function updateButtons() {
      btnStep.disabled = state.diverged;
      btnPlay.disabled = state.diverged;
    }

    /* ---------- rendering ---------- */
    var dataStatic = null;          // scatter is drawn once per dataset

    function renderAll() {
      showRate();
      renderDataStatic();
      renderRun();
    }
    function renderRun() {
      var rows = state.run.rows;
      var last = rows[rows.length - 1];
      status.textContent = fill(T.status, {
        epoch: last.epoch, w: port.pyFixed(last.w, 2), b: port.pyFixed(last.b, 2), loss: port.pyFixed(last.loss, 5)
      });
      renderDataLine(last);
      renderLoss(rows);
      renderPath(rows);
    }

    // plot frame: axes box, ticks, labels
    function frame(svgEl, box, xs, ys, xl, yl, fmtX, fmtY, layer) {
      var g = svg("g", { "class": "lp-axes" }, layer);
      svg("rect", { x: box.x, y: box.y, width: box.w, height: box.h, "class": "lp-plotbox" }, g);
      xs.ticks.forEach(function (t) {
        var px = xs.map(t);
        svg("line", { x1: r2(px), x2: r2(px), y1: box.y + box.h, y2: box.y + box.h + 4, "class": "lp-tickline" }, g);
        svg("line", { x1: r2(px), x2: r2(px), y1: box.y, y2: box.y + box.h, "class": "lp-grid" }, g);
        svg("text", { x: r2(px), y: box.y + box.h + 15, "text-anchor": "middle", "class": "lp-ticktext" }, g, fmtX(t));
      });
      ys.ticks.forEach(function (t) {
        var py = ys.map(t);
        svg("line", { x1: box.x - 4, x2: box.x, y1: r2(py), y2: r2(py), "class": "lp-tickline" }, g);
        svg("line", { x1: box.x, x2: box.x + box.w, y1: r2(py), y2: r2(py), "class": "lp-grid" }, g);
        svg("text", { x: box.x - 6, y: r2(py + 3.5), "text-anchor": "end", "class": "lp-ticktext" }, g, fmtY(t));
      });
      svg("text", { x: box.x + box.w / 2, y: box.y + box.h + 30, "text-anchor": "middle", "class": "lp-axislabel" }, g, xl);
      svg("text", { x: 12, y: box.y + box.h / 2, "text-anchor": "middle", "class": "lp-axislabel",
        transform: "rotate(-90 12 " + (box.y + box.h / 2) + ")" }, g, yl);
      return g;
    }
    function linScale(lo, hi, p0, p1, n) {
      var s = { lo: lo, hi: hi, map: function (v) { return p0 + (v - lo) / (hi - lo) * (p1 - p0); } };
      s.ticks = niceTicks(lo, hi, n);
      return s;
    }
    function fmtTick(v) { return pyG(v, 4); }

    function clipRect(svgEl, id, box) {
      var defs = svg("defs", null, svgEl);
      var cp = svg("clipPath", { id: id }, defs);
      svg("rect", { x: box.x, y: box.y, width: box.w, height: box.h }, cp);
    }

    function renderDataStatic() {
      if (dataStatic && dataStatic.key === state.dataset) return;
      clear(dataSvg);
      var dset = ds();
      var xmin = Math.min.apply(null, dset.x), xmax = Math.max.apply(null, dset.x);
      var ymin = Math.min.apply(null, dset.y), ymax = Math.max.apply(null, dset.y);
      var px = (xmax - xmin) * 0.05 || 1, py = (ymax - ymin) * 0.05 || 1;
      var box = { x: 46, y: 10, w: 304, h: 206 };
      var xs = linScale(xmin - px, xmax + px, box.x, box.x + box.w, 6);
      var ys = linScale(ymin - py, ymax + py, box.y + box.h, box.y, 5);
      clipRect(dataSvg, "lp-clip-data", box);
      frame(dataSvg, box, xs, ys, T.xAxis, T.yAxis, fmtTick, fmtTick, dataSvg);
      var gPts = svg("g", { "class": "lp-points" }, dataSvg);
      var rad = dset.x.length > 300 ? 1.7 : 2.4;
      for (var i = 0; i < dset.x.length; i++) {
        svg("circle", { cx: r2(xs.map(dset.x[i])), cy: r2(ys.map(dset.y[i])), r: rad }, gPts);
      }
      var ls = dset.least_squares;
      var x0 = xs.lo, x1 = xs.hi;
      svg("line", { x1: r2(xs.map(x0)), y1: r2(ys.map(ls[0] * x0 + ls[1])), x2: r2(xs.map(x1)),
        y2: r2(ys.map(ls[0] * x1 + ls[1])), "class": "lp-lsline", "clip-path": "url(#lp-clip-data)" }, dataSvg);
      var cur = svg("line", { "class": "lp-curline", "clip-path": "url(#lp-clip-data)" }, dataSvg);
      dataStatic = { key: state.dataset, xs: xs, ys: ys, line: cur };
    }
    function renderDataLine(row) {
      var s = dataStatic, w = row.w, b = row.b;
      if (!isFinite(w) || !isFinite(b)) { s.line.setAttribute("visibility", "hidden"); return; }
      s.line.removeAttribute("visibility");
      // clamp far-away y values so the SVG numbers stay sane; the clip path hides the rest
      var span = s.ys.hi - s.ys.lo;
      function yc(x) { return Math.max(s.ys.lo - 50 * span, Math.min(s.ys.hi + 50 * span, w * x + b)); }
      setAttrs(s.line, { x1: r2(s.xs.map(s.xs.lo)), y1: r2(s.ys.map(yc(s.xs.lo))),
        x2: r2(s.xs.map(s.xs.hi)), y2: r2(s.ys.map(yc(s.xs.hi))) });
    }

    function renderLoss(rows) {
      clear(lossSvg);
      var box = { x: 58, y: 10, w: 292, h: 206 };
      var n = rows.length - 1;
      var emax = 10;
      while (emax < n) emax = emax < 20 ? 20 : (String(emax).charAt(0) === "2" ? emax * 2.5 : emax * 2);
      var lo = Infinity, hi = -Infinity, i;
      for (i = 0; i < rows.length; i++) {
        var L = rows[i].loss;
        if (isFinite(L) && L > 0) { lo = Math.min(lo, L); hi = Math.max(hi, L); }
      }
      if (!isFinite(lo)) { lo = 1; hi = 10; }
      var ylo = Math.log10(lo), yhi = Math.log10(hi);
      if (yhi - ylo < 0.6) { var mid = (ylo + yhi) / 2; ylo = mid - 0.3; yhi = mid + 0.3; }
      var padY = (yhi - ylo) * 0.06;
      ylo -= padY; yhi += padY;
      var xs = linScale(0, emax, box.x, box.x + box.w, 6);
      xs.ticks = xs.ticks.filter(function (t) { return Math.floor(t) === t; });
      var ys = { lo: ylo, hi: yhi, map: function (v) { return box.y + box.h - (v - ylo) / (yhi - ylo) * box.h; }, ticks: [] };
      // ticks: 1-2-5 per decade for short spans, decades (thinned) for long ones
      var span = yhi - ylo;
      var mults = span <= 1.2 ? [1, 1.5, 2, 3, 5, 7] : span <= 3.2 ? [1, 2, 5] : [1];
      var dstep = span <= 7 ? 1 : Math.ceil(span / 6);
      for (var dd = Math.floor(ylo); dd <= Math.ceil(yhi); dd++) {
        if (mults.length === 1 && ((dd % dstep) + dstep) % dstep !== 0) continue;
        mults.forEach(function (m) {
          var t = Math.log10(m) + dd;
          if (t >= ylo && t <= yhi) ys.ticks.push(t);
        });
      }
      clipRect(lossSvg, "lp-clip-loss", { x: box.x, y: box.y - 4, w: box.w + 4, h: box.h + 8 });
      frame(lossSvg, box, xs, ys, T.epochAxis, T.lossAxis, function (t) { return String(t); },
        function (t) { return pyG(Math.pow(10, t), 3); }, lossSvg);
      var dlo = ylo, dhi = yhi;
      var pts = [];
      for (i = 0; i < rows.length; i++) {
        var Li = rows[i].loss;
        var yv = isFinite(Li) && Li > 0 ? Math.log10(Li) : (Li === 0 ? dlo : dhi + 0.05);
        pts.push(r2(xs.map(rows[i].epoch)) + "," + r2(ys.map(Math.max(dlo - 0.05, Math.min(dhi + 0.05, yv)))));
      }
      var g = svg("g", { "clip-path": "url(#lp-clip-loss)" }, lossSvg);
      svg("polyline", { points: pts.join(" "), "class": "lp-lossline" }, g);
      var lastPt = pts[pts.length - 1].split(",");
      svg("circle", { cx: lastPt[0], cy: lastPt[1], r: 3, "class": state.diverged ? "lp-lossdot lp-bad" : "lp-lossdot" }, g);
    }

    function lossFn() {
      // full-data loss as a quadratic in (w, b) from float64 moments:
      // mean((w x + b - y)^2) = w²<x²> + 2wb<x> + b² - 2w<xy> - 2b<y> + <y²>
      var dset = ds();
      if (dset._moments) return dset._moments;
      var n = dset.x.length, sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
      for (var i = 0; i < n; i++) {
        var x = dset.x[i], y = dset.y[i];
        sx += x; sy += y; sxx += x * x; sxy += x * y; syy += y * y;
      }
      sx /= n; sy /= n; sxx /= n; sxy /= n; syy /= n;
      var f = function (w, b) { return w * w * sxx + 2 * w * b * sx + b * b - 2 * w * sxy - 2 * b * sy + syy; };
      Object.defineProperty(dset, "_moments", { value: f, enumerable: false });
      return f;
    }

    function renderPath(rows) {
      var dset = ds();
      var ls = dset.least_squares;
      // square domain centred on the least-squares point, grown (never shrunk) to hold the path
      var need = 0.5;
      for (var i = 0; i < rows.length; i++) {
        var w = rows[i].w, b = rows[i].b;
        if (isFinite(w) && isFinite(b)) need = Math.max(need, Math.abs(w - ls[0]), Math.abs(b - ls[1]));
      }
      need *= 1.15;
      var redraw = false;
      if (!state.pathDomain || need > state.pathDomain.h) {
        var h = state.pathDomain ? state.pathDomain.h : need;
        while (h < need) h *= 2;
        state.pathDomain = { h: h, static: null };
        redraw = true;
      }
      var box = { x: 44, y: 10, w: 246, h: 246 };
      var h2 = state.pathDomain.h;
      var xs = linScale(ls[0] - h2, ls[0] + h2, box.x, box.x + box.w, 5);
      var ys = linScale(ls[1] - h2, ls[1] + h2, box.y + box.h, box.y, 5);
      if (redraw) {
        clear(pathSvg);
        clipRect(pathSvg, "lp-clip-path", box);
        frame(pathSvg, box, xs, ys, T.wAxis, T.bAxis, fmtTick, fmtTick, pathSvg);
        var gc = svg("g", { "class": "lp-contours", "clip-path": "url(#lp-clip-path)" }, pathSvg);
        drawContours(gc, xs, ys, lossFn());
        var lx = r2(xs.map(ls[0])), ly = r2(ys.map(ls[1]));
        svg("path", { d: "M" + (lx - 5) + "," + (ly - 5) + "L" + (lx + 5) + "," + (ly + 5) + "M" + (lx - 5) + "," +
          (ly + 5) + "L" + (lx + 5) + "," + (ly - 5), "class": "lp-lspoint" }, pathSvg);
        state.pathDomain.layer = svg("g", { "class": "lp-pathlayer", "clip-path": "url(#lp-clip-path)" }, pathSvg);
      }
      var layer = state.pathDomain.layer;
      clear(layer);
      var pts = [];
      for (i = 0; i < rows.length; i++) {
        if (!isFinite(rows[i].w) || !isFinite(rows[i].b)) break;
        pts.push([r2(xs.map(rows[i].w)), r2(ys.map(rows[i].b))]);
      }
      svg("polyline", { points: pts.map(function (p) { return p[0] + "," + p[1]; }).join(" "), "class": "lp-pathline" }, layer);
      for (i = Math.max(0, pts.length - MAX_PATH_DOTS); i < pts.length; i++) {
        var cls = i === 0 ? "lp-pathdot lp-start" : (i === pts.length - 1 ? "lp-pathdot lp-current" : "lp-pathdot");
        svg("circle", { cx: pts[i][0], cy: pts[i][1], r: i === pts.length - 1 ? 3.6 : (i === 0 ? 3 : 2.2), "class": cls }, layer);
      }
    }

    // marching squares on a grid of the full-data loss
    function drawContours(g, xs, ys, f) {
      var N = 64, i, j;
      var wv = [], bv = [], Z = [];
      for (i = 0; i <= N; i++) { wv.push(xs.lo + (xs.hi - xs.lo) * i / N); bv.push(ys.lo + (ys.hi - ys.lo) * i / N); }
      var zmin = Infinity, zmax = -Infinity;
      for (j = 0; j <= N; j++) {
        var rowZ = [];
        for (i = 0; i <= N; i++) {
          var z = f(wv[i], bv[j]);
          rowZ.push(z); zmin = Math.min(zmin, z); zmax = Math.max(zmax, z);
        }
        Z.push(rowZ);
      }
      var lmin = f(data.datasets[state.dataset].least_squares[0], data.datasets[state.dataset].least_squares[1]);
      lmin = Math.min(lmin, zmin);
      var K = 9, levels = [];
      // excess loss grows quadratically with distance: k² spacing gives evenly spaced ellipses
      for (var k = 1; k <= K; k++) levels.push(lmin + (zmax - lmin) * (k * k) / (K * K) * 0.8);
      levels.forEach(function (lev, li) {
        var d = [];
        for (j = 0; j < N; j++) {
          for (i = 0; i < N; i++) {
            var a = Z[j][i], b = Z[j][i + 1], c = Z[j + 1][i + 1], e = Z[j + 1][i];
            var code = (a > lev ? 8 : 0) | (b > lev ? 4 : 0) | (c > lev ? 2 : 0) | (e > lev ? 1 : 0);
            if (code === 0 || code === 15) continue;
            // edge points: bottom (a-b), right (b-c), top (e-c), left (a-e) in grid space
            var P = {
              ab: [wv[i] + (wv[i + 1] - wv[i]) * (lev - a) / (b - a), bv[j]],
              bc: [wv[i + 1], bv[j] + (bv[j + 1] - bv[j]) * (lev - b) / (c - b)],
              ec: [wv[i] + (wv[i + 1] - wv[i]) * (lev - e) / (c - e), bv[j + 1]],
              ae: [wv[i], bv[j] + (bv[j + 1] - bv[j]) * (lev - a) / (e - a)]
            };
            var segs = SEGMENTS[code];
            for (var s = 0; s < segs.length; s++) {
              var p = P[segs[s][0]], q = P[segs[s][1]];
              d.push("M" + r2(xs.map(p[0])) + "," + r2(ys.map(p[1])) + "L" + r2(xs.map(q[0])) + "," + r2(ys.map(q[1])));
            }
          }
        }
        if (d.length) svg("path", { d: d.join(""), "class": "lp-contour" + (li % 3 === 2 ? " lp-contour-major" : "") }, g);
      });
    }

    /* ---------- events ---------- */
    function setHint(text, input) {
      hint.textContent = text || "";
      [numRate, inW, inB].forEach(function (e) {
        if (e === input) e.setAttribute("aria-invalid", "true"); else e.removeAttribute("aria-invalid");
      });
    }
    selDs.addEventListener("change", function () {
      state.dataset = selDs.value;
      newRun();
    });
    range.addEventListener("input", function () {
      state.rate = posToRate(Number(range.value));
      numRate.value = pyG(state.rate);
      setHint("");
      newRun();
    });
    numRate.addEventListener("change", function () {
      var v = Number(numRate.value);
      if (numRate.value.trim() === "" || !isFinite(v) || !(v > 0)) { setHint(T.invalidRate, numRate); return; }
      setHint("");
      state.rate = v;
      newRun();
    });
    function startChanged(input, key) {
      var v = Number(input.value);
      if (input.value.trim() === "" || !isFinite(v)) { setHint(T.invalidStart, input); return; }
      setHint("");
      state[key] = v;
      newRun();
    }
    inW.addEventListener("change", function () { startChanged(inW, "w0"); });
    inB.addEventListener("change", function () { startChanged(inB, "b0"); });
    selBatch.addEventListener("change", function () { state.batch = selBatch.value; newRun(); });
    btnStep.addEventListener("click", function () { stopPlaying(); stepOnce(); });
    btnPlay.addEventListener("click", function () { if (state.playing) stopPlaying(); else startPlaying(); });
    btnReset.addEventListener("click", function () { newRun(); });

    updateRateMarks();
    newRun();
    selDs.addEventListener("change", updateRateMarks);

    return {
      rows: function () {
        return state.run.rows.map(function (r) { return { epoch: r.epoch, w: r.w, b: r.b, loss: r.loss }; });
      },
      diverged: function () { return state.diverged; },
      playing: function () { return state.playing; },
      formatG: pyG
    };
  }

  // marching-squares segments per corner code (a=bottom-left 8, b=bottom-right 4, c=top-right 2, e=top-left 1)
  var SEGMENTS = {
    1: [["ae", "ec"]], 2: [["ec", "bc"]], 3: [["ae", "bc"]], 4: [["ab", "bc"]],
    5: [["ae", "ab"], ["ec", "bc"]], 6: [["ab", "ec"]], 7: [["ae", "ab"]], 8: [["ae", "ab"]],
    9: [["ab", "ec"]], 10: [["ab", "bc"], ["ae", "ec"]], 11: [["ab", "bc"]], 12: [["ae", "bc"]],
    13: [["ec", "bc"]], 14: [["ae", "ec"]]
  };

  function start() {
    var containers = document.querySelectorAll(".linfit-playground");
    if (!containers.length) return;
    var container = containers[0];
    if (container.getAttribute("data-lp-ready")) return;
    container.setAttribute("data-lp-ready", "1");
    var lang = (container.getAttribute("data-lang") || "en").indexOf("zh") === 0 ? "zh" : "en";
    var port = (typeof globalThis !== "undefined" ? globalThis : window).linfitPort;
    var node = document.getElementById("playground-data");
    var data = null;
    try { data = node ? JSON.parse(node.textContent) : null; } catch (e) { data = null; }
    if (!port || !data || !data.datasets || !Object.keys(data.datasets).length) {
      var p = document.createElement("p");
      p.className = "lp-message";
      p.setAttribute("role", "alert");
      p.textContent = STRINGS[lang].missing;
      container.appendChild(p);
      return;
    }
    var api = Playground(container, data, port);
    window.linfitPlayground = api;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
