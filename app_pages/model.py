"""Model: the layers, the first layer's filters, and every conv layer's feature maps."""

import numpy as np
import pandas as pd
import streamlit as st

from app_pages.common import choose_model, data_or_stop, enlarge
from mnist_core import anatomy
from mnist_core.models import ARCHITECTURES, build_model, summarize

st.title("Inside the model")
active = choose_model("model_model")
model = active.model

st.subheader("The network, layer by layer")
shown = st.radio(
    "Architecture",
    ["the model in use", *ARCHITECTURES],
    horizontal=True,
    key="diagram_arch",
)
diagram_model = model if shown == "the model in use" else build_model(shown)
st.graphviz_chart(anatomy.to_dot(diagram_model))
st.caption("Each box is a layer; the last line is the shape of what it passes on.")

st.subheader("Layers")
table = pd.DataFrame(
    [
        {
            "layer": info.name,
            "type": info.kind,
            "output shape": " × ".join(str(d) for d in info.output_shape),
            "parameters": info.params,
        }
        for info in anatomy.layer_table(model)
    ]
)
st.dataframe(table, hide_index=True)
c1, c2 = st.columns(2)
size = summarize(model)
c1.metric("Parameters", f"{size.params:,}")
c2.metric("Work per digit", f"{size.flops / 1e6:.1f} MFLOP")

st.subheader("What the first layer looks for")
filters = anatomy.first_layer_filters(model)
st.image(
    [enlarge(f, 56) for f in filters],
    width=56,
    caption=[f"filter {i}" for i in range(len(filters))],
)
st.caption(
    "Each small square is a pattern the first layer learned to detect: "
    "edges and stroke pieces at different angles (bright = positive weight)."
)

st.subheader("What each layer sees")
drawing = st.session_state.get("drawing_pixels")
choices = ["a test digit"] + (["my drawing"] if drawing is not None else [])
what = st.radio("Show", choices, horizontal=True)
if what == "my drawing":
    pixels = drawing
else:
    data = data_or_stop()
    index = st.number_input("Test digit index", 0, len(data.x_test) - 1, 0)
    pixels = data.x_test[index] / 255.0
st.image(enlarge(pixels, 112), caption="input (28×28)")
for name, maps in anatomy.feature_maps(model, pixels).items():
    st.markdown(f"**{name}**: {maps.shape[2]} maps of {maps.shape[0]}×{maps.shape[1]}")
    peak = np.maximum(maps.max(axis=(0, 1)), 1e-8)
    st.image(
        [enlarge(maps[:, :, c] / peak[c], 56) for c in range(maps.shape[2])], width=56
    )
