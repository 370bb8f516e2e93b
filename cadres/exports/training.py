"""Excel export of the village Party secretaries not yet trained in a year (names only: no personal numbers)."""

from __future__ import annotations

from organizations.exports.excel import letterhead_for, xlsx_response, year_period

from ..models import Post

HEADERS = ["序号", "县（市、区）", "乡镇", "党组织", "姓名", "职务", "年度", "已完成培训次数", "应完成次数"]


def untrained_rows(rows, year: int):
    for index, row in enumerate(rows, start=1):
        yield [index, row.county, row.township, row.organization, row.name, str(Post(row.post).label), year,
               row.trainings, row.required]


def untrained_response(rows, year: int, user=None):
    letterhead = letterhead_for(user, "未参训村党组织书记名单", period=year_period(year))
    return xlsx_response(f"{year}年未参训村党组织书记", "未参训书记", HEADERS, untrained_rows(rows, year),
                         letterhead=letterhead, key_columns=5)
