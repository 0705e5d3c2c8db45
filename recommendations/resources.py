"""The delivery report (CSV from a distribution's admin page), written through import-export so its
cells are neutralised against formulae like every other export."""

from import_export import fields, resources, widgets

from envcrime.exports import CSV


class IsoDateTimeWidget(widgets.Widget):
    """ISO 8601 with the offset, so a spreadsheet or a script reads the time unambiguously."""

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value is not None else ""


def _column(name: str, widget=None) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=widget)


class DeliveryReportResource(resources.Resource):
    """Exports the rows of `selectors.delivery_report_rows` (dicts), one column per key."""

    country_iso2 = _column("country_iso2")
    country = _column("country")
    region = _column("region")
    contact = _column("contact")
    email = _column("email")
    language = _column("language")
    status = _column("status")
    attempts = _column("attempts")
    last_error = _column("last_error")
    sent_at = _column("sent_at", IsoDateTimeWidget())
    first_downloaded_at = _column("first_downloaded_at", IsoDateTimeWidget())
    download_count = _column("download_count")
    acknowledged_at = _column("acknowledged_at", IsoDateTimeWidget())


def delivery_report_csv(rows) -> str:
    return CSV().export_data(DeliveryReportResource().export(rows))
