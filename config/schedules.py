"""Every periodic schedule of the portal, in one place (read by Celery beat via settings)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "purge-finished-import-files": {
        "task": "organizations.tasks.purge_finished_import_files",
        "schedule": crontab(hour=3, minute=15),
    },
    # Workbooks of background exports (ExportRun) finished more than EXPORT_FILE_RETENTION_DAYS ago.
    "purge-old-export-files": {
        "task": "organizations.tasks.purge_old_export_files",
        "schedule": crontab(hour=3, minute=20),
    },
    "prepare-period-reports": {
        "task": "rectification.tasks.prepare_period_reports",
        "schedule": crontab(hour=2, minute=30),
    },
    # Runs left queued and imports left pending (a lost message) are re-sent once, then failed; runs left
    # running past the task time limit (a lost worker) are failed (organizations.jobs.sweep_stuck).
    "sweep-stuck-jobs": {
        "task": "organizations.tasks.sweep_stuck_jobs",
        "schedule": crontab(minute="*/10"),
    },
    # Jobs registered by the apps (organizations.registry), each fanned out per county into JobRun rows.
    "check-satisfaction-thresholds": {
        "task": "organizations.tasks.run_scheduled_job",
        "args": ("threshold_check",),
        "schedule": crontab(hour=1, minute=30),
    },
    "make-summary-reports": {  # the day after a period's reports were due; later runs refresh it
        "task": "organizations.tasks.run_scheduled_job",
        "args": ("summary_reports",),
        "schedule": crontab(hour=3, minute=45),
    },
    "send-reminders": {
        "task": "organizations.tasks.run_scheduled_job",
        "args": ("reminders",),
        "schedule": crontab(hour=7, minute=30),
    },
    "complete-consolidations": {  # consolidation periods past their end (rectification.services.consolidation)
        "task": "organizations.tasks.run_scheduled_job",
        "args": ("consolidation",),
        "schedule": crontab(hour=1, minute=15),
    },
    "raise-escalations": {  # the escalation ladder's reminders (rectification.services.escalations)
        "task": "organizations.tasks.run_scheduled_job",
        "args": ("escalations",),
        "schedule": crontab(hour=7, minute=15),
    },
    "send-digests": {
        "task": "organizations.tasks.run_scheduled_job",
        "args": ("digests",),
        "schedule": crontab(hour=7, minute=45),
    },
    # The leader dashboard's precomputed figures (rectification.services.dashboard_summary): the counties written
    # to since their refresh, every minute; every county after midnight (figures depend on the day).
    "refresh-stale-dashboard-summaries": {
        "task": "rectification.tasks.refresh_stale_dashboard_summaries",
        "schedule": crontab(minute="*"),
    },
    "refresh-dashboard-summaries": {
        "task": "organizations.tasks.run_scheduled_job",
        "args": ("dashboard_summaries",),
        "schedule": crontab(hour=0, minute=5),
    },
}
