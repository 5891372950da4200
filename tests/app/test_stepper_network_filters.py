"""A network's layer-2 filter in the stepper at 80×24: every one of its 32 channels can be paged to,
and each channel's products, every channel's sum and the total are the plain loops' numbers."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.app.conftest import app_for, cells_shown, pilot_test, screen_text, settle, view_of
from tests.reference import conv_one, forward_loops
from tuiconv.engine import network, shapes
from tuiconv.explore.stepper import StepperSession

FILTER = 7  # layer2:7 of a 32→32 net
CELL = (3, 2)  # an output cell whose window lies on the shape, so the sums are not all 0


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    """A 32→32 net saved as `tuiconv train --out` saves one (random weights: the arithmetic is the point)."""
    net = network.Network.random(seed=11, filters=(32, 32), kinds=("rectangle", "diamond", "cross", "triangle"))
    path = tmp_path_factory.mktemp("weights") / "w32.npz"
    net.save(path)
    return net, str(path)


def reference_step(net, image, i, j):
    """(window, products, channel sums, total) of output cell (i, j) of layer2:FILTER, from the loops."""
    pool1 = np.asarray(forward_loops(net, image)["pool1"])
    padded = np.pad(pool1, ((0, 0), (1, 1), (1, 1)))  # the network's conv2 padding: one ring of zeros
    window = padded[:, i : i + 3, j : j + 3]
    products = window * net.w2[FILTER]
    sums = [sum(float(v) for v in channel.reshape(-1)) for channel in products]
    return window, products, sums, sum(sums) + float(net.b2[FILTER])


def number(text: str) -> float:
    return float(text.replace("−", "-").strip("()▸"))


def assert_cells(shown: list[list[str]], expected: np.ndarray, what: str) -> None:
    """Each drawn number equals the loops' value to the precision it is printed with."""
    for (r, c), want in np.ndenumerate(expected):
        text = shown[r][c]
        decimals = len(text.split(".")[1]) if "." in text else 0
        # "+0"/"-0": not zero, but too small for two decimals
        assert abs(number(text) - want) <= 0.5 * 10 ** -max(decimals, 2) + 1e-9, (what, (r, c), text, want)


@pilot_test
async def test_every_channel_of_a_32_channel_layer_2_filter_shows_the_loops_numbers_at_80x24(weights):
    net, path = weights
    session = StepperSession.build("triangle", f"layer2:{FILTER}", weights=path)
    session.move_to(*CELL)
    image = shapes.resolve_input("triangle", 16, 5)[1]
    window, products, sums, total = reference_step(net, image, *CELL)
    app = app_for(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = view_of(app)
        panel = view._arithmetic
        seen = []
        for _ in range(32):
            lines = screen_text(app).splitlines()
            title = next(line for line in lines if line.startswith("channel "))
            k = int(re.match(r"channel (\d+) of 32", title).group(1)) - 1
            seen.append(k)
            assert_cells(cells_shown(panel._window_grid), window[k], f"window {k}")
            assert_cells(cells_shown(panel._weights_grid), net.w2[FILTER, k], f"weights {k}")
            assert_cells(cells_shown(panel._products_grid), products[k], f"products {k}")
            # This channel's page of sums: eight columns after "sums 9–16:", the shown one marked.
            line = next(line for line in lines if line.startswith("sums "))
            first, last = (int(v) for v in re.match(r"sums (\d+)–(\d+):", line).groups())
            assert first - 1 <= k < last and last - first == 7
            entries = line.split(":", 1)[1].split()
            assert len(entries) == 8 and entries[k - first + 1].startswith("▸")
            for n, entry in enumerate(entries):
                assert abs(number(entry) - sums[first - 1 + n]) <= 5e-4, (first + n, entry, sums[first - 1 + n])
            # The whole step: the sum over all 32 channels, plus the bias, through ReLU.
            line = next(line for line in lines if line.startswith("all 32 sums"))
            parts = re.match(r"all 32 sums (\S+) \+ bias (\S+) = (\S+);  ReLU: max\(0, \S+\) = (\S+)", line)
            assert parts, line
            assert abs(number(parts[1]) - sum(sums)) <= 5e-4
            assert abs(number(parts[2]) - float(net.b2[FILTER])) <= 5e-4
            assert abs(number(parts[3]) - total) <= 5e-4
            assert abs(number(parts[4]) - max(total, 0.0)) <= 5e-4
            await pilot.press("c")
            await pilot.pause()
        assert seen == list(range(32))  # c reaches every channel once, in order
        assert view.session.channel == 0  # and wraps round
        await pilot.press("C", "left_square_bracket")  # back to 32, then eight back
        await pilot.pause()
        assert "channel 24 of 32" in screen_text(app)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert "channel 8 of 32" in screen_text(app) and "sums 1–8:" in screen_text(app)
        # The feature map is the network's own layer-2 map after ReLU.
        np.testing.assert_allclose(view.state().output, forward_loops(net, image)["relu2"][FILTER], atol=1e-9)
        from tuiconv.app.screens.help import binding_sections

        listed = " | ".join(f"{keys} {text}" for _, rows in binding_sections(app.screen) for keys, text in rows)
        for keys in ("c next channel", "C previous channel", "] eight channels on", "[ eight channels back"):
            assert keys in listed, listed


def test_a_layer_1_filter_steps_over_an_8x8_shape_with_the_networks_bias_and_padding(weights):
    net, path = weights
    session = StepperSession.build("cross", "layer1:30", weights=path)
    image = shapes.resolve_input("cross", 8, 5)[1]
    state = session.state()
    assert state.input.shape == (1, 8, 8)  # the stepper's own size: shape and map fit 80×24
    assert (state.kernel_name, state.padding, state.relu) == ("layer1:30", 1, True)
    assert state.bias == float(net.b1[30])
    np.testing.assert_allclose(state.output, forward_loops(net, image)["relu1"][30], atol=1e-9)


def test_the_hand_designed_nets_layer_2_reads_its_four_edge_maps():
    session = StepperSession.build("diamond", "layer2:1")
    image = shapes.resolve_input("diamond", 16, 5)[1]
    net = network.Network.hand_designed()
    assert session.channel_names == ["horizontal", "vertical", "diagonal", "antidiagonal"]
    np.testing.assert_allclose(session.output, forward_loops(net, image)["relu2"][1], atol=1e-9)


def test_a_new_shape_is_read_through_the_same_network_and_a_library_kernel_through_the_edge_maps(weights):
    net, path = weights
    session = StepperSession.build("triangle", "layer2:3", weights=path)
    session.set_input(*session.input_from("rectangle:12"))
    rectangle = shapes.resolve_input("rectangle:12", 16, 0)[1]
    np.testing.assert_allclose(session.input, forward_loops(net, rectangle)["pool1"], atol=1e-9)
    np.testing.assert_allclose(session.output, forward_loops(net, rectangle)["relu2"][3], atol=1e-9)
    session.choose_kernel("rectangle")  # the library's detector reads edge maps, not these maps
    hand = network.Network.hand_designed()
    np.testing.assert_allclose(session.input, forward_loops(hand, rectangle)["pool1"], atol=1e-9)


def test_padding_and_stride_given_on_the_command_line_replace_the_networks(weights):
    net, path = weights
    session = StepperSession.build("triangle", "layer2:0", weights=path, padding=0, stride=2)
    pool1 = np.asarray(forward_loops(net, shapes.resolve_input("triangle", 16, 5)[1])["pool1"])
    expected = np.maximum(conv_one(pool1, net.w2[0], net.b2[0], 2, 0, 1), 0.0)
    assert (session.padding, session.stride) == (0, 2)
    np.testing.assert_allclose(session.output, expected, atol=1e-9)


@pilot_test
async def test_the_kernel_picker_offers_the_networks_other_filters_over_the_same_shape(weights):
    net, path = weights
    app = app_for(StepperSession.build("triangle", "layer2:7", weights=path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f", "end", "enter")  # the last option: the net's last layer-2 filter
        await settle(pilot)
        state = view_of(app).state()
        assert state.kernel_name == "layer2:31" and "kernel layer2:31" in screen_text(app)
        image = shapes.resolve_input("triangle", 16, 5)[1]
        np.testing.assert_allclose(state.output, forward_loops(net, image)["relu2"][31], atol=1e-9)
        assert state.bias == float(net.b2[31])
