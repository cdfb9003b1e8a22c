"""The contracts that `make test` runs through import-linter (scripts/import_contracts.py)."""

from import_contracts import model_references, private_uses

APPS = {"blog", "linkbacks", "discussion"}


def test_another_apps_private_function_or_module_is_reported_with_its_line():
    source = "from linkbacks.fetch import get, _open\nfrom linkbacks._wire import frame\nimport linkbacks._wire\n"
    assert private_uses(source, "discussion", APPS) == [
        (1, "linkbacks.fetch._open"),
        (2, "linkbacks._wire.frame"),
        (3, "linkbacks._wire"),
    ]


def test_a_private_attribute_read_through_an_imported_module_is_reported():
    source = "from linkbacks import fetch as f\nimport blog.models\nf._open()\nblog.models._cache.clear()\n"
    assert private_uses(source, "discussion", APPS) == [(3, "f._open"), (4, "blog.models._cache")]


def test_own_app_dunders_and_other_packages_are_free():
    source = (
        "from discussion.moderation import _hold\nfrom linkbacks import __version__\n"
        "from django.db import _private\nimport httpx\nhttpx._client\n"
    )
    assert private_uses(source, "discussion", APPS) == []


def test_a_string_naming_another_apps_model_is_a_reference_to_it():
    source = (
        'subpage_types = ["blog.BlogPage", "podcast.PodcastPage"]\n'
        'page = ForeignKey("linkbacks.Outgoing")\n'
        'ID = "linkbacks.E001"\nHELP = "see blog.models"\n'
    )
    assert model_references(source, "blog", APPS | {"podcast"}) == [
        (1, "podcast", "podcast.PodcastPage"),
        (2, "linkbacks", "linkbacks.Outgoing"),
    ]
