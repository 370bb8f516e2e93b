"""Peak memory and time of reading a hostile workbook: one header cell of 100,000,000 characters (issue 10).

    .venv/bin/python bench/import_memory.py                  # the 100 MB-cell workbook, divisions import
    .venv/bin/python bench/import_memory.py --path cadres    # the same file through read_upload_table
    .venv/bin/python bench/import_memory.py --chars 20000000 --baseline

The workbook is written with ``zipfile`` directly (cheap to build): the usual headers plus one header cell
whose text, a shared string, is ``--chars`` letters, runs of "A" broken by a random letter every ~330
characters so that it compresses at about 93 to 1 (~1.1 MB for 100 MB) — under the zip checks' ratio of
100. The import then runs in a subprocess, as the worker runs it: the upload checks (size, type by content,
zip checks), the file read (``rows_from_file`` for divisions, ``read_upload_table`` for cadres) and the
errors that would be stored on the job. Reported: the child's peak RSS (``getrusage(RUSAGE_CHILDREN)
.ru_maxrss``, after it exits), its wall time, the outcome and the length of the stored error text.
``--baseline`` first runs a child that only sets Django up, for the floor. No database is needed.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADERS = ["区划代码", "区划名称", "区划类型", "上级区划代码", "党组织名称", "组织类型", "党组织类别", "上级党组织",
           "书记", "党员数", "人口"]
ROW = ["350322130000", "新桥镇", "镇", "", "中共新桥镇委员会", "党委", "乡镇", "", "林志强", "820", "28600"]
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _block(seed: int = 10, size: int = 1 << 20) -> bytes:
    """1 MB of letters: runs of A (165-495 long) each ended by a random letter; compresses ~93 to 1."""
    rng = random.Random(seed)
    parts, total = [], 0
    while total < size:
        run = "A" * rng.randint(165, 495) + rng.choice("BCDEFGHIJKLMNOPQRSTUVWXYZ")
        parts.append(run)
        total += len(run)
    return "".join(parts)[:size].encode()


def build_workbook(path: Path, chars: int, headers: list[str] = HEADERS, row: list[str] = ROW) -> Path:
    """An .xlsx whose last header cell is a shared string of ``chars`` characters; the rest is a normal table."""
    strings = [*headers, *row]
    big = len(strings)  # index of the long shared string
    cells = [f'<c r="{_column(i)}1" t="s"><v>{i}</v></c>' for i in range(len(headers))]
    cells.append(f'<c r="{_column(len(headers))}1" t="s"><v>{big}</v></c>')
    data = [f'<c r="{_column(i)}2" t="s"><v>{len(headers) + i}</v></c>' for i in range(len(row))]
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}><sheetData>'
             f'<row r="1">{"".join(cells)}</row><row r="2">{"".join(data)}</row></sheetData></worksheet>')
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
            '</Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS} {_R_NS}>'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode())
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            out.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {_NS} '
                      f'count="{big + 1}" uniqueCount="{big + 1}">'.encode())
            for text in strings:
                out.write(f"<si><t>{text}</t></si>".encode())
            out.write(b"<si><t>")
            block, left = _block(), chars
            while left > 0:
                out.write(block[:left])
                left -= len(block)
            out.write(b"</t></si></sst>")
    return path


def _child(path: str, which: str) -> None:
    """Run the import's reading of ``path`` as the worker does; print the outcome as JSON."""
    sys.path.insert(0, str(HERE))
    from common import setup

    setup()
    started = time.perf_counter()
    if which == "baseline":
        outcome, errors = "django set-up only", []
    else:
        from django.core.exceptions import ValidationError
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import translation

        translation.activate("zh-hans")
        upload = SimpleUploadedFile(Path(path).name, Path(path).read_bytes(),
                                    content_type="application/octet-stream")
        errors = []
        try:
            if which == "divisions":
                from organizations.imports.files import sniff
                from organizations.imports.pipeline import check_upload_size, import_limits
                from organizations.imports.services import rows_from_file

                check_upload_size(upload, import_limits("divisions"))  # the upload view's checks
                sniff(upload)
                rows, errors = rows_from_file(upload)  # the worker's read (services._run)
            else:
                from organizations.imports.pipeline import ImportResult, read_upload_table

                result = ImportResult()
                read_upload_table(upload, kind="cadres", header_key=lambda header: None, required=[],
                                  result=result)
                errors = result.errors
            outcome = "rows read" if not errors else "refused with row errors"
        except ValidationError as exc:  # what services._run stores on the job
            errors = [{"row": getattr(exc, "row", None), "column": "", "message": m} for m in exc.messages]
            outcome = "refused"
    elapsed = time.perf_counter() - started
    stored = json.dumps(errors, ensure_ascii=False)
    print(json.dumps({
        "outcome": outcome, "seconds": round(elapsed, 2), "errors": len(errors),
        "stored_error_chars": len(stored), "first_error": stored[:300],
        "self_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }, ensure_ascii=False))


def _run_child(path: Path, which: str) -> dict:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--child", str(path), "--path", which],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the child failed ({done.returncode})")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["wall_seconds"] = round(wall, 2)
    # The largest resident set of any waited-for child so far: run the baseline (smallest) first.
    report["children_maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chars", type=int, default=100_000_000, help="length of the long header cell")
    parser.add_argument("--path", choices=["divisions", "cadres", "baseline"], default="divisions")
    parser.add_argument("--baseline", action="store_true", help="first measure a child that only sets Django up")
    parser.add_argument("--output", help="also write the report (Markdown) to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.path)
        return
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        path = build_workbook(Path(tmp) / "long-cell.xlsx", args.chars)
        built = time.perf_counter() - started
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("xl/sharedStrings.xml")
            ratio = info.file_size / max(info.compress_size, 1)
        size = path.stat().st_size
        lines = [f"# Import memory: a header cell of {args.chars:,} characters", "",
                 f"- {platform.python_implementation()} {platform.python_version()}, {platform.machine()}",
                 f"- workbook: {size / 1e6:.2f} MB, sharedStrings.xml {info.file_size / 1e6:.1f} MB at "
                 f"{ratio:.0f}:1 (built in {built:.1f} s)", f"- path: {args.path}", "",
                 "| run | outcome | peak RSS (MB) | time in child (s) | wall (s) | errors | stored error chars |",
                 "|---|---|---:|---:|---:|---:|---:|"]
        runs = (["baseline"] if args.baseline else []) + [args.path]
        for which in runs:
            report = _run_child(path, which)
            lines.append(f"| {which} | {report['outcome']} | {report['children_maxrss_mb']} | {report['seconds']} | "
                         f"{report['wall_seconds']} | {report['errors']} | {report['stored_error_chars']:,} |")
            if report["errors"]:
                lines.append(f"\nFirst stored error ({which}): `{report['first_error'][:200]}`\n")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
