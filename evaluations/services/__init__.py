"""Services of the evaluations app (writes): one module per area."""
