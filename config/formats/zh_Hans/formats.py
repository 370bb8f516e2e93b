# Dates as officials write them: 2026年11月23日. Django's own zh_Hans input formats
# reject "2016年9月5日", so the accepted input formats are listed here.
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
TIME_FORMAT = "H:i"
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",
    "%Y年%m月%d日",
    "%Y/%m/%d",
    "%Y.%m.%d",
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日 %H时%M分",
    "%Y/%m/%d %H:%M",
]
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
