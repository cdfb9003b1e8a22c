"""Attachments downloaded through the guarded fetch from a real server on 127.0.0.1; failures are named."""

import dataclasses
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from tests.wordpress.test_import import imported, item
from wordpress.importer import import_wordpress

pytestmark = pytest.mark.django_db
OLD_FILES = "https://wpthemetestdata.files.wordpress.com"


def jpeg() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 80, 20)).save(buffer, "JPEG")
    return buffer.getvalue()


class Files(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        Files.requests.append(self.path)
        if "missing" in self.path:
            self.send_error(404)
            return
        body = jpeg() if self.path.endswith((".jpg", ".jpeg")) else b"ID3\x03fake audio"
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg" if self.path.endswith(".jpg") else "audio/mpeg")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def file_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Files.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def local_export(export, file_server, settings, tmp_path):
    """Posts with a featured image, a gallery, a caption and an audio file; their files served locally."""
    settings.MEDIA_ROOT = tmp_path

    def local(wp_item):
        moved = {f: getattr(wp_item, f).replace(OLD_FILES, file_server) for f in ("content", "attachment_url", "guid")}
        return dataclasses.replace(wp_item, **moved)

    posts = {"1011", "555", "587", "1163"}
    items = [
        local(i)
        for i in export.items
        if i.post_id in posts
        or (i.post_type == "attachment" and (i.parent_id in posts or i.post_id in {"1022", "1628"}))
    ]
    broken = dataclasses.replace(item(export, "1686"), attachment_url=f"{file_server}/missing.jpg", parent_id="0")
    private = dataclasses.replace(item(export, "1690"), attachment_url="http://10.20.30.40/inside.jpg", parent_id="0")
    return dataclasses.replace(export, items=items + [broken, private])


def test_featured_images_gallery_and_enclosure_are_downloaded(blog_index, local_export):
    attachments = [i for i in local_export.items if i.post_type == "attachment"]
    summary = import_wordpress(local_export, into=blog_index)
    assert summary.count("attachments", "created") == len(attachments) - 2, summary.table()
    featured = imported("post", "1011").specific.featured_image
    assert featured.title == "Horizontal Featured Image" and featured.width == 40
    gallery = imported("post", "555").specific
    images = [block.value["image"] for block in gallery.body if block.block_type == "image"]
    own = [i for i in local_export.items if i.post_type == "attachment" and i.parent_id == "555"]
    assert len(images) == 10 * len(own) and all(images)  # ten [gallery] shortcodes of the post's own images
    audio = imported("post", "587").specific
    assert audio.attachment.title == "St. Louis Blues" and audio.attachment.file.read().startswith(b"ID3")
    caption = imported("post", "1163").specific
    assert caption.featured_image.title == "triforce-wallpaper"


def test_files_that_cannot_be_fetched_are_named_and_left_remote(blog_index, local_export):
    summary = import_wordpress(local_export, into=blog_index)
    table = summary.table()
    assert summary.count("attachments", "failed") == 2
    assert "attachment 1686" in table and "missing.jpg answered with HTTP 404" in table
    assert "attachment 1690" in table and "10.20.30.40, which is not a public internet address" in table
    assert not any("inside" in path for path in Files.requests)


def test_second_run_downloads_nothing_again(blog_index, local_export):
    import_wordpress(local_export, into=blog_index)
    images, documents, fetched = (
        get_image_model().objects.count(),
        get_document_model().objects.count(),
        len(Files.requests),
    )
    summary = import_wordpress(local_export, into=blog_index)
    assert summary.count("attachments", "unchanged") == images + documents
    assert summary.count("posts", "unchanged") == 4
    assert (get_image_model().objects.count(), get_document_model().objects.count()) == (images, documents)
    assert len(Files.requests) == fetched + 1  # only the missing file is tried again


def test_no_media_leaves_files_on_the_old_site(blog_index, local_export):
    summary = import_wordpress(local_export, into=blog_index, fetch_media=False)
    assert Files.requests == [] and get_image_model().objects.count() == 0
    attachments = [i for i in local_export.items if i.post_type == "attachment"]
    assert summary.count("attachments", "skipped") == len(attachments)
    post = imported("post", "1163").specific
    assert post.featured_image is None
    assert "featured image (attachment 1628) not imported" in summary.table()
