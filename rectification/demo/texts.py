"""Words for the demo ledger and the generated province: measures of seed 001's four families and their tasks.

Shared by ``rectification.demo`` (county 1's believable ledger) and ``rectification.demo.generate``
(bulk data for benchmarks). Plain data, no database access.
"""

from __future__ import annotations

from ..models import MeasureFamily

F = MeasureFamily

#: (family, measure, [tasks...]): seed 001's measure families, each decomposed item by item (逐项分解).
MEASURES: dict[str, list[tuple[str, list[str]]]] = {
    F.TEAM: [
        ("选优配强村党组织书记", ["开展书记人选考察谈话", "召开党员大会选举新任书记", "新任书记参加县委党校岗前培训"]),
        ("配齐配强村“两委”班子", ["物色村委会主任人选", "补齐“两委”班子缺额", "建立2至3名村级后备干部队伍",
                                "后备干部跟班学习"]),
        ("约谈不胜任村干部，限期六个月整改", ["乡镇党委书记开展警示约谈", "制定个人整改清单", "六个月后考核整改成效"]),
    ],
    F.ASSISTANCE: [
        ("选派第一书记驻村帮扶", ["第一书记到村报到", "制定驻村工作计划", "谋划“一村一品”产业项目"]),
        ("落实机关单位结对共建", ["结对单位与村签订共建协议", "结对单位每季度到村开展共建活动",
                               "协调解决群众急难愁盼问题", "结对帮扶困难党员"]),
        ("开展强村带弱村结对帮扶", ["与先进村签订结对协议", "村“两委”干部到先进村跟班学习", "联合发展产业项目"]),
    ],
    F.MECHANISM: [
        ("规范落实“三会一课”制度", ["制定年度组织生活计划", "按月召开支部委员会", "按季度召开党员大会并上党课",
                                  "建立组织生活记录台账"]),
        ("落实“四议两公开”工作法", ["建立村级重大事项决策台账", "每季度公开村务财务", "健全村务监督委员会"]),
        ("推行村干部“千分制”考核", ["制定考核细则", "开展半年考核", "年终考核结果公示"]),
    ],
    F.MOTIVATION: [
        ("落实村干部报酬待遇", ["核定村干部报酬标准", "按月足额发放报酬"]),
        ("保障村级组织运转经费", ["申报村级组织运转经费补助", "建立经费使用台账", "公开经费使用情况"]),
    ],
}

#: Measures answering the problems of the five organizations seed 001 names (division name -> measures).
NAMED_MEASURES: dict[str, list[tuple[str, str, list[str]]]] = {
    "东山村": [(F.TEAM, "调整不胜任的村党组织书记", ["县乡联合考察书记人选", "召开党员大会选举新任书记",
                                                 "新任书记参加县委党校岗前培训"]),
              (F.MECHANISM, "规范落实“三会一课”制度", ["制定年度组织生活计划", "按月召开支部委员会",
                                                      "按季度召开党员大会并上党课", "建立组织生活记录台账"])],
    "柳湖村": [(F.TEAM, "配齐村委会主任", ["物色村委会主任人选", "依法补选村委会主任", "新任主任岗前培训"])],
    "濂前社区": [(F.MECHANISM, "规范居务财务公开", ["建立居务财务公开栏", "每季度公开居务财务",
                                               "健全居务监督委员会"])],
    "汾山村": [(F.OTHER, "化解征地拆迁信访矛盾", ["排查征地拆迁遗留问题清单", "协调县高速办召开协调会",
                                              "逐户走访拆迁户", "落实征地补偿款发放"])],
    "鲁头村": [(F.OTHER, "建设村级组织活动场所", ["落实活动场所建设用地", "争取县级补助资金", "完成场所主体建设"]),
              (F.MOTIVATION, "发展壮大村级集体经济", ["谋划集体经济项目", "成立村股份经济合作社"])],
}

OBJECTIVES = ("年底前班子健全、组织生活正常、群众满意度达到80%以上，实现整顿转化、销号。",
              "配齐配强班子，规范组织生活，解决群众反映的突出问题，年内完成整顿转化。",
              "建强战斗堡垒，落实“四议两公开”，群众满意度80%以上，按期验收销号。")
CAUSES = ("村党组织书记能力不足、班子凝聚力不强，组织生活流于形式。",
          "村级后备力量不足，班子长期配备不齐，工作推进乏力。",
          "制度执行不到位，村务财务管理不规范，群众参与度低。",
          "历史遗留问题多，矛盾化解机制不健全。")

#: Suffixes of county units: paired helping units (结对帮扶单位) and dispatching units of first secretaries.
HELPING_UNITS = ("委文明办", "财政局", "农业农村局", "住建局", "交通运输局", "教育局", "卫健局", "市场监管局",
                 "自然资源局", "人社局", "税务局", "供电公司", "农商银行", "委党校", "水利局", "文旅局")
DISPATCH_UNITS = ("委组织部", "委宣传部", "发改局", "民政局", "司法局", "商务局", "林业局", "统计局", "审计局",
                  "应急管理局")
LEADER_POSTS = ("县委常委、常务副县长", "县委常委、宣传部部长", "县委常委、政法委书记", "县人大常委会副主任",
                "副县长", "县政协副主席", "县委常委、统战部部长", "县委常委、纪委书记")

PROGRESS_PHRASES = ("已完成，相关材料已归档。", "已召开专题会议研究部署。", "已入户走访征求群众意见。",
                    "已形成书面方案，报乡镇党委审核。", "已落实责任人，按计划推进。", "已上墙公开，接受群众监督。",
                    "结对单位到村现场办公，协调解决具体问题。", "已完成阶段性工作，下阶段继续推进。")
VISIT_TOPICS = ("听取村“两委”整顿进展汇报", "走访困难党员和群众", "协调解决村级活动场所用地问题",
                "研究集体经济发展项目", "督促落实“三会一课”", "现场调解征地拆迁矛盾")

#: How each catalogue problem (rectification/problems.py) shows in a village, and its cause analysis (原因分析).
PROBLEM_TEXTS: dict[str, tuple[str, str]] = {
    "RSHS01": ("村“两委”班子缺额，村委会主任长期空缺，部分工作处于停滞状态。",
               "村级后备力量培养不够，年轻骨干外出务工多，换届时人选储备不足。"),
    "RSHS02": ("村党组织书记年龄偏大、能力不足，带领群众发展的思路不清。",
               "书记选任时把关不严，日常教育培训和考核管理不到位。"),
    "RSHS03": ("班子成员之间不团结，重大事项议而不决，工作推诿扯皮。",
               "班子分工不明确，民主生活会流于形式，矛盾长期得不到化解。"),
    "RSHS04": ("“三会一课”不按时开展，党员大会长期未召开，组织生活记录缺失。",
               "支部书记抓党建意识不强，乡镇党委督促指导不够，组织生活制度执行不严。"),
    "RSHS05": ("换届选举中存在拉票现象，群众对选举结果有异议。",
               "宗族观念影响选举，换届风气监督和纪律教育不到位。"),
    "RSHS06": ("宗族势力干预村务，个别人员阻挠村级事务正常开展。",
               "党组织战斗力弱，对宗族和不良势力的抵制和引导不够。"),
    "RSHS07": ("村务财务公开不及时、不规范，“四议两公开”落实不到位，群众意见较大。",
               "村务监督委员会作用发挥不够，财务管理制度不健全。"),
    "RSHS08": ("征地拆迁、土地纠纷引发的信访矛盾集中，群众多次上访。",
               "历史遗留问题多，矛盾纠纷排查化解机制不健全，村干部调处能力不足。"),
    "RSHS09": ("无固定的村级组织活动场所，便民服务设施缺乏。",
               "村集体经济薄弱，场所建设资金和用地长期落实不了。"),
    "RSHS10": ("党组织服务意识差，群众办事难，满意度低。",
               "村干部为民服务的宗旨意识不强，服务制度和坐班值班制度执行不到位。"),
    "DB-REN": ("村级骨干缺乏，后备干部不足2名，“有人办事”尚未解决。",
               "年轻人外出务工多，后备干部发现培养机制不健全。"),
    "DB-ZHANG": ("村级工作制度不健全，已有制度执行不到位，“有章理事”尚未落实。",
                 "制度建设重制定轻执行，缺乏监督检查。"),
    "DB-CHANG": ("活动场所破旧狭小，无法满足党员活动和便民服务需要。",
                 "场所建设用地和资金未落实，维修改造长期搁置。"),
    "DB-QIAN": ("村集体经济收入薄弱，运转经费不足，“有钱办事”尚未解决。",
                "缺少稳定的集体经济项目，资源资产盘活不够。"),
}
#: A second problem that often goes with a designation's category (seed 001's four shortages).
SHORTAGE_OF = {"RSHS01": "DB-REN", "RSHS02": "DB-REN", "RSHS04": "DB-ZHANG", "RSHS07": "DB-ZHANG",
               "RSHS09": "DB-CHANG", "RSHS10": "DB-QIAN", "RSHS08": "DB-QIAN", "RSHS03": "DB-ZHANG"}
#: The problems (catalogue items, then groups of rectification/problems.py) a measure of each family answers
#: first: team building the team's problems, mechanisms the rules, motivation the people and the money...
FAMILY_ITEMS = {F.TEAM: ("RSHS02", "RSHS01", "RSHS03", "DB-REN"), F.MECHANISM: ("RSHS04", "RSHS07", "DB-ZHANG"),
                F.MOTIVATION: ("DB-QIAN", "DB-REN"), F.ASSISTANCE: ("DB-QIAN", "DB-CHANG", "RSHS10", "RSHS08"),
                F.OTHER: ()}
FAMILY_GROUPS = {F.TEAM: ("P1",), F.MECHANISM: ("P2", "P3"), F.MOTIVATION: ("P5", "P1"),
                 F.ASSISTANCE: ("P4", "P5", "P1"), F.OTHER: ("P4", "P5")}
