"""Rules of the ledger that are pure functions of its rows (no user, no writes): the content gates."""
