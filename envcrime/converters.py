class IdConverter:
    """A primary key in a URL: 1 to 18 digits.

    Django's `int` converter accepts any length; a 25-digit id then overflows SQLite's 64-bit
    integers inside the query (OverflowError → 500) instead of simply matching nothing (404).
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
