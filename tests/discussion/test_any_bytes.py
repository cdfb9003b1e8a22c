"""Any bytes posted to the comment form get an answer below 500, and a refusal stores nothing.

`test_hostile.py` fuzzes the form's fields; this sends whole bodies: raw bytes, forms in odd
charsets, broken multipart, with a valid time token or without.
"""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from discussion.models import Response, ResponseEvent
from tests.discussion.conftest import form_data, fresh_ip

pytestmark = pytest.mark.django_db

charsets = st.sampled_from(["utf-8", "utf-16", "latin-1", "rot13", "base64", "idna", "x-no-such", "UTF-7", "²", ""])
content_types = st.one_of(
    st.builds(lambda c: f"application/x-www-form-urlencoded; charset={c}", charsets),
    st.sampled_from(["multipart/form-data", "multipart/form-data; boundary=x", "multipart/form-data; boundary=",
                     "text/plain", "application/json", ""]),
)  # fmt: skip


def near_valid(page, overrides: dict, charset: str) -> bytes:
    fields = {**form_data(page), **overrides}
    try:
        return urlencode(fields, encoding=charset or "utf-8", errors="replace").encode("latin-1", "replace")
    except (LookupError, UnicodeError):  # rot13, idna…: not charsets a form can be encoded in
        return urlencode(fields).encode()


def multipart(boundary: str, chunk: bytes) -> bytes:
    return f"--{boundary}\r\nContent-Disposition: form-data; name=".encode() + chunk + f"\r\n--{boundary}--".encode()


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), content_type=content_types)
def test_any_comment_body(client, post, data, content_type):
    body = data.draw(
        st.one_of(
            st.binary(max_size=400),
            st.builds(
                lambda overrides, charset: near_valid(post, overrides, charset),
                st.dictionaries(
                    st.sampled_from(["author_name", "content", "parent", "token", "homepage"]),
                    st.text(max_size=50),
                    max_size=3,
                ),
                charsets,
            ),  # fmt: skip
            st.builds(multipart, st.sampled_from(["x", ""]), st.binary(max_size=100)),
        )
    )
    before = (Response.objects.count(), ResponseEvent.objects.count())
    reply = client.generic(
        "POST", reverse("discussion:post", args=[post.pk]), body, content_type=content_type, REMOTE_ADDR=fresh_ip()
    )
    assert reply.status_code < 500, reply.content[:300]
    if reply.status_code >= 400:
        assert (Response.objects.count(), ResponseEvent.objects.count()) == before
