"""Filters of the cadres area, one module per part: ``roster``, ``reserve``, ``training``, ``support``.

A list page, its Excel export and its API endpoint share one FilterSet. ``scope.CountyTownshipForm`` is
the county / township / search form of the pages that list computed rows (shortfall, untrained secretaries).
The scoped choice helpers and ``ScopedFilterSet`` are the kernel's (``organizations.filters``).
"""
