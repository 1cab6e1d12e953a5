"""Helper of scripts/mutation.sh: picks the mutants to run and computes the scores mutmut leaves in mutants/.

    mutation_tool.py select [--sample N] [--seed S] [--packages P ...]   generate every mutant, print the chosen names
    mutation_tool.py left NAMES_FILE [--unkilled]                        the named mutants not run yet (or not killed)
    mutation_tool.py score NAMES_FILE [--survivors FILE]                 scores per package of the mutants named

A sample is reproducible: the same N, seed and code give the same mutants (in each package, the N whose
hash of seed and name is smallest, so that changing a function changes only the draws of its own mutants).
The score of a package is killed / (run - equivalent), where
killed counts the mutants that made a test fail, time out or crash, and equivalent counts the survivors
listed in tests/mutation_equivalents.txt (a mutant id and why it changes no behaviour, one a line).
Mutants that no test reaches count as survivors.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mutmut.__main__ import collect_source_file_mutation_data, create_mutants
from mutmut.configuration import config
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.mutation.trampoline import set_mutant_under_test
from mutmut.stats import status_by_exit_code
from mutmut.utils.file_utils import copy_also_copy_files, copy_src_dir

PACKAGES = ("services", "integrations", "arthur_desktop")
EQUIVALENTS = Path("tests/mutation_equivalents.txt")
KILLED = {"killed", "timeout", "segfault", "caught by type check"}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mutation_tool.py")
    commands = parser.add_subparsers(dest="command", required=True)
    select = commands.add_parser("select")
    select.add_argument("--sample", type=int, help="mutants per package (default: all)")
    select.add_argument("--seed", type=int, default=1)
    select.add_argument("--packages", nargs="+", choices=PACKAGES, default=list(PACKAGES))
    left = commands.add_parser("left")
    left.add_argument("names", type=Path)
    left.add_argument("--unkilled", action="store_true", help="also those that ran and were not killed")
    score = commands.add_parser("score")
    score.add_argument("names", type=Path)
    score.add_argument("--survivors", type=Path, help="write each survivor's diff to this file")
    arguments = parser.parse_args(argv)
    if arguments.command == "select":
        names = select_mutants(generate(), arguments.sample, arguments.seed, arguments.packages)
        print("\n".join(names))
        return 0
    if arguments.command == "left":
        results = generate()
        chosen = arguments.names.read_text().split()
        left = [name for name in chosen if results.get(name) is None]
        if arguments.unkilled:
            left = [name for name in chosen if status_by_exit_code[results.get(name)] not in KILLED]
        print("\n".join(left))
        return 0
    return report(arguments.names.read_text().split(), arguments.survivors)


def generate() -> dict[str, int | None]:
    """Every mutant's name and last exit code (None: not run yet), generating mutants/ if the code changed."""
    set_mutant_under_test("mutant_generation")
    Path("mutants").mkdir(exist_ok=True)
    with contextlib.redirect_stdout(sys.stderr):  # mutmut's progress lines; stdout carries the names
        copy_src_dir()
        copy_also_copy_files()
        create_mutants(max_children=2)
    mutants, _ = collect_source_file_mutation_data(mutant_names=[])
    return {name: result for _, name, result in mutants}


def package_of(name: str) -> str:
    return name.split(".", 1)[0]


def select_mutants(mutants: Iterable[str], sample: int | None, seed: int, packages: Iterable[str]) -> list[str]:
    chosen: list[str] = []
    for package in packages:
        names = sorted(name for name in mutants if package_of(name) == package)
        if sample is not None:
            # The mutants whose seeded hash is smallest: a change to one function moves few of them.
            names = sorted(sorted(names, key=lambda name: _draw(seed, name))[:sample])
        print(f"mutation: {package}: {len(names)} mutants chosen", file=sys.stderr)
        chosen += names
    return chosen


def _draw(seed: int, name: str) -> bytes:
    return hashlib.sha256(f"{seed}:{name}".encode()).digest()


def read_equivalents(path: Path = EQUIVALENTS) -> dict[str, str]:
    """Mutant id -> why it changes no behaviour."""
    equivalents: dict[str, str] = {}
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, reason = line.partition(" ")
        if not reason.strip():
            raise SystemExit(f"{path}:{number}: give a reason after the mutant id")
        equivalents[name] = reason.strip()
    return equivalents


@dataclass
class PackageScore:
    run: int = 0
    killed: int = 0
    equivalent: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    survivors: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        counted = self.run - self.equivalent
        return 100.0 * self.killed / counted if counted else 100.0


def report(names: list[str], survivors_file: Path | None) -> int:
    set_mutant_under_test("mutant_generation")
    equivalents = read_equivalents()
    mutants, _ = collect_source_file_mutation_data(mutant_names=[])
    result_of = {name: result for _, name, result in mutants}
    path_of = {name: data.path for data, name, _ in mutants}
    scores: dict[str, PackageScore] = {}
    not_run = [name for name in names if result_of.get(name) is None]
    for name in names:
        status = status_by_exit_code[result_of.get(name)]
        score = scores.setdefault(package_of(name), PackageScore())
        score.run += 1
        score.statuses[status] += 1
        if status in KILLED:
            score.killed += 1
        elif name in equivalents:
            score.equivalent += 1
        else:
            score.survivors.append(name)
    killed_but_listed = [
        name for name in names if name in equivalents and status_by_exit_code[result_of.get(name)] in KILLED
    ]
    print(f"{'package':<16}{'mutants':>8}{'killed':>8}{'equivalent':>11}{'survived':>9}{'score':>8}")
    for package, score in scores.items():
        print(
            f"{package:<16}{score.run:>8}{score.killed:>8}{score.equivalent:>11}{len(score.survivors):>9}"
            f"{score.score:>7.1f}%"
        )
    for package, score in scores.items():
        print(f"{package}: " + ", ".join(f"{status} {count}" for status, count in sorted(score.statuses.items())))
    for name in killed_but_listed:
        print(f"mutation: {name} is listed in {EQUIVALENTS} but a test kills it; remove the line", file=sys.stderr)
    unknown = sorted(set(equivalents) - set(result_of))
    for name in unknown:
        print(f"mutation: {name} in {EQUIVALENTS} is no longer a mutant of the code; remove the line", file=sys.stderr)
    if survivors_file is not None:
        with survivors_file.open("w", encoding="utf-8") as out:
            for score in scores.values():
                for name in score.survivors:
                    status = status_by_exit_code[result_of.get(name)]
                    if status == "not checked":
                        continue
                    out.write(f"# {name}: {status}\n{get_diff_for_mutant(name, path=path_of[name])}\n")
    if not_run:
        print(f"mutation: {len(not_run)} of the chosen mutants were not run", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    config()  # read pyproject.toml from the repository root before anything changes directory
    sys.exit(main(sys.argv[1:]))
