// glassnet playground in a notebook (anywidget): the view of a Python Session.
// The kernel syncs `config` and `frame` (computed by glassnet's engine) and this
// draws them and sends controls back (model.send); no neural-network arithmetic
// happens here. While playing it asks for the next slice of training ("tick")
// each time it has drawn a frame.

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") el.textContent = v; else el.setAttribute(k, v);
  }
  el.append(...children);
  return el;
}

function fmt(v) { return v === null || v === undefined ? "NaN" : Number(v).toFixed(3); }

function figuresText(figures, classes) {
  const rows = [];
  for (const name of ["train", "test"]) {
    const fig = figures[name];
    if (fig === undefined) continue;
    if (fig === null) { rows.push(`${name}: diverged (NaN)`); continue; }
    if ("accuracy" in fig) {
      const matrix = fig.confusion.map((row) => row.join(" ")).join("; ");
      rows.push(`${name} accuracy ${(100 * fig.accuracy).toFixed(1)} % — confusion (rows: true ${classes.join(", ")}; columns: predicted): [${matrix}]`);
    } else {
      rows.push(`${name} RMSE ${fig.rmse.toPrecision(4)}, R² ${fig.r2.toFixed(4)}`);
    }
  }
  return rows.join("\n");
}

function render({ model, el }) {
  const button = (text, title, cls) => h("button", {class: cls, title, text});
  const play = button("▶", "Run/Pause", "gn-play");
  const step = button("▸|", "Step one epoch", "gn-step");
  const reset = button("↺", "Reset the network", "gn-reset");
  const addLayer = button("+", "Add a hidden layer", "gn-add-layer");
  const removeLayer = button("−", "Remove a hidden layer", "gn-remove-layer");
  const epoch = h("span", {class: "gn-epoch", text: "0"});
  const lr = h("select", {class: "gn-lr", title: "Learning rate"});
  const activation = h("select", {class: "gn-activation", title: "Activation"});
  const losses = h("span", {class: "gn-losses"});
  const network = h("div", {class: "gn-network"});
  const heat = h("canvas", {class: "gn-heatmap", width: 100, height: 100});
  const dots = h("canvas", {class: "gn-points", width: 300, height: 300});
  const chart = h("canvas", {class: "gn-chart", width: 300, height: 60});
  const label = h("div", {class: "gn-label"});
  const figures = h("pre", {class: "gn-figures"});
  const error = h("div", {class: "gn-error", role: "alert"});
  const root = h("div", {class: "gn-playground"},
    h("div", {class: "gn-bar"}, reset, play, step, h("span", {class: "gn-name", text: "Epoch"}), epoch,
      h("label", {text: "Learning rate "}, lr), h("label", {text: "Activation "}, activation),
      h("span", {class: "gn-name", text: "Hidden layers"}), addLayer, removeLayer, losses),
    h("div", {class: "gn-body"}, network,
      h("div", {class: "gn-output"}, h("div", {class: "gn-map"}, heat, dots), label, chart, figures)),
    error);
  el.appendChild(root);

  const send = (message) => model.send(message);
  play.onclick = () => send({action: "toggle"});
  step.onclick = () => send({action: "step"});
  reset.onclick = () => send({action: "reset"});
  addLayer.onclick = () => send({action: "layers", delta: 1});
  removeLayer.onclick = () => send({action: "layers", delta: -1});
  lr.onchange = () => send({action: "set", name: "learningRate", value: +lr.value});
  activation.onchange = () => send({action: "set", name: "activation", value: activation.value});

  let cfg = null, history = [], nodes = {};
  const palette = () => (cfg && cfg.table && cfg.table.k ? cfg.table.palette : null);

  function fill(select, values, value) {
    select.replaceChildren(...values.map((v) => new Option(String(v), String(v))));
    if (![...select.options].some((o) => o.value === String(value))) select.add(new Option(String(value), String(value)));
    select.value = String(value);
  }

  function buildNetwork() {
    network.replaceChildren();
    nodes = {};
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    const layers = cfg.shape.length, width = 420, row = 44;
    const height = Math.max(...cfg.shape) * row + 10;
    svg.setAttribute("width", width); svg.setAttribute("height", height);
    network.style.height = height + "px";
    network.appendChild(svg);
    const x = (k) => 20 + (width - 60) * k / (layers - 1);
    const active = cfg.inputs.filter((f) => f.active);
    for (let k = 0; k < layers; k++) {
      for (let j = 0; j < cfg.shape[k]; j++) {
        const id = `${k}:${j}`;
        const canvas = h("canvas", {width: 10, height: 10});
        const name = k === 0 ? active[j].label : k === layers - 1 ? "output" : `h${k},${j + 1}`;
        const div = h("div", {class: "gn-node", "data-node": id, title: name}, canvas);
        div.style.left = x(k) + "px"; div.style.top = (5 + j * row) + "px";
        div.onmouseenter = () => send({action: "select", node: id});
        div.onmouseleave = () => send({action: "select", node: null});
        network.appendChild(div);
        nodes[id] = {canvas, cx: x(k) + 15, cy: 5 + j * row + 15};
      }
    }
    for (let k = 0; k < layers - 1; k++)
      for (let i = 0; i < cfg.shape[k]; i++)
        for (let j = 0; j < cfg.shape[k + 1]; j++) {
          const a = nodes[`${k}:${i}`], b = nodes[`${k + 1}:${j}`];
          const line = Draw.el("line", {x1: a.cx, y1: a.cy, x2: b.cx, y2: b.cy, class: "gn-link", id: `gn-link-${k}-${i}-${j}`}, svg);
          line.appendChild(Draw.el("title"));
        }
  }

  function onConfig() {
    const c = model.get("config");
    if (!c || !c.shape) return;
    cfg = c;
    history = [];
    fill(lr, c.menus.learningRate, c.state.learningRate);
    fill(activation, c.menus.activation, c.state.activation);
    buildNetwork();
    Draw.points(dots, [[c.train, "white"]], c.domain, palette());
  }

  function onFrame() {
    const f = model.get("frame");
    if (!f || !f.weights || !cfg) return;
    if (f.history_start === 0) history = [];
    history.push(...f.history);
    epoch.textContent = String(f.epoch);
    losses.textContent = `training loss ${fmt(f.loss_train)}, test loss ${fmt(f.loss_test)}`;
    play.textContent = f.playing ? "❚❚" : "▶";
    play.classList.toggle("playing", f.playing);
    if (document.activeElement !== lr) lr.value = String(f.learningRate);
    f.weights.forEach((W, k) => W.forEach((row, i) => row.forEach((w, j) => {
      const line = root.querySelector(`#gn-link-${k}-${i}-${j}`);
      if (!line) return;
      line.setAttribute("stroke", Draw.css(w));
      line.setAttribute("stroke-width", Draw.linkWidth(w));
      line.firstChild.textContent = `weight ${w === null ? "NaN" : Number(w).toPrecision(4)}`;
    })));
    for (const [id, b64] of Object.entries(f.thumbs)) if (nodes[id]) Draw.heatmap(nodes[id].canvas, b64, 255);
    if (f.classmap) Draw.classmap(heat, f.classmap, palette());
    else Draw.heatmap(heat, f.heatmap);
    label.textContent = f.selected === "output" ? "The class (argmax ŷ; paler: less sure)"
      : `Node ${f.selected}`;
    Draw.lossChart(chart, history);
    figures.textContent = figuresText(f.figures, cfg.table && cfg.table.k ? cfg.table.classes : ["−1", "+1"]);
    el.dataset.epoch = String(f.epoch);
    el.dataset.redraws = String(+(el.dataset.redraws || 0) + 1);
    if (f.playing) requestAnimationFrame(() => send({action: "tick"}));
  }

  const onError = () => { error.textContent = model.get("error") || ""; };
  model.on("change:config", onConfig);
  model.on("change:frame", onFrame);
  model.on("change:error", onError);
  onConfig();
  onFrame();
  return () => {
    model.off("change:config", onConfig);
    model.off("change:frame", onFrame);
    model.off("change:error", onError);
  };
}

export default { render };
