"""Filters of the evaluations app, one module per area, shared by a list page, its Excel export and the API.

- ``satisfaction``: satisfaction evaluations, voter groups, ballots;
- ``stars``: organization ratings, screening candidates, Party members and their households, commitments,
  bulletins and assessments.

Choices come from the kernel's scoped helpers (``organizations.filters``): a township or organization
outside the user's scope is not a valid choice, so a foreign id returns nothing.
"""
