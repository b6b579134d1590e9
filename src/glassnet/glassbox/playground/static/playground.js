// glassnet playground: the page sends controls and draws what the engine sends.
// No neural-network arithmetic happens here: heatmaps, weights, losses and every
// number of the inspector come from the server (GET /api/..., WS /ws).
"use strict";

(() => {
  const RECT = 30, ROW = 55, BIAS = 5;
  const $ = (sel) => document.querySelector(sel);
  const page = window.glassnetPlayground = {redraws: 0, frames: 0, config: null, frame: null};
  let ws = null, cfg = null, frame = null, history = [], nodes = {}, inspecting = null;
  let lastInspect = 0;

  // -- the connection --------------------------------------------------------------
  function connect() {
    const hash = location.hash.slice(1);
    const query = hash ? "?hash=" + encodeURIComponent(hash) : "";
    ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws" + query);
    ws.onmessage = (event) => {
      const msg = JSON.parse(event.data);
      if (msg.type === "config") onConfig(msg);
      else if (msg.type === "frame") onFrame(msg);
      else if (msg.type === "error") showError(msg.message);
    };
    ws.onclose = () => { page.closed = true; showError("The playground server stopped; restart it and reload."); };
  }
  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }
  function set(name, value) { send({action: "set", name, value}); }
  function showError(text) {
    const box = $("#error");
    box.textContent = text;
    box.classList.toggle("shown", !!text);
    if (text) setTimeout(() => box.classList.remove("shown"), 6000);
  }

  // -- controls --------------------------------------------------------------------
  function fillMenu(select, values) {
    select.replaceChildren(...values.map((v) => new Option(String(v), String(v))));
  }
  function wireControls() {
    $("#play-pause-button").onclick = () => send({action: "toggle"});
    $("#next-step-button").onclick = () => send({action: "step"});
    $("#reset-button").onclick = () => send({action: "reset"});
    $("#data-regen-button").onclick = () => send({action: "regenerate"});
    $("#learningRate").onchange = (e) => set("learningRate", +e.target.value);
    $("#regularRate").onchange = (e) => set("regularizationRate", +e.target.value);
    $("#activations").onchange = (e) => set("activation", e.target.value);
    $("#regularizations").onchange = (e) => set("regularization", e.target.value);
    $("#problem").onchange = (e) => set("problem", e.target.value);
    for (const id of ["percTrainData", "noise", "batchSize"]) {
      const input = document.getElementById(id);
      input.oninput = () => { document.querySelector(`label[for=${id}] .value`).textContent = input.value; };
      input.onchange = () => set(id, +input.value);
    }
    $("#show-test-data").onchange = (e) => set("showTestData", e.target.checked);
    $("#discretize").onchange = (e) => set("discretize", e.target.checked);
    $("#add-layers").onclick = () => send({action: "layers", delta: 1});
    $("#remove-layers").onclick = () => send({action: "layers", delta: -1});
    for (const c of document.querySelectorAll("canvas[data-dataset]"))
      c.onclick = () => set("dataset", c.dataset.dataset);
    for (const c of document.querySelectorAll("canvas[data-regdataset]"))
      c.onclick = () => set("regDataset", c.dataset.regdataset);
    $("#inspector-close").onclick = () => { inspecting = null; $("#inspector").hidden = true; };
    window.addEventListener("hashchange", () => send({action: "hash", hash: location.hash.slice(1)}));
    $("#linechart").onmousemove = chartHover;
    $("#doctor-button").onclick = askDoctor;
    wireDrop();
  }

  function onConfig(c) {
    cfg = page.config = c;
    const s = c.state;
    if (location.hash.slice(1) !== c.hash) history_replace(c.hash);
    if (!$("#learningRate").options.length) {
      fillMenu($("#learningRate"), c.menus.learningRate);
      fillMenu($("#regularRate"), c.menus.regularizationRate);
    }
    ensureOption($("#learningRate"), s.learningRate);
    ensureOption($("#regularRate"), s.regularizationRate);
    $("#regularRate").value = String(s.regularizationRate);
    $("#activations").value = s.activation;
    $("#regularizations").value = s.regularization;
    $("#problem").value = s.problem;
    for (const id of ["percTrainData", "noise", "batchSize"]) {
      document.getElementById(id).value = s[id];
      document.querySelector(`label[for=${id}] .value`).textContent = s[id];
    }
    $("#show-test-data").checked = s.showTestData;
    $("#discretize").checked = s.discretize;
    for (const el of document.querySelectorAll("[class*='ui-']")) el.classList.remove("hidden-control");
    for (const name of c.hidden)
      for (const el of document.querySelectorAll(".ui-" + name)) el.classList.add("hidden-control");
    const regression = s.problem === "regression";
    document.querySelector(".datasets.classification").hidden = regression || !!c.table;
    document.querySelector(".datasets.regression").hidden = !regression || !!c.table;
    $("#table-info").hidden = !c.table;
    if (c.table) {
      const t = c.table;
      const kinds = !t.classes ? " (numbers)" : t.k ? ` (${t.k} classes: ${t.classes.join(", ")}; a softmax output, categorical cross-entropy)`
        : ` (${t.classes[0]} → −1, ${t.classes[1]} → +1)`;
      $("#table-info").textContent = `Your table: ${t.names.length} features, target ${t.target}` + kinds +
        `. The heatmaps show ${t.axes[0]} (across) and ${t.axes[1]} (up), every other feature at its mean.`;
    }
    for (const canvas of document.querySelectorAll(".data-thumbnail")) {
      const name = canvas.dataset.dataset || canvas.dataset.regdataset;
      Draw.points(canvas, [[c.thumbnails[name], "rgba(0,0,0,0)"]], c.domain);
      canvas.classList.toggle("selected", name === (regression ? s.regDataset : s.dataset));
    }
    const hidden = c.shape.length - 2;
    $("#num-layers").textContent = hidden;
    $("#layers-label").textContent = hidden === 1 ? "hidden layer" : "hidden layers";
    $("#warnings").replaceChildren(...c.warnings.map((w) => Object.assign(document.createElement("p"), {textContent: w})));
    $("#legend").replaceChildren(...(palette() || []).map((colour, k) => {
      const item = Object.assign(document.createElement("span"), {className: "class", textContent: c.table.classes[k]});
      item.style.setProperty("--colour", colour);
      return item;
    }));
    history = [];
    buildNetwork(c);
    drawPoints();
    if (inspecting) inspect(inspecting);
  }
  function palette() { return cfg && cfg.table && cfg.table.k ? cfg.table.palette : null; }
  function history_replace(hash) { window.history.replaceState(null, "", "#" + hash); }
  function ensureOption(select, value) {
    if (![...select.options].some((o) => o.value === String(value))) select.add(new Option(String(value), String(value)));
    select.value = String(value);
  }

  // -- the network diagram ---------------------------------------------------------
  function nodeName(k, j) {
    if (k === 0) return cfg.inputs.filter((f) => f.active)[j].label.replace("X_1", "x₁").replace("X_2", "x₂").replace("^2", "²");
    if (k === cfg.shape.length - 1) return palette() ? `ŷ${j + 1} (P(${cfg.table.classes[j]}))` : "ŷ (output)";
    return `h${k},${j + 1}`;
  }

  function buildNetwork(c) {
    const net = $("#network"), svg = $("#svg");
    net.querySelectorAll("div.node, div.plus-minus").forEach((d) => d.remove());
    svg.replaceChildren();
    nodes = {};
    const width = Math.max(420, net.clientWidth || 520);
    const layers = c.shape.length;
    const xOf = (k) => k === 0 ? 80 : k === layers - 1 ? width - RECT : 80 + (width - RECT - 80) * k / (layers - 1);
    let height = 0;
    // the inputs: every feature Playground shows, the inactive ones greyed
    let active = 0;
    c.inputs.forEach((f, row) => {
      const id = f.active ? `0:${active++}` : null;
      addNode(net, xOf(0), row * ROW + RECT / 2 + 40, id, f, true);
      height = Math.max(height, row * ROW + RECT + 40);
    });
    for (let k = 1; k < layers; k++) {
      for (let j = 0; j < c.shape[k]; j++) {
        addNode(net, xOf(k), j * ROW + RECT / 2 + 40, `${k}:${j}`, null, false);
        height = Math.max(height, j * ROW + RECT + 40);
      }
      if (k < layers - 1) addPlusMinus(net, xOf(k), k - 1, c.shape[k]);
    }
    svg.setAttribute("width", width + 10);
    svg.setAttribute("height", height + 10);
    net.style.height = (height + 10) + "px";
    for (let k = 0; k < layers - 1; k++)
      for (let j = 0; j < c.shape[k + 1]; j++)
        for (let i = 0; i < c.shape[k]; i++) addLink(svg, k, i, j, c.shape[k]);
  }

  function addNode(net, cx, cy, id, feature, isInput) {
    const div = document.createElement("div");
    div.className = "node" + (isInput ? " input" : "") + (feature && !feature.active ? " inactive" : "");
    div.style.left = (cx - RECT / 2) + "px";
    div.style.top = (cy - RECT / 2) + "px";
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 10;
    div.appendChild(canvas);
    if (isInput) {
      const label = document.createElement("span");
      label.className = "label";
      label.textContent = feature.label.replace("X_1", "x₁").replace("X_2", "x₂").replace("^2", "²");
      div.appendChild(label);
      div.dataset.feature = feature.id;
      div.title = "Click to turn this input " + (feature.active ? "off" : "on");
      div.onclick = () => send({action: "feature", id: feature.id});
    } else {
      div.onclick = () => inspect({kind: "neuron", node: id});
      const bias = document.createElement("div");
      bias.className = "bias";
      const [k, j] = id.split(":").map(Number);
      Object.assign(bias.dataset, {layer: k - 1, j});
      bias.onmouseenter = (e) => hover(e, "Bias", frame && frame.biases[k - 1][j]);
      bias.onmouseleave = () => hover(null);
      bias.onclick = (e) => { e.stopPropagation(); inspect({kind: "bias", layer: k - 1, j}); };
      div.appendChild(bias);
    }
    if (id) {
      div.dataset.node = id;
      div.onmouseenter = () => { div.classList.add("hovered"); send({action: "select", node: id}); };
      div.onmouseleave = () => { div.classList.remove("hovered"); send({action: "select", node: null}); };
      nodes[id] = {cx, cy, canvas, div};
    }
    net.appendChild(div);
  }

  function addPlusMinus(net, cx, h, n) {
    const div = document.createElement("div");
    div.className = "plus-minus";
    div.style.left = (cx - 25) + "px";
    const plus = Object.assign(document.createElement("button"), {className: "icon", textContent: "+", title: "Add a neuron"});
    const minus = Object.assign(document.createElement("button"), {className: "icon", textContent: "−", title: "Remove a neuron"});
    plus.onclick = () => send({action: "neurons", layer: h, delta: 1});
    minus.onclick = () => send({action: "neurons", layer: h, delta: -1});
    div.dataset.layer = h;
    const label = Object.assign(document.createElement("div"), {textContent: `${n} neuron${n > 1 ? "s" : ""}`});
    div.append(plus, minus, label);
    net.appendChild(div);
  }

  function addLink(svg, k, i, j, fanIn) {
    const a = nodes[`${k}:${i}`], b = nodes[`${k + 1}:${j}`];
    const x1 = a.cx + RECT / 2 + 2, y1 = a.cy;
    const x2 = b.cx - RECT / 2, y2 = b.cy + ((i - (fanIn - 1) / 2) / fanIn) * 12;
    const mx = (x1 + x2) / 2;
    const d = `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
    const line = Draw.el("path", {d, class: "link", id: `link-${k}-${i}-${j}`}, null);
    svg.insertBefore(line, svg.firstChild);
    const hit = Draw.el("path", {d, class: "link-hover", "data-layer": k, "data-i": i, "data-j": j}, svg);
    hit.addEventListener("mouseenter", (e) => hover(e, "Weight", frame && frame.weights[k][i][j]));
    hit.addEventListener("mouseleave", () => hover(null));
    hit.addEventListener("click", () => inspect({kind: "link", layer: k, i, j}));
  }

  function hover(event, what, value) {
    const card = $("#hovercard");
    if (!event) { card.classList.remove("shown"); return; }
    card.textContent = `${what} is ${fmt(value)} (click for its last update and to edit it)`;
    card.style.left = (event.pageX + 15) + "px";
    card.style.top = (event.pageY - 10) + "px";
    card.classList.add("shown");
  }

  // -- frames ----------------------------------------------------------------------
  function onFrame(f) {
    frame = page.frame = f;
    page.frames++;
    if (f.history_start === 0) history = [];
    history.push(...f.history);
    requestAnimationFrame(() => draw(f));
  }

  function draw(f) {
    if (f !== frame || !cfg) return;
    if (location.hash.slice(1) !== f.hash) history_replace(f.hash);
    if (f.showTestData !== cfg.state.showTestData) { cfg.state.showTestData = f.showTestData; drawPoints(); }
    $("#iter-number").textContent = String(f.epoch).padStart(6, "0").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    $("#loss-train").textContent = fmt3(f.loss_train);
    $("#loss-test").textContent = fmt3(f.loss_test);
    $("#play-pause-button").classList.toggle("playing", f.playing);
    if (document.activeElement !== $("#learningRate")) ensureOption($("#learningRate"), f.learningRate);
    f.weights.forEach((W, k) => W.forEach((row, i) => row.forEach((w, j) => {
      const line = document.getElementById(`link-${k}-${i}-${j}`);
      if (!line) return;
      line.setAttribute("stroke", Draw.css(w));
      line.setAttribute("stroke-width", Draw.linkWidth(w));
      line.setAttribute("stroke-dashoffset", -f.epoch / 3);
    })));
    f.biases.forEach((b, k) => b.forEach((v, j) => {
      const node = nodes[`${k + 1}:${j}`];
      if (node) node.div.querySelector(".bias").style.backgroundColor = Draw.css(v);
    }));
    for (const [id, b64] of Object.entries(f.thumbs)) if (nodes[id]) Draw.heatmap(nodes[id].canvas, b64, 255);
    if (f.classmap) Draw.classmap($("#heatmap-canvas"), f.classmap, palette());
    else Draw.heatmap($("#heatmap-canvas"), f.heatmap);
    const out = `${cfg.shape.length - 1}:0`;
    const over = cfg.table ? `(${cfg.table.axes.join(", ")})` : "(x₁, x₂)";
    $("#heatmap-label").textContent = (f.selected === "output" ? "The class (argmax ŷ; paler: less sure)"
      : f.selected === out ? "The output ŷ" : `Node ${labelOf(f.selected)}`) + " over " + over;
    Draw.lossChart($("#linechart"), history);
    drawFigures(f.figures);
    showDoctor(f.doctor);
    page.redraws++;
    const now = performance.now();
    if (inspecting && f.playing && now - lastInspect > 400) inspect(inspecting);
  }
  function labelOf(id) { const [k, j] = id.split(":").map(Number); return nodeName(k, j); }

  function drawPoints() {
    const sets = [[cfg.train, "white"]];
    if (cfg.state.showTestData) sets.push([cfg.test, "black"]);
    Draw.points($("#points-canvas"), sets, cfg.domain, palette());
  }

  function drawFigures(figures) {
    const box = $("#figures");
    const rows = [];
    for (const name of ["train", "test"]) {
      const fig = figures[name];
      if (fig === undefined) continue;
      if (fig === null) { rows.push(`${name}: diverged (NaN)`); continue; }
      if ("accuracy" in fig && palette()) {
        const matrix = fig.confusion.map((row) => row.join(" ")).join("; ");
        rows.push(`${name} accuracy ${(100 * fig.accuracy).toFixed(1)} % — confusion (rows: true ${cfg.table.classes.join(", ")}; columns: predicted): [${matrix}]`);
      } else if ("accuracy" in fig) {
        const [[tn, fp], [fn, tp]] = fig.confusion;
        rows.push(`${name} accuracy ${(100 * fig.accuracy).toFixed(1)} % — confusion (rows: true −1, +1; columns: predicted): [${tn} ${fp}; ${fn} ${tp}]`);
      } else {
        rows.push(`${name} RMSE ${fig.rmse.toPrecision(4)}, R² ${fig.r2.toFixed(4)}`);
      }
    }
    const text = rows.join("\n");
    if (box.textContent !== text) box.textContent = text;
  }

  // -- your own CSV file: the page sends its text and the target's name; the server reads it
  let dropped = null;
  function wireDrop() {
    const zone = $("#drop");
    zone.ondragover = (e) => { e.preventDefault(); zone.classList.add("over"); };
    zone.ondragleave = () => zone.classList.remove("over");
    zone.ondrop = (e) => { e.preventDefault(); zone.classList.remove("over"); if (e.dataTransfer.files[0]) chooseTarget(e.dataTransfer.files[0]); };
    $("#csv-file").onchange = (e) => { if (e.target.files[0]) chooseTarget(e.target.files[0]); };
    $("#csv-use").onclick = useTable;
  }
  async function chooseTarget(file) {
    const text = await file.text();
    const header = text.split(/\r?\n/).find((line) => line.trim()) || "";
    const delimiter = [",", ";", "\t", "|"].reduce((a, b) => header.split(b).length > header.split(a).length ? b : a);
    const columns = header.split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
    dropped = {text, name: file.name};
    fillMenu($("#csv-target"), columns);
    $("#csv-target").value = columns[columns.length - 1];
    $("#csv-choice").hidden = false;
  }
  async function useTable() {
    if (!dropped) return;
    const response = await fetch("/api/table", {method: "POST", headers: {"content-type": "application/json"},
      body: JSON.stringify({csv: dropped.text, target: $("#csv-target").value})});
    const data = await response.json();
    if (!response.ok) { showError(`${dropped.name}: ${data.error}`); return; }
    $("#csv-choice").hidden = true;
  }

  // -- the training doctor (glassnet.glassbox.doctor, run by the server) --------------
  async function askDoctor() {
    $("#doctor-line").textContent = "The doctor is looking…";
    const response = await fetch("/api/doctor");
    const data = await response.json();
    if (!response.ok) { showError(data.error); return; }
    showDoctor(data);
  }
  function showDoctor(found) {
    const box = $("#doctor-line");
    if (!found) { if (!box.textContent.startsWith("The doctor is")) box.textContent = ""; return; }
    const why = {diverged: "training diverged", stalled: "training stalled", asked: "asked"}[found.reason];
    const text = found.line ? `Training doctor (epoch ${found.epoch}, ${why}): ${found.line}`
      : `Training doctor (epoch ${found.epoch}): nothing wrong found.`;
    if (box.textContent !== text) {
      box.textContent = text;
      box.dataset.code = found.code || "";
      box.className = found.line ? "finding " + found.severity : "hint";
    }
  }

  function chartHover(event) {
    if (!history.length) return;
    const rect = event.target.getBoundingClientRect();
    const p = Math.round((event.clientX - rect.left) / rect.width * (history.length - 1));
    const [e, a, b] = history[Math.max(0, Math.min(history.length - 1, p))];
    $("#chart-hover").textContent = `epoch ${e}: training loss ${fmt(a)}, test loss ${fmt(b)}`;
  }

  // -- the inspector: every number of a weight, a bias or a neuron ----------------
  async function inspect(what) {
    inspecting = what;
    lastInspect = performance.now();
    const url = what.kind === "link" ? `/api/link?layer=${what.layer}&i=${what.i}&j=${what.j}`
      : what.kind === "bias" ? `/api/bias?layer=${what.layer}&j=${what.j}`
      : `/api/neuron?node=${encodeURIComponent(what.node)}`;
    const response = await fetch(url);
    const data = await response.json();
    if (inspecting !== what) return;
    if (!response.ok) { showError(data.error); return; }
    const body = $("#inspector-body");
    body.replaceChildren(...(what.kind === "neuron" ? Inspect.neuron(data, nodeName) : Inspect.parameter(what, data, nodeName, send)));
    $("#inspector").hidden = false;
    body.dataset.kind = what.kind;
  }

  function fmt(v) { return v === null || v === undefined ? "NaN" : Number(v).toPrecision(4); }
  function fmt3(v) { return v === null || v === undefined ? "NaN" : Number(v).toFixed(3); }
  page.fmt = fmt;

  wireControls();
  connect();
})();
