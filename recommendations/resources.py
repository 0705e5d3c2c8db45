"""The delivery report (CSV from a distribution's admin page), written through import-export so its
cells are neutralised against formulae like every other export."""

from import_export import fields, resources, widgets

from envcrime.exports import CSV


class IsoDateTimeWidget(widgets.Widget):
    """ISO 8601 with the offset, so a spreadsheet or a script reads the time unambiguously."""

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value is not None else ""


REPORT_COLUMNS = [
    "country_iso2",
    "country",
    "region",
    "contact",
    "email",
    "language",
    "status",
    "attempts",
    "last_error",
    "sent_at",
    "first_downloaded_at",
    "download_count",
    "acknowledged_at",
]
DATETIME_COLUMNS = {"sent_at", "first_downloaded_at", "acknowledged_at"}


class DeliveryReportResource(resources.Resource):
    """Exports the rows of `selectors.delivery_report_rows` (dicts), one column per key."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name in REPORT_COLUMNS:
            widget = IsoDateTimeWidget() if name in DATETIME_COLUMNS else widgets.Widget()
            self.fields[name] = fields.Field(attribute=name, column_name=name, widget=widget)

    def get_export_order(self):
        return REPORT_COLUMNS


def delivery_report_csv(rows) -> str:
    return CSV().export_data(DeliveryReportResource().export(rows))
