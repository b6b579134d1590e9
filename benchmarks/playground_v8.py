"""gn.playground beside TensorFlow Playground's own code, run by Node (V8).

``python -m benchmarks.playground_v8 PLAYGROUND_CHECKOUT [--epochs 5]``

PLAYGROUND_CHECKOUT is a clone of github.com/tensorflow/playground (commit 02469bd
was read for glassnet). Its ``src/nn.ts`` and ``src/dataset.ts`` are compiled,
unchanged, with TypeScript 2.9 beside the packages Playground depends on
(seedrandom 2.4.4, d3 3.5.17), all installed with npm into a temporary folder;
the page's own steps (``generateData``, ``reset``, ``oneStep``, ``getLoss`` of
src/playground.ts) are the short script below. For each data set × activation,
with the regularisation rotating through none, L1 and L2, it prints the largest
difference of the data, and of every epoch's weights, biases and losses, from
``from_url`` + ``train_epoch``; then epochs per second of Playground's default
configuration in V8 and in glassnet. Needs ``node`` and ``npm``; not part of
the test suite.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

import glassnet as gn

PACKAGES = ["typescript@2.9", "d3@3.5.17", "seedrandom@2.4.4"]

#: Playground's page logic (src/playground.ts), driving its real nn.ts and dataset.ts
PAGE_JS = r"""
require("seedrandom");  // 2.4: sets Math.seedrandom
var nn = require("./out/nn"), dataset = require("./out/dataset");
var s = JSON.parse(process.argv[2]), epochs = +process.argv[3];
var INPUTS = {
  x: (x, y) => x, y: (x, y) => y, xSquared: (x, y) => x * x, ySquared: (x, y) => y * y,
  xTimesY: (x, y) => x * y, sinX: (x, y) => Math.sin(x), sinY: (x, y) => Math.sin(y)
};
for (var k in s.hidden) {
  var name = k.replace("_hide", "");
  if (s.hidden[k] && name in INPUTS) delete INPUTS[name];
}
var gens = {
  circle: dataset.classifyCircleData, xor: dataset.classifyXORData,
  gauss: dataset.classifyTwoGaussData, spiral: dataset.classifySpiralData,
  "reg-plane": dataset.regressPlane, "reg-gauss": dataset.regressGaussian
};
var A = nn.Activations;
var acts = {relu: A.RELU, tanh: A.TANH, sigmoid: A.SIGMOID, linear: A.LINEAR};
var R = nn.RegularizationFunction;
var regs = {none: null, L1: R.L1, L2: R.L2};
function constructInput(x, y) {
  var r = [];
  for (var n in INPUTS) if (s[n]) r.push(INPUTS[n](x, y));
  return r;
}
function ids() {
  var r = [];
  for (var n in INPUTS) if (s[n]) r.push(n);
  return r;
}
// generateData(true)
Math.seedrandom(s.seed);
var regression = s.problem === "regression";
var gen = gens[regression ? s.regDataset : s.dataset];
var data = gen(regression ? 1200 : 500, s.noise / 100);
dataset.shuffle(data);
var split = Math.floor(data.length * s.percTrainData / 100);
var train = data.slice(0, split), test = data.slice(split);
// reset(true)
var shape = [constructInput(0, 0).length].concat(s.networkShape).concat([1]);
var net = nn.buildNetwork(shape, acts[s.activation], regression ? A.LINEAR : A.TANH,
  regs[s.regularization], ids(), s.initZero);
function getLoss(points) {
  var loss = 0;
  points.forEach(p => {
    var output = nn.forwardProp(net, constructInput(p.x, p.y));
    loss += nn.Errors.SQUARE.error(output, p.label);
  });
  return loss / points.length;
}
function oneStep() {
  train.forEach((p, i) => {
    nn.forwardProp(net, constructInput(p.x, p.y));
    nn.backProp(net, p.label, nn.Errors.SQUARE);
    if ((i + 1) % s.batchSize === 0) {
      nn.updateWeights(net, s.learningRate, s.regularizationRate);
    }
  });
  return [getLoss(train), getLoss(test)];
}
function weights() {
  return net.slice(1).map(layer => ({
    W: layer[0].inputLinks.map((_, i) => layer.map(node => node.inputLinks[i].weight)),
    b: layer.map(node => node.bias)
  }));
}
var xyl = p => [p.x, p.y, p.label];
var out = {train: train.map(xyl), test: test.map(xyl),
  epochs: [{weights: weights(), loss: [getLoss(train), getLoss(test)]}]};
for (var e = 0; e < epochs; e++) {
  var losses = oneStep();
  out.epochs.push({weights: weights(), loss: losses});
}
if (process.argv[4]) {
  var t0 = Date.now(), n = 0;
  while (Date.now() - t0 < 3000) { oneStep(); n++; }
  out.epochs_per_s = n / ((Date.now() - t0) / 1000);
}
console.log(JSON.stringify(out));
"""


def build(checkout: Path, folder: Path) -> Path:
    """Install the npm packages, compile nn.ts and dataset.ts; returns the page script."""
    subprocess.run(["npm", "init", "-y"], cwd=folder, check=True, capture_output=True)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", *PACKAGES], cwd=folder,
                   check=True, capture_output=True)
    (folder / "src").mkdir()
    for name in ("nn.ts", "dataset.ts"):
        shutil.copy(checkout / "src" / name, folder / "src" / name)
    # type errors (d3's typings are not installed) do not stop tsc from emitting
    subprocess.run([str(folder / "node_modules/.bin/tsc"), "--module", "commonjs", "--target",
                    "es5", "--outDir", "out", "src/nn.ts", "src/dataset.ts"], cwd=folder,
                   capture_output=True)
    page = folder / "run.js"
    page.write_text(PAGE_JS)
    return page


def playground(page: Path, pg, epochs: int, timed: bool = False) -> dict:
    state = json.dumps(dataclasses.asdict(pg.state))
    args = ["node", str(page), state, str(epochs)] + (["time"] if timed else [])
    return json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


def compare(page: Path, url: str, epochs: int) -> tuple[float, list[float]]:
    pg = gn.playground.from_url(url)
    js = playground(page, pg, epochs)
    data = max(np.abs(pg.train - np.array(js["train"]).reshape(-1, 3)).max(initial=0),
               np.abs(pg.test - np.array(js["test"]).reshape(-1, 3)).max(initial=0))
    per_epoch = []
    for e, record in enumerate(js["epochs"]):
        if e:
            gn.playground.train_epoch(pg)
        diff = max(abs(pg.loss_train - record["loss"][0]), abs(pg.loss_test - record["loss"][1]))
        for layer, theirs in zip(pg.network.layers, record["weights"]):
            diff = max(diff, np.abs(layer.W - np.array(theirs["W"])).max(),
                       np.abs(layer.b - np.array(theirs["b"])).max())
        per_epoch.append(float(diff))
    return float(data), per_epoch


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        page = build(args.checkout, Path(tmp))
        worst_data = worst = 0.0
        regs = ["none", "L1", "L2"]
        sets = ["circle", "xor", "gauss", "spiral", "reg-plane", "reg-gauss"]
        for i, name in enumerate(sets):
            for j, act in enumerate(["tanh", "relu", "sigmoid", "linear"]):
                reg = regs[(i + j) % 3]
                problem = "regression" if name.startswith("reg-") else "classification"
                key = "regDataset" if problem == "regression" else "dataset"
                url = (f"#activation={act}&regularization={reg}&{key}={name}&problem={problem}"
                       f"&batchSize=7&learningRate=0.03&regularizationRate=0.01&noise=20"
                       f"&networkShape=4,3&seed=0.{i}{j}7")
                data, per_epoch = compare(page, url, args.epochs)
                worst_data, worst = max(worst_data, data), max(worst, *per_epoch)
                print(f"{name:9s} {act:7s} {reg:4s}  data {data:.1e}  epochs "
                      + " ".join(f"{d:.0e}" for d in per_epoch))
        print(f"largest difference: data {worst_data:.1e}, weights/biases/losses {worst:.1e}")
        pg = gn.playground.from_url("#seed=0.59454")
        v8 = playground(page, pg, 0, timed=True)["epochs_per_s"]
        start, n = time.perf_counter(), 0
        while time.perf_counter() - start < 3:
            gn.playground.train_epoch(pg)
            n += 1
        ours = n / (time.perf_counter() - start)
        print(f"Playground's default (circle, 2-4-2-1, batch 10): V8 {v8:.0f} epochs/s, "
              f"gn.playground {ours:.0f} epochs/s")


if __name__ == "__main__":
    main()
