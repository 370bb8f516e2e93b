"""Reads of the ledger that depend on the user; one module per area, each starting from visible_to(user)."""

from .designations import designations_of_organization, weak_counts_under  # noqa: F401
