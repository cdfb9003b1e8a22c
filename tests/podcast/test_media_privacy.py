"""Private media stays private however its address is spelled; public media is still served.

The audit fetched a login-restricted document as ``/media/./documents/<name>``. Every spelling below
names a private file (a Wagtail document, an image rendition and an original image in a
login-restricted collection) or a public one; anonymous readers never get a private byte, and no
spelling is ever answered with a 500. Django's test client builds PATH_INFO the way gunicorn does
(percent-decoded, dot segments and doubled slashes left in place), so these are the paths the
view sees in production. (pytest-django's live server would not do: it serves /media/ itself.)
"""

import os

import pytest
from django.contrib.auth import get_user_model
from wagtail.images.models import Filter

from tests.builders import make_collection, make_document, make_image
from tests.podcast.builders import make_episode

pytestmark = pytest.mark.django_db


def spellings(name: str) -> list[str]:
    """The ways a hostile client can name ``folder/file`` below /media/ (dot segments, encodings, case…)."""
    folder, file = name.split("/", 1)
    return [
        f"/media/./{name}",
        f"/media/x/../{name}",
        f"/media/{folder}/./{file}",
        f"/media/podcast/../{folder}/{file}",
        f"/media/{folder}/../{folder}/{file}",
        f"/media/../media/{name}",
        f"/media/%2e/{name}",
        f"/media/%2E/{name}",
        f"/media/x/%2e%2e/{name}",
        f"/media/x/%2E%2e/{name}",
        f"/media/%2e%2e/media/{name}",
        f"/media/{folder}%2f{file}",
        f"/media/{folder}%2F{file}",
        f"/media/.%2f{name}",
        f"/media/x%2f..%2f{folder}%2f{file}",
        f"/media//{name}",
        f"/media/{folder}//{file}",
        f"/media/.//{folder}///{file}",
        f"/media/{name}/.",
        f"/media/{name}/",
        f"/media/{folder}\\{file}",
        f"/media/{folder}%5c{file}",
        f"/media/.\\{name}",
        f"/media/x\\..\\{name}",
        f"/media/x%5c..%5c{folder}%5c{file}",
        f"/media/{folder.upper()}/{file}",
        f"/media/{folder.capitalize()}/{file}",
        f"/media/{folder}/{file.upper()}",
        f"/media/{name}%00",
        f"/media/{name}%00.mp3",
        f"/media/%00/../{name}",
        f"/media/%252e/{name}",
        f"/media/x/%252e%252e/{name}",
        f"/media/{folder}%252f{file}",
        f"/media/%c0%ae/{name}",
        f"/media/x/%c0%ae%c0%ae/{name}",
        f"/media/{folder}%c0%af{file}",
        f"/media/{folder}./{file}",
        f"/media/{name}.",
        f"/media/%20{name}",
        f"/media/{name}%20",
    ]


@pytest.fixture
def private(blog_index):
    """A document, an original image and a rendition, all in a login-restricted collection."""
    collection = make_collection("Board only")
    document = make_document(collection, "minutes.pdf", b"%PDF-1.4 board secrets")
    image = make_image(collection, "plans.png")
    rendition = image.create_rendition(Filter("max-20x20"))
    return {"document": document.file.name, "original": image.file.name, "rendition": rendition.file.name}


@pytest.fixture
def public(blog_index, show):
    image = make_image(make_collection("Press", restriction=None), "logo.png")
    return {
        "rendition": image.create_rendition(Filter("max-20x20")).file.name,
        "audio": make_episode(show, seconds=1).audio_file.name,
    }


@pytest.fixture
def reader(db):
    return get_user_model().objects.create_user("reader", "reader@example.org", "a long password")


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


PRIVATE = ["document", "original", "rendition"]


@pytest.mark.parametrize("kind", PRIVATE)
def test_private_files_are_never_served_to_anonymous_readers_however_spelled(client, private, media_root, kind):
    name = private[kind]
    secret = (media_root / name).read_bytes()
    for url in [f"/media/{name}", *spellings(name)]:
        response = client.get(url)
        assert response.status_code in (400, 404), url
        assert secret not in content(response), url
        assert client.head(url).status_code in (400, 404), url
        assert client.get(url, headers={"Range": "bytes=0-3"}).status_code in (400, 404), url


@pytest.mark.parametrize("kind", ["rendition", "audio"])
def test_public_files_are_served_and_odd_spellings_never_fail_with_a_500(client, public, media_root, kind):
    name = public[kind]
    data = (media_root / name).read_bytes()
    response = client.get(f"/media/{name}")
    assert response.status_code == 200 and content(response) == data
    assert "public" in response["Cache-Control"]
    folder, file = name.split("/", 1)
    for url in (f"/media/./{name}", f"/media/x/../{name}", f"/media/%2e/{name}", f"/media/{folder}%2f{file}"):
        assert client.get(url).status_code == 200, url
    for url in spellings(name):
        assert client.get(url).status_code in (200, 400, 404), url


def test_a_signed_in_reader_gets_a_private_image_marked_private_for_caches(client, private, reader, media_root):
    client.force_login(reader)
    for kind in ("original", "rendition"):
        response = client.get(f"/media/{private[kind]}")
        assert response.status_code == 200
        assert content(response) == (media_root / private[kind]).read_bytes()
        assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
        assert "Cookie" in response["Vary"]


def test_documents_are_only_served_by_wagtail_which_checks_their_privacy(client, private, reader):
    from wagtail.documents import get_document_model

    document = get_document_model().objects.get()
    anonymous = client.get(document.url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    client.force_login(reader)
    assert client.get(f"/media/{private['document']}").status_code == 404
    signed_in = client.get(document.url)
    assert signed_in.status_code == 200 and content(signed_in) == b"%PDF-1.4 board secrets"


def test_a_symlink_to_a_private_folder_or_out_of_media_root_is_not_followed(client, private, media_root, tmp_path):
    os.symlink(media_root / "documents", media_root / "shortcut")
    os.symlink(media_root / "original_images", media_root / "pictures")
    (tmp_path / "outside.txt").write_bytes(b"outside")
    os.symlink(tmp_path / "outside.txt", media_root / "outside.txt")
    document_file = private["document"].split("/", 1)[1]
    image_file = private["original"].split("/", 1)[1]
    assert client.get(f"/media/shortcut/{document_file}").status_code == 404
    assert client.get(f"/media/pictures/{image_file}").status_code == 404
    assert client.get("/media/outside.txt").status_code == 404
