"""The report's network diagram (``svg.network_svg``): a large layer draws its
strongest links only, and the note under it counts what was drawn of what."""

import re

import numpy as np

import glassnet as gn
from glassnet.glassbox import svg


def diagram(sizes, seed=0):
    rng = np.random.default_rng(seed)
    net = gn.Network([gn.Dense(a, b, "sigmoid") for a, b in zip(sizes, sizes[1:])], seed=seed)
    X = rng.normal(size=(5, sizes[0]))
    y = rng.uniform(size=(5, sizes[-1]))
    tr = net.trace(X, y)
    return net, svg.network_svg(tr)


def drawn_links(picture):
    return [tuple(map(int, m)) for m in re.findall(r"<title>w\[(\d+),(\d+)\] = ", picture)]


def test_a_16_unit_layer_draws_its_64_strongest_of_the_links_between_units_drawn():
    net, (picture, note) = diagram([10, 16, 3])
    links = drawn_links(picture)
    first = net.layers[0].W[:10, :svg.MAX_NEURONS]  # 16 units, 12 drawn
    second = net.layers[1].W[:svg.MAX_NEURONS, :]
    assert len(links) == int(gn.glassbox.palette.strongest_links(first, 64).sum()) + second.size
    kept = len(links) - second.size  # the 64 largest |w|, and each unit's strongest
    assert 64 <= kept <= 64 + svg.MAX_NEURONS
    assert (f"layer 1: the {kept} strongest of the 120 links between the units drawn "
            f"(160 in the layer)") in note, note
    assert "layer 2: all of the 36 links between the units drawn (48 in the layer)" in note
    # the strongest link of the drawn block is among those drawn
    i, j = np.unravel_index(np.argmax(np.abs(first)), first.shape)
    assert (i, j) in links[:len(links) - second.size]


def test_a_small_network_draws_every_link_without_a_note():
    _, (picture, note) = diagram([4, 3, 1])
    assert len(drawn_links(picture)) == 4 * 3 + 3 and note == ""
