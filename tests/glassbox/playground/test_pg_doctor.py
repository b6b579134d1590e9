"""The training doctor in the playground: when it is called, what it is given, and the
page showing its top finding (issue 14, item 7)."""

import json
import math

import numpy as np
from pg_server_helpers import request, running
from test_pg_page import open_page, wait_until

import glassnet as gn
from glassnet.glassbox import playground
from glassnet.glassbox.playground import checkup

LR10 = "#learningRate=10&seed=0.59454"


def curve(losses):
    return [(e, loss, loss) for e, loss in enumerate(losses)]


def test_trouble_is_divergence_or_a_stall_short_of_learning():
    assert checkup.trouble(curve([0.8, 0.5, math.nan])) == "diverged"
    assert checkup.trouble(curve([0.8, 0.5, math.inf])) == "diverged"
    flat = [0.8, 0.71] + [0.70 - 1e-6 * k for k in range(60)]
    assert checkup.trouble(curve(flat)) == "stalled"
    falling = [0.8 * 0.99 ** k for k in range(120)]
    assert checkup.trouble(curve(falling)) is None  # 1 % an epoch: still learning
    learnt = [0.8, 0.05] + [0.01] * 100
    assert checkup.trouble(curve(learnt)) is None  # flat because it is done
    assert checkup.trouble(curve(flat[:40])) is None  # too soon to tell


def expected_line(url, epochs):
    """The doctor's own top finding on Playground's network after ``epochs`` epochs,
    given Playground's update as ``gn.doctor`` settings (mse at η/2, batches of B) and
    its training-loss curve from epoch 0 as the history (½·mean (o − t)², doubled: mse)."""
    pg = playground.from_url(url)
    history = gn.History()
    history.loss = [2 * pg.loss_train]
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            playground.train_epoch(pg)
            history.loss.append(2 * pg.loss_train)
        diagnosis = gn.doctor(pg.network, pg.inputs(pg.train), pg.train[:, 2:3], loss="mse",
                              lr=pg.state.learningRate / 2, optimizer="gd",
                              batch_size=int(pg.state.batchSize), epochs=20,
                              history=history if epochs else None, max_seconds=math.inf)
    return diagnosis.top.one_line, diagnosis.codes


def test_the_doctor_route_answers_for_the_network_as_it_is(tmp_path):
    with running(LR10) as server:
        for _ in range(15):
            request(server, "/api/control", "POST", {"action": "step"})
        before = json.loads(request(server, "/api/state")[2])
        status, _, text = request(server, "/api/doctor")
        found = json.loads(text)
        assert status == 200 and found["epoch"] == 15 and found["reason"] == "asked"
        assert json.loads(request(server, "/api/state")[2]) == before  # nothing changed
    line, codes = expected_line(LR10, 15)
    assert found["line"] == line and found["codes"] == codes
    # the loss rose from 1 (epoch 0, as mse) to 1.55: the rate, not the saturation it left
    assert found["code"] == "lr_too_high" and "saturated_output" in codes
    assert "the training loss rose from 1 to 1.55" in line
    assert found["line"] == f"{found['code']} ({found['severity']}): {found['title']}. " \
                            f"Fix: {found['fix']}"


def test_before_training_at_lr_10_the_probe_sees_the_rate():
    # the probe's first epoch already throws every tanh onto a flat end (its mean loss
    # 1.96): the rise counts from the loss of the weights as they are (about 1, as mse)
    line, codes = expected_line(LR10, 0)
    assert codes[0] == "lr_too_high" and "each step changes the weights by 76%" in line


def test_the_page_shows_the_doctors_finding_when_training_at_lr_10_stalls(browser):  # noqa: F811
    with running(LR10) as server:
        page = open_page(browser, server)
        page.click("#play-pause-button")
        wait_until(lambda: "training stalled" in page.inner_text("#doctor-line"))
        page.click("#play-pause-button")
        shown = page.inner_text("#doctor-line")
        epoch = int(shown.split("epoch ")[1].split(",")[0])
        assert epoch >= checkup.STALL_EPOCHS
        line, _ = expected_line(LR10, epoch)
        assert shown == f"Training doctor (epoch {epoch}, training stalled): {line}"
        assert "Fix: " in shown and page.get_attribute("#doctor-line", "data-code") != ""
        # the button asks at once, on the network as it is now
        page.click("#doctor-button")
        wait_until(lambda: ", asked)" in page.inner_text("#doctor-line"))
        assert page.problems == []
        page.close()
