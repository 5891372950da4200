"""The held-out check the training screen runs in slices: the same numbers as the engine's
whole-set evaluation, and per kind the same as judging each shape on its own."""

from __future__ import annotations

import numpy as np
import pytest

from tuiconv.engine.network import forward
from tuiconv.engine.train import Trainer, evaluate, held_out_set, mean_responses
from tuiconv.explore.held_out import HeldOutCheck

KINDS = ("rectangle", "diamond", "cross")


@pytest.fixture(scope="module")
def trained():
    trainer = Trainer(seed=1, kinds=KINDS, filters=(4, 3))
    trainer.step(30)
    return trainer.network(), held_out_set(per_class=60, kinds=KINDS)


def test_a_whole_check_is_the_engines_evaluation_to_the_last_bit(trained):
    net, shapes = trained
    check = HeldOutCheck(net, shapes, step=30)
    assert check.run()
    result = check.result()
    assert result.step == 30 and result.shapes == len(shapes) == 180
    assert result.accuracy == evaluate(net, shapes)
    assert np.array_equal(result.responses, mean_responses(net, shapes))


def test_per_kind_accuracy_and_loss_are_those_of_each_shape_judged_on_its_own(trained):
    net, shapes = trained
    check = HeldOutCheck(net, shapes, step=30, slice=7)  # slices that split every grid size
    while not check.done:
        check.advance()
    result = check.result()
    right, losses = {k: [] for k in range(3)}, {k: [] for k in range(3)}
    for images, labels in shapes.groups.values():
        for image, label in zip(images, labels):
            logits = forward(net, image).logits
            right[label].append(int(np.argmax(logits)) == label)
            shifted = logits - logits.max()
            losses[label].append(float(np.log(np.exp(shifted).sum()) - shifted[label]))
    assert result.kind_accuracy == tuple(sum(r) / len(r) for r in right.values())
    assert result.kind_loss == pytest.approx([sum(x) / len(x) for x in losses.values()], rel=1e-9)
    assert result.accuracy == evaluate(net, shapes)
    assert result.responses == pytest.approx(mean_responses(net, shapes), rel=1e-9)


def test_a_check_not_yet_done_has_no_result(trained):
    net, shapes = trained
    check = HeldOutCheck(net, shapes, step=0, slice=10)
    check.advance()
    assert not check.done and 0 < check.progress < 1
    with pytest.raises(RuntimeError):
        check.result()
