"""A literal, test-only transcription of TensorFlow Playground (commit 02469bd):
src/nn.ts, src/dataset.ts and the parts of src/playground.ts that build the data,
the network and run an epoch. Scalar node and link objects, one example at a
time, in Playground's order — slow on purpose: it is the oracle that
glassnet.playground (vectorised, on glassnet's Network) is compared with.

``Math.random`` is seedrandom's ARC4 (glassnet.glassbox.playground.seedrandom,
itself checked against seedrandom's published vectors).

Attribution: the algorithm transcribed here is TensorFlow Playground's,
Copyright 2016 Google Inc., licensed under the Apache License, Version 2.0
(https://www.apache.org/licenses/LICENSE-2.0); this Python transcription was
written here for the tests and is not part of the installed package.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from glassnet.glassbox.playground.seedrandom import SeedRandom


class Math:
    """The global ``Math.random`` that ``Math.seedrandom(seed)`` replaces."""

    random = None

    @staticmethod
    def seedrandom(seed):
        Math.random = SeedRandom(seed).random


# ---------------------------------------------------------------- nn.ts
class Node:
    def __init__(self, id, activation, initZero=False):
        self.id = id
        self.inputLinks = []
        self.bias = 0.1
        self.outputs = []
        self.totalInput = 0.0
        self.output = 0.0
        self.outputDer = 0.0
        self.inputDer = 0.0
        self.accInputDer = 0.0
        self.numAccumulatedDers = 0
        self.activation = activation
        if initZero:
            self.bias = 0

    def updateOutput(self):
        self.totalInput = self.bias
        for j in range(len(self.inputLinks)):
            link = self.inputLinks[j]
            self.totalInput += link.weight * link.source.output
        self.output = self.activation["output"](self.totalInput)
        return self.output


SQUARE = {
    "error": lambda output, target: 0.5 * math.pow(output - target, 2),
    "der": lambda output, target: output - target,
}


def _tanh_der(x):
    output = math.tanh(x)
    return 1 - output * output


def _sigmoid(x):
    try:
        return 1 / (1 + math.exp(-x))
    except OverflowError:  # JavaScript: 1 / (1 + Infinity) = 0
        return 0.0


def _sigmoid_der(x):
    output = _sigmoid(x)
    return output * (1 - output)


ACTIVATIONS = {
    "tanh": {"output": math.tanh, "der": _tanh_der},
    "relu": {"output": lambda x: max(0, x), "der": lambda x: 0 if x <= 0 else 1},
    "sigmoid": {"output": _sigmoid, "der": _sigmoid_der},
    "linear": {"output": lambda x: x, "der": lambda x: 1},
}

L1 = {"output": abs, "der": lambda w: -1 if w < 0 else (1 if w > 0 else 0)}
L2 = {"output": lambda w: 0.5 * w * w, "der": lambda w: w}
REGULARIZATIONS = {"none": None, "L1": L1, "L2": L2}


class Link:
    def __init__(self, source, dest, regularization, initZero=False):
        self.weight = Math.random() - 0.5  # the field initialiser runs first
        self.isDead = False
        self.errorDer = 0.0
        self.accErrorDer = 0.0
        self.numAccumulatedDers = 0
        self.id = source.id + "-" + dest.id
        self.source = source
        self.dest = dest
        self.regularization = regularization
        if initZero:
            self.weight = 0


def buildNetwork(networkShape, activation, outputActivation, regularization, inputIds,
                 initZero=False):
    numLayers = len(networkShape)
    id = 1
    network = []
    for layerIdx in range(numLayers):
        isOutputLayer = layerIdx == numLayers - 1
        isInputLayer = layerIdx == 0
        currentLayer = []
        network.append(currentLayer)
        numNodes = networkShape[layerIdx]
        for i in range(numNodes):
            nodeId = str(id)
            if isInputLayer:
                nodeId = inputIds[i]
            else:
                id += 1
            node = Node(nodeId, outputActivation if isOutputLayer else activation, initZero)
            currentLayer.append(node)
            if layerIdx >= 1:
                for j in range(len(network[layerIdx - 1])):
                    prevNode = network[layerIdx - 1][j]
                    link = Link(prevNode, node, regularization, initZero)
                    prevNode.outputs.append(link)
                    node.inputLinks.append(link)
    return network


def forwardProp(network, inputs):
    inputLayer = network[0]
    assert len(inputs) == len(inputLayer)
    for i in range(len(inputLayer)):
        inputLayer[i].output = inputs[i]
    for layerIdx in range(1, len(network)):
        for node in network[layerIdx]:
            node.updateOutput()
    return network[-1][0].output


def backProp(network, target, errorFunc):
    outputNode = network[-1][0]
    outputNode.outputDer = errorFunc["der"](outputNode.output, target)
    for layerIdx in range(len(network) - 1, 0, -1):
        currentLayer = network[layerIdx]
        for node in currentLayer:
            node.inputDer = node.outputDer * node.activation["der"](node.totalInput)
            node.accInputDer += node.inputDer
            node.numAccumulatedDers += 1
        for node in currentLayer:
            for link in node.inputLinks:
                if link.isDead:
                    continue
                link.errorDer = node.inputDer * link.source.output
                link.accErrorDer += link.errorDer
                link.numAccumulatedDers += 1
        if layerIdx == 1:
            continue
        for node in network[layerIdx - 1]:
            node.outputDer = 0
            for output in node.outputs:
                node.outputDer += output.weight * output.dest.inputDer


def updateWeights(network, learningRate, regularizationRate):
    for layerIdx in range(1, len(network)):
        for node in network[layerIdx]:
            if node.numAccumulatedDers > 0:
                node.bias -= learningRate * node.accInputDer / node.numAccumulatedDers
                node.accInputDer = 0
                node.numAccumulatedDers = 0
            for link in node.inputLinks:
                if link.isDead:
                    continue
                regulDer = link.regularization["der"](link.weight) if link.regularization else 0
                if link.numAccumulatedDers > 0:
                    link.weight = link.weight - (
                        learningRate / link.numAccumulatedDers) * link.accErrorDer
                    newLinkWeight = link.weight - (learningRate * regularizationRate) * regulDer
                    if link.regularization is L1 and link.weight * newLinkWeight < 0:
                        link.weight = 0
                        link.isDead = True
                    else:
                        link.weight = newLinkWeight
                    link.accErrorDer = 0
                    link.numAccumulatedDers = 0


# ---------------------------------------------------------------- dataset.ts
def shuffle(array):
    counter = len(array)
    while counter > 0:
        index = math.floor(Math.random() * counter)
        counter -= 1
        array[counter], array[index] = array[index], array[counter]


def d3_linear(domain, range_, clamp=False):
    a, b = domain[0], domain[1] - domain[0]

    def scale(x):
        t = (x - a) / b
        if clamp:
            t = max(0, min(1, t))
        return range_[0] * (1 - t) + range_[1] * t

    return scale


def randUniform(a, b):
    return Math.random() * (b - a) + a


def normalRandom(mean=0, variance=1):
    while True:
        v1 = 2 * Math.random() - 1
        v2 = 2 * Math.random() - 1
        s = v1 * v1 + v2 * v2
        if not s > 1:
            break
    result = math.sqrt(-2 * math.log(s) / s) * v1
    return mean + math.sqrt(variance) * result


def dist(a, b):
    dx = a["x"] - b["x"]
    dy = a["y"] - b["y"]
    return math.sqrt(dx * dx + dy * dy)


def classifyTwoGaussData(numSamples, noise):
    points = []
    variance = d3_linear([0, 0.5], [0.5, 4])(noise)

    def genGauss(cx, cy, label):
        i = 0
        while i < numSamples / 2:
            x = normalRandom(cx, variance)
            y = normalRandom(cy, variance)
            points.append({"x": x, "y": y, "label": label})
            i += 1

    genGauss(2, 2, 1)
    genGauss(-2, -2, -1)
    return points


def _regression(numSamples, noise, getLabel):
    radius = 6
    points = []
    for _ in range(numSamples):
        x = randUniform(-radius, radius)
        y = randUniform(-radius, radius)
        noiseX = randUniform(-radius, radius) * noise
        noiseY = randUniform(-radius, radius) * noise
        label = getLabel(x + noiseX, y + noiseY)
        points.append({"x": x, "y": y, "label": label})
    return points


def regressPlane(numSamples, noise):
    labelScale = d3_linear([-10, 10], [-1, 1])
    return _regression(numSamples, noise, lambda x, y: labelScale(x + y))


def regressGaussian(numSamples, noise):
    labelScale = d3_linear([0, 2], [1, 0], clamp=True)
    gaussians = [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                 [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]]

    def getLabel(x, y):
        label = 0
        for cx, cy, sign in gaussians:
            newLabel = sign * labelScale(dist({"x": x, "y": y}, {"x": cx, "y": cy}))
            if abs(newLabel) > abs(label):
                label = newLabel
        return label

    return _regression(numSamples, noise, getLabel)


def classifySpiralData(numSamples, noise):
    points = []
    n = numSamples / 2

    def genSpiral(deltaT, label):
        i = 0
        while i < n:
            r = i / n * 5
            t = 1.75 * i / n * 2 * math.pi + deltaT
            x = r * math.sin(t) + randUniform(-1, 1) * noise
            y = r * math.cos(t) + randUniform(-1, 1) * noise
            points.append({"x": x, "y": y, "label": label})
            i += 1

    genSpiral(0, 1)
    genSpiral(math.pi, -1)
    return points


def classifyCircleData(numSamples, noise):
    points = []
    radius = 5

    def getCircleLabel(p, center):
        return 1 if dist(p, center) < (radius * 0.5) else -1

    for low, high in ((0, radius * 0.5), (radius * 0.7, radius)):
        i = 0
        while i < numSamples / 2:
            r = randUniform(low, high)
            angle = randUniform(0, 2 * math.pi)
            x = r * math.sin(angle)
            y = r * math.cos(angle)
            noiseX = randUniform(-radius, radius) * noise
            noiseY = randUniform(-radius, radius) * noise
            label = getCircleLabel({"x": x + noiseX, "y": y + noiseY}, {"x": 0, "y": 0})
            points.append({"x": x, "y": y, "label": label})
            i += 1
    return points


def classifyXORData(numSamples, noise):
    def getXORLabel(p):
        return 1 if p["x"] * p["y"] >= 0 else -1

    points = []
    for _ in range(numSamples):
        x = randUniform(-5, 5)
        padding = 0.3
        x += padding if x > 0 else -padding
        y = randUniform(-5, 5)
        y += padding if y > 0 else -padding
        noiseX = randUniform(-5, 5) * noise
        noiseY = randUniform(-5, 5) * noise
        label = getXORLabel({"x": x + noiseX, "y": y + noiseY})
        points.append({"x": x, "y": y, "label": label})
    return points


DATASETS = {"circle": classifyCircleData, "xor": classifyXORData,
            "gauss": classifyTwoGaussData, "spiral": classifySpiralData,
            "reg-plane": regressPlane, "reg-gauss": regressGaussian}

# ---------------------------------------------------------------- playground.ts
INPUTS = {
    "x": lambda x, y: x,
    "y": lambda x, y: y,
    "xSquared": lambda x, y: x * x,
    "ySquared": lambda x, y: y * y,
    "xTimesY": lambda x, y: x * y,
    "sinX": lambda x, y: math.sin(x),
    "sinY": lambda x, y: math.sin(y),
}


class Page:
    """The page's globals (state, trainData, testData, network, iter, losses)."""

    def __init__(self, state):
        self.state = state  # a dict of Playground's state names → values
        self.inputs = {k: f for k, f in INPUTS.items() if not state.get(k + "_hide")}
        self.generateData()
        self.reset()

    def constructInputIds(self):
        return [name for name in self.inputs if self.state[name]]

    def constructInput(self, x, y):
        return [f(x, y) for name, f in self.inputs.items() if self.state[name]]

    def generateData(self, firstTime=True):
        s = self.state
        if not firstTime:
            # state.seed = Math.random().toFixed(5)
            s["seed"] = str(Decimal(Math.random()).quantize(Decimal("0.00001"), ROUND_HALF_UP))
        Math.seedrandom(s["seed"])
        regression = s["problem"] == "regression"
        numSamples = 1200 if regression else 500
        generator = DATASETS[s["regDataset"] if regression else s["dataset"]]
        data = generator(numSamples, s["noise"] / 100)
        shuffle(data)
        splitIndex = math.floor(len(data) * s["percTrainData"] / 100)
        self.trainData = data[:splitIndex]
        self.testData = data[splitIndex:]

    def reset(self):
        s = self.state
        self.iter = 0
        numInputs = len(self.constructInput(0, 0))
        shape = [numInputs, *s["networkShape"], 1]
        outputActivation = ACTIVATIONS["linear" if s["problem"] == "regression" else "tanh"]
        self.network = buildNetwork(shape, ACTIVATIONS[s["activation"]], outputActivation,
                                    REGULARIZATIONS[s["regularization"]],
                                    self.constructInputIds(), s["initZero"])
        self.lossTrain = self.getLoss(self.trainData)
        self.lossTest = self.getLoss(self.testData)

    def getLoss(self, dataPoints):
        loss = 0
        for dataPoint in dataPoints:
            input = self.constructInput(dataPoint["x"], dataPoint["y"])
            output = forwardProp(self.network, input)
            loss += SQUARE["error"](output, dataPoint["label"])
        return loss / len(dataPoints) if dataPoints else math.nan

    def oneStep(self):
        self.iter += 1
        for i, point in enumerate(self.trainData):
            input = self.constructInput(point["x"], point["y"])
            forwardProp(self.network, input)
            backProp(self.network, point["label"], SQUARE)
            if (i + 1) % self.state["batchSize"] == 0:
                updateWeights(self.network, self.state["learningRate"],
                              self.state["regularizationRate"])
        self.lossTrain = self.getLoss(self.trainData)
        self.lossTest = self.getLoss(self.testData)

    # -- reading it out, in the contract's layout
    def weights(self):
        """[(W, b)] with W[i][j] the weight of the link from node i to node j of the next layer."""
        out = []
        for layer in self.network[1:]:
            W = [[node.inputLinks[i].weight for node in layer]
                 for i in range(len(layer[0].inputLinks))]
            out.append((W, [node.bias for node in layer]))
        return out

    def dead(self):
        return [[[node.inputLinks[i].isDead for node in layer]
                 for i in range(len(layer[0].inputLinks))] for layer in self.network[1:]]
