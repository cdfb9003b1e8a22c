import json
from pathlib import Path

import pytest

from discussion.demo import add_seed_comments

pytestmark = pytest.mark.django_db
SEED = Path(__file__).resolve().parents[2] / "site" / "demo" / "mayo-clinic-post.json"


def test_seed_comment_by_mezzo_is_approved_with_an_avatar_once(client, post):
    seed = (
        json.loads(SEED.read_text(encoding="utf-8"))
        if SEED.exists()
        else {"responses": [{"type": "comment", "author": "Mezzo", "text": "Clearly, Mayo is a trendsetter."}]}
    )
    assert add_seed_comments(post, seed) == 1
    assert add_seed_comments(post, seed) == 0
    html = client.get(post.url).content.decode()
    assert "One response to" in html
    assert '<bdi class="response-author">Mezzo</bdi>' in html
    assert "Clearly, Mayo is a trendsetter" in html
    assert '<span class="avatar" aria-hidden="true">M<img src="https://www.gravatar.com/avatar/' in html
