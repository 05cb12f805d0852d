"""The document's options as Quarto sees them: ``_quarto.yml`` beside the report, with the
report's own front matter merged over it, and HTML options looked up the way Quarto does."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml


def project_config(folder: Path) -> dict[str, Any]:
    """The ``_quarto.yml`` in ``folder`` (Quarto merges it under the front matter); empty
    when there is none."""
    path = folder / "_quarto.yml"
    if not path.exists():
        return {}
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge two YAML mappings; ``override`` wins."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def html_option(config: Mapping[str, Any], key: str, default: Any) -> Any:
    """An HTML format option: ``format: html: key`` first, then a top-level ``key``."""
    formats = config.get("format")
    html = formats.get("html") if isinstance(formats, dict) else None
    if isinstance(html, dict) and key in html:
        return html[key]
    return config.get(key, default)
