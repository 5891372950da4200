"""tuiconv: learn how convolutional networks build shapes out of edges, in a terminal."""

__version__ = "0.1.0"
