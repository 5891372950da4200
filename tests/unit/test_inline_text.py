"""A lesson's one-line texts show their inline Markdown as styles, and nothing else as markup."""

from tuiconv.app.widgets.inline_text import inline_markdown


def spans(text):
    return [(text.plain[s.start : s.end], str(s.style)) for s in text.spans]


def test_bold_italic_and_code_lose_their_marks_and_gain_their_styles():
    text = inline_markdown("Edges **and** corners, *where* they sit, in `conv2:0`.")
    assert text.plain == "Edges and corners, where they sit, in conv2:0."
    assert spans(text) == [("and", "bold"), ("where", "italic"), ("conv2:0", "bold")]


def test_a_lone_star_a_product_and_rich_markup_stay_as_written():
    source = "2 * 3 = 6, a 3*3 kernel, [bold]not markup[/bold] and [@click=app.quit]q"
    text = inline_markdown(source)
    assert text.plain == source and spans(text) == []
