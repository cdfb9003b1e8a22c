from syndication.links import absolutize


def test_relative_links_and_images_become_absolute():
    html = '<p><a href="/a/">a</a> <img src="../media/b.jpg" alt=""> <a href="x/">x</a></p>'
    assert absolutize(html, "https://blog.example/2024/post/") == (
        '<p><a href="https://blog.example/a/">a</a> <img src="https://blog.example/2024/media/b.jpg" alt=""> '
        '<a href="https://blog.example/2024/post/x/">x</a></p>'
    )


def test_absolute_fragment_and_mail_links_are_left_alone():
    html = '<a href="https://e.org/">e</a><a href="#top">t</a><a href="mailto:a@b.c">m</a>'
    assert absolutize(html, "https://blog.example/") == html


def test_text_without_links_is_returned_unchanged():
    assert absolutize("<p>Plain &amp; simple</p>", "https://blog.example/") == "<p>Plain &amp; simple</p>"
