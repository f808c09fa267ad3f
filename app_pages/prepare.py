"""Prepare: the tutorial's data preparation, step by step, on the real arrays."""

import numpy as np
import pandas as pd
import streamlit as st

from app_ui import charts
from app_ui.common import data_or_stop, enlarge
from app_ui.i18n import t
from app_ui.navigation import heading

st.title(t(heading(__file__)))
st.markdown(
    t(
        "Before a network can learn, the digits are turned into the exact numbers "
        "it expects. These are the steps of the original Keras tutorial, done here "
        "on the real MNIST arrays. The **Train** page exports them as a script."
    )
)
data = data_or_stop()

st.subheader(t("1. Load"))
st.markdown(
    t("Keras hands over four arrays: training and test images, and their labels.")
)
st.dataframe(
    pd.DataFrame(
        [
            (name, str(arr.shape), str(arr.dtype))
            for name, arr in [
                ("x_train", data.x_train),
                ("y_train", data.y_train),
                ("x_test", data.x_test),
                ("y_test", data.y_test),
            ]
        ],
        columns=[t("array"), t("shape"), "dtype"],
    ),
    hide_index=True,
)
st.markdown(
    t("The first ten training labels: `{labels}`", labels=data.y_train[:10].tolist())
)
st.code(
    "(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()",
    language="python",
)

st.subheader(t("2. Look at one digit"))
index = st.number_input(
    t("Training digit"), 0, len(data.x_train) - 1, 0, key="prep_index"
)
image, label = data.x_train[index], int(data.y_train[index])
left, right = st.columns([1, 3])
left.image(enlarge(image / 255.0, 168), caption=t("label: {label}", label=label))
right.markdown(
    t("Each of its 28 × 28 pixels is a whole number from 0 (black) to 255 (white):")
)
right.altair_chart(charts.pixel_grid(image))

st.subheader(t("3. Scale to 0–1"))
st.markdown(
    t(
        "Networks learn best from small numbers, so every pixel is divided by "
        "255. The picture is the same; the numbers are now between 0 and 1."
    )
)
scaled = image.astype(np.float32) / 255
st.altair_chart(charts.pixel_grid(scaled, ".1f"))
st.code('x_train = x_train.astype("float32") / 255', language="python")

st.subheader(t("4. Add the channel axis"))
st.markdown(
    t(
        "Convolutions expect a *channel* per pixel (colour photos have 3: red, "
        "green, blue). MNIST is grey, so each digit gets one channel: "
        "`{one}` → `{one_channel}`, and the whole set `{all}` → `{all_channel}`.",
        one=scaled.shape,
        one_channel=scaled[..., None].shape,
        all=data.x_train.shape,
        all_channel=data.x_train.shape + (1,),
    )
)
st.code(
    "x_train = x_train[..., None]  # or np.expand_dims(x_train, -1)", language="python"
)

st.subheader(t("5. One-hot labels"))
st.markdown(
    t(
        "The label {label} becomes ten numbers, a 1 in place {label} and 0 "
        "elsewhere: the answer the network's ten outputs should give.",
        label=label,
    )
)
one_hot = np.eye(10, dtype=int)[label]
st.dataframe(
    pd.DataFrame(
        [one_hot],
        columns=[str(d) for d in range(10)],
        index=[t("label {label}", label=label)],
    )
)
st.code("y_train = keras.utils.to_categorical(y_train, 10)", language="python")
st.page_link(
    "app_pages/train.py",
    label=t("Next: train a network on these"),
    icon=":material/arrow_forward:",
)
