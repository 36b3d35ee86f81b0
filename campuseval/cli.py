"""The ``campuseval`` command: scoring, plan progress and rubric files without a database, and
Django's management commands (``campuseval migrate``, ``campuseval runserver``, ...) for the rest.

Exit codes: 0 done; 1 a rubric file with structural errors; 2 bad input (nothing printed on
stdout).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

OWN_COMMANDS = {"score", "rubric", "progress"}


def _stderr(lines: list[str]) -> None:
    for line in lines:
        print(line, file=sys.stderr)


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise SystemExit(_fail([f"{path}: 无法读取文件：{exc.strerror}"])) from exc


def _fail(lines: list[str], code: int = 2) -> int:
    _stderr(lines)
    return code


def cmd_score(args: argparse.Namespace) -> int:
    from campuseval.engine import SchoolInput, score_schools
    from campuseval.rubricfile.load import RubricFileError, find_rubric, to_engine
    from campuseval.scoring_io import (
        InputError,
        ScoreTable,
        read_facts,
        read_score_table,
        read_scores,
        results_json,
        score_table_csv,
    )

    try:
        rubric = to_engine(find_rubric(args.rubric))
    except RubricFileError as exc:
        return _fail([f"{exc.source}: {p}" for p in exc.problems])
    problems: list[str] = []
    schools: list[SchoolInput] = []
    table: ScoreTable | None = None
    facts: dict[str, dict[str, str | float]] = {}
    try:
        # The CSV output needs only the arrays the batch scorer reads; --json needs every
        # school's inputs for its full result and the way to the next tier.
        data, name = _read_bytes(args.scores), Path(args.scores).name
        if args.json:
            schools = read_scores(rubric, data, name)
        else:
            table = read_score_table(rubric, data, name)
    except InputError as exc:
        problems += exc.problems
    if args.facts:
        try:
            facts = read_facts(_read_bytes(args.facts), Path(args.facts).name)
        except InputError as exc:
            problems += exc.problems
    if problems:
        return _fail(problems)
    if table is not None:
        sys.stdout.write(score_table_csv(rubric, table, facts))
        return 0
    schools = [
        SchoolInput(s.school, s.scores, s.clauses, facts.get(s.school, {})) for s in schools
    ]
    sys.stdout.write(results_json(score_schools(rubric, schools, path=True)))
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    from campuseval.plans.decomposition import (
        PlanInputError,
        decompose,
        progress_csv,
        read_plan_csv,
    )

    try:
        rows = read_plan_csv(_read_bytes(args.plan), Path(args.plan).name)
    except PlanInputError as exc:
        return _fail(exc.problems)
    sys.stdout.write(progress_csv(decompose(rows)))
    return 0


def cmd_rubric_check(args: argparse.Namespace) -> int:
    from campuseval.rubricfile.check import check_rubric
    from campuseval.rubricfile.load import RubricFileError, load_rubric_file

    try:
        rubric = load_rubric_file(args.file)
    except RubricFileError as exc:
        return _fail([f"error: {exc.source}: {p}" for p in exc.problems], 1)
    report = check_rubric(rubric)
    for w in report.warnings:
        print(f"warning: {w}")
    if report.errors:
        return _fail([f"error: {e}" for e in report.errors], 1)
    n = len(rubric.all_indicators())
    print(f"ok: {rubric.id} {rubric.name}: {len(rubric.areas)} 个一级指标，{n} 个指标")
    return 0


def cmd_rubric_export(args: argparse.Namespace) -> int:
    from campuseval.rubricfile.load import RubricFileError, find_rubric
    from campuseval.rubricfile.xlsx import export_rubric

    try:
        rubric = find_rubric(args.rubric)
    except RubricFileError as exc:
        return _fail([f"{exc.source}: {p}" for p in exc.problems])
    Path(args.output).write_bytes(export_rubric(rubric))
    print(f"{args.output}: {rubric.name}")
    return 0


def cmd_rubric_import(args: argparse.Namespace) -> int:
    from campuseval.rubricfile.check import check_rubric
    from campuseval.rubricfile.load import dump_rubric
    from campuseval.rubricfile.xlsx import XlsxImportError, import_rubric

    try:
        rubric = import_rubric(_read_bytes(args.file))
    except XlsxImportError as exc:
        return _fail([f"{args.file}: {p}" for p in exc.problems])
    out = Path(args.output or f"{rubric.id}.yaml")
    if out.exists() and not args.force:
        return _fail([f"{out}: 文件已存在；要覆盖请加 --force"])
    report = check_rubric(rubric)
    for w in report.warnings:
        print(f"warning: {w}")
    if report.errors:
        return _fail([f"error: {e}" for e in report.errors], 1)
    out.write_text(dump_rubric(rubric), encoding="utf-8")
    print(f"{out}: {rubric.name}（{len(rubric.all_indicators())} 个指标）")
    return 0


def cmd_rubric_list(args: argparse.Namespace) -> int:
    from campuseval.rubricfile.load import load_rubric_file, shipped_rubric_paths

    for path in shipped_rubric_paths():
        r = load_rubric_file(path)
        print(f"{r.id}\t{r.name}")
    return 0


def cmd_rubric_schema(args: argparse.Namespace) -> int:
    from campuseval.rubricfile.schema import RubricFile

    print(json.dumps(RubricFile.model_json_schema(), ensure_ascii=False, indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="campuseval",
        description="智慧校园评估：评分与评估标准文件（无需数据库）；其余子命令交给 Django 管理命令。",
        epilog="其他子命令（migrate、runserver、load_rubrics 等）是 Django 管理命令：campuseval help 列出。",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    score = sub.add_parser("score", help="按评估标准为学校评分（CSV 输入）")
    score.add_argument("rubric", metavar="RUBRIC_ID", help="评估标准编号，如 taizhou-2022，或 YAML 文件路径")
    score.add_argument("scores", metavar="SCORES.csv", help="表头 school,indicator,score,clause")
    score.add_argument("--facts", metavar="FACTS.csv", help="表头 school,fact,value")
    score.add_argument("--json", action="store_true", help="输出完整结果（含晋级路径）")
    score.set_defaults(func=cmd_score)

    progress = sub.add_parser("progress", help="任务分解表：每年累计建设数与完成率（CSV 输入）")
    progress.add_argument("plan", metavar="PLAN.csv", help="表头 region,category,total,year,planned")
    progress.set_defaults(func=cmd_progress)

    rubric = sub.add_parser("rubric", help="评估标准文件：校验、导出、导入")
    rsub = rubric.add_subparsers(dest="rubric_command", required=True)
    check = rsub.add_parser("check", help="校验评估标准 YAML 文件")
    check.add_argument("file", metavar="FILE")
    check.set_defaults(func=cmd_rubric_check)
    export = rsub.add_parser("export", help="导出为 Excel 表格")
    export.add_argument("rubric", metavar="ID")
    export.add_argument("output", metavar="FILE.xlsx")
    export.set_defaults(func=cmd_rubric_export)
    imp = rsub.add_parser("import", help="从 Excel 表格导入为 YAML 文件")
    imp.add_argument("file", metavar="FILE.xlsx")
    imp.add_argument("-o", "--output", metavar="FILE.yaml", help="默认 <id>.yaml")
    imp.add_argument("--force", action="store_true", help="覆盖已有文件")
    imp.set_defaults(func=cmd_rubric_import)
    lst = rsub.add_parser("list", help="列出随产品提供的评估标准")
    lst.set_defaults(func=cmd_rubric_list)
    schema = rsub.add_parser("schema", help="打印评估标准文件的 JSON Schema")
    schema.set_defaults(func=cmd_rubric_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] not in OWN_COMMANDS and argv[0] not in {"-h", "--help"}:
        from django.core.management import execute_from_command_line

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campuseval.settings")
        execute_from_command_line(["campuseval", *argv])
        return 0
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
