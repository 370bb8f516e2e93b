"""The ten national weak-and-lax types (research/domain-practice.md §1a, statistics form wording)."""

NATIONAL_CATEGORIES = [
    ("RSHS01", "党组织班子配备不齐、书记长期缺职、工作处于停滞状态的"),
    ("RSHS02", "党组织书记不胜任现职、工作不在状态、严重影响班子整体战斗力的"),
    ("RSHS03", "班子不团结、内耗严重、工作不能正常开展的"),
    ("RSHS04", "组织制度形同虚设、不开展党组织活动的"),
    ("RSHS05", "换届选举拉票贿选问题突出的"),
    ("RSHS06", "宗族宗教和黑恶势力干扰渗透严重的"),
    ("RSHS07", "村务（居务）财务公开和民主管理混乱的"),
    ("RSHS08", "社会治安问题和信访矛盾纠纷集中的"),
    ("RSHS09", "无固定办公活动场所及便民服务设施的"),
    ("RSHS10", "党组织服务意识差、服务能力弱、群众意见大的"),
]


def ensure_national_categories():
    """The national categories exist (migrations add them; a flushed test database needs them again)."""
    from .models import Category

    for index, (code, name) in enumerate(NATIONAL_CATEGORIES, start=1):
        Category.objects.get_or_create(code=code, county=None, defaults={"name": name, "sort_order": index})
