"""Filters of the ledger: one definition per list, shared by its page, its export and its API.

- ``ledger``: designations (the ledger page, its export, the dashboard) and tasks;
- ``progress``: the report-flags page, period reports, progress entries, evidence files, visits;
- ``bimonthly_reports``: the bimonthly progress reports (双月报告汇总).

Scoped choices and the All/Yes/No widget come from the kernel (``organizations.filters``).
"""
