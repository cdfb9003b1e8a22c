import pytest

from tests.builders import make_author, make_blog_index, make_post

pytest_plugins = ["tests.browser"]


@pytest.fixture
def blog_index(db):
    return make_blog_index()


@pytest.fixture
def author(db):
    return make_author()


@pytest.fixture
def post(blog_index, author):
    return make_post(blog_index, "Hello world", intro="A first post.", authors=[author], tags=["greeting"])
