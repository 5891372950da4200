"""What `w` on the network screen computes, without a terminal: which unit a map stands for, and
that the preferred input's response and each top patch's response are the values the plain-loop
network gives, on the hand-designed net and on a trained 8 → 8 one."""

import numpy as np
import pytest

from tests.reference import forward_loops
from tuiconv.engine.network import Network
from tuiconv.engine.shapes import make_shape, sample_shapes
from tuiconv.engine.train import train
from tuiconv.engine.wants import SHAPES_PER_KIND
from tuiconv.explore.network import NetworkSession
from tuiconv.explore.scene import Scene, split_map_id
from tuiconv.explore.wants import NOT_A_UNIT, WantsSession, open_for


def session_on(net: Network, size: int = 16) -> NetworkSession:
    return NetworkSession(net, make_shape("rectangle", size, 0), "rectangle")


def loop_response(net: Network, image: np.ndarray, unit: str, cell=None) -> float:
    """The unit's value from the loops at ``cell`` of its map (its best cell without one). The
    loops give maps after ReLU, which equal the engine's responses (before it) where they are
    positive: every response compared here is."""
    layer, index = unit.split(":")
    maps = forward_loops(net, image)["relu1" if layer == "layer1" else "relu2"][int(index)]
    maps = np.asarray(maps)
    if layer == "layer1":  # the pool reads whole 2×2 blocks: a last odd row or column is never passed on
        maps = maps[: maps.shape[0] // 2 * 2, : maps.shape[1] // 2 * 2]
    return float(maps.max() if cell is None else maps[cell])


@pytest.mark.parametrize(
    "select, unit",
    [("conv1:2", "layer1:2"), ("pool:1", "layer1:1"), ("conv2:1", "layer2:1")],
)
def test_w_names_the_unit_behind_the_selected_map_and_records_it(select, unit):
    session = session_on(Network.hand_designed())
    session.select(select)
    assert session.state().wants_unit is None
    wants = open_for(session)
    assert wants.unit.name == unit and wants.size == 16
    assert session.state().wants_unit == unit
    layer, k = split_map_id(select)
    assert wants.label == session.name(layer, k)  # as the map's title names it


def test_w_on_the_input_is_one_line_saying_to_pick_a_layer_map_and_records_nothing():
    session = session_on(Network.hand_designed())
    session.select("input")
    with pytest.raises(ValueError, match="tab to a layer-1, pooled or layer-2 map") as error:
        open_for(session)
    assert str(error.value) == NOT_A_UNIT and "\n" not in NOT_A_UNIT
    assert session.wants_unit is None


def test_w_waits_while_a_question_hides_the_receptive_field_its_patches_would_show():
    session = NetworkSession.from_scene(Scene(screen="network", input="rectangle", select="conv1:0", conceal=("receptive-field",)))
    with pytest.raises(ValueError, match="answer it first"):
        open_for(session)
    assert session.wants_unit is None
    session.reveal()  # answered
    assert open_for(session).unit.name == "layer1:0"


def test_a_new_scene_forgets_which_unit_was_opened():
    session = session_on(Network.hand_designed())
    session.select("conv2:0")
    open_for(session)
    session.apply_scene(Scene(screen="network", input="diamond"))
    assert session.state().wants_unit is None


def check_against_loops(net: Network, unit: str, size: int = 16) -> None:
    result = WantsSession(net, unit, size).compute()
    assert result.unit == unit and result.preferred.shape == (size, size)
    assert result.preferred.min() >= 0 and result.preferred.max() <= 1
    assert result.response > 0 and result.response == pytest.approx(loop_response(net, result.preferred, unit), abs=1e-9)
    assert result.response > result.start  # the ascent climbed from the noise
    assert len(result.patches) == 9
    responses = [p.response for p in result.patches]
    assert responses == sorted(responses, reverse=True)
    shapes = {kind: sample_shapes(kind, SHAPES_PER_KIND, seed=0, sizes=(size, size)) for kind in net.kinds}
    for patch in result.patches:
        image = shapes[patch.kind][patch.number]
        # The response shown is the shape's value at the cell named, and no cell of it does better.
        assert patch.response == pytest.approx(loop_response(net, image, unit, patch.cell), abs=1e-9)
        assert patch.response == pytest.approx(loop_response(net, image, unit), abs=1e-9)
        top, left, bottom, right = patch.box
        inside = image[max(top, 0) : bottom + 1, max(left, 0) : right + 1]
        cut = patch.patch[max(-top, 0) :, max(-left, 0) :][: inside.shape[0], : inside.shape[1]]
        assert np.array_equal(cut, inside)  # the piece shown is the shape's own pixels there


@pytest.mark.parametrize("unit", ["layer1:0", "layer2:0"])
def test_the_hand_designed_units_preferred_input_and_patches_agree_with_the_loops(unit):
    check_against_loops(Network.hand_designed(), unit)


def test_a_trained_nets_units_agree_with_the_loops_too():
    net = train(seed=0, steps=60, filters=(8, 8)).network()
    session = session_on(net)
    session.select("conv2:5")
    wants = open_for(session)
    assert wants.unit.name == "layer2:5"
    for unit in ("layer1:3", "layer2:5"):
        check_against_loops(net, unit)


def test_a_non_square_or_large_input_gives_a_square_grid_the_screen_can_draw():
    net = Network.hand_designed()
    session = NetworkSession(net, np.zeros((10, 14)), "drawn")
    session.select("conv2:0")
    assert open_for(session).size == 14
    big = NetworkSession(net, make_shape("rectangle", 48, 0), "rectangle")
    big.select("conv2:0")
    assert open_for(big).size == 32
