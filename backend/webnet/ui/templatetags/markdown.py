"""`{{ text|markdown }}`: an announcement body as safe HTML (see maintenance/markdown.py)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from webnet.maintenance.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return mark_safe(render_markdown(text))  # noqa: S308  (raw HTML is escaped by the renderer)
