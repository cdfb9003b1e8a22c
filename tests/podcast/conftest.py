import pytest

from tests.podcast.builders import make_show


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def show(blog_index):
    return make_show(blog_index)
