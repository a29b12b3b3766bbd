"""``python -m pytest_orgo.report merge OUT SHARD_DIR...``: one report from sharded runs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pytest_orgo.report.merge import MergeError, merge


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_orgo.report",
        description="Tools for pytest-orgo's visual review report (--orgo-report DIR).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    joined = commands.add_parser(
        "merge", help="join the reports of sharded runs into one directory"
    )
    joined.add_argument("out", type=Path, help="the directory to write the joined report to")
    joined.add_argument("shards", type=Path, nargs="+", help="report directories, one a shard")
    args = parser.parse_args(argv)
    try:
        page = merge(args.out, args.shards)
    except MergeError as exc:
        print(f"{parser.prog} merge: {exc}", file=sys.stderr)
        return 1
    print(f"merged {len(args.shards)} reports: {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
