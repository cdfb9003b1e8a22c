"""Settings → Discussion in the admin: each switch left empty says what the environment gives, and
"Verify key" asks Akismet whether the key works, before anything is saved."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import Panel

from . import akismet, options

SETTINGS_PERMISSION = "discussion.change_discussionsettings"


def _shown(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


class DiscussionSettingsForm(WagtailAdminModelForm):
    """Empty means "as the environment says"; the form shows what that is today."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in options.ENVIRONMENT:
            field = self.fields.get(name)
            if field is None or name == "akismet_api_key":
                continue
            default = _shown(options.environment_default(name))
            if isinstance(field.widget, forms.NullBooleanSelect):
                field.widget.choices = [("unknown", f"As the environment says ({default})"), ("true", "On")]
                field.widget.choices.append(("false", "Off"))
            else:
                field.widget.attrs["placeholder"] = default
                field.help_text = " ".join(filter(None, [field.help_text, f"Empty: {default}, from the environment."]))


class AkismetKeyPanel(Panel):
    """Whether a key is set, and a button that checks the typed (or environment) key with Akismet."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "discussion/admin/akismet_key_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["verify_url"] = reverse("discussion_verify_akismet_key")
            context["environment_key_set"] = bool(options.environment_default("akismet_api_key"))
            return context


@require_POST
def verify_akismet_key(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(SETTINGS_PERMISSION):
        raise PermissionDenied("Only those who may change the discussion settings may check the key.")
    key = request.POST.get("akismet_api_key", "").strip() or options.environment_default("akismet_api_key")
    if not key:
        messages.error(request, "There is no Akismet key to verify: type one, or set AKISMET_API_KEY.")
    else:
        valid = akismet.verify_key(key)
        if valid is None:
            messages.warning(request, "Akismet could not be reached; the key was not checked. Try again later.")
        elif valid:
            messages.success(request, "Akismet accepted the key. Save the settings to use it.")
        else:
            messages.error(request, "Akismet refused the key: check it at akismet.com/account.")
    return redirect(reverse("wagtailsettings:edit", args=["discussion", "discussionsettings"]))
