"""The pipeline, stage by stage, as pure functions from data to bytes.

load (loader) -> shape (select) -> render template (render) -> parse Markdown
(markdown) -> resolve citations (cite) -> write (writers). Only the CLI touches
the file system for outputs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .audience import Audience
from .bibliography import Reference
from .brief import Brief
from .cite import UnknownCitations, resolve_citations
from .design import Theme
from .errors import BriefgenError, Problem, TemplateError, display_path
from .incremental import inputs_digest, previous_entries
from .markdown import ChartError, parse_inline, parse_markdown, quoted_plain
from .model import UNSAFE_CHARACTERS, Document, Metadata, plain_text
from .render import render_markdown
from .select import Shaped, shape
from .style import Style
from .tracker import Tracker, tracker
from .typography import typeset
from .writers import FORMATS, Artifact, Assets, data_writer, writer


@dataclass(frozen=True)
class Output:
    relative_path: Path  # <brief-id>/<brief-id>_<audience>.<format>
    audience: str
    format: str
    artifact: Artifact
    cited: tuple[str, ...] = ()  # bibliography keys the audience's document cites, in order
    inputs: str = ""  # incremental.inputs_digest of what it was made from
    max_pages: int | None = None  # the audience's limit

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the writer warned of, and a page count over the audience's limit."""
        return self.over_pages + self.artifact.warnings

    @property
    def over_pages(self) -> tuple[str, ...]:
        """The page count, if it is over the audience's limit (max_pages): what `build` and `check` warn of."""
        over = self.pages and self.max_pages and self.pages > self.max_pages
        return (f"{self.pages} pages; its audience allows {self.max_pages} (max_pages)",) if over else ()

    @property
    def data(self) -> bytes:
        return self.artifact.data

    @property
    def pages(self) -> int | None:
        return self.artifact.pages


def to_document(
    brief: Brief,
    audience: Audience,
    roots: tuple[Path, ...],
    refs: dict[str, Reference],
    *,
    template: str | None = None,
    message: bool = False,
    note: str = "",
    **context: object,
) -> tuple[Document, tuple[str, ...]]:
    """The brief as one audience's document model, citations resolved, and the keys it cites.

    The one way a document is made: the brief's outputs with the audience's template, the
    message that carries them with its `email.md.j2` (`template`, `message`: citations and
    notes dropped, as a message has no reference list; `context` such as its attachments).
    `note` is Markdown the user wrote (a covering note): the template gets it to place
    (after its greeting); one that does not place it gets it on top, parted by a rule.
    """
    refuse_unless_for_this_brief(audience, brief)
    shaped = shape(brief, audience.name, audience.style)
    template = template or audience.template
    markdown = render_markdown(template, roots, shaped, audience.style, audience.name, note=note.strip(), **context)
    if note and note.strip() not in markdown:
        markdown = f"{note.strip()}\n\n---\n\n{markdown}"
    markdown = UNSAFE_CHARACTERS.sub("", markdown)  # a template may write them; readers refuse them in briefs
    try:
        blocks = parse_markdown(markdown, shaped.language)
    except ChartError as err:  # a chart the template wrote that is no chart: the template's to fix
        where = f"its output's line {err.line}: " if err.line else ""
        raise TemplateError(Problem(template, None, None, "", f"{where}{err.reason}")) from None
    doc = Document(metadata(shaped, audience), blocks)
    style = audience.style
    rules = ("none", False, "none") if message else (style.citations, style.footnotes, style.bibliography)
    try:
        doc, cited = resolve_citations(doc, refs, *rules)
    except UnknownCitations as err:  # the brief's own citations were checked: a template or a note wrote these
        raise TemplateError(
            Problem(
                template,
                None,
                None,
                "",
                f"the {'note or template' if note else 'template'}'s output cites {err}, which no bibliography holds",
            )
        ) from None
    return typeset(doc), tuple(cited)


def for_this_brief(audience: Audience, brief: Brief) -> bool:
    """An audience that reports on an earlier edition (`content.follow_up`) is for briefs that follow one."""
    return not audience.style.content.follow_up or brief.earlier is not None


def refuse_unless_for_this_brief(audience: Audience, brief: Brief) -> None:
    """The error for an audience asked for a brief it is not for, saying what to add."""
    if not for_this_brief(audience, brief):
        raise BriefgenError(
            Problem(
                display_path(brief.source),
                None,
                None,
                "follows",
                f"audience '{audience.name}' reports on the earlier edition a brief follows; this brief names none "
                "(add `follows: EARLIER.yaml`)",
            )
        )


def marking_in(style: Style, language: str) -> str:
    """The style's marking, in the brief's language when the style words it there (`labels_in`: `marking`)."""
    worded = style.wording(language).get("marking", style.marking) if style.marking else ""
    return worded if isinstance(worded, str) else style.marking


def metadata(shaped: Shaped, audience: Audience) -> Metadata:
    """The document's metadata: plain text, with the audience's overrides applied."""
    return Metadata(
        title=plain_text(parse_inline(shaped.title, shaped.language)),
        subtitle=plain_text(parse_inline(shaped.subtitle, shaped.language)) if shaped.subtitle else "",
        authors=shaped.authors,
        date=shaped.date,
        organisation=quoted_plain(shaped.organisation, shaped.language),
        series=quoted_plain(shaped.series, shaped.language),
        language=shaped.language,
        keywords=shaped.keywords,
        audience=audience.name,
        marking=marking_in(audience.style, shaped.language),
    )


@dataclass(frozen=True)
class Job:
    """One output to make: everything its writer needs, as plain data a worker process can take."""

    relative_path: Path  # <brief-id>/<brief-id>_<audience>.<format>
    audience: str  # "" for a data format's file: the brief's, not an audience's
    format: str
    document: Document | Tracker  # a data format's writer takes the brief's tracker
    theme: Theme | None
    assets: Assets
    cited: tuple[str, ...]
    inputs: str  # incremental.inputs_digest: equal digests make equal bytes
    max_pages: int | None = None


def plan(
    brief: Brief,
    audiences: list[Audience],
    formats: list[str],
    roots: tuple[Path, ...],
    refs: dict[str, Reference],
) -> list[Job]:
    """Every output of one brief as a job: templates run and citations resolved, no writer yet.

    A data format (the tracker) is one job for the brief, whatever the audiences.
    """
    jobs = []
    documents = [f for f in formats if not FORMATS[f].data]
    for audience in (a for a in audiences if for_this_brief(a, brief)) if documents else ():  # app.plan.for_brief
        doc, cited = to_document(brief, audience, roots, refs)
        for fmt in documents:
            name = Path(brief.id) / FORMATS[fmt].file_name(brief.id, audience.name)
            theme = audience.theme_in(brief.language)
            inputs = inputs_digest(doc, theme, audience.assets, fmt)
            jobs.append(Job(name, audience.name, fmt, doc, theme, audience.assets, cited, inputs, theme.max_pages))
    data = [f for f in formats if FORMATS[f].data]
    if data:
        sheet = tracker(brief)
        for fmt in data:
            name = Path(brief.id) / FORMATS[fmt].file_name(brief.id, "")
            jobs.append(Job(name, "", fmt, sheet, None, Assets(), (), inputs_digest(sheet, None, Assets(), fmt)))
    return jobs


def make(job: Job) -> Output:
    """Run one job's writer. A top-level function of picklable data, so a process pool can run it."""
    if isinstance(job.document, Tracker):
        artifact = data_writer(job.format)(job.document)
    else:
        assert job.theme is not None  # a document's job always has its audience's design
        artifact = writer(job.format)(job.document, job.theme, job.assets)
    return Output(job.relative_path, job.audience, job.format, artifact, job.cited, job.inputs, job.max_pages)


def build(
    brief: Brief,
    audiences: list[Audience],
    formats: list[str],
    roots: tuple[Path, ...],
    refs: dict[str, Reference],
) -> list[Output]:
    """Every output for one brief, in memory: nothing is written unless all succeed."""
    return [make(job) for job in plan(brief, audiences, formats, roots, refs)]


def page_budget(
    brief: Brief,
    audiences: list[Audience],
    roots: tuple[Path, ...],
    refs: dict[str, Reference],
) -> list[Output]:
    """The PDFs of the audiences with a page limit (max_pages), made as `build` makes them.

    A page count is known only once the PDF is laid out: `check` makes these to hold a brief
    to the limit `build` warns of (`Output.over_pages`).
    """
    limited = [a for a in audiences if a.theme_in(brief.language).max_pages]
    return build(brief, limited, ["pdf"], roots, refs) if limited else []


def manifest(
    brief: Brief,
    outputs: list[Output],
    previous: bytes | None = None,
    present: frozenset[str] = frozenset(),
    sources: str = "",
    confirmed: frozenset[str] = frozenset(),
    uncited: tuple[str, ...] = (),
    style_warnings: dict[str, list[dict]] | None = None,
    warnings: tuple[dict, ...] = (),
    skipped: tuple[str, ...] = (),
) -> bytes:
    """What a build made, for people and for later commands (mail, rebuilds): deterministic JSON.

    Entries of a `previous` manifest for files this build did not make, and that are still
    `present` in the folder, are kept: building one audience does not forget the others.
    `sources` is the raw-input digest this build saw (incremental.sources_digest); kept entries
    named in `confirmed` were found up to date against it and record it too. `uncited` are the
    bibliography keys the brief does not cite, whose warning a build that finds it up to date says again;
    `style_warnings` (audience -> incremental.warning_record of each) what each output's style warned of;
    `warnings` (warning_record each) what loading warned of besides: a translation's stale fields, dropped ids;
    `skipped` the audiences asked for that are not for this brief (incremental.recorded_skipped).
    """
    made = {o.relative_path.name for o in outputs}
    kept = []
    for entry in previous_entries(previous, brief.id):
        name = entry.get("file")
        if name in present - made:
            kept.append({**entry, "sources": sources} if name in confirmed else entry)
    styles = style_warnings or {}
    entries = kept + [
        {
            "file": o.relative_path.name,
            "audience": o.audience or None,
            "format": o.format,
            "media_type": o.artifact.media_type,
            "bytes": len(o.data),
            "sha256": hashlib.sha256(o.data).hexdigest(),
            "pages": o.pages,
            "notes": o.artifact.notes,
            "cited": list(o.cited),
            "warnings": list(o.warnings),
            "inputs": o.inputs,
            "sources": sources,
            **({"style_warnings": styles[o.audience]} if styles.get(o.audience) else {}),
        }
        for o in outputs
    ]
    entries.sort(key=lambda e: str(e.get("file")))
    body: dict[str, object] = {
        "brief": brief.id,
        "title": brief.title,
        "date": brief.date.isoformat(),
        "outputs": entries,
    }
    if uncited:
        body["uncited"] = list(uncited)
    if warnings:
        body["warnings"] = list(warnings)
    if skipped:
        body["skipped"] = {"audiences": list(skipped), "sources": sources}
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def recorded_hashes(manifest_bytes: bytes | None, brief_id: str) -> dict[str, str]:
    """File name -> the SHA-256 briefgen wrote it with, from a manifest."""
    return {str(e.get("file")): str(e.get("sha256")) for e in previous_entries(manifest_bytes, brief_id)}
