import xmlrpc.client

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fast_fetch(settings):
    """Short limits so hostile sources fail in a second or two; fresh rate-limit counters per test."""
    settings.SAFEFETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.SAFEFETCH_TIMEOUT = 1.0
    settings.SAFEFETCH_DEADLINE = 1.0
    settings.SAFEFETCH_MAX_BYTES = 100_000
    cache.clear()
    yield settings
    cache.clear()


class DjangoTransport(xmlrpc.client.Transport):
    """xmlrpc.client speaking to the Django test client instead of a socket."""

    def __init__(self, client):
        super().__init__()
        self.client = client
        self.last = None

    def request(self, host, handler, request_body, verbose=False):
        self.last = self.client.post(handler, request_body, content_type="text/xml")
        if self.last.status_code != 200:
            raise xmlrpc.client.ProtocolError(host + handler, self.last.status_code, self.last.content.decode(), {})
        parser, unmarshaller = self.getparser()
        parser.feed(self.last.content)
        parser.close()
        return unmarshaller.close()


@pytest.fixture
def rpc(client):
    return xmlrpc.client.ServerProxy("http://testserver/xmlrpc/", transport=DjangoTransport(client))


def linking_page(
    target: str,
    *,
    before: str = "I just read",
    text: str = "this post",
    after: str = "and liked it.",
    title: str = "Alice’s blog",
) -> str:
    return (
        f'<html><head><title>{title}</title></head><body><article><p>{before} <a href="{target}">{text}</a> '
        f"{after}</p></article></body></html>"
    )
