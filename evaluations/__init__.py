"""Evaluations: the satisfaction evaluation (满意度测评) that decides close-out or re-rectification, organization
star ratings (五星管理) and Party member star management.

Where things are (the same rooms as every app; ARCHITECTURE.md):

- ``models/``: ``satisfaction`` (evaluations, voter groups, ballots, one-time links), ``org_stars``
  (yearly organization ratings), ``members`` (Party members, households, commitments, bulletins, assessments);
- ``rules/``: the pure rules, no database: ``satisfaction_rate`` (the rate and the decision it leads to) and
  ``star_rating`` (grade → stars, public notice days, member star caps and quotas);
- ``services/``: every write (``satisfaction``, ``threshold_check`` — the job's bulk decisions —,
  ``org_stars``, ``members``); ``selectors/``: reads for the acting user;
- ``web/``: pages (views, forms, urls per area), on the kernel's write and export bases;
  ``api/``: serializers and viewsets per area;
- ``filters/`` and ``exports/``: per area (``satisfaction``, ``stars``);
- ``tasks.py`` (the threshold job, thin), ``admin.py`` (read-only), ``demo/`` (demo seeders),
  ``management/`` (``check_satisfaction_thresholds``), ``apps.py`` (registers the job, the demo seeder and
  the designation page's panel with the kernel).
"""
