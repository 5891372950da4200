"""The numbers behind every screen: numpy and scipy only, no Textual, no Rich."""

from tuiconv.engine.ops import (
    ConvStep,
    avg_pool,
    conv2d,
    conv_step,
    load_scipy,
    max_pool,
    output_size,
    relu,
    resolve_padding,
    response_range,
    uncovered,
)

__all__ = [
    "ConvStep",
    "avg_pool",
    "conv2d",
    "conv_step",
    "load_scipy",
    "max_pool",
    "output_size",
    "relu",
    "resolve_padding",
    "response_range",
    "uncovered",
]
