"""The Prepare page: the tutorial's steps on the real arrays."""


def test_prepare_page_walks_through_the_tutorials_steps(page):
    at = page("prepare")
    assert not at.exception
    shapes = at.dataframe[0].value
    assert shapes.set_index("array").loc["x_train", "shape"] == "(60000, 28, 28)"
    assert any("[5, 0, 4, 1, 9, 2, 1, 3, 1, 4]" in m.value for m in at.markdown)
    one_hot = at.dataframe[1].value
    assert one_hot.values.tolist() == [[0, 0, 0, 0, 0, 1, 0, 0, 0, 0]]  # label 5
    at.number_input(key="prep_index").set_value(1).run()
    assert at.dataframe[1].value.values.tolist()[0][0] == 1  # digit 1 is a 0
