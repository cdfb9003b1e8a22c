"""Admin forms: drafts may be incomplete, but a show or episode is only published when apps can list it."""

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

from .timecode import format_timecode, parse_timecode

CATEGORY_REQUIRED = (
    "Choose at least one Apple category before publishing: Apple Podcasts refuses a show without itunes:category."
)
NUMBER_REQUIRED = (
    "This show is serial: give the episode a number before publishing (Apple Podcasts requires itunes:episode "
    "in serial shows, and lists their episodes in that order)."
)


class PublishChecksForm(WagtailAdminPageForm):
    """Runs the page's `publish_problems()` when the editor publishes or submits, not when saving a draft."""

    def _post_clean(self):
        # The model's clean() would check a page that merely *is* live (e.g. a new page, before Wagtail
        # decides it is a draft); here we know whether the editor publishes, so the form checks instead.
        self.instance.defer_publish_checks = True
        try:
            super()._post_clean()
        finally:
            self.instance.defer_publish_checks = False
        if not self.is_deferred_validation:
            for field, message in self.instance.publish_problems().items():
                self.add_error(field if field in self.fields else None, message)


class ShowForm(PublishChecksForm):
    def clean(self):
        cleaned_data = super().clean()
        categories = self.formsets.get("categories")
        if categories is not None and not self.is_deferred_validation and categories.is_valid():
            chosen = [
                form
                for form in categories.forms
                if form.cleaned_data.get("category") and not form.cleaned_data.get("DELETE")
            ]
            if not chosen:
                self.add_error(None, CATEGORY_REQUIRED)
        return cleaned_data


class EpisodeForm(PublishChecksForm):
    def clean(self):
        cleaned_data = super().clean()
        show = self.parent_page.specific_deferred if self.parent_page else None
        serial = getattr(show, "show_type", None) == "serial"
        if serial and not self.is_deferred_validation and not cleaned_data.get("episode_number"):
            self.add_error("episode_number", NUMBER_REQUIRED)
        return cleaned_data


class TimecodeInput(forms.TextInput):
    """Shows seconds as h:mm:ss and reads h:mm:ss, m:ss or seconds back, for chapter and soundbite times."""

    def format_value(self, value):
        if value in (None, ""):
            return ""
        try:
            return format_timecode(float(value), fraction=True)
        except (TypeError, ValueError):
            return str(value)  # the editor's own text, shown again beside its error

    def value_from_datadict(self, data, files, name):
        text = super().value_from_datadict(data, files, name)
        if not text or not text.strip():
            return text
        try:
            return str(parse_timecode(text))
        except ValueError:
            return text  # FloatField then says it is not a number; the help text shows the forms accepted
