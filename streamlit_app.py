"""MNIST Studio: the router. Lists the pages and runs the one the user picked."""

import streamlit as st

st.set_page_config(
    page_title="MNIST Studio", page_icon=":material/draw:", layout="wide"
)

pages = [
    st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page(
        "app_pages/dataset.py",
        title="Dataset",
        icon=":material/grid_view:",
        url_path="dataset",
    ),
    st.Page(
        "app_pages/train.py",
        title="Train",
        icon=":material/model_training:",
        url_path="train",
    ),
    st.Page("app_pages/draw.py", title="Draw", icon=":material/draw:", url_path="draw"),
    st.Page(
        "app_pages/model.py", title="Model", icon=":material/biotech:", url_path="model"
    ),
]
st.navigation(pages).run()
