"""The post editor's form: a new post starts with the signed-in author, as in WordPress."""

from wagtail.admin.forms import WagtailAdminPageForm


class PostForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if self.instance.pk or not user or "authors" not in self.fields or self.initial.get("authors"):
            return
        from .models import Author

        if user.email:
            matches = Author.objects.filter(email__iexact=user.email)
        else:
            matches = Author.objects.filter(name__iexact=user.get_full_name() or user.get_username())
        self.initial["authors"] = list(matches.values_list("pk", flat=True)[:1])
