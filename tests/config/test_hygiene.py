import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/a%00b/", "/media/podcast/a%00b.mp3", "/search/?q=a%00b", "/feed/?x=%00", "/category/%00/feed/", "/?p=1%00"],
)
def test_nul_characters_are_a_clear_400_not_a_database_error(client, blog_index, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
