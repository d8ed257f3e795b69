"""Catalogs of standard objects engage knows without the ecosystem retyping them."""

from __future__ import annotations

from compiler.catalog.marketing_cloud import MARKETING_CLOUD_OBJECTS
from compiler.catalog.salesforce import (
    ACCOUNT_ENGAGEMENT_OBJECTS,
    SALESFORCE_OBJECTS,
    standard_objects,
)

__all__ = [
    "ACCOUNT_ENGAGEMENT_OBJECTS",
    "MARKETING_CLOUD_OBJECTS",
    "SALESFORCE_OBJECTS",
    "standard_objects",
]
