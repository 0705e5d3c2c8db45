"""The recommendations app's models, one module per noun; import them from here."""

from .followup import (
    Assessment,
    CountryReport,
    Evidence,
    ImplementationItem,
    Reminder,
    ReportEvent,
    ReportingCycle,
    Submission,
    evidence_path,
)
from .packages import (
    Delivery,
    DeliveryEvent,
    Distribution,
    DownloadEvent,
    Obstacle,
    PackageDocument,
    Recommendation,
    RecommendationPackage,
    package_document_path,
)

__all__ = [
    "Assessment",
    "CountryReport",
    "Evidence",
    "ImplementationItem",
    "Reminder",
    "ReportEvent",
    "ReportingCycle",
    "Submission",
    "evidence_path",
    "Delivery",
    "DeliveryEvent",
    "Distribution",
    "DownloadEvent",
    "Obstacle",
    "PackageDocument",
    "Recommendation",
    "RecommendationPackage",
    "package_document_path",
]
