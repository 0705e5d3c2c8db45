"""The recommendations app's models, one module per noun; import them from here."""

from .packages import (
    Delivery,
    DeliveryEvent,
    Distribution,
    DownloadEvent,
    Obstacle,
    Recommendation,
    RecommendationPackage,
    package_document_path,
)

__all__ = [
    "Delivery",
    "DeliveryEvent",
    "Distribution",
    "DownloadEvent",
    "Obstacle",
    "Recommendation",
    "RecommendationPackage",
    "package_document_path",
]
