from .guarantee import (
    Disbursement,
    FundSource,
    GuaranteeLedger,
    PresenceKind,
    PresenceMonth,
    Renovation,
    VenueCondition,
)
from .people import Education, PersonFields, PoliticalStatus, Sex
from .reserve import ReserveCadre, ReserveReview, ReserveStatus, ReserveType, ReviewResult, Track
from .roster import SECRETARY_POSTS, Cadre, Post
from .support import ContactLeader, CountyScoped, FirstSecretary, HelpingUnit, Pairing, UnitKind
from .training import TrainingAttendance, TrainingEvent

__all__ = [
    "SECRETARY_POSTS", "Cadre", "ContactLeader", "CountyScoped", "Disbursement", "Education", "FirstSecretary",
    "FundSource", "GuaranteeLedger", "HelpingUnit", "PresenceKind", "PresenceMonth", "Renovation", "VenueCondition",
    "Pairing", "PersonFields", "PoliticalStatus", "Post", "ReserveCadre", "ReserveReview", "ReserveStatus",
    "ReserveType", "ReviewResult", "Sex", "Track", "TrainingAttendance", "TrainingEvent", "UnitKind",
]
