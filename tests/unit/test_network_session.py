"""The network screen's model: scores, receptive fields, gallery and weight edits, checked against
plain loops and perturbation rather than against the engine's own arithmetic."""

from __future__ import annotations


import numpy as np
import pytest

from tests.reference import forward_loops, pixels_that_move
from tuiconv.explore.network import NetworkSession, split_map_id
from tuiconv.engine import network as engine
from tuiconv.engine import shapes


def session(spec="rectangle", **kw) -> NetworkSession:
    return NetworkSession.open(spec, **kw)


@pytest.mark.parametrize("spec", ["rectangle", "diamond", "cross", "triangle", "circle"])
def test_scores_equal_a_plain_loop_network(spec):
    s = session(spec)
    ref = forward_loops(s.net, s.image)
    assert s.scores == pytest.approx(ref["scores"], abs=1e-12)
    assert s.verdict == ref["verdict"]
    for k in range(4):
        assert s.values(f"conv1:{k}") == pytest.approx(np.array(ref["relu1"][k]), abs=1e-9)
        assert s.values(f"pool:{k}") == pytest.approx(np.array(ref["pool1"][k]), abs=1e-9)
    for k in range(2):
        assert s.values(f"conv2:{k}") == pytest.approx(np.array(ref["relu2"][k]), abs=1e-9)


def test_verdict_flips_between_rectangle_and_diamond():
    assert session("rectangle").verdict == "rectangle"
    assert session("diamond").verdict == "diamond"


@pytest.mark.parametrize(
    "map_id, cell, side",
    [("conv1:0", (5, 7), 3), ("conv1:2", (0, 0), 3), ("pool:1", (3, 2), 4), ("pool:3", (0, 7), 4),
     ("conv2:0", (3, 3), 8), ("conv2:1", (0, 0), 8), ("conv2:1", (7, 6), 8)],
)
def test_receptive_field_equals_the_pixels_that_can_change_the_cell(map_id, cell, side):
    s = session("rectangle")
    s.select(map_id, cell)
    field = s.receptive_field()
    top, left, bottom, right = field
    boxed = {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
    assert boxed == pixels_that_move(map_id, cell, s.image.shape[-2:])
    assert field.size == side


def test_a_layer2_cell_in_the_middle_sees_an_8_by_8_patch():
    s = session("rectangle")
    s.select("conv2:0", (3, 3))
    field = s.receptive_field()
    assert (field.height, field.width) == (8, 8)


def test_unit_step_adds_up_every_channel_to_the_layer2_value():
    s = session("rectangle")
    for cell in [(0, 0), (3, 3), (2, 5)]:
        s.select("conv2:0", cell)
        step = s.unit_step()
        ref = forward_loops(s.net, s.image)
        # The contributions of the 4 pooled channels plus the bias give the layer-2 value.
        assert step.channel_sums.shape == (4,)
        assert max(0.0, step.total) == pytest.approx(ref["relu2"][0][cell[0]][cell[1]])


def test_weight_edit_changes_scores_as_a_loop_network_says():
    s = session("rectangle")
    before = s.scores
    s.nudge_weight(1, 2, 1, 1, 10.0)  # make the diamond unit love diagonal edges at its centre
    ref = forward_loops(s.net, s.image)
    assert s.net.w2[1, 2, 1, 1] == 11.0
    assert s.scores == pytest.approx(ref["scores"], abs=1e-12)
    assert s.scores != before
    s.reset_weights()
    assert s.scores == pytest.approx(before)
    assert not s.weights_edited


def test_gallery_counts_match_an_independent_tally():
    s = session("rectangle")
    s.start_gallery()
    tally = []
    for _ in range(12):
        ref = forward_loops(s.net, s.image)
        tally.append(ref["verdict"] == s.gallery.truth)
        s.gallery_next()
    ref = forward_loops(s.net, s.image)
    tally.append(ref["verdict"] == s.gallery.truth)
    assert s.gallery.seen == 13
    assert s.gallery.correct == sum(tally)
    # Both classes turn up: the gallery is not one kind over and over.
    assert s.input_name in ("rectangle", "diamond")


def test_drawing_flips_one_input_pixel():
    s = session("rectangle")
    s.clear_input()
    s.select("input", (4, 5))
    s.toggle_pixel()
    assert s.image[0].sum() == 1.0 and s.image[0, 4, 5] == 1.0
    assert s.input_name == "drawn"
    with pytest.raises(ValueError):
        s.select("conv1:0")
        s.toggle_pixel()


def test_the_cursor_keeps_its_place_when_moving_between_layers():
    s = session("rectangle")
    s.select("input", (9, 13))
    s.select("conv1:0")
    assert s.cell == (9, 13)
    s.select("pool:0")
    assert s.cell == (4, 6)
    s.select("conv2:1")
    assert s.cell == (4, 6)


def test_next_shape_walks_the_library():
    s = session("rectangle")
    seen = []
    for _ in range(len(shapes.SHAPE_KINDS)):
        s.next_shape()
        seen.append(s.input_name)
    assert seen == list(shapes.SHAPE_KINDS[1:]) + [shapes.SHAPE_KINDS[0]]


def test_bad_map_ids_are_refused():
    for bad in ["conv3:0", "pool:x", "", "conv1:-1"]:
        with pytest.raises(ValueError):
            split_map_id(bad)


def test_learned_layer1_filters_are_named_after_the_detector_they_resemble():
    from tuiconv.engine import kernels

    hand = engine.Network.hand_designed()
    w1 = np.stack([
        -2.0 * kernels.kernel("vertical"),  # a flipped vertical line detector, any scale
        kernels.kernel("sobel-x") + 0.01,
        0.5 * kernels.kernel("antidiagonal"),
        np.array([[1.0, 0, 0], [0, 0, 0], [0, 0, 0]]),  # a lone tap: resembles nothing much
    ])[:, None]
    net = engine.Network(w1=w1, b1=hand.b1, w2=hand.w2, b2=hand.b2)
    s = NetworkSession(net, np.zeros((16, 16)), "blank")
    assert [s.name("conv1", k) for k in range(3)] == ["≈−vertical", "≈sobel-x", "≈antidiagonal"]
    assert s.name("conv1", 3).endswith("?")
    assert session().name("pool", 2) == "diagonal"


def test_another_shape_of_the_same_kind_keeps_kind_and_grid_size():
    s = session("diamond:12")
    before = s.image.copy()
    s.reseed()
    assert s.input_name == "diamond" and s.image.shape == (1, 12, 12)
    assert not np.array_equal(s.image, before)
    assert np.array_equal(s.image[0], shapes.make_shape("diamond", 12, s.seed))
    s.clear_input()
    with pytest.raises(ValueError, match="not a generated shape"):
        s.reseed()


# ---- a net of any shape: pages of maps, the winner's unit, the logits ---------------------------

KINDS4 = ("rectangle", "diamond", "cross", "triangle")


def big_session(k1=32, k2=32, seed=3) -> NetworkSession:
    net = engine.Network.random(seed, filters=(k1, k2), kinds=KINDS4)
    net.w3 = np.random.default_rng(seed).normal(0, 0.3, (4, k2))
    return NetworkSession(net, shapes.make_shape("cross", 16, 0), "cross", weights_name="w.npz")


def test_a_32_by_32_nets_logits_and_probabilities_equal_the_loops():
    s = big_session()
    ref = forward_loops(s.net, s.image)
    assert s.logits == pytest.approx(ref["logits"], abs=1e-9)
    assert s.scores == pytest.approx(ref["scores"], abs=1e-12) and len(s.scores) == 4
    assert s.verdict == ref["verdict"]
    assert s.state().extra["logits"] == pytest.approx(ref["logits"], abs=1e-9)


def test_the_page_follows_the_selection_and_a_page_turn_keeps_the_place_on_it():
    s = big_session()
    s.set_page2(3)
    s.select("conv1:13")
    assert s.page("conv1") == range(12, 16) == s.page("pool")
    s.turn_page(1)
    assert s.selected == "conv1:17" and s.page("conv1") == range(16, 20)
    s.select("conv2:31")
    assert s.page("conv2") == range(30, 32)  # the last page holds what is left
    s.turn_page(1)
    assert s.selected == "conv2:1" and s.page("conv2") == range(0, 3)  # round to the first page
    s.turn_page(-1)
    assert s.selected == "conv2:31"  # the last page has one place fewer: the nearest map on it
    assert s.page_maps() == ["input"] + [f"conv1:{k}" for k in range(16, 20)] + [f"pool:{k}" for k in range(16, 20)] + ["conv2:30", "conv2:31"]
    s.select("input")
    with pytest.raises(ValueError, match="tab to a layer-1"):
        s.turn_page(1)


def test_the_inspector_pages_through_every_slice_of_the_unit():
    s = big_session()
    s.select("conv2:4", (2, 3))
    s.inspecting = True
    seen = []
    for _ in range(8):
        seen += list(s.page("slices"))
        s.turn_page(1)
    assert seen == list(range(32)) and s.page("slices") == range(0, 4)
    s.show_slice(21)
    assert s.page("slices") == range(20, 24)


def test_opening_on_the_verdict_selects_the_unit_that_adds_most_to_the_winners_score():
    s = big_session()
    ref = forward_loops(s.net, s.image)
    winner = KINDS4.index(ref["verdict"])
    adds = [s.net.w3[winner][j] * ref["maxima"][j] for j in range(32)]
    s.select_winner()
    assert s.selected == f"conv2:{adds.index(max(adds))}"
    # The hand-designed net: the winner's own detector, as ever.
    hand = session("diamond")
    hand.select_winner()
    assert hand.selected == "conv2:1"


def test_parameter_lines_count_each_layer_by_hand():
    s = big_session(8, 5)
    assert s.parameter_lines() == [
        f"layer 1: 3·3·1·8 + 8 = {9 * 8 + 8}",
        f"layer 2: 3·3·8·5 + 5 = {9 * 8 * 5 + 5}",
        f"dense: 1·1·5·4 + 4 = {5 * 4 + 4}",
        f"total {9 * 8 + 8 + 9 * 8 * 5 + 5 + 5 * 4 + 4} parameters",
    ]
