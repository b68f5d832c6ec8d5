"""``{% vite_assets %}``: the tags that load the frontend bundle, from Vite's manifest."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

NOT_BUILT = (
    '<div class="frontend-missing" role="alert"><h1>The frontend is not built</h1>'
    "<p>Run <code>make run</code> (or <code>cd frontend &amp;&amp; npm ci &amp;&amp; "
    "npm run build</code>) and reload this page.</p></div>"
)


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The parsed manifest, or None when the frontend was not built."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read(str(path), stat.st_mtime_ns)


@lru_cache(maxsize=4)
def _read(path: str, _mtime: int) -> dict[str, Any] | None:
    # Keyed on the file's mtime: a rebuild is picked up without restarting the server.
    try:
        return json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _chunk_files(manifest: dict[str, Any], key: str) -> tuple[str, list[str], list[str]]:
    """The entry's script, every CSS file it needs and the chunks to preload."""
    entry = manifest[key]
    css: list[str] = []
    preload: list[str] = []
    seen: set[str] = set()

    def visit(name: str, is_entry: bool) -> None:
        if name in seen or name not in manifest:
            return
        seen.add(name)
        chunk = manifest[name]
        css.extend(c for c in chunk.get("css", []) if c not in css)
        if not is_entry:
            preload.append(chunk["file"])
        for child in chunk.get("imports", []):
            visit(child, False)

    visit(key, True)
    return entry["file"], css, preload


@register.simple_tag
def vite_assets(entry: str | None = None) -> SafeString:
    """Script, stylesheet and preload tags for ``entry`` (default ``VITE_ENTRY``), or a
    clear message when the bundle is missing."""
    manifest = read_manifest(Path(settings.VITE_MANIFEST_PATH))
    key = entry or settings.VITE_ENTRY
    if not manifest or key not in manifest:
        return mark_safe(NOT_BUILT)
    script, css, preload = _chunk_files(manifest, key)
    base = "app/"
    return format_html(
        "{}{}{}",
        format_html_join(
            "", '<link rel="stylesheet" href="{}">', ((static(base + c),) for c in css)
        ),
        format_html_join(
            "", '<link rel="modulepreload" href="{}">', ((static(base + p),) for p in preload)
        ),
        format_html('<script type="module" src="{}"></script>', static(base + script)),
    )


# The lazily loaded chunk each page needs at once: preloading it from the HTML starts
# its download beside the entry's instead of after the entry has run.
PAGE_CHUNKS = [
    (re.compile(r"^/app/graphs/[^/]+/?$"), "src/editor/EditorPage.tsx"),
    (re.compile(r"^/app/threads/[^/]+/?$"), "src/debugger/DebuggerPage.tsx"),
]


@register.simple_tag
def vite_page_preload(path: str) -> SafeString:
    """``<link rel="modulepreload">`` for the page chunk of ``path`` and the chunks it
    imports (empty for other pages, or when the manifest lacks the chunk)."""
    manifest = read_manifest(Path(settings.VITE_MANIFEST_PATH))
    key = next((k for pattern, k in PAGE_CHUNKS if pattern.match(path or "")), None)
    if not manifest or key is None or key not in manifest:
        return mark_safe("")
    entry = settings.VITE_ENTRY
    # What vite_assets already preloads for the entry is not named twice.
    loaded = set(_chunk_files(manifest, entry)[2]) if entry in manifest else set()
    files: list[str] = []
    pending = [key]
    while pending:
        name = pending.pop(0)
        if name == entry or name not in manifest or manifest[name]["file"] in files:
            continue  # the entry is loaded by its own script tag
        if manifest[name]["file"] not in loaded:
            files.append(manifest[name]["file"])
        pending.extend(manifest[name].get("imports", []))
    return format_html_join(
        "", '<link rel="modulepreload" href="{}">', ((static("app/" + f),) for f in files)
    )


@register.simple_tag
def vite_built() -> bool:
    """Whether the frontend bundle exists (templates can show a fallback)."""
    manifest = read_manifest(Path(settings.VITE_MANIFEST_PATH))
    return bool(manifest and settings.VITE_ENTRY in manifest)
