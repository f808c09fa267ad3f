"""MNIST Studio: the router. Lists the pages and runs the one the user picked."""

import streamlit as st

from app_ui.common import YOURS, client_address, use_model
from app_ui.i18n import language_switch, t
from app_ui.kept import hand_key_to_browser, restore_session, work_panel
from app_ui.keras_session import keep_keras_session
from app_ui.navigation import PAGES, unknown_address
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
if restore_session():  # this browser's kept work, on its first run
    use_model(YOURS)  # Draw and Model open with it
hand_key_to_browser()

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
chosen = st.navigation(pages)
work_panel(client_address())
asked = unknown_address(st.context.url, st.get_option("server.baseUrlPath"))
if asked and not chosen.url_path and not st.session_state.get("told_unknown"):
    st.session_state.told_unknown = True  # once: the address bar keeps it
    st.info(t("There is no page called {page}: here is the Home page.", page=asked))
chosen.run()
