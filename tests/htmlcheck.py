"""Checks the notebook displays share: the HTML parses (every opened element closed, in
order) and reaches for nothing outside itself (no remote script, style, image or font)."""

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "image", "path", "circle", "line", "rect", "polyline",
        "stop", "use"}
REMOTE = re.compile(r"^\s*(https?:)?//", re.I)


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.remote, self.tags = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "srcset") and value and (
                    REMOTE.match(value)):
                self.remote.append(f"<{tag} {name}={value!r}>")
            if name == "style" and value and "url(" in value:
                self.remote.append(f"<{tag} style=url(...)>")
            if name == "srcdoc" and value:  # an iframe's own document: check it as well
                inner = check_html(value)
                self.tags += inner["tags"]
        if tag == "link":
            self.remote.append("<link>")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "style" and re.search(r"@import|url\(", data):
            self.remote.append("<style> with @import/url()")


def check_html(text: str) -> dict:
    """Parse ``text``; raise AssertionError on an unbalanced tag or a remote reference."""
    checker = _Checker()
    checker.feed(text)
    checker.close()
    assert not checker.errors, checker.errors[:5]
    assert checker.stack in ([], ["html"], ["html", "body"]) or not checker.stack, checker.stack
    assert not checker.remote, checker.remote[:5]
    return {"tags": checker.tags}
