"""The comment form readers fill in; validation here, every other rule in moderation.py."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator

from . import text

HONEYPOT = "homepage"


class CommentForm(forms.Form):
    author_name = forms.CharField(label="Name", max_length=200)
    author_email = forms.EmailField(label="Email", max_length=254, help_text="Never shown.")
    author_url = forms.URLField(label="Website", max_length=500, required=False, assume_scheme="https")
    content = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 6}))
    notify_replies = forms.BooleanField(label="Email me when someone replies", required=False)
    parent = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    token = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    homepage = forms.CharField(
        label="Leave this field empty",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.DISCUSSION_MAX_COMMENT_LENGTH  # read per form, so a changed setting applies at once
        self.fields["content"].validators.append(MaxLengthValidator(limit))
        self.fields["content"].widget.attrs["maxlength"] = limit

    def clean_author_name(self) -> str:
        name = text.clean_line(self.cleaned_data["author_name"])
        if not name:
            raise forms.ValidationError("Please enter your name.")
        return name

    def clean_author_url(self) -> str:
        url = text.clean_line(self.cleaned_data["author_url"])
        if url and urlsplit(url).scheme.lower() not in ("http", "https"):
            raise forms.ValidationError("Your website must be an http:// or https:// address.")
        return url

    def clean_content(self) -> str:
        content = text.clean_text(self.cleaned_data["content"])
        if not content:
            raise forms.ValidationError("Please write a comment.")
        return content
