"""Spanish and English: every text the app shows has both, and pages render in both.

The source scan is what keeps the catalog complete: a new `st.button("Go")`
without t(), or a t("...") without a Spanish entry in
app_ui/locales/es/LC_MESSAGES/messages.po, fails here.
"""

import ast
import datetime as dt
import re
import string

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from app_ui import languages
from app_ui.languages import CATALOG, LOCALES_DIR, Language, read_catalog
from app_ui.navigation import PAGES as NAVIGATION
from mnist_core.constants import PROJECT_ROOT
from mnist_core.models.catalog import ARCHITECTURES
from mnist_core.training.config import SETTINGS

SOURCES = [
    PROJECT_ROOT / "streamlit_app.py",
    *(PROJECT_ROOT / "app_pages").glob("*.py"),
    *(PROJECT_ROOT / "app_ui").glob("*.py"),
]
CORE = [p for p in (PROJECT_ROOT / "mnist_core").rglob("*.py") if p.name != "cli.py"]
# Calls that put text on the screen, and which of their arguments carry it.
SHOWN = {
    "title", "header", "subheader", "markdown", "caption", "write", "info",
    "warning", "error", "success", "toast", "metric", "button", "download_button",
    "radio", "selectbox", "select_slider", "slider", "toggle", "checkbox",
    "number_input", "text_input", "file_uploader", "expander", "spinner",
}  # fmt: skip
TEXT_KEYWORDS = {"label", "help", "caption", "text", "placeholder"}
NAMES = {"MNIST Studio", "Language · Idioma"}  # the same in both languages
SPANISH = read_catalog(LOCALES_DIR / "es" / CATALOG)  # English → Spanish


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def calls(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            yield node


def called(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "LOG":
        return None  # the server's log is for whoever runs it, in English
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def translated_literals():
    """(file:line, text) of every t("...") and mark("...") in the app."""
    for path in SOURCES:
        for node in calls(path):
            if called(node) in ("t", "mark") and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    yield f"{path.name}:{node.lineno}", arg.value


def core_templates():
    """(file:line, template) of every MnistError/EmptyImageError/Message in the core."""
    for path in CORE:
        for node in calls(path):
            if called(node) in (
                "MnistError",
                "EmptyImageError",
                "StoreUnavailable",
                "Message",
                "note",
            ):
                arg = node.args[0] if node.args else None
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    yield f"{path.name}:{node.lineno}", arg.value


def is_raw_text(node) -> bool:
    """A literal with words in it, not passed through t()."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(c.isalpha() for c in node.value) and node.value not in NAMES
    if isinstance(node, ast.JoinedStr):
        return any(is_raw_text(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.ListComp):
        return is_raw_text(node.elt)
    if isinstance(node, ast.Lambda):
        return is_raw_text(node.body)
    if isinstance(node, ast.IfExp):
        return is_raw_text(node.body) or is_raw_text(node.orelse)
    if isinstance(node, (ast.List, ast.Tuple)):
        return any(is_raw_text(e) for e in node.elts)
    return False


def test_no_shown_text_bypasses_translation():
    raw = []
    for path in SOURCES:
        for node in calls(path):
            if called(node) not in SHOWN and called(node) != "image":
                continue
            texts = [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
            if called(node) in SHOWN and node.args:
                texts.append(node.args[0])
            raw += [f"{path.name}:{node.lineno}" for n in texts if is_raw_text(n)]
    assert raw == [], f"wrap these texts in t(): {raw}"


@pytest.mark.parametrize(
    "source", [translated_literals, core_templates], ids=["app", "core"]
)
def test_every_text_has_spanish_with_the_same_fields(source):
    missing, mismatched = [], []
    for where, text in source():
        if text not in SPANISH:
            missing.append(f"{where} {text!r}")
        elif fields(text) != fields(SPANISH[text]):
            mismatched.append(where)
    assert missing == [] and mismatched == []


def test_architecture_names_and_descriptions_have_spanish():
    for arch in ARCHITECTURES.values():
        assert arch.title in SPANISH and arch.description in SPANISH


def test_every_training_setting_has_spanish_words():
    # The Train page draws its controls from these: a new setting needs them.
    words = [w for s in SETTINGS.values() if s.widget for w in (s.label, s.help)]
    assert [w for w in words if w not in SPANISH] == []


def test_every_word_a_links_note_names_has_spanish():
    # A link may name any setting (?seed=x): its note says the setting's label
    # (mnist_core.errors.Words, translated), widget or not.
    words = [s.label for s in SETTINGS.values()] + ["on", "off"]
    assert [w for w in words if w not in SPANISH] == []


def test_every_layer_sentence_has_spanish():
    from mnist_core.models.anatomy import LAYER_WORDS

    assert [w for w in LAYER_WORDS.values() if w not in SPANISH] == []


def test_the_downloaded_scripts_comments_have_spanish():
    from mnist_core.training.script_export import comment_texts

    texts = comment_texts()
    assert [w for w in texts if w not in SPANISH] == []
    assert [w for w in texts if fields(w) != fields(SPANISH[w])] == []


@pytest.mark.parametrize("augment", [False, True])
def test_a_spanish_script_has_spanish_comments_and_the_same_code(augment):
    from mnist_core.training.config import TrainConfig
    from mnist_core.training.script_export import training_script

    config = TrainConfig(arch="fast", augment=augment, average_weights=True)
    english = training_script(config)
    spanish = training_script(config, translate=lambda w: SPANISH.get(w, w))
    assert "# 2. Preparar: añadir el eje del canal" in spanish
    assert "misma semilla, mismo resultado" in spanish and "Necesita:" in spanish
    assert "Prepare: add" not in spanish and "Build the network" not in spanish
    comments = [line for line in spanish.splitlines() if line.startswith("#")]
    assert max(len(line) for line in comments) <= 88  # rewrapped, as in the project

    def code(source: str) -> str:  # the program, without docstring or comments
        tree = ast.parse(source)
        tree.body = tree.body[1:]
        return ast.dump(tree)

    compile(spanish, "train_mnist.py", "exec")
    assert code(spanish) == code(english)


def test_run_table_columns_have_spanish():
    from mnist_core.training.config import TrainConfig
    from mnist_core.training.loop import TrainResult

    result = TrainResult(
        model=None,
        config=TrainConfig(),
        test_loss=0.1,
        test_accuracy=0.98,
        train_seconds=12.0,
        stopped=False,
        data_fingerprint="",
    )
    assert [k for k in result.summary() if k not in SPANISH] == []


PAGES = [page.script.removesuffix(".py") for page in NAVIGATION]
TITLES = {
    "en": {name: page.heading for name, page in zip(PAGES, NAVIGATION, strict=True)},
    "es": {
        name: SPANISH.get(page.heading, page.heading)
        for name, page in zip(PAGES, NAVIGATION, strict=True)
    },
}


def shown_texts(at) -> list[str]:
    """The text of every element AppTest can see: titles, prose, labels, options."""
    texts = [e.value for e in (*at.title, *at.header, *at.subheader, *at.markdown)]
    texts += [e.value for e in (*at.caption, *at.info, *at.warning, *at.error)]
    texts += [e.value for e in at.success]
    texts += [m.label for m in at.metric] + [b.label for b in at.button]
    texts += [e.label for e in (*at.expander, *at.tabs)]
    for widget in (*at.radio, *at.selectbox, *at.multiselect):
        texts += [widget.label, *widget.options]
    for widget in (*at.slider, *at.select_slider, *at.toggle, *at.number_input):
        texts.append(widget.label)
    texts += [w.label for w in (*at.checkbox, *at.text_input)]
    return [str(t) for t in texts]


@pytest.mark.slow
@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_in_spanish_without_english_left(page, name):
    at = page(name, locale="es-ES")
    assert not at.exception
    shown = shown_texts(at)
    english = [s for s in shown if s in SPANISH and SPANISH[s] != s]
    assert english == []
    assert at.session_state["lang"] == "es"
    assert at.title[0].value == TITLES["es"][name]


@pytest.mark.slow
@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_in_english(page, name):
    at = page(name, locale="en-GB")
    assert not at.exception
    assert not any(s in SPANISH.values() and s not in SPANISH for s in shown_texts(at))
    assert at.title[0].value == TITLES["en"][name]


@pytest.mark.slow
def test_the_sidebar_switch_changes_the_language(page):
    at = page("draw", locale="en-US")
    assert at.title[0].value == "Draw"
    at.sidebar.radio(key="lang").set_value("es").run()
    assert at.title[0].value == "Dibujar"
    assert any(b.label == "Borrar" for b in at.button)


@pytest.mark.slow
def test_spanish_pages_write_numbers_the_spanish_way(page):
    at = page("home", locale="es-ES")
    values = {m.label: m.value for m in at.metric}
    accuracy = values["Precisión en test"]
    assert accuracy.endswith(" %") and "," in accuracy and "." not in accuracy
    assert "." in values["Parámetros"]  # 616.962
    english = {m.label: m.value for m in page("home").metric}
    assert english["Test accuracy"].endswith("%") and "." in english["Test accuracy"]


def test_the_template_lists_every_text_the_spanish_catalog_translates():
    # Translators start from messages.pot: a text missing there is never translated.
    with (LOCALES_DIR / "messages.pot").open("rb") as file:
        template = {m.id: m.string for m in read_po(file) if m.id}
    assert set(template) == set(SPANISH) and not any(template.values())


def test_a_dropped_catalog_is_a_language_written_the_cldr_way(tmp_path):
    # A teacher's Catalan: one .po file, no Python; numbers, dates and charts
    # come from CLDR's data for "ca".
    catalog = Catalog(locale="ca")
    catalog.add("Draw", "Dibuixar")
    catalog.add("Home", "")  # not translated yet: the English shows
    folder = tmp_path / "ca" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as file:
        write_po(file, catalog)
    found = languages.found_languages(tmp_path)
    assert list(found) == ["en", "ca"]
    catalan = found["ca"]
    assert catalan.name == "Català" and catalan.catalog == {"Draw": "Dibuixar"}
    numbers = catalan.formatter.format("{n:,} {p:.1%}", n=1024, p=0.995)
    assert numbers == "1.024 99,5 %"
    assert catalan.date(dt.date(2026, 11, 27)) == "27 de novembre del 2026"
    vega = catalan.vega_locale
    assert vega["number"]["decimal"] == "," and vega["time"]["months"][0] == "gener"
    assert vega["time"]["days"][0] == "diumenge"  # d3 starts on Sunday


def test_a_catalog_in_a_folder_that_is_no_language_code_says_how_to_name_it(
    tmp_path,
):
    folder = tmp_path / "catalan" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as file:
        write_po(file, Catalog())
    with pytest.raises(ValueError, match="such as ca, pt or pt_BR"):
        languages.found_languages(tmp_path)


def test_the_registry_names_english_and_spanish_as_before():
    found = languages.LANGUAGES
    assert {code: lang.name for code, lang in found.items()} == {
        "en": "English",
        "es": "Español",
    }
    assert found["en"].date(dt.date(2026, 11, 27)) == "27 November 2026"
    assert found["es"].date(dt.date(2026, 11, 27)) == "27 de noviembre de 2026"


# --- The pseudo-locale: every translation bracketed and accented ------------
# A page rendered in it shows English only where a text bypassed the catalog.
ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçđéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
ACCENTS = "".join(map(chr, ACCENTED.values()))
PSEUDO_LETTERS = re.compile(f"[{ACCENTS}\\[\\]]")  # and the brackets
KEPT = re.compile(r"(\{[^{}]*\}|`[^`]*`)")  # placeholders and code, untouched
# Words that are names, not English to translate: they read the same in any
# language (and some arrive as values: an architecture's id, a file's name).
NOT_WORDS = {
    "MNIST", "Studio", "CNN", "PCA", "t-SNE", "SNE", "Keras", "UNIPEN",
    "Language", "Idioma", "English", "Español",
    "adam", "adamw", "rmsprop", "sgd",  # the optimizers, as Keras names them
}  # fmt: skip
# The pseudo-locale writes dates with CLDR's English: its month names come through
# the language's record, not past it.
NOT_WORDS |= set(Locale.parse("en").months["format"]["wide"].values())
FILE_NAME = re.compile(r"[\w-]+(\\?\.[A-Za-z0-9]{1,5})+\b")  # mnist\.npz
NAMES_SEEN = re.compile(r"(?<![\w-])(" + "|".join(sorted(NOT_WORDS)) + r")(?![\w-])")


def pseudo(text: str) -> str:
    """`text` as the pseudo-locale writes it: "[Ṫŕåîñ]", "{count:,}" kept."""
    parts = KEPT.split(text)
    return (
        "["
        + "".join(p if KEPT.fullmatch(p) else p.translate(ACCENTED) for p in parts)
        + "]"
    )


def english_left(text: str) -> list[str]:
    """The words of `text` that did not come through the pseudo catalog."""
    text = re.sub(r"`[^`]*`", " ", text)  # code: file names, commands
    text = re.sub(r"\\(?=[^\sA-Za-z0-9])", "", text)  # literal()'s escapes: conv1\_relu
    text = NAMES_SEEN.sub(" ", FILE_NAME.sub(" ", text))
    words = re.findall(r"[A-Za-z][\w.\-]*", PSEUDO_LETTERS.sub(" ", text))
    # A word with a digit or "_" is an identifier (a layer's name, "conv1").
    return [w for w in words if not re.search(r"[\d_]", w)]


@pytest.fixture
def pseudo_locale(monkeypatch):
    """The pseudo-locale as a language of the app, for this test only."""
    catalog = {msgid: pseudo(msgid) for msgid in SPANISH}
    monkeypatch.setitem(
        languages.LANGUAGES, "en_XA", Language("en_XA", Locale.parse("en"), catalog)
    )


def test_pseudo_translation_keeps_placeholders_markdown_and_code():
    text = "**Dataset** has {count:,} digits in `mnist.npz`"
    assert pseudo(text) == "[**Đåţåšéţ** ĥåš {count:,} đîĝîţš îñ `mnist.npz`]"
    assert fields(pseudo(text)) == fields(text)
    assert english_left(pseudo(text).format(count=12)) == []
    assert english_left(text.format(count=12)) == ["Dataset", "has", "digits", "in"]


@pytest.mark.slow
@pytest.mark.parametrize("name", PAGES)
def test_every_page_in_the_pseudo_locale_shows_no_english(page, pseudo_locale, name):
    at = page(name, locale="en-XA")
    assert not at.exception
    assert at.session_state["lang"] == "en_XA"
    left = {s: english_left(s) for s in shown_texts(at)}
    assert {s: words for s, words in left.items() if words} == {}


def used_texts() -> set[str]:
    """Every string literal of the app and the core, and the exported script's
    comments: a catalog entry none of them holds is shown nowhere."""
    from mnist_core.training.script_export import comment_texts

    texts = set(comment_texts())
    for path in [*SOURCES, *CORE]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                texts.add(node.value)
    return texts


def test_the_catalog_holds_no_text_the_app_no_longer_shows():
    # A translator would translate it for nothing, and not know which to skip.
    used = used_texts()
    assert sorted(text for text in SPANISH if text not in used) == []
