"""MNIST Studio: the router. Lists the pages and runs the one the user picked."""

import streamlit as st

st.set_page_config(
    page_title="MNIST Studio", page_icon=":material/draw:", layout="wide"
)

# (script, title, icon, url path); the tutorial's order: look, prepare, train, use.
PAGES = [
    ("home.py", "Home", "home", None),
    ("dataset.py", "Dataset", "grid_view", "dataset"),
    ("prepare.py", "Prepare", "tune", "prepare"),
    ("train.py", "Train", "model_training", "train"),
    ("draw.py", "Draw", "draw", "draw"),
    ("model.py", "Model", "biotech", "model"),
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
