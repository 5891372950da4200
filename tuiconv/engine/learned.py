"""What a trained network's filters became: the named edge detector each layer-1 filter most
resembles, and what each layer-2 filter adds up.

Resemblance is the cosine similarity of the 3×3 weights with a named kernel (1 = the same
pattern at any scale, 0 = unrelated). A filter may learn a detector with its sign flipped (it
responds to the dark side, and the bias and layer 2 adapt), so the match is judged by the size
of the cosine and its sign is reported: "−vertical" means the negated vertical detector.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tuiconv.engine import kernels
from tuiconv.engine.network import Network

# The named edge detectors a learned filter is compared with: the four line detectors the
# hand-designed network uses, and the two Sobel step detectors.
EDGE_DETECTORS = (*kernels.EDGE_KERNELS, "sobel-x", "sobel-y")
# Below this |cosine| a filter is a mix of patterns rather than one detector; the UI says "weak".
WEAK_MATCH = 0.5


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two arrays read as flat vectors (0 when either is all zeros)."""
    a, b = np.ravel(a).astype(np.float64), np.ravel(b).astype(np.float64)
    norms = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / norms) if norms > 0 else 0.0


@dataclass(frozen=True)
class FilterMatch:
    """The named detector one layer-1 filter most resembles."""

    filter: int
    detector: str  # a name from EDGE_DETECTORS
    similarity: float  # cosine in [−1, 1]; negative means the filter is the negated detector
    similarities: dict[str, float]  # cosine with every detector in EDGE_DETECTORS

    @property
    def negated(self) -> bool:
        return self.similarity < 0

    @property
    def detector_weights(self) -> np.ndarray:
        """The named detector as it matches: its kernel, negated when the filter is its opposite."""
        return kernels.kernel(self.detector) * (-1.0 if self.negated else 1.0)

    @property
    def label(self) -> str:
        """"vertical" or "−vertical"."""
        return ("−" if self.negated else "") + self.detector


def match_filter(index: int, weights: np.ndarray) -> FilterMatch:
    """The detector a (3, 3) (or (1, 3, 3)) filter most resembles, by |cosine|; first on a tie."""
    weights = np.asarray(weights, dtype=np.float64).reshape(3, 3)
    similarities = {name: cosine(weights, kernels.kernel(name)) for name in EDGE_DETECTORS}
    best = max(EDGE_DETECTORS, key=lambda name: abs(similarities[name]))
    return FilterMatch(index, best, similarities[best], similarities)


def layer1_matches(net: Network) -> list[FilterMatch]:
    """One match per layer-1 filter, in filter order."""
    return [match_filter(k, net.w1[k]) for k in range(net.w1.shape[0])]


@dataclass(frozen=True)
class DetectorRole:
    """A kind's detector: the layer-2 filter its score leans on most, and which layer-1 maps that filter weighs."""

    filter: int
    detector: str  # the kind, e.g. "rectangle"
    channel_weights: tuple[float, ...]  # sum of the filter's 3×3 weights on each layer-1 map
    mean_response: tuple[float, ...] | None  # the kind's mean score on the shapes of each kind, if measured
    dense_weight: float = 1.0  # how much the filter's maximum counts in the kind's score

    def adds(self, matches: list[FilterMatch]) -> list[str]:
        """Labels of the layer-1 maps it adds up (positive total weight), strongest first."""
        order = np.argsort(-np.asarray(self.channel_weights), kind="stable")
        return [matches[c].label for c in order if self.channel_weights[c] > 0]

    def subtracts(self, matches: list[FilterMatch]) -> list[str]:
        """Labels of the layer-1 maps it subtracts (negative total weight), strongest first."""
        order = np.argsort(np.asarray(self.channel_weights), kind="stable")
        return [matches[c].label for c in order if self.channel_weights[c] < 0]


def layer2_roles(net: Network, responses: np.ndarray | None = None) -> list[DetectorRole]:
    """One role per kind: the layer-2 filter whose maximum counts most (largest dense weight)
    in that kind's score.

    With one layer-2 filter per kind, training starts the dense layer as the identity, so
    filter 0 becomes the rectangle detector and filter 1 the diamond detector. ``responses``,
    if given, is (kinds, kinds): each kind's mean score on held-out shapes of each kind, the
    evidence that the detector fires on its own shape.
    """
    roles = []
    for j, name in enumerate(net.kinds):
        k = int(np.argmax(net.w3[j]))
        weights = tuple(float(s) for s in net.w2[k].sum(axis=(1, 2)))
        mean = None if responses is None else tuple(float(responses[i, j]) for i in range(len(net.kinds)))
        roles.append(DetectorRole(k, name, weights, mean, float(net.w3[j, k])))
    return roles
