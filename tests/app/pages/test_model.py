"""The Model page: layers, numbers in words, diagrams, the drawing, odd models."""

import re

from tests.support.app import MARKDOWN, linkable, markdowns, seen


def test_model_page_shows_layers_and_feature_maps(page):
    at = page("model")
    assert not at.exception
    layers = at.table[0].value
    assert "conv1" in set(layers["layer"]) and parameters(layers) > 100_000
    assert any(m.label == "Parameters" for m in at.metric)
    assert any("conv2" in str(m.value) for m in at.markdown)
    # Without a drawing there is nothing to choose: the test digit, no radio.
    assert not [r for r in at.radio if r.label == "Show"]


def parameters(layers) -> int:
    """The Layers table's parameter column, written "616,962", summed."""
    return layers["parameters"].str.replace(",", "").astype(int).sum()


def test_model_page_writes_its_numbers_in_plain_words(page):
    at = page("model", locale="es-ES")
    assert not at.exception
    layers = at.table[0].value
    assert layers["parámetros"].str.fullmatch(r"\d{1,3}(\.\d{3})*").all()
    assert "10.368" in set(layers["parámetros"])  # the fast CNN's second conv
    work = next(m for m in at.metric if m.label == "Multiplicaciones por dígito")
    assert re.fullmatch(r"unos \d+,\d millones", work.value)  # 6,2 for the pair
    assert "MFLOP" not in work.value


def test_model_page_draws_its_diagram_in_spanish(page):
    at = page("model", locale="es-ES")
    assert not at.exception
    dot = at.get("graphviz_chart")[0].proto.spec
    assert "Conv2D: 24 filtros de 5×5" in dot and "normaliza" in dot
    assert "Dropout: apaga un 30 %" in dot and "256 unidades, lineal" in dot
    assert "filters" not in dot and "units" not in dot
    names = at.radio(key="diagram_arch@es").options
    assert names[1:] == ["CNN del tutorial (receta)", "CNN rápida", "CNN pequeña"]


def test_model_page_offers_the_drawing_once_there_is_one(page):
    import numpy as np

    at = page("model", drawing_pixels=np.zeros((28, 28), np.float32))
    assert not at.exception
    show = next(r for r in at.radio if r.label == "Show")
    assert show.options == ["a test digit", "my drawing"]
    show.set_value("drawing").run()
    assert not at.exception


def test_model_page_draws_every_architecture(page):
    at = page("model")
    assert at.radio(key="diagram_arch@en").options == [
        "the model in use",
        "Tutorial CNN (recipe)",
        "Fast CNN",
        "Small CNN",
    ]
    for arch in ("recipe", "small"):
        at.radio(key="diagram_arch@en").set_value(arch).run()
        assert not at.exception
    # Every number above the learned part describes the network shown: the
    # tutorial's (1,199,882 parameters), not the Fast CNN in use.
    at.radio(key="diagram_arch@en").set_value("recipe").run()
    params = next(m for m in at.metric if m.label == "Parameters")
    assert params.value == "1,199,882"
    table = at.table[0].value
    assert parameters(table) == 1_199_882
    assert table["what it does"].str.len().gt(0).sum() >= 7


def test_a_network_without_convolutions_shows_what_it_can(page):
    import keras

    from app_ui.common import YOURS, ActiveModel
    from mnist_core.models.card import ModelCard
    from mnist_core.reading.classifier import Classifier

    inputs = keras.Input((28, 28, 1))
    hidden = keras.layers.Dense(32, activation="relu")(keras.layers.Flatten()(inputs))
    outputs = keras.layers.Dense(10, activation="softmax")(hidden)
    dense = keras.Model(inputs, outputs, name="dense_only")
    mine = ActiveModel(YOURS, dense, Classifier(dense), ModelCard.of_model(dense, 0.9))
    at = page("model", your_model=mine, model_in_use=YOURS)
    assert not at.exception
    assert "dense_only" not in [e.value for e in at.error]
    assert any("no convolution layer" in i.value for i in at.info)
    assert any(m.label == "Parameters" for m in at.metric)


def test_an_averaged_model_says_which_layers_are_whose(page):
    from app_ui.common import YOURS, ActiveModel
    from mnist_core.models.architectures import build_model
    from mnist_core.models.card import ModelCard
    from mnist_core.models.ensemble import average_models
    from mnist_core.reading.classifier import Classifier

    pair = average_models([build_model("small"), build_model("small")])
    mine = ActiveModel(YOURS, pair, Classifier(pair), ModelCard.of_model(pair, 0.9))
    at = page("model", your_model=mine, model_in_use=YOURS, locale="es-ES")
    assert not at.exception
    assert any("une 2 redes" in i.value and "member1" in i.value for i in at.info)
    table = at.table[0].value
    average = table[table["capa"] == "average"].iloc[0]
    assert average["qué hace"].startswith("Promedia las diez probabilidades")
    assert "media de 2 redes" in at.get("graphviz_chart")[0].proto.spec


def test_an_uploads_layer_names_show_as_written_never_as_markdown(page):
    # st.table renders each cell as markdown: a layer may be named anything.
    import keras

    from app_ui.common import YOURS, ActiveModel
    from mnist_core.models.card import ModelCard
    from mnist_core.reading.classifier import Classifier

    inputs = keras.Input((28, 28, 1))
    flat = keras.layers.Flatten(name="__SESSION-EXPIRED__")(inputs)
    outputs = keras.layers.Dense(10, activation="softmax", name="www.evil.example")
    odd = keras.Model(inputs, outputs(flat), name="someone@evil.example")
    mine = ActiveModel(YOURS, odd, Classifier(odd), ModelCard.of_model(odd, 0.9))
    at = page("model", your_model=mine, model_in_use=YOURS)
    assert not at.exception
    cells = [str(c) for c in at.table[0].value.to_numpy().ravel()]
    names = [seen(c) for c in cells]
    assert "__SESSION-EXPIRED__" in names and "www.evil.example" in names
    for cell in cells:
        out = MARKDOWN.render(cell)
        assert "<strong" not in out and "<em" not in out and not linkable(cell)
    assert [m for m in markdowns(at) if linkable(m)] == []


def test_a_link_from_a_made_model_says_the_model_is_not_here(page):
    from app_ui.common import _link_secret
    from mnist_core.serving.link_tokens import make_token

    at = page("model", query={"since": make_token(_link_secret())})
    assert not at.exception
    assert any("not in this page" in i.value for i in at.info)


def test_a_made_up_link_token_claims_no_lost_model(page):
    at = page("model", query={"since": "anything"})
    assert not at.exception
    assert not any("not in this page" in i.value for i in at.info)
