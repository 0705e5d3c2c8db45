"""What a reader sees or hears of a page: its text and the attributes read out or shown (aria-label, title,
placeholder, alt, the value of a button), without scripts, styles and the <head> other than its <title>, and
without what users typed into fields (values, textareas)."""

from html.parser import HTMLParser

SHOWN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "aria-description", "data-bs-title")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _VisibleText(HTMLParser):
    def __init__(self, skip_options_of: tuple[str, ...]):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.stack: list[tuple[str, bool]] = []
        self.skip_options_of = skip_options_of

    def hidden(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        parent_hidden = self.hidden()
        # A <textarea> holds what a user typed (like an <input>'s value, which is not taken either).
        skip = tag in ("script", "style", "template", "head", "textarea")
        if tag == "select" and attrs.get("name", "").split("-")[-1] in self.skip_options_of:
            skip = True
        if not parent_hidden and not skip:
            for name in SHOWN_ATTRIBUTES:
                if attrs.get(name):
                    self.chunks.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
                self.chunks.append(attrs["value"])
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        if any(open_tag == tag for open_tag, _skip in self.stack):
            while self.stack and self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data):
        # The <title> is inside the hidden <head>, but shown in the tab and read first.
        in_title = bool(self.stack) and self.stack[-1][0] == "title"
        if data.strip() and (in_title or not self.hidden()):
            self.chunks.append(data.strip())


def visible_text(html: str, *, skip_options_of: tuple[str, ...] = ()) -> list[str]:
    """The page's text chunks (text nodes and shown attributes), in document order.

    `skip_options_of`: names of <select> fields whose options are data (countries, organisations).
    """
    parser = _VisibleText(skip_options_of)
    parser.feed(html)
    parser.close()
    return parser.chunks
