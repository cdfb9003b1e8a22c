"""Pingback 1.0 over a deliberately small XML-RPC server.

Three methods and nothing else (no ``system.multicall``, the amplifier behind WordPress's pingback
DoS). The body is capped before parsing, DOCTYPE and entity declarations are refused outright, the
element tree is bounded in depth and size by a first expat pass, and only then does the stdlib
unmarshaller (with defusedxml's patch installed at startup) read it. Faults use the spec's codes;
malformed calls use the XML-RPC interoperability codes (-32700 and friends), never a blanket 0.

``pingback.ping`` verifies the source within the request, because the spec's answer (registered,
or fault 0x10/0x11/…) depends on it; the fetch is bounded by LINKBACK_REQUEST_BUDGET (whole fetch,
see ``receiving.verify``) and each client address and source host is rate-limited first.
"""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Callable
from xml.parsers import expat

from discussion import moderation
from discussion.models import Response, takes_linkbacks

from . import receiving

MAX_BODY = 64 * 1024
MAX_DEPTH = 32
MAX_ELEMENTS = 2_000

PARSE_ERROR = -32700
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602


class MalformedCall(Exception):
    """The body is not an XML-RPC call we are willing to parse (answered with HTTP 400)."""


def _scan(body: bytes) -> None:
    """Refuse DTDs and entities, and bound depth and element count, before the real parse."""
    parser = expat.ParserCreate()
    state = {"depth": 0, "elements": 0}

    def start(name, attrs):
        state["depth"] += 1
        state["elements"] += 1
        if state["depth"] > MAX_DEPTH:
            raise MalformedCall(f"The XML is nested more than {MAX_DEPTH} levels deep.")
        if state["elements"] > MAX_ELEMENTS:
            raise MalformedCall(f"The XML has more than {MAX_ELEMENTS} elements.")

    def end(name):
        state["depth"] -= 1

    def refuse_doctype(*args):
        raise MalformedCall("DOCTYPE declarations are not allowed in XML-RPC calls.")

    def refuse_entity(*args):
        raise MalformedCall("Entity declarations and references are not allowed in XML-RPC calls.")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_entity
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(body, True)
    except expat.ExpatError as error:
        raise MalformedCall(f"The body is not well-formed XML ({expat.ErrorString(error.code)}).") from None
    except (LookupError, ValueError):  # expat's answer to encoding="UTF-7", "utf-32" or an unknown name
        raise MalformedCall("The body declares an encoding this server cannot read; send UTF-8.") from None


def parse_call(body: bytes) -> tuple[str, tuple]:
    """Method name and parameters of an XML-RPC call; MalformedCall for anything else."""
    if len(body) > MAX_BODY:
        raise MalformedCall(f"The request body is larger than {MAX_BODY:,} bytes.")
    _scan(body)
    try:
        params, method = xmlrpc.client.loads(body, use_builtin_types=False)
    except Exception as error:  # expat, defusedxml and unmarshaller errors all mean the same here
        raise MalformedCall(f"The body is not a valid XML-RPC call ({type(error).__name__}).") from None
    if not method:
        raise MalformedCall("The body is an XML-RPC response, not a call.")
    return method, params


def fault(code: int, message: str) -> bytes:
    return xmlrpc.client.dumps(xmlrpc.client.Fault(code, message), methodresponse=True).encode("utf-8")


def success(value) -> bytes:
    return xmlrpc.client.dumps((value,), methodresponse=True, allow_none=False).encode("utf-8")


# --- methods ----------------------------------------------------------------------------------------


def _strings(params: tuple, count: int, signature: str) -> tuple[str, ...]:
    if len(params) != count or not all(isinstance(param, str) for param in params):
        raise xmlrpc.client.Fault(INVALID_PARAMS, f"Invalid parameters: the method takes {signature}.")
    return tuple(param.strip() for param in params)


def ping(params: tuple, context: moderation.RequestContext) -> str:
    source, target = _strings(params, 2, "two strings, sourceURI and targetURI")
    receiving.check_source(source)
    receiving.throttle(context.ip, source)
    receiving.check_not_same(source, target)
    page = receiving.accepting_page(target)
    receiving.check_not_registered(page, source)
    verified = receiving.verify(source, target, page=page, in_request=True)
    response = receiving.new_response(Response.Kind.PINGBACK, page, verified)
    receiving.submit(response, context)
    return f"Pingback from {source} to {target} registered. Keep the web talking! :-)"


def get_pingbacks(params: tuple, context: moderation.RequestContext) -> list[str]:
    (url,) = _strings(params, 1, "one string, the URL of a page")
    page = receiving.find_page(url)
    if not takes_linkbacks(page):
        raise receiving.TargetRefused(f"{url} is not a post or episode, so it has no pingbacks.")
    sources = page.responses.filter(kind=Response.Kind.PINGBACK, status=Response.Status.APPROVED)
    return list(sources.values_list("source_url", flat=True))


def list_methods(params: tuple, context: moderation.RequestContext) -> list[str]:
    return sorted(METHODS)


METHODS: dict[str, Callable[[tuple, moderation.RequestContext], object]] = {
    "pingback.ping": ping,
    "pingback.extensions.getPingbacks": get_pingbacks,
    "system.listMethods": list_methods,
}


def dispatch(method: str, params: tuple, context: moderation.RequestContext) -> bytes:
    """Run one call; every failure becomes a fault with its proper code and a readable message."""
    handler = METHODS.get(method)
    if handler is None:
        return fault(METHOD_NOT_FOUND, f"The method {method[:100]!r} is not supported here.")
    try:
        return success(handler(params, context))
    except xmlrpc.client.Fault as error:
        return fault(error.faultCode, error.faultString)
    except receiving.LinkbackError as error:
        return fault(error.fault_code, error.message)
