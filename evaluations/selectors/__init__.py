"""Selectors of the evaluations app (reads needing the user): one module per area."""
