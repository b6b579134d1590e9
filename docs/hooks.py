"""MkDocs hooks for glassnet's documentation.

- Optional pages join the nav only when they exist (``performance.md`` is
  written on another branch).
"""

import os

OPTIONAL_PAGES = [("Performance", "performance.md")]


def on_config(config, **kwargs):
    nav = config["nav"]
    for title, page in OPTIONAL_PAGES:
        listed = any(isinstance(item, dict) and page in item.values() for item in nav)
        if not listed and os.path.exists(os.path.join(config["docs_dir"], page)):
            nav.insert(len(nav) - 1, {title: page})
    return config
