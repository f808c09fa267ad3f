"""The networks a user can pick, by name, with the words the app shows for them.

Plain data, no TensorFlow: the Train page and the settings read it; the
networks themselves are built in `architectures`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Architecture:
    """A named network the user can pick."""

    name: str
    title: str  # shown in the app
    description: str  # one plain sentence for non-programmers
    flops: int  # per image, forward pass (architectures.count_flops; tested)


ARCHITECTURES = {
    "recipe": Architecture(
        "recipe",
        "Tutorial CNN (recipe)",
        "The Keras tutorial's network: two convolutions, pooling, dropout, "
        "a dense layer of 128.",
        24_043_530,
    ),
    "fast": Architecture(
        "fast",
        "Fast CNN",
        "A leaner network with batch normalisation: a quarter of the work per "
        "image, trains several times faster and ends more accurate.",
        6_214_410,
    ),
    "small": Architecture(
        "small",
        "Small CNN",
        "The quickest to train: the picture shrinks early, an eighth of the "
        "tutorial network's work per image, nearly as accurate as the fast CNN.",
        3_074_570,
    ),
}
