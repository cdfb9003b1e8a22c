from django.http import HttpResponse
from django.test import RequestFactory

from config.proxy import ForwardedClientMiddleware


def client_address(settings, proxies: int, forwarded: str | None) -> str:
    settings.TRUSTED_PROXY_COUNT = proxies
    seen = {}

    def view(request):
        seen["ip"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    ForwardedClientMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", **headers))
    return seen["ip"]


def test_without_trusted_proxies_the_socket_address_is_the_client(settings):
    assert client_address(settings, 0, "203.0.113.9") == "10.0.0.2"


def test_one_trusted_proxy_gives_the_address_it_appended(settings):
    assert client_address(settings, 1, "198.51.100.7, 203.0.113.9") == "203.0.113.9"


def test_a_client_cannot_spoof_its_address_past_the_trusted_proxies(settings):
    assert client_address(settings, 2, "6.6.6.6, 198.51.100.7, 203.0.113.9") == "198.51.100.7"


def test_missing_header_keeps_the_socket_address(settings):
    assert client_address(settings, 1, None) == "10.0.0.2"
