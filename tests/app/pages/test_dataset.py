"""The Dataset page: filters, splits, pages and the digit shown pixel by pixel."""

from tests.support.app import linkable, markdowns, seen


def test_dataset_page_has_filters_and_summaries(page):
    at = page("dataset")
    assert not at.exception
    labels = [r.label for r in at.radio]
    assert labels[:1] == ["Split"] and "Method" in labels
    assert at.selectbox(key="ds_digit@en").options[:2] == ["all", "0"]
    at.selectbox(key="ds_digit@en").set_value(7).run()
    assert not at.exception


def test_dataset_switches_to_the_test_split(page):
    at = page("dataset")
    at.radio(key="ds_split@en").set_value("test").run()
    assert not at.exception
    assert any("(10000, 28, 28)" in str(c.value) for c in at.caption)


def test_dataset_view_comes_from_the_link_and_goes_back_into_it(page):
    at = page("dataset", query=dict(split="test", digit="3", page="999", index="18"))
    assert not at.exception
    assert at.radio(key="ds_split@en").value == "test"
    assert at.selectbox(key="ds_digit@en").value == 3
    # 1,010 threes in the test split at 40 per page: the last page is 26
    assert at.number_input(key="ds_page").value == 26
    # The digit shown pixel by pixel is one of the threes the filter asks for.
    assert at.selectbox(key="ds_index_of_digit").value == 18
    assert any("page 999 is outside 1–26: using 26." in i.value for i in at.info)
    at.selectbox(key="ds_digit@en").set_value(5).run()
    assert at.query_params["digit"] == "5"  # the address bar follows the filters
    # 892 fives make 23 pages: page 26 does not exist for them, the last one is shown
    assert at.number_input(key="ds_page").value == 23
    assert at.query_params["page"] == "23"


def test_the_dataset_page_names_its_file_but_not_the_servers_folders(page, mnist_path):
    at = page("dataset")
    captions = " ".join(seen(c.value) for c in at.caption)
    assert mnist_path.name in captions and str(mnist_path.parent) not in captions


def test_the_digit_shown_pixel_by_pixel_honours_the_filter(page):
    # Test image 17 is a 7: with the filter on 3s, the first 3 (#18) is shown.
    at = page("dataset", query=dict(split="test", digit="3", index="17"))
    assert at.selectbox(key="ds_index_of_digit").value == 18
    assert any("index 17 is not a 3" in i.value for i in at.info)
    at.selectbox(key="ds_digit@en").set_value("all").run()
    assert at.number_input(key="ds_index").value == 18


def test_a_link_naming_a_web_address_quotes_it_but_never_links_it(page):
    at = page("dataset", query=dict(map="http://evil.example/login", split="a@b.cd"))
    assert not at.exception
    quoted = "From the link: map 'http://evil.example/login' is not one of PCA"
    assert any(seen(i.value).startswith(quoted) for i in at.info)
    assert [m for m in markdowns(at) if linkable(m)] == []
