"""SAFEFETCH_* settings come from the environment; the older LINKBACK_* names still work as aliases."""

import pytest

from tests.config.test_settings import manage

PRINT = (
    "from django.conf import settings as s; "
    "print(s.SAFEFETCH_ALLOWED_NETWORKS, s.SAFEFETCH_TIMEOUT, s.SAFEFETCH_DEADLINE, "
    "s.SAFEFETCH_MAX_BYTES, s.SAFEFETCH_MAX_REDIRECTS)"
)
CLEAR = {"SAFEFETCH_ALLOWED_NETWORKS": "", "DEBUG": "true"}


def settings_with(**env: str) -> str:
    result = manage("shell", "-c", PRINT, **{**CLEAR, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_defaults_when_nothing_is_set():
    assert settings_with() == "[] 3.0 5.0 1000000 5"


def test_the_old_linkback_names_are_read_when_the_new_ones_are_not_set():
    printed = settings_with(
        LINKBACK_ALLOWED_NETWORKS="10.0.0.0/8",
        LINKBACK_FETCH_TIMEOUT="2",
        LINKBACK_FETCH_DEADLINE="7.5",
        LINKBACK_FETCH_MAX_BYTES="5000",
        LINKBACK_FETCH_MAX_REDIRECTS="2",
    )
    assert printed == "['10.0.0.0/8'] 2.0 7.5 5000 2"


def test_the_new_names_win_over_the_old_ones():
    printed = settings_with(
        SAFEFETCH_ALLOWED_NETWORKS="192.168.0.0/16",
        LINKBACK_ALLOWED_NETWORKS="10.0.0.0/8",
        SAFEFETCH_DEADLINE="9",
        LINKBACK_FETCH_DEADLINE="7.5",
    )
    assert printed == "['192.168.0.0/16'] 3.0 9.0 1000000 5"


@pytest.mark.parametrize("name", ["SAFEFETCH_TIMEOUT", "LINKBACK_FETCH_DEADLINE"])
def test_a_value_that_is_not_a_number_is_a_clear_error(name):
    result = manage("check", **{**CLEAR, name: "soon"})
    assert result.returncode != 0 and f"{name} must be a number, not 'soon'" in result.stderr
