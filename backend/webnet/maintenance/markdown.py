"""Announcement bodies: Markdown rendered to safe HTML.

Why no separate sanitizer: raw HTML is turned off (escaped, never passed through) and
markdown-it refuses javascript:, vbscript:, file: and data: (non-image) links, so the output
holds only the tags Markdown itself makes.
"""

from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False}).disable("image")


def render_markdown(text: str) -> str:
    return _renderer.render(text or "")
