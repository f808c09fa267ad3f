"""Model: the layers, the first layer's filters, and every conv layer's feature maps."""

import pandas as pd
import streamlit as st

from app_ui.choices import choice
from app_ui.common import (
    RESTART_KEY,
    YOURS,
    ActiveModel,
    choose_model,
    data_or_stop,
    enlarge,
    link_token,
    model_left_behind,
    reader_for,
    session_alive,
    use_model,
)
from app_ui.i18n import architecture_title, literal, number, say, t
from app_ui.kept import keep_model
from app_ui.navigation import heading
from mnist_core.errors import UPLOAD_LIMIT_MB, MnistError
from mnist_core.models import anatomy
from mnist_core.models.architectures import ARCHITECTURES, build_model, summarize
from mnist_core.models.card import ModelCard
from mnist_core.models.ensemble import member_count, member_prefix
from mnist_core.models.storage import load_uploaded_model


def upload_model() -> None:
    """Make an uploaded .keras file "your model", measured on MNIST's test digits.

    A refused file changes nothing: the model the session had stays in use.
    """
    upload = st.file_uploader(
        t("Your own model (.keras, trained on 28×28 digits)"),
        type=["keras"],
        max_upload_size=UPLOAD_LIMIT_MB,
        help=t(
            "A Keras 3 .keras file, up to {limit} MB, that reads 28×28 grey digits "
            "into 10 scores. Streamlit writes this box's own words in English.",
            limit=UPLOAD_LIMIT_MB,
        ),
        key="model_upload",
    )
    if upload is None or st.session_state.get("uploaded_id") == upload.file_id:
        return  # nothing new: a rerun must not load the same file again
    st.session_state.uploaded_id = upload.file_id
    from mnist_core.training.evaluation import eval_batch, evaluate_test_set

    try:
        with st.spinner(t("Checking {name} and testing it…", name=upload.name)):
            model = load_uploaded_model(upload.getvalue(), upload.name)
            classifier = reader_for(model)
            report = evaluate_test_set(
                classifier.probabilities,
                data_or_stop(),
                eval_batch(model),
                session_alive(),  # no one to show it to: stop
            )
    except MnistError as exc:
        st.error(say(exc))
        st.caption(t("The model you were using is still in use."))
        return
    card = ModelCard.of_model(model, report.accuracy)
    st.session_state.your_model = ActiveModel(YOURS, model, classifier, card)
    keep_model(upload.getvalue(), card.metadata(), "uploaded")
    use_model(YOURS)  # here, and on Draw
    st.query_params[RESTART_KEY] = link_token()
    st.success(
        t(
            "{name}: {accuracy:.2%} right on MNIST's 10,000 test digits. It is now "
            "**your model** here and on the Draw page.",
            name=upload.name,
            accuracy=report.accuracy,
        )
    )


def about(count: float) -> str:
    """A large count in plain words, two significant digits: "about 3.1 million"."""
    if count >= 1e6:
        return t("about {count} million", count=number(count / 1e6, ".1f"))
    return t("about {count}", count=number(int(float(f"{count:.2g}")), ","))


NO_CONVOLUTION = t(
    "This network has no convolution layer, so it has no filters or feature maps "
    "to show. Its layers and size are above."
)

st.title(t(heading(__file__)))
if model_left_behind():
    st.info(
        t(
            "The model made from this link is not in this page: it stays in the "
            "page that made it, if that is still open, and a server restart loses "
            "it. Train or upload it again."
        )
    )
with st.expander(t("Use a model of your own"), icon=":material/upload:"):
    upload_model()
active = choose_model()
model = active.model

st.subheader(t("The network, layer by layer"))
IN_USE = "in use"
shown = choice(
    st.radio,
    t("Architecture"),
    [IN_USE, *ARCHITECTURES],
    horizontal=True,
    key="diagram_arch",
    format_func=lambda a: (
        t("the model in use") if a == IN_USE else architecture_title(a)
    ),
)
# Every number and table of this part describes the network shown.
network = model if shown == IN_USE else build_model(shown)
st.graphviz_chart(anatomy.to_dot(network, say))
st.caption(t("Each box is a layer; the last line is the shape of what it passes on."))
joined = member_count(network)
if joined:
    prefixes = ", ".join(member_prefix(i) for i in range(1, joined))
    st.info(
        t(
            "This model joins {count} networks side by side: each reads the "
            "picture on its own, and the average at the bottom joins their "
            "answers. The first network's layers have the plain names, the "
            "others' start with {prefixes}. The filters and maps further down "
            "are the first network's.",
            count=joined,
            prefixes=literal(prefixes),
        )
    )

st.subheader(t("Layers"))
table = pd.DataFrame(
    [
        {
            # st.table renders its cells as markdown: an upload names its layers.
            t("layer"): literal(info.name),
            t("type"): literal(info.kind),
            t("output shape"): " × ".join(str(d) for d in info.output_shape),
            t("parameters"): number(info.params, ","),
            t("what it does"): t(anatomy.layer_words(info.kind)),
        }
        for info in anatomy.layer_table(network)
    ]
)
st.table(table, hide_index=True, border="horizontal")  # wraps the long sentences
c1, c2 = st.columns(2)
size = summarize(network)
c1.metric(t("Parameters"), number(size.params, ","))
# A multiply-add counts as two floating-point operations (count_flops).
c2.metric(
    t("Multiplications per digit"),
    about(size.flops / 2),
    help=t(
        "To read one digit the network multiplies about this many pairs of "
        "numbers, and adds as many: {flops} million floating-point operations "
        "(MFLOP) in all.",
        flops=number(size.flops / 1e6, ".1f"),
    ),
)

if network is not model:
    st.caption(
        t(
            "What follows is learned, so it shows the model in use, not the "
            "untrained {arch} network above.",
            arch=architecture_title(shown),
        )
    )
st.subheader(t("What the first layer looks for"))
filters = anatomy.first_layer_filters(model)
if len(filters):
    st.image(
        [enlarge(f, 56) for f in filters],
        width=56,
        caption=[t("filter {number}", number=i) for i in range(len(filters))],
    )
    st.caption(
        t(
            "Each small square is a pattern the first layer learned to detect: "
            "edges and stroke pieces at different angles (bright = positive weight)."
        )
    )
else:
    st.info(NO_CONVOLUTION)

st.subheader(t("What each layer sees"))
drawing = st.session_state.get("drawing_pixels")
# A choice only when there is one to make: without a drawing, the test digit.
what = "test"
if drawing is not None:
    what = choice(
        st.radio,
        t("Show"),
        ["test", "drawing"],
        key="layers_input",
        horizontal=True,
        format_func=lambda c: t("a test digit") if c == "test" else t("my drawing"),
    )
if what == "drawing":
    pixels = drawing
else:
    data = data_or_stop()
    index = st.number_input(t("Test digit index"), 0, len(data.x_test) - 1, 0)
    pixels = data.x_test[index] / 255.0
st.image(enlarge(pixels, 112), caption=t("input (28×28)"))
feature_maps = anatomy.feature_maps(model, pixels)
if not feature_maps:
    st.info(NO_CONVOLUTION)
for name, maps in feature_maps.items():
    st.markdown(
        t(
            "**{name}**: {count} maps of {height}×{width}",
            name=name,
            count=maps.shape[2],
            height=maps.shape[0],
            width=maps.shape[1],
        )
    )
    st.image([enlarge(maps[:, :, c], 56) for c in range(maps.shape[2])], width=56)
