"""Excel workbooks of the evaluations app, written by the kernel's one writer (``organizations.exports.excel``).

- ``satisfaction``: the satisfaction evaluation results, one row per evaluation, with the policy values used;
- ``stars``: organization ratings, screening candidates and the member star sheet (§3f layout).

These modules only build rows and responses; the routes that serve them are ``ScopedExportView`` pages in
``web/`` (permission ``export/run`` and the security log before any byte is written).
"""
