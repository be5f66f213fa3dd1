"""Sending the messages and keeping the send log exact: who got what, from the server's own replies.

Before a message goes, the log decides who still needs it: a recipient it shows `sent`
is skipped (or told the brief changed since, from the attachments' hashes), one it
shows `uncertain` is skipped with what to do, since a second copy is not ours to risk.
While it goes, the transport reports to a journal that writes the log as things happen:
`sending` before the final dot, each outcome as soon as the server gives it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from ..errors import MailError
from .letters import Delivery
from .message import compose
from .recipients import Recipient
from .sendlog import Entry, append, latest, read_log
from .smtp import Outcome, SmtpSender

STATES = ("sent", "failed", "uncertain", "skipped", "not sent", "would send")


@dataclass(frozen=True)
class Result:
    """One line of the closing table."""

    audience: str
    recipient: str
    status: str  # one of STATES
    detail: str = ""
    language: str = ""  # of a translation's message; "" for the brief's own


class Interrupted(Exception):
    """Ctrl-C while sending: the results so far, the log already exact."""

    def __init__(self, results: list[Result]) -> None:
        super().__init__("interrupted")
        self.results = results


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _shown(stamp: str) -> str:
    return stamp[:16].replace("T", " ") + " UTC"


class _LogJournal:
    """The transport's journal for one message: each report becomes log lines on disk at once."""

    def __init__(self, path: Path, template: Entry, due: list[Recipient], now: Callable[[], datetime]) -> None:
        self.path = path
        self.template = template
        self.due = due
        self.fields = {r.email: r.field for r in due}
        self.now = now
        self.outcomes: dict[str, Outcome] = {}

    def _entries(self, outcomes: dict[str, Outcome | None], status: str = "") -> list[Entry]:
        stamp = _stamp(self.now())
        return [
            Entry(
                time=stamp,
                brief=self.template.brief,
                audience=self.template.audience,
                recipient=address,
                field=self.fields[address],
                status=status or (o.status if o else ""),
                message_id=self.template.message_id,
                server=self.template.server,
                attachments=self.template.attachments,
                code=o.code if o else None,
                detail=o.detail if o else "",
                language=self.template.language,
            )
            for address, o in outcomes.items()
        ]

    def sending(self, recipients: list[str]) -> None:
        append(self.path, self._entries(dict.fromkeys(recipients), "sending"))

    def settled(self, outcomes: dict[str, Outcome]) -> None:
        self.outcomes.update(outcomes)
        append(self.path, self._entries(dict(outcomes)))

    def results(self, audience: str, fatal: str) -> list[Result]:
        """The closing table's lines for this message: what was settled, and `fatal` (or not sent) for the rest."""
        found = []
        for r in self.due:
            o = self.outcomes.get(r.email)
            if o is None:
                found.append(
                    Result(audience, r.email, "failed", fatal)
                    if fatal
                    else Result(audience, r.email, "not sent", "interrupted")
                )
                continue
            detail = f"{o.code or ''} {o.detail}".strip()
            if o.status == "sent":
                detail = f"{self.template.message_id} {detail}"
            found.append(Result(audience, r.email, o.status, detail))
        return found


def send(
    deliveries: list[Delivery],
    *,
    brief_id: str,
    sender: Recipient,
    reply_to: Recipient | None,
    smtp: SmtpSender | None,
    log_path: Path,
    resend: bool = False,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Callable[[int, int, Delivery, list[Result]], None] = lambda i, n, d, r: None,
) -> list[Result]:
    """Each message to those of its recipients the log does not show as served; `smtp=None` is a dry run.

    `progress(i, n, delivery, results)` is called after each message. On Ctrl-C,
    `Interrupted` carries the results so far, the message under way as the log has it,
    and the rest as `not sent`.
    """
    entries, _ = read_log(log_path)
    results: list[Result] = []
    fatal = ""  # a setting the server refused: the remaining messages are not attempted
    for index, delivery in enumerate(deliveries, 1):
        audience = delivery.letter.audience
        here, due = _triage(delivery, entries, brief_id, resend)
        journal: _LogJournal | None = None
        try:
            if due and smtp is None:
                here += [Result(audience, r.email, "would send") for r in due]
            elif due and fatal:
                here += [Result(audience, r.email, "failed", f"not attempted: {fatal}") for r in due]
            elif due and smtp is not None:
                moment = now()
                msg = compose(delivery.letter, sender, delivery.recipients, reply_to=reply_to, now=moment.astimezone())
                journal = _LogJournal(log_path, _template(brief_id, delivery, msg["Message-ID"], smtp), due, now)
                try:
                    smtp.send(msg, sender.email, [r.email for r in due], journal)
                except MailError as err:  # a setting the server refused: what was settled stays settled
                    fatal = err.format_message()
                here += journal.results(audience, fatal)
        except KeyboardInterrupt:
            current = journal.results(audience, "") if journal else []
            settled = {r.recipient for r in current if r.status != "not sent"}
            under_way = [r for r in current if r.recipient in settled]
            under_way += [Result(audience, r.email, "not sent", "interrupted") for r in due if r.email not in settled]
            rest = [
                Result(d.letter.audience, r.email, "not sent", "interrupted")
                for d in deliveries[index:]
                for r in d.recipients
            ]
            raise Interrupted(results + here + under_way + rest) from None
        if delivery.brief_id not in ("", brief_id):  # a translation's message: the table says which
            here = [replace(r, language=delivery.letter.language) for r in here]
        order = {r.email: i for i, r in enumerate(delivery.recipients)}
        here.sort(key=lambda result: order.get(result.recipient, len(order)))  # as the list has them
        results += here
        progress(index, len(deliveries), delivery, here)
    return results


def _triage(
    delivery: Delivery, entries: list[Entry], brief_id: str, resend: bool
) -> tuple[list[Result], list[Recipient]]:
    """Who of this message's recipients the log already accounts for (results), and who is due."""
    letter_ = delivery.letter
    hashes = sorted(a.sha256 for a in letter_.attachments)
    same = {} if resend else latest(entries, brief_id, letter_.audience, letter_.language)
    known = {} if resend else latest(entries, brief_id, letter_.audience)  # a reader whose language changed
    results: list[Result] = []
    due: list[Recipient] = []
    for r in delivery.recipients:
        e = same.get(r.email.casefold()) or known.get(r.email.casefold())
        if e is None or e.status == "failed":
            due.append(r)
        elif e.status == "sent" and e.language not in ("", letter_.language):
            why = f"sent in '{e.language}' on {_shown(e.time)}; --resend to send it in '{letter_.language}'"
            results.append(Result(letter_.audience, r.email, "skipped", why))
        elif e.status == "sent" and sorted(str(a.get("sha256")) for a in e.attachments) != hashes:
            why = f"changed since sent on {_shown(e.time)}; --resend to send the new version"
            results.append(Result(letter_.audience, r.email, "skipped", why))
        elif e.status == "sent":
            results.append(Result(letter_.audience, r.email, "skipped", f"already sent {_shown(e.time)} (--resend)"))
        else:  # uncertain: a second copy is not ours to risk
            why = (
                f"not sent again: the server may have accepted it at {_shown(e.time)}; check with the recipient "
                "or the server's log, then --resend"
            )
            results.append(Result(letter_.audience, r.email, "uncertain", why))
    return results, due


def _template(brief_id: str, delivery: Delivery, message_id: str, smtp: SmtpSender) -> Entry:
    """What every log line of one message shares."""
    return Entry(
        time="",
        brief=brief_id,
        audience=delivery.letter.audience,
        recipient="",
        field="",
        status="",
        message_id=str(message_id),
        server=smtp.settings.server,
        attachments=tuple(
            {"name": a.filename, "sha256": a.sha256, "bytes": len(a.data)} for a in delivery.letter.attachments
        ),
        language=delivery.letter.language,
    )
