"""Writes and workflows of the recommendations app, one module per noun: publishing, links,
distribution, delivery (sending one), recovery, liaison. The public names are re-exported here, so
callers write `from recommendations import services; services.package_publish(...)`.

Reads (progress, the broker's backlog, report rows) are in `recommendations.selectors`.
"""

from .delivery import (
    EMAIL_TEMPLATE_PREFIX,
    MAX_RETRY_COUNTDOWN_SECONDS,
    Outcome,
    SendOutcome,
    deliveries_claim,
    deliveries_send,
    delivery_defer,
    delivery_email,
    delivery_fail,
    delivery_send,
    retry_countdown,
)
from .distribution import (
    BROKER_UNAVAILABLE_MESSAGE,
    DistributionStart,
    Publishing,
    distribution_start,
)
from .errors import (
    PackageIsEmpty,
    PackageNotDraft,
    PackageNotPublished,
    PackageVersionOutdated,
    RecommendationsError,
)
from .liaison import delivery_acknowledge, download_record
from .links import LINK_SALT, delivery_id_from_token, delivery_link_token, delivery_link_url
from .publishing import (
    PDF_TEMPLATE,
    package_document_context,
    package_documents,
    package_languages,
    package_new_version,
    package_publish,
    reader_language,
)
from .recovery import SweepResult, deliveries_retry_failed, deliveries_sweep

__all__ = [
    "BROKER_UNAVAILABLE_MESSAGE",
    "EMAIL_TEMPLATE_PREFIX",
    "LINK_SALT",
    "MAX_RETRY_COUNTDOWN_SECONDS",
    "PDF_TEMPLATE",
    "DistributionStart",
    "Outcome",
    "PackageIsEmpty",
    "PackageNotDraft",
    "PackageNotPublished",
    "PackageVersionOutdated",
    "Publishing",
    "RecommendationsError",
    "SendOutcome",
    "SweepResult",
    "deliveries_claim",
    "deliveries_retry_failed",
    "deliveries_send",
    "deliveries_sweep",
    "delivery_acknowledge",
    "delivery_email",
    "delivery_defer",
    "delivery_fail",
    "delivery_id_from_token",
    "delivery_link_token",
    "delivery_link_url",
    "delivery_send",
    "distribution_start",
    "download_record",
    "package_document_context",
    "package_documents",
    "package_languages",
    "reader_language",
    "package_new_version",
    "package_publish",
    "retry_countdown",
]
