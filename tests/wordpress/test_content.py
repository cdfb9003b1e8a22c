"""WordPress bodies to StreamField blocks: pure conversion, no database."""

from wordpress.content import NoMedia, convert, parse_blocks, shortcode_attrs


class Library(NoMedia):
    """Attachments 10 and 11 were imported as images 110 and 111; post 5 owns both."""

    def image_id(self, attachment_id, url):
        if attachment_id in ("10", "11"):
            return 100 + int(attachment_id)
        return 110 if url and "photo" in url else None

    def attachment_url(self, attachment_id):
        return f"https://old.example/files/{attachment_id}.jpg"

    def gallery(self, post_id):
        return ["10", "11"] if post_id == "5" else []


def types(conversion):
    return [block["type"] for block in conversion.blocks]


def test_classic_blank_lines_become_paragraphs_and_single_newlines_breaks():
    result = convert("First line\nsecond line\n\nNext paragraph with <strong>bold</strong>.")
    assert types(result) == ["paragraph"]
    assert result.blocks[0]["value"] == (
        "<p>First line<br/>second line</p><p>Next paragraph with <strong>bold</strong>.</p>"
    )
    assert result.notes == []


def test_caption_shortcode_becomes_an_image_block_with_its_caption():
    body = (
        'Before.\n\n[caption id="attachment_10" align="aligncenter" width="640"]<a href="https://old.example/x">'
        '<img class="size-full wp-image-10" src="https://old.example/files/10.jpg" alt="A pier" /></a> '
        "Bell on the wharf[/caption]\n\nAfter."
    )
    result = convert(body, Library())
    assert types(result) == ["paragraph", "image", "paragraph"]
    assert result.blocks[1]["value"] == {"image": 110, "alt_text": "A pier", "caption": "Bell on the wharf"}


def test_caption_attribute_wins_over_inner_text():
    body = '[caption id="" caption="From the attribute"]<img src="https://old.example/photo.jpg" alt="" />[/caption]'
    assert convert(body, Library()).blocks == [
        {"type": "image", "value": {"image": 110, "alt_text": "", "caption": "From the attribute"}}
    ]


def test_gallery_with_ids_and_gallery_of_the_posts_own_images():
    assert types(convert('[gallery columns="2" ids="11,10"]', Library())) == ["image", "image"]
    assert [b["value"]["image"] for b in convert("[gallery]", Library(), post_id="5").blocks] == [110, 111]
    assert [b["value"]["image"] for b in convert('[gallery exclude="10"]', Library(), post_id="5").blocks] == [111]


def test_gallery_image_not_imported_stays_remote_and_is_noted():
    result = convert('[gallery ids="12"]', Library())
    remote = '<p><img src="https://old.example/files/12.jpg" alt=""/></p>'
    assert result.blocks == [{"type": "paragraph", "value": remote}]
    assert "image left remote (not imported)" in result.notes


def test_embed_shortcode_and_a_bare_provider_url_on_its_own_line_become_embeds():
    body = "[embed width=500]https://vimeo.com/12345[/embed]\n\nWatch:\nhttps://www.youtube.com/watch?v=abc123\n\nEnd."
    result = convert(body)
    assert types(result) == ["embed", "paragraph", "embed", "paragraph"]
    assert result.blocks[0]["value"] == "https://vimeo.com/12345"
    assert result.blocks[2]["value"] == "https://www.youtube.com/watch?v=abc123"


def test_a_bare_url_no_provider_claims_stays_text():
    result = convert("See\nhttps://example.com/some/page\n")
    assert types(result) == ["paragraph"]
    assert "https://example.com/some/page" in result.blocks[0]["value"]


def test_other_shortcodes_are_kept_as_text_and_noted():
    result = convert("[audio https://old.example/song.mp3]")
    assert "[audio https://old.example/song.mp3]" in result.blocks[0]["value"]
    assert result.notes == ["shortcode [audio] kept as text"]


def test_blockquote_with_cite_becomes_a_quote_block():
    body = "<blockquote><p>Only one thing is impossible.</p><cite>Mark Twain</cite></blockquote>"
    assert convert(body).blocks == [
        {"type": "quote", "value": {"text": "Only one thing is impossible.", "attribution": "Mark Twain"}}
    ]


def test_pre_becomes_a_code_block_with_entities_decoded():
    result = convert('<pre class="language-python">if a &lt; b:\n    print("&amp;")</pre>')
    assert result.blocks == [{"type": "code", "value": {"language": "python", "code": 'if a < b:\n    print("&")'}}]


def test_table_is_kept_as_sanitised_html_and_listed():
    result = convert("<table><tr><td onclick='x()'>1</td></tr></table>")
    assert result.blocks[0]["type"] == "paragraph"
    assert "<td>1</td>" in result.blocks[0]["value"] and "onclick" not in result.blocks[0]["value"]
    assert "<table> kept as sanitised HTML" in result.notes


def test_script_is_removed_and_that_is_said():
    result = convert("<p>Hi</p><script>alert(1)</script><iframe src='https://evil.example'></iframe>")
    assert "alert" not in str(result.blocks) and "iframe" not in str(result.blocks)
    assert any("unsafe markup removed" in note for note in result.notes)


def test_gutenberg_blocks_map_to_stream_blocks():
    body = """<!-- wp:paragraph -->
<p>Intro with <a href="https://example.com">a link</a>.</p>
<!-- /wp:paragraph -->

<!-- wp:image {"id":10,"sizeSlug":"large"} -->
<figure class="wp-block-image size-large"><img src="https://old.example/files/10-1024x768.jpg" alt="Wharf"
 class="wp-image-10"/><figcaption>A caption</figcaption></figure>
<!-- /wp:image -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><p>Gutenberg is more than an editor.</p><cite>The Team</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:code -->
<pre class="wp-block-code"><code>&lt;?php echo 1; ?&gt;</code></pre>
<!-- /wp:code -->

<!-- wp:core-embed/youtube {"url":"https://youtu.be/ex8fMxXJDJw","type":"video"} -->
<figure class="wp-block-embed-youtube"><div class="wp-block-embed__wrapper">
https://youtu.be/ex8fMxXJDJw
</div></figure>
<!-- /wp:core-embed/youtube -->

<!-- wp:latest-posts /-->

<!-- wp:columns -->
<div class="wp-block-columns"><!-- wp:column -->
<div class="wp-block-column"><!-- wp:paragraph -->
<p>Left column</p>
<!-- /wp:paragraph --></div>
<!-- /wp:column --></div>
<!-- /wp:columns -->"""
    result = convert(body, Library())
    assert types(result) == ["paragraph", "image", "quote", "code", "embed", "paragraph"]
    assert result.blocks[1]["value"] == {"image": 110, "alt_text": "Wharf", "caption": "A caption"}
    assert result.blocks[2]["value"] == {"text": "Gutenberg is more than an editor.", "attribution": "The Team"}
    assert result.blocks[3]["value"]["code"] == "<?php echo 1; ?>"
    assert result.blocks[4]["value"] == "https://youtu.be/ex8fMxXJDJw"
    assert "Left column" in result.blocks[5]["value"]
    assert any("wp:latest-posts" in note for note in result.notes)
    assert any("wp:columns" in note for note in result.notes)


def test_newer_quote_blocks_with_inner_paragraph_blocks():
    body = (
        '<!-- wp:quote --><blockquote class="wp-block-quote"><!-- wp:paragraph --><p>Inner.</p><!-- /wp:paragraph -->'
        "<cite>Someone</cite></blockquote><!-- /wp:quote -->"
    )
    assert convert(body).blocks == [{"type": "quote", "value": {"text": "Inner.", "attribution": "Someone"}}]


def test_block_parser_keeps_freeform_html_and_unclosed_blocks():
    nodes = parse_blocks('Classic text<!-- wp:paragraph {"x":1} --><p>A</p>')
    assert nodes[0] == "Classic text"
    assert nodes[1].name == "paragraph" and nodes[1].attrs == {"x": 1} and nodes[1].full == "<p>A</p>"


def test_shortcode_attributes_parse_like_wordpress():
    assert shortcode_attrs(" id=\"attachment_5\" align='left' width=300 https://x.example/a.mp3") == {
        "id": "attachment_5",
        "align": "left",
        "width": "300",
        "0": "https://x.example/a.mp3",
    }


def test_more_and_nextpage_markers_are_dropped_without_losing_text():
    result = convert("Part one<!--more-->\n\nPart two\n<!--nextpage-->\nPart three")
    assert "Part one" in result.blocks[0]["value"] and "Part three" in result.blocks[0]["value"]
    assert "more" not in result.blocks[0]["value"]


def test_audio_video_and_iframes_become_links_to_what_they_played():
    body = (
        '<!-- wp:audio {"id":821} --><figure class="wp-block-audio"><audio controls src="https://old.example/a.mp3">'
        "</audio></figure><!-- /wp:audio -->"
        '<!-- wp:html --><iframe data-src="x" src="https://player.example/v/1"></iframe><!-- /wp:html -->'
    )
    result = convert(body)
    assert 'href="https://old.example/a.mp3"' in result.blocks[0]["value"]
    assert 'href="https://player.example/v/1"' in result.blocks[0]["value"]
    assert "<audio" not in str(result.blocks) and "<iframe" not in str(result.blocks)
    assert "<audio> replaced by a link to what it played" in result.notes


def test_reusable_blocks_are_written_out_where_they_are_used():
    reusable = {
        "42": "<!-- wp:paragraph --><p>Shared words.</p><!-- /wp:paragraph -->",
        "43": '<!-- wp:block {"ref":43} /-->',
    }
    result = convert('<!-- wp:block {"ref":42} /--><!-- wp:block {"ref":43} /-->', reusable=reusable)
    assert result.blocks == [{"type": "paragraph", "value": "<p>Shared words.</p>"}]
    assert result.notes == ["reusable block 43 includes itself; written out once"]
    assert convert('<!-- wp:block {"ref":7} /-->').notes == ["reusable block 7 is not in the export"]


def test_an_image_between_lines_of_text_keeps_its_place():
    result = convert('Before the picture\n<img src="https://old.example/photo.jpg" alt="P">\nafter it.', Library())
    assert types(result) == ["paragraph", "image", "paragraph"]
    assert "Before" in result.blocks[0]["value"] and "after it." in result.blocks[2]["value"]
