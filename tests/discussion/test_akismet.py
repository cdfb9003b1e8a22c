"""Akismet: verdicts, failures that never lose a comment, rechecks with backoff, spam/ham reports."""

from datetime import datetime, timedelta
from urllib.parse import parse_qs

import httpx
import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from discussion import moderation, tasks
from discussion.models import Response
from tests.discussion.conftest import form_data, post_comment

pytestmark = pytest.mark.django_db
THANKS = "Thanks for making the web a better place."


def form(request: httpx.Request) -> dict:
    return {key: values[0] for key, values in parse_qs(request.content.decode()).items()}


def answering(body: str, headers: dict | None = None, status: int = 200):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(("submit-spam", "submit-ham")):
            return httpx.Response(200, text=THANKS)
        return httpx.Response(status, text=body, headers=headers or {})

    return handler


def actions(response: Response) -> list[str]:
    return list(response.history.values_list("action", flat=True))


# Every argument the issue names for comment-check; the test below asserts each one's value on the wire.
NAMED_ARGUMENTS = {
    "user_ip",
    "user_agent",
    "referrer",
    "permalink",
    "comment_type",
    "comment_author",
    "comment_author_email",
    "comment_author_url",
    "comment_content",
    "comment_date_gmt",
    "comment_post_modified_gmt",
    "blog_lang",
    "blog_charset",
    "honeypot_field_name",
    "is_test",
}


def test_comment_check_sends_the_full_context(client, post, akismet_http):
    seen = akismet_http(answering("false"))
    before = timezone.now().replace(microsecond=0)
    reply = client.post(
        reverse("discussion:post", args=[post.pk]),
        form_data(post, author_url="https://mezzo.example"),
        REMOTE_ADDR="198.51.100.7",
        HTTP_USER_AGENT="Mozilla/5.0 (test)",
        HTTP_REFERER="http://testserver/hello-world/",
    )
    assert reply.status_code == 303
    [request] = seen
    assert str(request.url) == "https://rest.akismet.com/1.1/comment-check"
    sent = form(request)
    assert sent["user_ip"] == "198.51.100.7"
    assert sent["user_agent"] == "Mozilla/5.0 (test)"
    assert sent["permalink"] == post.full_url
    assert sent["comment_type"] == "comment"
    assert sent["comment_author"] == "Mezzo"
    assert sent["comment_author_email"] == "mezzo@example.com"
    assert sent["comment_author_url"] == "https://mezzo.example"
    assert sent["comment_content"] == "What a lovely post."
    assert sent["blog_lang"] == "en_US" and sent["blog_charset"] == "UTF-8"
    assert sent["honeypot_field_name"] == "homepage"
    assert sent["is_test"] == "1"
    assert sent["referrer"] == "http://testserver/hello-world/"
    sent_at = datetime.fromisoformat(sent["comment_date_gmt"])
    assert sent_at.utcoffset() == timedelta(0) and before <= sent_at <= timezone.now()
    post.refresh_from_db()
    modified = datetime.fromisoformat(sent["comment_post_modified_gmt"])
    assert modified.utcoffset() == timedelta(0) and modified == post.last_published_at
    assert sent["blog"] == "http://testserver/"
    assert set(sent) >= NAMED_ARGUMENTS, NAMED_ARGUMENTS - set(sent)
    assert set(sent) - NAMED_ARGUMENTS == {"blog", "api_key"} and sent["api_key"] == "test-akismet-key"
    response = Response.objects.get()
    assert response.akismet_payload["user_ip"] == "198.51.100.7"
    assert response.akismet_result == "ham" and response.status == "approved"


def test_is_test_is_left_out_in_production(client, post, akismet_http, settings):
    settings.AKISMET_IS_TEST = False
    seen = akismet_http(answering("false"))
    post_comment(client, post)
    assert "is_test" not in form(seen[0])


def test_ham_lets_the_rules_decide(client, post, akismet_says):
    akismet_says("ham")
    post_comment(client, post, content="two links https://a.example https://b.example")
    response = Response.objects.get()
    assert response.status == "pending"
    assert actions(response) == ["status-pending", "check-ham", "held", "moderators-notified"]


def test_spam_goes_to_the_spam_folder(client, post, akismet_says, mailoutbox):
    akismet_says("spam")
    assert post_comment(client, post).status_code == 303
    response = Response.objects.get()
    assert response.status == "spam" and not response.akismet_discard
    assert actions(response) == ["status-pending", "check-spam", "status-spam"]
    assert "What a lovely post." not in client.get(post.url).content.decode()
    assert mailoutbox == []


def test_discard_is_spam_flagged(client, post, akismet_says):
    akismet_says("discard")
    post_comment(client, post)
    response = Response.objects.get()
    assert response.status == "spam" and response.akismet_discard
    assert "check-discard" in actions(response)


def test_discard_is_dropped_only_when_strict(client, post, akismet_http, settings):
    settings.AKISMET_STRICT_DISCARD = True
    akismet_http(answering("true", {"X-akismet-pro-tip": "discard"}))
    reply = post_comment(client, post)
    assert reply.status_code == 303
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "handler",
    [
        answering("", status=503),
        answering("maybe"),
        answering("invalid"),
        pytest.param("timeout", id="timeout"),
        pytest.param("refused", id="unreachable"),
    ],
)
def test_akismet_failure_keeps_the_comment_pending_and_schedules_a_recheck(
    client, post, akismet_http, handler, mailoutbox
):
    if handler == "timeout":

        def handler(request):
            raise httpx.ReadTimeout("slow", request=request)
    elif handler == "refused":

        def handler(request):
            raise httpx.ConnectError("refused", request=request)

    akismet_http(handler)
    assert post_comment(client, post, content="Keep me").status_code == 303
    response = Response.objects.get()
    assert response.status == "pending" and response.akismet_result == "error"
    assert actions(response) == ["status-pending", "check-error", "recheck-scheduled"]
    assert response.akismet_next_check_at > timezone.now() + timedelta(minutes=19)
    assert mailoutbox == [], "the moderator email waits for the recheck, as Akismet's plugin does"
    assert "Keep me" in client.get(post.url).content.decode(), "the author sees it, awaiting moderation"


def test_the_client_has_a_short_timeout(settings):
    from discussion import akismet

    settings.AKISMET_TIMEOUT = 1.5
    client, http = akismet._client()
    assert http.timeout.read == 1.5
    http.close()


def test_every_call_verifies_tls_with_one_context_made_once():
    import ssl

    from discussion import deadline

    first, second = deadline.DeadlineTransport(1.0), deadline.DeadlineTransport(1.0)
    context = first._pool._ssl_context
    assert context is second._pool._ssl_context, "the CA bundle is loaded once, not per call"
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0


def test_no_key_keeps_pending_and_emails_moderators(client, post, settings, akismet_http, mailoutbox):
    settings.AKISMET_API_KEY = ""
    seen = akismet_http(lambda request: pytest.fail("no key: no request"))
    post_comment(client, post)
    response = Response.objects.get()
    assert response.status == "pending"
    assert actions(response)[:3] == ["check-unconfigured", "status-pending", "recheck-scheduled"]
    assert seen == []
    assert [m.to for m in mailoutbox] == [["mod@example.com"]]


def test_no_key_can_let_the_rules_decide(client, post, settings):
    settings.AKISMET_API_KEY = ""
    settings.DISCUSSION_HOLD_WITHOUT_AKISMET = False
    post_comment(client, post)
    assert Response.objects.get().status == "approved"


def failed_response(client, post, akismet_http) -> Response:
    akismet_http(answering("", status=503))
    post_comment(client, post)
    return Response.objects.get()


def test_recheck_ham_approves(client, post, akismet_http, mailoutbox):
    response = failed_response(client, post, akismet_http)
    seen = akismet_http(answering("false"))
    assert tasks.check_response.call(response.pk) == "approved"
    response.refresh_from_db()
    assert response.status == "approved" and response.akismet_result == "ham"
    assert form(seen[0])["recheck_reason"] == "retry"
    assert "recheck-ham" in actions(response)


def test_recheck_spam_moves_to_spam_without_reporting(client, post, akismet_http):
    response = failed_response(client, post, akismet_http)
    seen = akismet_http(answering("true"))
    assert tasks.check_response.call(response.pk) == "spam"
    response.refresh_from_db()
    assert response.status == "spam"
    assert [r.url.path for r in seen] == ["/1.1/comment-check"]


def test_recheck_ham_but_held_by_rules_emails_moderators(client, post, akismet_http, mailoutbox):
    akismet_http(answering("", status=503))
    post_comment(client, post, content="https://a.example https://b.example")
    response = Response.objects.get()
    akismet_http(answering("false"))
    assert tasks.check_response.call(response.pk) == "pending"
    assert len(mailoutbox) == 1 and "Please moderate" in mailoutbox[0].subject


def test_recheck_backs_off_while_akismet_stays_down(client, post, akismet_http, settings):
    settings.AKISMET_BREAKER_FAILURES = 100  # the back-off itself; with the breaker, tests/discussion/test_outage.py
    response = failed_response(client, post, akismet_http)
    delays = []
    for _ in range(6):
        before = timezone.now()
        assert tasks.check_response.call(response.pk) == "still unreachable"
        response.refresh_from_db()
        delays.append(round((response.akismet_next_check_at - before).total_seconds() / 60))
    assert delays == [40, 80, 160, 320, 360, 360]
    assert response.status == "pending"


def test_recheck_gives_up_after_15_days_and_keeps_the_comment(client, post, akismet_http, mailoutbox):
    response = failed_response(client, post, akismet_http)
    Response.objects.filter(pk=response.pk).update(created_at=timezone.now() - timedelta(days=15, minutes=1))
    seen = akismet_http(lambda request: pytest.fail("no more checks"))
    assert tasks.check_response.call(response.pk) == "gave up"
    response.refresh_from_db()
    assert response.status == "pending" and response.akismet_next_check_at is None
    assert "recheck-gave-up" in actions(response)
    assert seen == [] and len(mailoutbox) == 1
    assert tasks.check_response.call(response.pk) == "nothing to do"


def test_recheck_skips_responses_a_moderator_already_handled(client, post, akismet_http, admin_user):
    response = failed_response(client, post, akismet_http)
    moderation.set_status(response, "approved", actor=admin_user)
    assert tasks.check_response.call(response.pk) == "nothing to do"


def test_recheck_due_runs_only_due_ones(client, post, akismet_http):
    response = failed_response(client, post, akismet_http)
    akismet_http(answering("false"))
    assert tasks.recheck_responses.call() == 0
    Response.objects.update(akismet_next_check_at=timezone.now() - timedelta(seconds=1))
    assert tasks.recheck_responses.call() == 1
    response.refresh_from_db()
    assert response.status == "approved"


def test_on_a_queue_backend_the_check_is_queued_and_a_failed_one_deferred(client, post, akismet_http, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.AKISMET_REQUEST_BUDGET = 0
    akismet_http(answering("", status=503))
    post_comment(client, post)
    response = Response.objects.get()
    assert response.status == "pending" and response.akismet_result == ""
    [queued] = [r for r in default_task_backend.results if r.task.name == "check_response"]
    assert queued.args == [response.pk] and queued.task.run_after is None
    before = timezone.now()
    assert tasks.check_response.call(response.pk) == "still unreachable"
    deferred = [r for r in default_task_backend.results if r.task.name == "check_response"][-1]
    assert deferred.args == [response.pk]
    assert timedelta(minutes=19) < deferred.task.run_after - before < timedelta(minutes=21)


@pytest.mark.parametrize(
    ("start", "verdict", "endpoint"), [("approved", "spam", "submit-spam"), ("pending", "spam", "submit-spam")]
)
def test_moderator_marking_spam_submits_what_was_sent(client, post, akismet_http, admin_user, start, verdict, endpoint):
    seen = akismet_http(answering("false"))
    post_comment(client, post, ip="198.51.100.9")
    response = Response.objects.get()
    Response.objects.filter(pk=response.pk).update(status=start)
    response.refresh_from_db()
    moderation.set_status(response, verdict, actor=admin_user, reason="bulk action", report=True)
    check, report = seen
    assert report.url.path == f"/1.1/{endpoint}"
    sent, checked = form(report), form(check)
    assert sent == checked
    assert f"report-{verdict}" in actions(response)


def test_moderator_marking_not_spam_submits_ham(client, post, akismet_http, admin_user):
    seen = akismet_http(answering("true"))
    post_comment(client, post)
    response = Response.objects.get()
    assert response.status == "spam"
    moderation.set_status(response, moderation.status_before_spam(response), actor=admin_user, report=True)
    assert seen[-1].url.path == "/1.1/submit-ham"
    assert form(seen[-1]) == form(seen[0])
    response.refresh_from_db()
    assert response.status == "pending"


def test_status_changes_without_a_person_are_not_reported(client, post, akismet_http):
    seen = akismet_http(answering("false"))
    post_comment(client, post)
    moderation.set_status(Response.objects.get(), "spam")
    assert [r.url.path for r in seen] == ["/1.1/comment-check"]


def test_report_failure_is_recorded(client, post, akismet_http, admin_user):
    akismet_http(answering("false"))
    post_comment(client, post)
    response = Response.objects.get()
    akismet_http(lambda request: httpx.Response(500))
    moderation.set_status(response, "spam", actor=admin_user, report=True)
    assert "report-spam-error" in actions(response)


def test_recheck_command_runs_due_rechecks(client, post, akismet_http, capsys):
    from django.core.management import call_command

    failed_response(client, post, akismet_http)
    Response.objects.update(akismet_next_check_at=timezone.now() - timedelta(seconds=1))
    akismet_http(answering("false"))
    call_command("recheck_responses")
    assert "Rechecked 1 response(s)." in capsys.readouterr().out
    assert Response.objects.get().status == "approved"
