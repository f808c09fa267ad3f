"""What the app says about a model comes from its metadata."""

from mnist_core.models.card import ModelCard


def test_a_runs_own_metadata_names_its_network():
    card = ModelCard.from_metadata({"config": {"arch": "small"}, "test_accuracy": 0.9})
    assert card.architecture == "small"


def test_a_model_that_says_nothing_is_unknown():
    assert ModelCard.from_metadata({}).architecture == "unknown"
