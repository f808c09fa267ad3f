"""The common Streamlit canvas demo, as a yardstick for the Draw page's speed.

    python -m streamlit run bench/performance/plain_canvas_demo.py

Exactly what most MNIST canvas demos do: the canvas's picture, resized to
28x28, read by the same shipped model, shown as a metric and a bar chart.
Nothing else: no cropping or centring, no explanation, no second opinion.
bench/performance/draw_speed.py times it against the app's /draw.
"""

import numpy as np
import streamlit as st
from PIL import Image
from streamlit_drawable_canvas import st_canvas

from mnist_core.constants import SHIPPED_MODEL_PATH
from mnist_core.models.storage import load_model


@st.cache_resource
def model():
    return load_model(SHIPPED_MODEL_PATH).model


st.title("Plain canvas demo")
result = st_canvas(
    stroke_width=18,
    stroke_color="#FFFFFF",
    background_color="#000000",
    height=280,
    width=280,
    drawing_mode="freedraw",
    return_image_data=True,
    key="canvas",
)
if result.image_data is not None and result.image_data[..., :3].any():
    grey = Image.fromarray(result.image_data).convert("L").resize((28, 28))
    x = np.asarray(grey, np.float32).reshape(1, 28, 28, 1) / 255.0
    probabilities = model().predict(x, verbose=0)[0]
    st.metric("Prediction", int(np.argmax(probabilities)))
    st.bar_chart(probabilities)
