"""Admin hooks: bulk publishing obeys the same rules as the edit form."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks

from .models import EpisodePage, PodcastPage, PublishChecksMixin


def _unpublishable(pages) -> list[str]:
    """Pages whose latest draft apps could not list, each with what is missing."""
    problems = []
    for page in pages:
        draft = page.specific.get_latest_revision_as_object()
        if isinstance(draft, PublishChecksMixin):
            problems += [f"“{draft.title}”: {message}" for message in draft.publish_problems().values()]
    return problems


@hooks.register("before_bulk_action")
def refuse_publishing_what_apps_cannot_list(request, action_type, objects, action_class_instance):
    if action_type != "publish":
        return None
    pages = list(objects)
    form = getattr(action_class_instance, "cleaned_form", None)
    if form is not None and form.cleaned_data.get("include_descendants"):
        for page in objects:
            pages += page.get_descendants().not_live().type(PodcastPage, EpisodePage)
    problems = _unpublishable(pages)
    if not problems:
        return None
    messages.error(request, "Nothing was published. " + " ".join(problems))
    return redirect(action_class_instance.next_url)
