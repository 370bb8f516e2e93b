"""Pure rules of the evaluations app: arithmetic on plain values, no database, no user, no request.

- ``satisfaction_rate``: the satisfaction rate (满意率) from the ballot counts and the policy values, and the
  decision it leads to (accepted / rectify again / no decision), compared as an exact fraction;
- ``star_rating``: star management's numbers: grade → stars of an organization rating, the public notice
  period, a Party member's star cap and the high-star quotas checked at finalisation.

Services and selectors call these; nothing here writes or reads a table.
"""
