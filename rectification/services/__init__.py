"""Writes of the ledger. Import from the sub-modules' public names here."""

from .boards import board_publish, board_unpublish  # noqa: F401
from .designations import (  # noqa: F401
    LifecycleError,
    acceptance_exception_record,
    category_create,
    designation_confirm,
    designation_propose,
    designation_transition,
    evaluation_accept,
    evaluation_open,
    evaluation_re_rectify,
    round_create,
)
from .plans import (  # noqa: F401
    measure_add,
    measure_update,
    plan_ensure,
    plan_update,
    task_add,
    task_update,
)
from .problems import problem_add, problem_remove, problem_update  # noqa: F401
from .progress import progress_entry_add  # noqa: F401
from .reports import report_prepare, report_submit, reports_ensure  # noqa: F401
from .visits import visit_log  # noqa: F401
