"""MNIST Studio: the router. Lists the pages and runs the one the user picked."""

import streamlit as st

from app_ui.i18n import language_switch, t
from app_ui.keras_session import keep_keras_session

keep_keras_session()  # no clear_session() after every run (see keras_session.py)

st.set_page_config(
    page_title="MNIST Studio", page_icon=":material/draw:", layout="wide"
)

language_switch()  # before the pages, so their titles are in the chosen language

# (script, title, icon, url path); the tutorial's order: look, prepare, train, use.
PAGES = [
    ("home.py", t("Home"), "home", None),
    ("dataset.py", t("Dataset"), "grid_view", "dataset"),
    ("prepare.py", t("Prepare"), "tune", "prepare"),
    ("train.py", t("Train"), "model_training", "train"),
    ("draw.py", t("Draw"), "draw", "draw"),
    ("model.py", t("Model"), "biotech", "model"),
]
pages = [
    st.Page(
        f"app_pages/{script}",
        title=title,
        icon=f":material/{icon}:",
        url_path=path,
        default=path is None,
    )
    for script, title, icon, path in PAGES
]
st.navigation(pages).run()
