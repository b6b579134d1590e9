"""MkDocs hooks for glassnet's documentation.

- Optional pages join the nav only when they exist (``performance.md`` is
  written on another branch).
- One narrow allowance: griffe's numpy parser reports the ``>>>`` lines of an
  example that follows a Parameters section without its own "Examples" header
  as "Could not parse line '>>> ...'". Those records are shown as INFO, so they
  do not abort the strict build; every other warning (a broken cross-reference,
  a missing page or module) still does.
"""

import logging
import os

OPTIONAL_PAGES = [("Performance", "performance.md")]


class _DoctestLineInParameters(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.levelno == logging.WARNING and "Could not parse line" in message and (
            "'>>>" in message or "'((" in message or "'[" in message
        ):
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def on_startup(**kwargs):
    logging.getLogger("mkdocs.plugins.griffe").addFilter(_DoctestLineInParameters())


def on_config(config, **kwargs):
    nav = config["nav"]
    for title, page in OPTIONAL_PAGES:
        listed = any(isinstance(item, dict) and page in item.values() for item in nav)
        if not listed and os.path.exists(os.path.join(config["docs_dir"], page)):
            nav.insert(len(nav) - 1, {title: page})
    return config
