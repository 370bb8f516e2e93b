"""County 1's 2026 round: 37 designations, 32 closed out, the five of seed 001 still in rectification."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from organizations.models import Division, User

from .categories import ensure_national_categories
from .models import Category, Designation, DesignationStatus, Round

#: Problems for the five organizations seed 001 names as not yet rectified.
NAMED_PROBLEMS = {
    "东山村": (["RSHS02", "RSHS04"], "村党组织书记不胜任现职，组织生活不正常，\"三会一课\"流于形式；整改措施已列出但部分未落实。"),
    "柳湖村": (["RSHS01"], "村委会主任长期缺职，班子配备不齐，尚在物色合适人选。"),
    "濂前社区": (["RSHS07", "RSHS10"], "居务财务公开不及时，民主管理混乱，群众意见较大。"),
    "枫山村": (["RSHS08"], "沈海高速征地拆迁引发信访矛盾集中，需协调拆迁户与县高速办解决征地遗留问题。"),
    "瑞头村": (["RSHS09", "RSHS04"], "无固定办公活动场所，集体经济薄弱，\"有钱办事、有场所议事\"尚未解决。"),
}
_GENERIC = [
    (["RSHS01"], "班子配备不齐，村级后备力量不足。"),
    (["RSHS02"], "书记年龄偏大、能力不足，带领群众致富能力弱。"),
    (["RSHS03"], "班子不团结，内耗严重，重大事项议而不决。"),
    (["RSHS04"], "组织生活不正常，党员大会长期未召开。"),
    (["RSHS07"], "村务财务公开不规范，\"四议两公开\"落实不到位。"),
    (["RSHS08"], "土地纠纷引发信访问题集中。"),
    (["RSHS09"], "村级组织活动场所破旧，无便民服务设施。"),
    (["RSHS10"], "服务意识差，群众满意度低。"),
]


def seed_round(county: Division, rectified, not_yet, *, admin: User | None, organizer: User | None) -> Round:
    year = timezone.localdate().year
    round_, _ = Round.objects.get_or_create(county=county, year=year,
                                            defaults={"name": f"{county.name}{year}年度软弱涣散基层党组织整顿"})
    if round_.designations.exists():
        return round_
    ensure_national_categories()
    categories = {c.code: c for c in Category.objects.filter(county__isnull=True)}
    rng = random.Random(2026)
    confirmed_at = timezone.make_aware(dt.datetime(year, 3, 15, 10, 0))
    for organization in list(rectified) + list(not_yet):
        named = NAMED_PROBLEMS.get(organization.division.name)
        codes, problems = named if named and organization in not_yet else rng.choice(_GENERIC)
        is_rectified = organization not in not_yet
        designation = Designation(
            round=round_, organization=organization, problems=problems,
            status=DesignationStatus.CONSOLIDATING if is_rectified else DesignationStatus.RECTIFYING,
            proposed_by=organizer, proposed_at=confirmed_at - dt.timedelta(days=20),
            confirmed_by=admin, confirmed_at=confirmed_at,
            closed_out_on=dt.date(year, rng.randint(9, 11), rng.randint(1, 20)) if is_rectified else None,
        )
        designation.copy_scope()
        designation._history_user = admin
        designation.save()
        designation.categories.set([categories[c] for c in codes])
    return round_
