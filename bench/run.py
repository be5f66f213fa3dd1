"""briefgen against pandoc, side by side on the same content: one command, one Markdown table.

    pip install '.[bench]'          # pandoc (pypandoc-binary) and the typst compiler (typst)
    python bench/run.py             # 5 timed runs of each case after a warm-up; about 5 minutes
    python bench/run.py --quick     # 2 runs, no x50: a smoke test

The anchors get exactly what briefgen renders: `briefgen build -f md` writes the brief as
pandoc Markdown (citations formatted, notes, the bibliography), and pandoc converts that
file to DOCX, or to Typst which the typst compiler turns into a PDF; one more case gives
pandoc the brief's own Markdown with `[@key]` citations and `--citeproc`. Every timing is of
whole processes, each started fresh, as a person at a terminal would run them: wall time,
and CPU time (user + system) of every process a command started, its workers included.
The table shows medians of per-pair ratios (briefgen and its anchor run back to back).
Everything is written to a temporary folder, never to the repository. See bench/README.md
for what each case means; bench/guard.py is the short run CI uses.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SAMPLE = ROOT / "briefs" / "kazakhstan-osce-2010.yaml"
BIB = ROOT / "references.bib"
AUDIENCE = "practitioner"  # the single-output cases: the audience with notes and a bibliography
MANY_BRIEFS = 20
TYPST = "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2])"
# the warm server's cases: a brief its warm-up (the bundled sample) never built, with what it needs beside it
UNSEEN_FILES = ("kazakhstan-osce-2011.yaml", "kazakhstan-osce-2010.yaml", "kazakhstan-osce-2011.bib")
TREE_SAMPLE = 0.05  # seconds between two looks at the process tree's memory


def _load(name: str):
    """A script beside this one (bench/ is not a package), loaded as a module."""
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]  # dataclasses look their module up there
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


scale = _load("scale")  # the sample made N times longer
rawmd = _load("rawmd")  # the brief's own Markdown, citations as [@key], for pandoc --citeproc


# ---------------------------------------------------------------- running processes


@dataclass
class Sample:
    seconds: float
    peak_kb: int  # the largest resident set of any one process in the tree (wait4's ru_maxrss)
    tree_kb: int = 0  # the largest sum over the tree's processes, when sampled
    cpu: float = 0.0  # user + system seconds of every process started and reaped (see _children_cpu)


class Failed(Exception):
    pass


def _children_cpu() -> float:
    """User + system seconds of all this process's reaped children and, through them, their reaped children.

    A delta of this around a run counts every process the run started (briefgen's pool workers,
    which briefgen joins, and both anchors running at once), as long as nothing else is reaped
    meanwhile: the bench starts no other process while it times one.
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _execute(command: list[str], cwd: Path, sample_tree: bool) -> tuple[int, int]:
    """One fresh process to its end: its peak resident set (kB) and, when sampled, its tree's."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        watcher = _TreeWatcher(proc.pid) if sample_tree else None
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        tree = watcher.stop() if watcher else 0
        if proc.returncode:
            err.seek(0)
            raise Failed(f"{' '.join(command)} exited {proc.returncode}:\n{err.read().decode(errors='replace')}")
    return usage.ru_maxrss, tree  # kB on Linux; the child's and its waited-for children's largest


def run(commands: list[list[str]], cwd: Path, sample_tree: bool = False) -> Sample:
    """Run commands one after another, each a fresh process; their wall time, CPU time and peak memory."""
    peak, tree = 0, 0
    cpu, start = _children_cpu(), time.perf_counter()
    for command in commands:
        one, whole = _execute(command, cwd, sample_tree)
        peak, tree = max(peak, one), max(tree, whole)
    return Sample(time.perf_counter() - start, peak, tree, _children_cpu() - cpu)


def run_chains(chains: list[list[list[str]]], cwd: Path, width: int = 1) -> Sample:
    """Chains of commands (one conversion each, its commands in order) with `width` chains in flight.

    With width 2 the wall time is that of getting all conversions done on two cores, as
    briefgen's two workers do; the CPU time is the sum over every process either way.
    """
    if width == 1:
        return run([c for chain in chains for c in chain], cwd)
    pending, lock, peaks, failures = list(reversed(chains)), threading.Lock(), [0], []

    def worker() -> None:
        while not failures:
            with lock:
                if not pending:
                    return
                chain = pending.pop()
            try:
                for command in chain:
                    peaks.append(_execute(command, cwd, False)[0])
            except Failed as failure:
                failures.append(failure)

    cpu, start = _children_cpu(), time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(width)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return Sample(time.perf_counter() - start, max(peaks), 0, _children_cpu() - cpu)


class _TreeWatcher:
    """The sum of the resident sets of a process and its descendants, sampled until it ends (Linux /proc)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._done = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
        while not self._done.is_set():
            self.peak = max(self.peak, _tree_pages(self.pid) * page_kb)
            self._done.wait(TREE_SAMPLE)

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def _tree_pages(root: int) -> int:
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, total = {root}, 0
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    for pid in tree:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total


# ---------------------------------------------------------------- the cases


@dataclass
class Case:
    """One row: briefgen's commands and the anchor's, each timed as a whole; `prepare` runs untimed before each.

    The anchor is a list of conversions (each a chain of commands), run `width` at a time.
    """

    name: str
    briefgen: list[list[str]]
    anchor: list[list[list[str]]] | None = None
    anchor_name: str = ""
    prepare: Callable[[], None] = lambda: None
    width: int = 1
    # CPU seconds spent on the command's behalf outside its process tree (the build server's), read
    # before and after each run: the warm server's jobs are counted, not hidden
    elsewhere: Callable[[], float] | None = None
    results: dict[str, list[Sample]] = field(default_factory=lambda: {"briefgen": [], "anchor": []})

    def median(self, who: str, measure: str = "seconds") -> float:
        return statistics.median(getattr(s, measure) for s in self.results[who])

    def ratio(self, measure: str = "seconds") -> float:
        """The median of per-pair ratios: each briefgen run against the anchor run beside it."""
        pairs = zip(self.results["briefgen"], self.results["anchor"], strict=True)
        return statistics.median(getattr(ours, measure) / getattr(theirs, measure) for ours, theirs in pairs)

    def pair(self, work: Path, anchor_first: bool = False) -> None:
        """One timed pair: briefgen and its anchor back to back (the order alternates between rounds)."""
        if self.anchor and anchor_first:
            self.results["anchor"].append(run_chains(self.anchor, work, self.width))
        self.prepare()
        before = self.elsewhere() if self.elsewhere else 0.0
        sample = run(self.briefgen, work)
        if self.elsewhere:
            sample.cpu += self.elsewhere() - before
        self.results["briefgen"].append(sample)
        if self.anchor and not anchor_first:
            self.results["anchor"].append(run_chains(self.anchor, work, self.width))


class Bench:
    def __init__(self, work: Path, runs: int, quick: bool, brief: Path, bib: Path) -> None:
        self.work, self.runs, self.quick = work, runs, quick
        self.brief, self.bib = brief, bib
        self.briefgen = _briefgen_command()
        import pypandoc

        self.pandoc = pypandoc.get_pandoc_path()
        help_text = subprocess.run([*self.briefgen, "build", "--help"], capture_output=True, text=True).stdout
        if "md" not in help_text:
            sys.exit("bench: this briefgen has no `-f md` (the Markdown the anchors read); nothing to compare")
        self.force = ["--force"] if "--force" in help_text else []
        self.server = "--server" in help_text
        if self.server:  # a server of the bench's own, stopped at the end (stop_server)
            os.environ["BRIEFGEN_SERVER_DIR"] = str(work / "server")
            (work / "server").mkdir(mode=0o700)
        self.jobs = "--jobs" in help_text or "-j," in help_text
        self.scales = (1, 10) if quick else (1, 10, 50)

    # helpers ------------------------------------------------------
    def build(self, briefs: list[Path], out: str, *options: str) -> list[str]:
        return [*self.briefgen, "-q", "build", *map(str, briefs), "--bib", str(self.bib), "-o", out, *options]

    def fresh(self, *folders: str) -> Callable[[], None]:
        """Before each run: the output folder removed, so the build is a full one whatever it remembers."""
        return lambda: [shutil.rmtree(self.work / f, ignore_errors=True) for f in folders]  # type: ignore[func-returns-value]

    def to_docx(self, md: Path, *options: str) -> list[list[str]]:
        return [[self.pandoc, str(md), *options, "-o", str(md.with_suffix(".docx"))]]

    def to_pdf(self, md: Path) -> list[list[str]]:
        # `-M keywords=`: pandoc 3.9's Typst template writes keywords unquoted, which Typst refuses
        typ = md.with_suffix(".typ")
        return [
            [self.pandoc, str(md), "-t", "typst", "-s", "-M", "keywords=", "-o", str(typ)],
            [sys.executable, "-c", TYPST, str(typ), str(md.with_suffix(".pdf"))],
        ]

    def anchor(self, fmt: str) -> tuple[Callable[[Path], list[list[str]]], str]:
        """What a user would run instead for `fmt`, and its name in the table."""
        return (self.to_docx, "pandoc") if fmt == "docx" else (self.to_pdf, "pandoc+typst")

    def markdown(self, brief: Path, audiences: list[str] | None = None) -> dict[str, Path]:
        """briefgen's Markdown of a brief, per audience: exactly what the anchors are given."""
        out = self.work / "md" / brief.stem
        options = [x for a in audiences or [] for x in ("-a", a)]
        run([self.build([brief], str(out), "-f", "md", *options, *self.force)], self.work)
        return {p.stem.rsplit("_", 1)[1]: p for p in sorted(out.rglob("*.md"))}

    # cases --------------------------------------------------------
    def prepare_sample(self) -> None:
        """The sample copied alone into the work folder (no translation beside it) and its Markdown per audience."""
        self.sample = self.work / self.brief.name
        shutil.copy(self.brief, self.sample)
        self.md = self.markdown(self.sample)
        self.scaled_md: dict[int, tuple[Path, Path]] = {}

    def cold(self, fmt: str) -> Case:
        """One audience, one format, from an empty output folder: briefgen against the anchor on its Markdown."""
        out = f"cold{fmt}"
        command = self.build([self.sample], out, "-a", AUDIENCE, "-f", fmt, *self.force)
        anchor, name = self.anchor(fmt)
        return Case(
            f"{AUDIENCE} {fmt.upper()}, cold process", [command], [anchor(self.md[AUDIENCE])], name, self.fresh(out)
        )

    def unseen(self) -> tuple[Path, dict[str, Path]]:
        """The brief the warm cases build, and its Markdown per audience: the 2011 follow-up (copied with the
        edition it follows and its .bib), which the build server's warm-up (the bundled sample) never built,
        so nothing a warm process keeps by content can favour these cases."""
        if not hasattr(self, "_unseen"):
            folder = self.work / "unseen"
            folder.mkdir()
            for name in UNSEEN_FILES:
                shutil.copy(ROOT / "briefs" / name, folder / name)
            brief = folder / UNSEEN_FILES[0]
            out = self.work / "md" / "unseen"
            run([[*self.briefgen, "-q", "build", str(brief), "-f", "md", "-o", str(out), *self.force]], self.work)
            self._unseen = brief, {p.stem.rsplit("_", 1)[1]: p for p in sorted(out.rglob("*.md"))}
        return self._unseen

    def warm(self, fmt: str) -> Case:
        """The practitioner's `fmt` of a brief the server has not seen, through the warm build server
        (`build --server`): the caller's CPU and the server's for the job (the fork that built it, reaped
        before the caller is answered). The warm-up run starts the server; its start is not timed."""
        brief, md = self.unseen()
        out = f"warm{fmt}"
        command = [*self.briefgen, "-q", "build", str(brief), "-o", out, "-a", AUDIENCE, "-f", fmt, "--server"]
        anchor, name = self.anchor(fmt)
        return Case(
            f"{AUDIENCE} {fmt.upper()} of another brief, through the warm build server",
            [[*command, *self.force]],
            [anchor(md[AUDIENCE])],
            name,
            self.fresh(out),
            elsewhere=self.server_cpu,
        )

    def warm_all(self) -> Case:
        """Every audience of that brief in DOCX and PDF, one command through the server, `-j 2`, against the
        anchors 2 at a time."""
        brief, md = self.unseen()
        two = ["-j", "2"] if self.jobs else []
        command = [*self.briefgen, "-q", "build", str(brief), "-o", "warmall", "-f", "docx", "-f", "pdf", *two]
        return Case(
            f"{len(md)} audiences x 2 formats of another brief, through the warm build server",
            [[*command, "--server", *self.force]],
            [chain for p in md.values() for chain in (self.to_docx(p), self.to_pdf(p))],
            f"{2 * len(md)} anchor runs, 2 at a time",
            self.fresh("warmall"),
            2,
            elsewhere=self.server_cpu,
        )

    def server_status(self) -> str:
        return subprocess.run([*self.briefgen, "server", "status"], capture_output=True, text=True).stdout

    def server_cpu(self) -> float:
        """The build server's CPU seconds so far, its reaped jobs included (/proc: utime, stime, cutime, cstime)."""
        words = self.server_status().replace(",", " ").split()  # "build server pid 1234, listening at ..."
        if len(words) < 4 or not words[3].isdigit():
            return 0.0
        try:
            fields = Path(f"/proc/{words[3]}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")

    def stop_server(self) -> None:
        if self.server:
            subprocess.run([*self.briefgen, "server", "stop"], capture_output=True)

    def all_outputs(self) -> Case:
        """Every audience in DOCX and PDF in one command with 2 workers, against the same conversions 2 at a time."""
        two = ["-j", "2"] if self.jobs else []
        width = 2 if self.jobs else 1
        return Case(
            f"{len(self.md)} audiences x 2 formats, one command",
            [self.build([self.sample], "all", "-f", "docx", "-f", "pdf", *two, *self.force)],
            [chain for p in self.md.values() for chain in (self.to_docx(p), self.to_pdf(p))],
            f"{2 * len(self.md)} anchor runs, {width} at a time",
            self.fresh("all"),
            width,
        )

    def citeproc(self) -> Case:
        """The practitioner's DOCX against pandoc --citeproc on the brief's own Markdown, citations as [@key]."""
        raw = self.work / "raw" / f"{self.brief.stem}.md"
        raw.parent.mkdir(exist_ok=True)
        raw.write_text(rawmd.raw_markdown(yaml.safe_load(self.brief.read_text("utf-8"))), "utf-8")
        command = self.build([self.sample], "cite", "-a", AUDIENCE, "-f", "docx", *self.force)
        anchor = self.to_docx(raw, "--citeproc", "--bibliography", str(self.bib))
        return Case(f"{AUDIENCE} DOCX, cold, citations", [command], [anchor], "pandoc --citeproc", self.fresh("cite"))

    def scaled(self, factor: int, fmt: str) -> Case:
        """The sample made `factor` times longer, practitioner, one format."""
        if factor not in self.scaled_md:
            path = self.work / f"x{factor}.yaml"
            copy = scale.scaled(yaml.safe_load(self.brief.read_text("utf-8")), factor)
            path.write_text(yaml.dump(copy, Dumper=scale._NoAliases, allow_unicode=True, sort_keys=False), "utf-8")
            self.scaled_md[factor] = path, self.markdown(path, [AUDIENCE])[AUDIENCE]
        path, md = self.scaled_md[factor]
        anchor, name = self.anchor(fmt)
        out = f"s{factor}{fmt}"
        command = self.build([path], out, "-a", AUDIENCE, "-f", fmt, *self.force)
        return Case(f"x{factor} {fmt.upper()}", [command], [anchor(md)], name, self.fresh(out))

    def cases(self) -> list[Case]:
        """Every case of the full table, in its order."""
        self.prepare_sample()
        cases = [self.cold("docx"), self.cold("pdf"), self.all_outputs(), self.citeproc()]
        if self.server:
            cases += [self.warm("docx"), self.warm("pdf"), self.warm_all()]
        cases += [self.scaled(factor, fmt) for factor in self.scales for fmt in ("docx", "pdf")]
        # the first timed run of this case is already a rebuild: its warm-up made the outputs
        cases.append(Case("rebuild with nothing changed", [self.build([self.sample], "o4", "-f", "docx", "-f", "pdf")]))
        return cases

    def jobs_cases(self) -> list[Case]:
        """`-j 1` and `-j 2` on copies of the sample with different ids: the practitioner's PDF of each."""
        folder = self.work / "many"
        folder.mkdir(exist_ok=True)
        brief = yaml.safe_load(self.brief.read_text("utf-8"))
        copies = []
        for n in range(1, MANY_BRIEFS + 1):
            brief["id"] = f"{self.brief.stem}-{n:02d}"
            path = folder / f"{brief['id']}.yaml"
            path.write_text(yaml.dump(brief, Dumper=scale._NoAliases, allow_unicode=True, sort_keys=False), "utf-8")
            copies.append(path)
        return [
            Case(
                f"{MANY_BRIEFS} briefs, -j {j}",
                [self.build(copies, f"j{j}", "-a", AUDIENCE, "-f", "pdf", "-j", str(j), *self.force)],
                prepare=self.fresh(f"j{j}"),
            )
            for j in (1, 2)
        ]

    def memory(self) -> tuple[Sample, Sample]:
        """Peak memory building the largest brief for every audience in both formats, and pandoc's on the same."""
        factor = self.scales[-1]
        scaled = self.work / f"x{factor}.yaml"
        self.fresh("mem")()
        ours = run([self.build([scaled], "mem", "-f", "docx", "-f", "pdf", *self.force)], self.work, sample_tree=True)
        theirs = [
            run(c, self.work, sample_tree=True)
            for p in self.markdown(scaled).values()
            for c in (self.to_docx(p), self.to_pdf(p))
        ]
        return ours, Sample(
            sum(s.seconds for s in theirs), max(s.peak_kb for s in theirs), max(s.tree_kb for s in theirs)
        )

    # timing -------------------------------------------------------
    def time(self, cases: list[Case], runs: int | None = None) -> None:
        """A warm-up pair of each case, its timings dropped, then `runs` rounds of pairs."""
        for case in cases:
            case.pair(self.work)
            case.results = {"briefgen": [], "anchor": []}
        self.rounds(cases, self.runs if runs is None else runs)

    def rounds(self, cases: list[Case], count: int) -> None:
        """`count` more rounds; in each, every case's briefgen and anchor back to back.

        The order within a pair alternates between a case's pairs, so neither side always runs
        on the caches the other just warmed.
        """
        for i in range(count):
            for case in cases:
                case.pair(self.work, anchor_first=len(case.results["briefgen"]) % 2 == 1)
            print(f"  run {i + 1}/{count} done", file=sys.stderr)


def _briefgen_command() -> list[str]:
    """The `briefgen` script beside this Python, as a person runs it; else `python -m briefgen`."""
    script = Path(sys.executable).with_name("briefgen")
    return [str(script)] if script.exists() else [sys.executable, "-m", "briefgen"]


# ---------------------------------------------------------------- the report


def seconds(x: float) -> str:
    return f"{x:.2f} s" if x < 10 else f"{x:.1f} s"


def megabytes(kb: int) -> str:
    return f"{kb / 1024:.0f} MB"


def machine(bench: Bench) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import typst

    version = subprocess.run([*bench.briefgen, "--version"], capture_output=True, text=True).stdout.strip()
    pandoc = subprocess.run([bench.pandoc, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    return (
        f"{cpu}, {cores} cores ({usable} usable) · {platform.system()} {platform.release()} · "
        f"Python {platform.python_version()} · {version} · {pandoc} · typst (Python package) "
        f"{getattr(typst, '__version__', '?')}"
    )


def row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def both(case: Case, who: str) -> str:
    """A side's median wall time and median CPU time, in one cell."""
    return f"{seconds(case.median(who))}; CPU {seconds(case.median(who, 'cpu'))}"


def ratios(*cases: Case) -> tuple[str, str]:
    """The wall and CPU ratio cells (medians of per-pair ratios), slash-separated for several cases."""
    return tuple(" / ".join(f"{c.ratio(m):.2f}x" for c in cases) for m in ("seconds", "cpu"))  # type: ignore[return-value]


def scaled_rows(bench: Bench, by_name: dict[str, Case]) -> list[str]:
    """x1 / x10 / x50 per format, and how the time grows between the two largest."""
    rows = []
    for fmt in ("DOCX", "PDF"):
        scaled = [by_name[f"x{f} {fmt}"] for f in bench.scales]
        ours = [c.median("briefgen") for c in scaled]
        theirs = [c.median("anchor") for c in scaled]
        label = " / ".join(f"x{f}" for f in bench.scales)
        times = " / ".join(seconds(x) for x in ours), " / ".join(seconds(x) for x in theirs)
        rows.append(row(f"{label} {fmt}", times[0], f"{scaled[0].anchor_name} {times[1]}", *ratios(*scaled)))
        small, large = bench.scales[-2], bench.scales[-1]
        step = [(t[-1] - t[-2]) / (large - small) for t in (ours, theirs)]
        growth = [t[-1] / t[-2] for t in (ours, theirs)]
        rows.append(
            row(
                f"{fmt}: time per x from x{small} to x{large}; x{large} / x{small} (linear: {large / small:.0f})",
                f"{step[0] * 1000:.0f} ms; {growth[0]:.1f}",
                f"{step[1] * 1000:.0f} ms; {growth[1]:.1f}",
                f"{step[0] / step[1]:.2f}x",
                "-",
            )
        )
    return rows


def report(bench: Bench, cases: list[Case], jobs: list[Case], memory: tuple[Sample, Sample]) -> str:
    """The table, with when and where it was measured above it: ready to paste."""
    by_name = {c.name: c for c in cases}
    rows = [row("case", "briefgen", "anchor", "ratio (wall)", "ratio (CPU)"), row(*["---"] * 5)]
    for case in [c for c in cases if c.anchor and not c.name.startswith("x")]:
        rows.append(row(case.name, both(case, "briefgen"), f"{case.anchor_name} {both(case, 'anchor')}", *ratios(case)))
    rows += scaled_rows(bench, by_name)
    rebuild, full = by_name["rebuild with nothing changed"].median("briefgen"), cases[2].median("briefgen")
    share = f"{rebuild / full:.2f} of the full build above"
    rows.append(row("rebuild with nothing changed (all audiences, DOCX and PDF)", seconds(rebuild), "-", share, "-"))
    if jobs:
        one, two = jobs[0].median("briefgen"), jobs[1].median("briefgen")
        cpu = jobs[1].median("briefgen", "cpu") / jobs[0].median("briefgen", "cpu")
        name = f"{MANY_BRIEFS} briefs ({AUDIENCE} PDF), `-j 2` vs `-j 1`"
        rows.append(
            row(name, f"{seconds(two)} vs {seconds(one)}", "-", f"speed-up {one / two:.2f}x", f"CPU {cpu - 1:+.0%}")
        )
    else:
        rows.append(row(f"{MANY_BRIEFS} briefs, `-j 2` vs `-j 1`", "no `-j` in this briefgen", "-", "-", "-"))
    ours, theirs = memory
    rows.append(
        row(
            f"peak memory, x{bench.scales[-1]}, all outputs: largest process; whole tree",
            f"{megabytes(ours.peak_kb)}; {megabytes(ours.tree_kb)}",
            f"pandoc+typst {megabytes(theirs.peak_kb)}; {megabytes(theirs.tree_kb)}",
            f"{ours.peak_kb / theirs.peak_kb:.2f}x",
            "-",
        )
    )
    if bench.server:
        shown = bench.server_status().splitlines()
        memory_said = shown[1].split("; ")[1] if len(shown) > 1 and "; " in shown[1] else "?"
        rows.append(row("build server after the runs: its own peak memory", memory_said, "-", "-", "-"))
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = [
        f"Measured {when} on {machine(bench)}.",
        f"{bench.runs} rounds after one warm-up, briefgen and its anchor back to back in each; whole processes;",
        "times are medians, ratios (briefgen / anchor) medians of the per-pair ratios; CPU = user + system",
        "of every process started, workers included.",
        "",
    ]
    return "\n".join(head + rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--guard" in argv:  # the short run CI uses: bench/guard.py, with the options that follow
        guard = _load("guard")
        return guard.main([a for a in argv if a != "--guard"])
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each case after one warm-up (default 5)")
    parser.add_argument("--quick", action="store_true", help="2 runs and no x50: a smoke test")
    parser.add_argument("--brief", type=Path, default=SAMPLE, help="the brief to measure (default: the sample)")
    parser.add_argument("--bib", type=Path, default=BIB, help="its bibliography (default: references.bib)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    parser.add_argument("--guard", action="store_true", help="the short CI run instead (bench/guard.py; --record)")
    args = parser.parse_args(argv)
    runs = 2 if args.quick else args.runs
    if runs < 1:
        parser.error("--runs must be at least 1")
    try:
        import pypandoc  # noqa: F401
        import typst  # noqa: F401
    except ImportError as missing:
        sys.exit(f"bench: {missing.name} is missing: pip install '.[bench]'")
    work = Path(tempfile.mkdtemp(prefix="briefgen-bench-"))
    try:
        bench = Bench(work, runs, args.quick, args.brief.resolve(), args.bib.resolve())
        print(f"bench: preparing in {work}", file=sys.stderr)
        cases = bench.cases()
        jobs = bench.jobs_cases() if bench.jobs else []
        bench.time(cases + jobs)
        print("bench: peak memory", file=sys.stderr)
        memory = bench.memory()
        print(report(bench, cases, jobs, memory))
    except Failed as failure:
        print(f"bench: {failure}", file=sys.stderr)
        return 1
    finally:
        if "bench" in locals():
            bench.stop_server()
        if args.keep:
            print(f"bench: kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
