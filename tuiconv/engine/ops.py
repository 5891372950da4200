"""Convolution, ReLU and pooling on channels-first float64 arrays, with the arithmetic of one step.

"Convolution" here is cross-correlation, as in every deep-learning framework: the kernel is
not flipped. Semantics (zero padding, stride, dilation, flooring) are exactly PyTorch's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PaddingSpec = int | str


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}")
    return int(value)


def _formula(size: int, kernel: int, padding: int, stride: int, dilation: int) -> str:
    if dilation == 1:
        return f"(W − F + 2P)/S + 1 = ({size} − {kernel} + 2×{padding})/{stride} + 1"
    return (
        f"(W + 2P − D×(F−1) − 1)/S + 1 = "
        f"({size} + 2×{padding} − {dilation}×({kernel}−1) − 1)/{stride} + 1"
    )


def output_size(
    size: int,
    kernel: int,
    padding: int = 0,
    stride: int = 1,
    dilation: int = 1,
    strict: bool = False,
) -> int:
    """Cells along one axis of the output: floor((W + 2P − D(F−1) − 1)/S) + 1.

    Raises ValueError, with the formula filled in, when a parameter is out of range, when the
    output would be empty, or (with ``strict``) when the division is not exact.
    """
    size = _check_int("input size W", size, 1)
    kernel = _check_int("kernel size F", kernel, 1)
    padding = _check_int("padding P", padding, 0)
    stride = _check_int("stride S", stride, 1)
    dilation = _check_int("dilation D", dilation, 1)
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    formula = _formula(size, kernel, padding, stride, dilation)
    if span < 0:
        reach = dilation * (kernel - 1) + 1
        raise ValueError(
            f"output would be empty: {formula} = {span / stride + 1:g} < 1; the kernel spans "
            f"{reach} cells but the padded input has only {size + 2 * padding}"
        )
    if strict and span % stride:
        raise ValueError(
            f"{formula} = {span / stride + 1:g} is not a whole number: with stride {stride} "
            f"the last {span % stride} row(s)/column(s) are never covered"
        )
    return span // stride + 1


def uncovered(size: int, kernel: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> int:
    """How many trailing rows/columns of the padded input no window reaches (0 when S divides evenly)."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    output_size(size, kernel, padding, stride, dilation)
    return span % stride


def resolve_padding(padding: PaddingSpec, kernel: int, dilation: int = 1, stride: int = 1) -> tuple[int, int]:
    """Zeros added (before, after) along one axis for an int or 'valid', 'same', 'full'."""
    reach = dilation * (kernel - 1)
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            return 0, 0
        if mode == "same":
            if stride != 1:
                raise ValueError("padding='same' needs stride 1 (as in PyTorch)")
            # PyTorch puts the odd zero after: left = total // 2.
            return reach // 2, reach - reach // 2
        if mode == "full":
            return reach, reach
        raise ValueError(f"padding must be a whole number or 'valid', 'same', 'full', not {padding!r}")
    p = _check_int("padding P", padding, 0)
    return p, p


def _as_input(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2:
        x = x[None]
    if x.ndim != 3:
        raise ValueError(f"input must be (C, H, W) or (H, W), got shape {x.shape}")
    return x


def _as_weights(w: np.ndarray, channels: int) -> np.ndarray:
    w = np.asarray(w, dtype=np.float64)
    if w.ndim == 2:
        w = w[None, None]
    elif w.ndim == 3:
        w = w[None]
    if w.ndim != 4:
        raise ValueError(f"weights must be (K, C, F, F), (C, F, F) or (F, F), got shape {w.shape}")
    if w.shape[1] != channels:
        raise ValueError(f"weights read {w.shape[1]} channel(s) but the input has {channels}")
    return w


def pad_input(x: np.ndarray, padding: PaddingSpec, kernel: int, dilation: int = 1, stride: int = 1) -> tuple[np.ndarray, tuple[int, int]]:
    """The input with its zero border, and the (top, left) offset of the original cells in it."""
    x = _as_input(x)
    before, after = resolve_padding(padding, kernel, dilation, stride)
    return np.pad(x, ((0, 0), (before, after), (before, after))), (before, before)


def dilate_kernel(w: np.ndarray, dilation: int) -> np.ndarray:
    """Spread the last two axes of ``w`` apart by inserting dilation−1 zeros between taps."""
    if dilation == 1:
        return w
    f_h, f_w = w.shape[-2:]
    out = np.zeros(w.shape[:-2] + (dilation * (f_h - 1) + 1, dilation * (f_w - 1) + 1))
    out[..., ::dilation, ::dilation] = w
    return out


def conv2d(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | float | None = None,
    *,
    stride: int = 1,
    padding: PaddingSpec = 0,
    dilation: int = 1,
) -> np.ndarray:
    """Cross-correlate ``x`` (C, H, W) with ``w`` (K, C, F, F) and add ``b`` (K,).

    Returns (K, H2, W2); a 2-D ``w`` (one filter, one channel) gives a 2-D (H2, W2) map.
    """
    one_map = np.ndim(w) == 2
    x = _as_input(x)
    w = _as_weights(w, x.shape[0])
    stride = _check_int("stride S", stride, 1)
    dilation = _check_int("dilation D", dilation, 1)
    k_count, channels, f_h, f_w = w.shape
    xp, _ = pad_input(x, padding, f_h, dilation, stride)
    # Validates and floors exactly as the formula; the padded size already includes P.
    out_h = output_size(xp.shape[1], f_h, 0, stride, dilation)
    out_w = output_size(xp.shape[2], f_w, 0, stride, dilation)
    # scipy does the sliding.  Imported here, not at the top, so that `--help`, the headless
    # commands, the lesson menu and the stepper's first screen never wait for its ~0.3 s import.
    from scipy import ndimage

    wd = dilate_kernel(w, dilation)
    reach_h, reach_w = wd.shape[-2:]
    # ndimage centres the kernel: output cell i reads from i − size//2, so a window starting at
    # s lands at s + size//2.  Correlating the whole (C, H, W) block with a (C, F, F) kernel sums
    # every channel in one call; the channel axis's centre holds that sum.
    c0, r0, q0 = channels // 2, reach_h // 2, reach_w // 2
    rows = slice(r0, r0 + stride * (out_h - 1) + 1, stride)
    cols = slice(q0, q0 + stride * (out_w - 1) + 1, stride)
    out = np.empty((k_count, out_h, out_w))
    for k in range(k_count):
        out[k] = ndimage.correlate(xp, wd[k], mode="constant", cval=0.0)[c0, rows, cols]
    if b is not None:
        out += np.broadcast_to(np.asarray(b, dtype=np.float64), (k_count,))[:, None, None]
    return out[0] if one_map else out


def load_scipy() -> None:
    """Import what conv2d slides with (~0.3 s on a cold start), e.g. while the first screen is read."""
    from scipy import ndimage  # noqa: F401


def response_range(x: np.ndarray, w: np.ndarray, b: float = 0.0, *, padded: bool = False) -> tuple[float, float]:
    """(lowest, highest) value one filter ``w`` (C, F, F) can give on inputs in ``x``'s range.

    Each channel's values lie between its smallest and largest (and 0 if the zero border is
    read): a weight contributes most at one end and least at the other. The bound is reached by
    a window holding exactly those extremes, so it answers "how strong could this response be?"
    without computing the feature map.
    """
    x = _as_input(x)
    weights = _as_weights(w, x.shape[0])
    if weights.shape[0] != 1:
        raise ValueError(f"response_range is for one filter; got {weights.shape[0]}")
    low = high = float(b)
    for channel, kernel in zip(x, weights[0]):
        x_min, x_max = float(channel.min()), float(channel.max())
        if padded:
            x_min, x_max = min(x_min, 0.0), max(x_max, 0.0)
        positive, negative = float(kernel[kernel > 0].sum()), float(kernel[kernel < 0].sum())
        low += positive * x_min + negative * x_max
        high += positive * x_max + negative * x_min
    return low, high


@dataclass(frozen=True)
class ConvStep:
    """Everything one position of the filter involves, as a learner would write it on paper."""

    i: int
    j: int
    rows: np.ndarray  # (F,) input row of each kernel row; < 0 or ≥ H means padding
    cols: np.ndarray  # (F,) input column of each kernel column
    window: np.ndarray  # (C, F, F) input values under the kernel (padding reads as 0)
    weights: np.ndarray  # (C, F, F)
    products: np.ndarray  # (C, F, F) window × weights
    channel_sums: np.ndarray  # (C,)
    bias: float
    total: float
    height: int  # input H, to tell padding from real cells
    width: int

    @property
    def in_padding(self) -> np.ndarray:
        """(F, F) mask of kernel taps that fall on the zero border."""
        bad_row = (self.rows < 0) | (self.rows >= self.height)
        bad_col = (self.cols < 0) | (self.cols >= self.width)
        return bad_row[:, None] | bad_col[None, :]

    @property
    def after_relu(self) -> float:
        """The total through ReLU: max(0, total)."""
        return max(self.total, 0.0)

    @property
    def busiest_channel(self) -> int:
        """The channel whose sum moves the total most (the first of equals)."""
        return int(np.argmax(np.abs(self.channel_sums)))


def conv_step(
    x: np.ndarray,
    w: np.ndarray,
    b: float | np.ndarray | None,
    i: int,
    j: int,
    *,
    stride: int = 1,
    padding: PaddingSpec = 0,
    dilation: int = 1,
) -> ConvStep:
    """The arithmetic at output cell (i, j) of one filter ``w`` ((F, F), (C, F, F) or (1, C, F, F))."""
    x = _as_input(x)
    w4 = _as_weights(w, x.shape[0])
    if w4.shape[0] != 1:
        raise ValueError(f"conv_step shows one filter; got {w4.shape[0]}")
    weights = w4[0]
    f_h, f_w = weights.shape[-2:]
    before, after = resolve_padding(padding, f_h, dilation, stride)
    height, width = x.shape[1:]
    out_h = output_size(height + before + after, f_h, 0, stride, dilation)
    out_w = output_size(width + before + after, f_w, 0, stride, dilation)
    if not (0 <= i < out_h and 0 <= j < out_w):
        raise ValueError(f"output cell ({i}, {j}) is outside the {out_h}×{out_w} feature map")
    # Input row/column of each tap; those outside the input read the zero border. (No padded
    # copy of the input: the stepper asks for one position per keypress.)
    rows = i * stride + dilation * np.arange(f_h) - before
    cols = j * stride + dilation * np.arange(f_w) - before
    on_rows = (rows >= 0) & (rows < height)
    on_cols = (cols >= 0) & (cols < width)
    window = np.zeros((x.shape[0], f_h, f_w))
    window[:, np.flatnonzero(on_rows)[:, None], np.flatnonzero(on_cols)[None, :]] = x[:, rows[on_rows][:, None], cols[on_cols][None, :]]
    products = window * weights
    channel_sums = products.sum(axis=(1, 2))
    bias = 0.0 if b is None else float(np.asarray(b, dtype=np.float64).reshape(-1)[0])
    return ConvStep(
        i=i,
        j=j,
        rows=rows,
        cols=cols,
        window=window,
        weights=weights,
        products=products,
        channel_sums=channel_sums,
        bias=bias,
        total=float(channel_sums.sum() + bias),
        height=height,
        width=width,
    )


def relu(x: np.ndarray) -> np.ndarray:
    """max(0, x), element-wise."""
    return np.maximum(np.asarray(x, dtype=np.float64), 0.0)


def _pool_windows(x: np.ndarray, size: int, stride: int | None) -> tuple[np.ndarray, int, bool]:
    two_d = np.ndim(x) == 2
    x = _as_input(x)
    size = _check_int("pool size", size, 1)
    stride = size if stride is None else _check_int("pool stride", stride, 1)
    height, width = x.shape[1:]
    if size > min(height, width):
        raise ValueError(f"a {size}×{size} pool does not fit the {height}×{width} feature map")
    out_h = output_size(x.shape[1], size, 0, stride)
    out_w = output_size(x.shape[2], size, 0, stride)
    view = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(1, 2))
    return view[:, : stride * (out_h - 1) + 1 : stride, : stride * (out_w - 1) + 1 : stride], stride, two_d


def max_pool(
    x: np.ndarray, size: int = 2, stride: int | None = None, *, return_argmax: bool = False
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Largest value of each size×size window (stride defaults to size; partial windows dropped).

    With ``return_argmax`` also returns, for each output cell, the (row, col) of the input cell
    that won, shape (..., H2, W2, 2); ties go to the first cell in reading order, as in PyTorch.
    """
    windows, stride, two_d = _pool_windows(x, size, stride)
    c, out_h, out_w = windows.shape[:3]
    flat = windows.reshape(c, out_h, out_w, size * size)
    pooled = flat.max(axis=-1)
    if not return_argmax:
        return pooled[0] if two_d else pooled
    arg = flat.argmax(axis=-1)
    rows = np.arange(out_h)[None, :, None] * stride + arg // size
    cols = np.arange(out_w)[None, None, :] * stride + arg % size
    where = np.stack([rows, cols], axis=-1)
    return (pooled[0], where[0]) if two_d else (pooled, where)


def avg_pool(x: np.ndarray, size: int = 2, stride: int | None = None) -> np.ndarray:
    """Mean of each size×size window (stride defaults to size; partial windows dropped)."""
    windows, _, two_d = _pool_windows(x, size, stride)
    pooled = windows.mean(axis=(-2, -1))
    return pooled[0] if two_d else pooled
