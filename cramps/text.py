"""Words put together as each language writes them."""

from django.utils.translation import gettext as _


def sentences(*parts) -> str:
    """Whole sentences one after another, empty ones left out: English puts a space between
    two, Chinese none (its "。" ends the first)."""
    text = ""
    for part in (str(p) for p in parts if p):
        if not text:
            text = part
            continue
        # Translators: two whole sentences, one after the other. Chinese needs no space after "。".
        text = _("%(first)s %(second)s") % {"first": text, "second": part}
    return text
