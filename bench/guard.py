"""The speed guard: a short bench run whose CPU ratios must stay within 20% of the recorded ones.

    python bench/guard.py            # 1-2 minutes; exit 1 when a case got more than 20% slower
    python bench/guard.py --record   # measure and rewrite bench/guard.json (commit it with the change)
    python bench/run.py --guard      # the same

Five cases, each briefgen against its anchor in interleaved pairs (see bench/README.md): the
practitioner's DOCX and PDF from a cold process, all 8 outputs in one command against the 8
anchor conversions 2 at a time, the practitioner's PDF of the sample made 10 times longer, and
the practitioner's PDF through the warm build server (its CPU counted). Each case's figure is
the median over the pairs of briefgen's CPU time divided by the anchor's: a ratio, so a faster
or slower machine moves both sides, and CPU rather than wall time, so a busy machine's waiting
does not count. A case more than 20% over its record gets 9 more pairs and fails only if all of
them confirm it. bench/guard.json holds the recorded ratios and where they were recorded; a
change that makes briefgen slower on purpose, or faster, records new ones with `--record` and
commits them.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RECORD = BENCH / "guard.json"
TOLERANCE = 0.20  # a CPU ratio more than this much above the recorded one fails
PAIRS = 6  # interleaved pairs per case: see bench/README.md for the spread that chose it
CONFIRM_PAIRS = 9  # more pairs for a case the first ones put over the line, judged on all of them
RECORD_PAIRS = 20  # more when recording: the record's own noise adds to every later run's
CASES = (
    "practitioner DOCX cold",
    "practitioner PDF cold",
    "all 8 outputs, anchors 2 at a time",
    "x10 PDF",
    "practitioner PDF, warm server",
)


class GuardError(Exception):
    """The record cannot be used: missing, unreadable, or without a case the guard measures."""


# ---------------------------------------------------------------- the comparison (pure)


def compare(
    measured: dict[str, float], recorded: dict[str, float], tolerance: float = TOLERANCE
) -> tuple[bool, list[str]]:
    """Each measured CPU ratio against its recorded one: whether all pass, and one line per case.

    A case the record lacks is an error, not a pass: a guard that silently skips is no guard.
    """
    missing = [name for name in measured if name not in recorded]
    if missing:
        raise GuardError(f"no recorded ratio for {', '.join(missing)}: run python bench/guard.py --record")
    passed, lines = True, []
    for name, ratio in measured.items():
        was = recorded[name]
        change = ratio / was - 1
        line = f"{name}: CPU ratio {ratio:.2f}x, recorded {was:.2f}x ({change:+.0%}"
        if change > tolerance:
            passed = False
            lines.append(f"{line} > {tolerance:.0%})")
        elif change < -tolerance:
            lines.append(f"{line}: faster than recorded; python bench/guard.py --record keeps it)")
        else:
            lines.append(f"{line}, within {tolerance:.0%})")
    return passed, lines


def over_the_line(measured: dict[str, float], recorded: dict[str, float], tolerance: float = TOLERANCE) -> list[str]:
    """The cases whose CPU ratio is more than `tolerance` above the recorded one."""
    return [name for name, ratio in measured.items() if ratio / recorded[name] - 1 > tolerance]


def load_record(path: Path) -> dict[str, float]:
    """The recorded CPU ratio per case, from the JSON `--record` writes."""
    try:
        data = json.loads(path.read_text("utf-8"))
        cases = data["cases"]
        return {str(name): float(ratio) for name, ratio in cases.items()}
    except FileNotFoundError:
        raise GuardError(f"{path}: no record: run python bench/guard.py --record") from None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise GuardError(f"{path}: not a guard record ({error})") from None


def write_record(path: Path, ratios: dict[str, list[float]], where: dict[str, str | int]) -> None:
    """The JSON: each case's median CPU ratio, every pair's (the spread), and when, where and at what commit."""
    data = {
        "recorded": where,
        "tolerance": TOLERANCE,
        "cases": {name: round(statistics.median(values), 3) for name, values in ratios.items()},
        "per_pair": {name: [round(value, 3) for value in values] for name, values in ratios.items()},
    }
    text = json.dumps(data, indent=2, ensure_ascii=False)
    text = re.sub(r"\[\s+([^\[\]]*?)\s+\]", lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    path.write_text(text + "\n", "utf-8")  # each case's pairs on one line


# ---------------------------------------------------------------- measuring


def _load_run():
    """bench/run.py, for its cases and its way of timing processes."""
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]  # dataclasses look their module up there
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


class Timings:
    """The guard's cases timed in interleaved pairs; more pairs can be added to some of them."""

    def __init__(self, pairs: int, work: Path) -> None:
        """Build the cases and time a warm-up pair and then `pairs` pairs of each."""
        try:
            import pypandoc  # noqa: F401
            import typst  # noqa: F401
        except ImportError as missing:
            raise GuardError(f"{missing.name} is missing: pip install -c constraints.txt '.[bench]'") from None
        self.run = _load_run()
        self.bench = self.run.Bench(work, pairs, True, self.run.SAMPLE, self.run.BIB)
        self.cases: dict = {}
        self._timed(self._start)
        self.machine = self.run.machine(self.bench)

    def _start(self) -> None:
        bench = self.bench
        bench.prepare_sample()
        made = (bench.cold("docx"), bench.cold("pdf"), bench.all_outputs(), bench.scaled(10, "pdf"), bench.warm("pdf"))
        self.cases = dict(zip(CASES, made, strict=True))
        bench.time(list(self.cases.values()))

    def _timed(self, step: Callable[[], None]) -> None:
        try:
            step()
        except self.run.Failed as failure:
            raise GuardError(str(failure)) from None

    def stop(self) -> None:
        """The bench's build server, which would otherwise wait out its idle time."""
        self.bench.stop_server()

    def more(self, names: list[str], pairs: int) -> None:
        """`pairs` more pairs of the named cases, to confirm (or not) what the first ones showed."""
        self._timed(lambda: self.bench.rounds([self.cases[name] for name in names], pairs))

    @property
    def ratios(self) -> dict[str, list[float]]:
        """Each case's per-pair CPU ratios, briefgen / anchor."""
        return {
            name: [ours.cpu / theirs.cpu for ours, theirs in zip(*case.results.values(), strict=True)]
            for name, case in self.cases.items()
        }

    def describe(self) -> None:
        """The spread of each case's pairs and its wall ratio, on stderr, for the CI log."""
        for name, values in self.ratios.items():
            wall = self.cases[name].ratio("seconds")
            low, high, n = min(values), max(values), len(values)
            print(
                f"  {name}: CPU ratios {low:.2f}x-{high:.2f}x over {n} pairs; wall ratio {wall:.2f}x", file=sys.stderr
            )


def measure(pairs: int, work: Path) -> Timings:
    """The guard's cases, timed: a function so tests can put fixed ratios in its place."""
    return Timings(pairs, work)


def medians(ratios: dict[str, list[float]]) -> dict[str, float]:
    return {name: statistics.median(values) for name, values in ratios.items()}


def _commit() -> str:
    """The checked-out commit, marked when the work tree differs from it."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=BENCH, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return f"{head} (with uncommitted changes)" if git("status", "--porcelain", "--", "briefgen") else head


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help="measure and rewrite the record instead of comparing")
    parser.add_argument(
        "--pairs", type=int, help=f"timed pairs per case (default {PAIRS}; {RECORD_PAIRS} with --record)"
    )
    parser.add_argument("--json", type=Path, default=RECORD, help="the record (default bench/guard.json)")
    args = parser.parse_args(argv)
    args.pairs = args.pairs or (RECORD_PAIRS if args.record else PAIRS)
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")
    work = Path(tempfile.mkdtemp(prefix="briefgen-guard-"))
    try:
        recorded = None if args.record else load_record(args.json)
        timings = measure(args.pairs, work)
        try:
            if recorded is None:
                return _record(args.json, timings, args.pairs)
            return _judge(timings, recorded)
        finally:
            timings.stop()
    except GuardError as error:
        print(f"guard: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _record(path: Path, timings: Timings, pairs: int) -> int:
    timings.describe()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    write_record(path, timings.ratios, {"date": when, "commit": _commit(), "machine": timings.machine, "pairs": pairs})
    print(f"guard: recorded {path}: " + ", ".join(f"{n} {r:.2f}x" for n, r in medians(timings.ratios).items()))
    return 0


def _judge(timings: Timings, recorded: dict[str, float]) -> int:
    """Compare; a case over the line gets CONFIRM_PAIRS more pairs and is judged on all of its pairs."""
    passed, lines = compare(medians(timings.ratios), recorded)
    if not passed:
        slow = over_the_line(medians(timings.ratios), recorded)
        print(f"guard: over the line, timing {CONFIRM_PAIRS} more pairs: {', '.join(slow)}", file=sys.stderr)
        timings.more(slow, CONFIRM_PAIRS)
        passed, lines = compare(medians(timings.ratios), recorded)
    timings.describe()
    print("\n".join(lines))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
