"""The whole path over real HTTP: xmlrpc.client's ServerProxy against Django's live server."""

import xmlrpc.client

import pytest

from discussion.models import Response
from tests.linkbacks.conftest import linking_page


@pytest.mark.django_db(transaction=True)
def test_pingback_over_real_http(live_server, web, post):
    source = web.page("/alice/post", linking_page(post.full_url))
    proxy = xmlrpc.client.ServerProxy(f"{live_server.url}/xmlrpc/")
    assert "registered" in proxy.pingback.ping(source, post.full_url)
    with pytest.raises(xmlrpc.client.Fault) as caught:
        proxy.pingback.ping(source, post.full_url)
    assert caught.value.faultCode == 0x30
    assert Response.objects.get().content == "[…] I just read this post and liked it. […]"
    with pytest.raises(xmlrpc.client.ProtocolError) as refused:
        proxy.pingback.ping("x" * 70_000, post.full_url)
    assert refused.value.errcode == 413
