"""MNIST Studio: the router. Lists the pages and runs the one the user picked."""

import streamlit as st

from app_ui.i18n import language_switch, t
from app_ui.keras_session import keep_keras_session
from app_ui.navigation import PAGES
from app_ui.server_guards import install as install_server_guards
from app_ui.warmup import start_warmup

install_server_guards()  # bounds on what any client sends (server_guards.py)
keep_keras_session()  # no clear_session() after every run (see keras_session.py)
start_warmup()  # the shipped model loads beside the first page, not in a drawing

# An emoji, not a :material/...: icon: Streamlit's front end turns an emoji into
# an inline picture, but fetches a Material favicon from fonts.gstatic.com, so
# every visitor's browser would ask Google (the page asks no other host).
st.set_page_config(page_title="MNIST Studio", page_icon="✍️", layout="wide")

language_switch()  # before the pages, so their titles are in the chosen language

pages = [
    st.Page(
        page.path,
        title=t(page.title),
        icon=page.material_icon,
        url_path=page.url_path,
        default=page.url_path is None,
    )
    for page in PAGES
]
st.navigation(pages).run()
