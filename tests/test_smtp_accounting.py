"""SmtpSender's accounting, step by step, against a scripted server (smtpserver.Script).

Each test compares three things per recipient: what the server stored (`received`: only
messages it took), the outcome `send` returned (status, code, detail), and what the journal
heard (`sending` before the final dot, `settled` with each final outcome). `_accounts`
checks what must hold in every run; each test then checks what its case decides.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from briefgen.mail.smtp import Outcome, SmtpSender, SmtpSettings

from smtpserver import DROPPED, PASSWORD, TOO_MANY, USER, Received, Script, Server, smtp_server

QUEUED = "250 2.0.0 Ok: queued as {queue_id}"  # a queue id per message: an outcome names its own
PEOPLE = [f"r{i}@example.org" for i in range(10)]
FAST = {"timeout": 2.0, "final_timeout": 0.5, "backoff": 0.0, "retries": 2}
SHORT = 0.5  # the client's command timeout in the tests that make the server wait
LATE = 0.9  # a server's wait past SHORT (and past final_timeout)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """One server for the module (STARTTLS and AUTH, as in production); each run resets it."""
    with smtp_server(tmp_path_factory.mktemp("smtp")) as running:
        yield running


class Journal:
    """Records the transport's reports, in order."""

    def __init__(self, pause: float = 0.0) -> None:
        self.calls: list[tuple[str, object]] = []
        self.pause = pause  # a journal that takes its time to reach the disk

    def sending(self, recipients: list[str]) -> None:
        self.calls.append(("sending", list(recipients)))
        if self.pause:
            time.sleep(self.pause)

    def settled(self, outcomes: dict[str, Outcome]) -> None:
        self.calls.append(("settled", dict(outcomes)))

    @property
    def sendings(self) -> list[list[str]]:
        return [r for kind, r in self.calls if kind == "sending"]  # type: ignore[misc]


@dataclass
class Run:
    outcomes: dict[str, Outcome]
    journal: Journal
    sleeps: list[float] = field(default_factory=list)
    limit: int | None = None

    def status(self, address: str) -> tuple[str, int | None]:
        return self.outcomes[address].status, self.outcomes[address].code

    def statuses(self) -> set[str]:
        return {o.status for o in self.outcomes.values()}


def _message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = USER
    msg["To"] = "undisclosed-recipients:;"
    msg["Subject"] = "Brief"
    msg.set_content("Körper des Textes\n.a line that starts with a dot\n")
    return msg


def _settings(server: Server, **changes: object) -> SmtpSettings:
    values: dict = {
        "host": server.host,
        "port": server.port,
        "security": server.security,
        "user": USER,
        "ca_file": str(server.ca_file),
        **FAST,
    }
    values.update(changes)
    return SmtpSettings(**values)


def _send(
    server: Server,
    script: Script,
    recipients: list[str],
    *,
    journal: Journal | None = None,
    msg: EmailMessage | None = None,
    messages: int = 1,
    **settings: object,
) -> Run:
    """Send `messages` messages (one sender, as the CLI does) to `recipients`, checking each; the last one's run."""
    server.reset(script)
    sleeps: list[float] = []
    journal = journal or Journal()
    with SmtpSender(_settings(server, **settings), password=lambda: PASSWORD, sleep=sleeps.append) as sender:
        for _ in range(messages):
            journal.calls.clear()
            before = len(server.received)
            outcomes = sender.send(msg or _message(), USER, list(recipients), journal)
            run = Run(outcomes, journal, sleeps, sender.limit)
            _accounts(server.received[before:], run, recipients)
    return run


def _accounts(received: list[Received], run: Run, recipients: list[str]) -> None:
    """What every run (of one message) must satisfy, whatever the server did."""
    outcomes, calls = run.outcomes, run.journal.calls
    # one outcome per recipient, and the journal settled each exactly once, with that outcome
    assert list(outcomes) == list(dict.fromkeys(recipients))
    settled = [(a, o) for kind, batch in calls if kind == "settled" for a, o in batch.items()]  # type: ignore[union-attr]
    assert sorted(a for a, _ in settled) == sorted(outcomes), "each recipient settled exactly once"
    assert all(outcomes[a] == o for a, o in settled), "the journal heard the outcome send() returned"
    for address, outcome in outcomes.items():
        copies = [r for r in received if address in r.rcpt_tos]
        if outcome.status == "sent":  # the server stored it, and the detail is that message's own reply
            assert copies, f"{address} sent, but the server has no message for it"
            assert (outcome.code, outcome.detail) in {(int(r.reply[:3]), r.reply[4:]) for r in copies}
        if outcome.status != "uncertain":
            assert len(copies) <= 1, f"{address}: {len(copies)} copies"
        if outcome.status == "failed":  # a rerun would send it again: the server must not have it
            assert not copies, f"{address} failed, but the server has it"
            assert "gave up" not in outcome.detail or not str(outcome.code).startswith("5")
        if outcome.status in ("sent", "uncertain"):  # the log knew before the dot went
            told = [i for i, (kind, r) in enumerate(calls) if kind == "sending" and address in r]  # type: ignore[operator]
            when = next(i for i, (kind, r) in enumerate(calls) if kind == "settled" and address in r)  # type: ignore[operator]
            assert told and told[0] < when, f"{address} {outcome.status} without `sending` first"


def _copies(server: Server, addresses: list[str]) -> list[int]:
    return [server.copies(a) for a in addresses]


# ------------------------------------------------------------ 2xx in other words


def test_any_2xx_is_acceptance_and_the_final_reply_is_the_detail(server: Server) -> None:
    script = (
        Script()
        .at("mail", "250 2.1.0 Sender ok")
        .at("rcpt", "251 2.1.5 User not local; will forward", position=1)
        .at("final", "250 2.0.0 Ok: queued as 4Fq2Zx1yTz")
    )
    run = _send(server, script, PEOPLE[:2])
    assert run.outcomes == dict.fromkeys(PEOPLE[:2], Outcome("sent", 250, "2.0.0 Ok: queued as 4Fq2Zx1yTz"))
    assert [r.rcpt_tos for r in server.received] == [PEOPLE[:2]]


# ------------------------------------------------------------ 452: too many recipients


def test_ten_recipients_past_a_limit_of_three_go_in_four_transactions(server: Server) -> None:
    run = _send(server, Script(recipient_limit=3, accept_reply=QUEUED), PEOPLE, retries=0)
    assert run.statuses() == {"sent"}
    assert _copies(server, PEOPLE) == [1] * 10
    assert [t.accepted for t in server.transactions] == [PEOPLE[0:3], PEOPLE[3:6], PEOPLE[6:9], PEOPLE[9:]]
    assert [len(r.rcpt_tos) for r in server.received] == [3, 3, 3, 1]
    assert len({t.connection for t in server.transactions}) == 1, "the rest go on the same connection"
    assert [reply for t in server.transactions for _, reply in t.rcpts].count(TOO_MANY) == 1, "learnt at once"
    assert run.limit == 3
    assert run.sleeps == [], "no backoff, and (retries=0) no attempt counted"
    for stored in server.received:  # each recipient's detail is its own transaction's queue id
        assert {run.outcomes[a].detail for a in stored.rcpt_tos} == {stored.reply[4:]}
    assert run.journal.sendings == [PEOPLE[0:3], PEOPLE[3:6], PEOPLE[6:9], PEOPLE[9:]]


def test_the_learnt_limit_sizes_the_next_message_from_the_start(server: Server) -> None:
    _send(server, Script(recipient_limit=3, accept_reply=QUEUED), PEOPLE[:7], messages=2)
    batches = [t.accepted for t in server.transactions]
    assert batches == [PEOPLE[0:3], PEOPLE[3:6], PEOPLE[6:7]] * 2
    assert [reply for t in server.transactions for _, reply in t.rcpts].count(TOO_MANY) == 1


def test_max_recipients_sets_the_batches_from_the_start(server: Server) -> None:
    run = _send(server, Script(accept_reply=QUEUED), PEOPLE[:5], max_recipients=2)
    assert run.statuses() == {"sent"}
    assert [[a for a, _ in t.rcpts] for t in server.transactions] == [PEOPLE[0:2], PEOPLE[2:4], PEOPLE[4:5]]
    assert _copies(server, PEOPLE[:5]) == [1] * 5
    assert run.limit == 2


def test_a_server_limit_below_max_recipients_is_learnt(server: Server) -> None:
    run = _send(server, Script(recipient_limit=2, accept_reply=QUEUED), PEOPLE[:7], max_recipients=4)
    assert run.statuses() == {"sent"}
    assert [t.accepted for t in server.transactions] == [PEOPLE[0:2], PEOPLE[2:4], PEOPLE[4:6], PEOPLE[6:7]]
    assert run.limit == 2


def test_452_to_the_first_rcpt_is_a_temporary_failure_not_a_limit(server: Server) -> None:
    """Nothing accepted yet: 452 is "insufficient storage", retried with backoff, counted."""
    script = Script(accept_reply=QUEUED).at("rcpt", "452 4.3.1 Insufficient system storage", position=1)
    run = _send(server, script, PEOPLE[:2], backoff=1.0)
    assert run.statuses() == {"sent"}
    assert [t.accepted for t in server.transactions] == [[PEOPLE[1]], [PEOPLE[0]]]
    assert run.sleeps == [1.0]
    assert run.limit is None


def test_the_learnt_limit_counts_only_accepted_recipients(server: Server) -> None:
    """r0 refused (550), r1-r3 accepted, r4 gets 452: the server's limit is 3, not 4."""
    script = Script(recipient_limit=3, accept_reply=QUEUED).at("rcpt", "550 5.1.1 No such user", address=PEOPLE[0])
    run = _send(server, script, PEOPLE[:5])
    assert run.status(PEOPLE[0]) == ("failed", 550)
    assert _copies(server, PEOPLE[1:5]) == [1] * 4
    assert run.limit == 3


# ------------------------------------------------------------ 421: the connection ends


def test_421_at_the_second_rcpt_retries_the_whole_transaction_on_a_new_connection(server: Server) -> None:
    script = Script(accept_reply=QUEUED).at("rcpt", "421 4.3.2 Shutting down", position=2)
    run = _send(server, script, PEOPLE[:3], backoff=1.0)
    assert run.statuses() == {"sent"}
    first, second = server.transactions
    assert first.rcpts == [(PEOPLE[0], "250 OK"), (PEOPLE[1], "421 4.3.2 Shutting down")]
    assert second.accepted == PEOPLE[:3] and second.connection != first.connection
    assert _copies(server, PEOPLE[:3]) == [1, 1, 1]
    assert run.sleeps == [1.0], "one backoff"
    assert run.journal.sendings == [PEOPLE[:3]]


@pytest.mark.parametrize("step", ["greeting", "ehlo", "mail", "data", "final"])
def test_421_at_any_step_is_retried_on_a_new_connection_with_backoff(server: Server, step: str) -> None:
    script = Script(accept_reply=QUEUED).at(step, "421 4.3.2 Service shutting down")
    run = _send(server, script, PEOPLE[:2], backoff=1.0)
    assert run.statuses() == {"sent"}
    assert _copies(server, PEOPLE[:2]) == [1, 1]
    assert run.sleeps == [1.0]
    if len(server.transactions) > 1:  # the 421 came in a transaction: the retry is on another connection
        assert server.transactions[-1].connection != server.transactions[0].connection


def test_421_counts_as_an_attempt(server: Server) -> None:
    script = Script(accept_reply=QUEUED).at("mail", "421 4.3.2 Service shutting down", times=None)
    run = _send(server, script, PEOPLE[:2], retries=1, backoff=1.0)
    assert {a: run.status(a) for a in PEOPLE[:2]} == dict.fromkeys(PEOPLE[:2], ("failed", 421))
    assert all(o.detail.endswith("(gave up after 2 attempts)") for o in run.outcomes.values())
    assert len({t.connection for t in server.transactions}) == 2
    assert run.sleeps == [1.0]


# ------------------------------------------------------------ other 4xx: backoff, then give up


@pytest.mark.parametrize(("step", "where"), [("mail", {}), ("rcpt", {"position": 1}), ("data", {}), ("final", {})])
def test_a_4xx_once_is_retried_after_a_backoff_and_delivers_once(server: Server, step: str, where: dict) -> None:
    script = Script(accept_reply=QUEUED).at(step, "451 4.3.0 Try again later", **where)
    run = _send(server, script, PEOPLE[:2], backoff=1.0)
    assert run.statuses() == {"sent"}
    assert _copies(server, PEOPLE[:2]) == [1, 1]
    assert run.sleeps == [1.0]


def test_451_after_the_dot_twice_then_250_sends_once_with_doubling_sleeps(server: Server) -> None:
    script = Script(accept_reply=QUEUED).at("final", "451 4.3.0 Try again later", times=2)
    run = _send(server, script, PEOPLE[:2], backoff=1.0, retries=3)
    assert run.statuses() == {"sent"}
    assert _copies(server, PEOPLE[:2]) == [1, 1]
    assert run.sleeps == [1.0, 2.0]
    assert [t.final for t in server.transactions] == ["451 4.3.0 Try again later"] * 2 + [server.received[0].reply]
    assert run.journal.sendings == [PEOPLE[:2]] * 3  # the log hears of each dot before it goes


@pytest.mark.parametrize("retries", [0, 2])
def test_a_lasting_4xx_gives_up_after_the_real_number_of_attempts(server: Server, retries: int) -> None:
    script = Script(accept_reply=QUEUED).at("final", "451 4.3.0 Try again later", times=None)
    run = _send(server, script, PEOPLE[:2], retries=retries, backoff=1.0)
    attempts = retries + 1
    assert {a: run.status(a) for a in PEOPLE[:2]} == dict.fromkeys(PEOPLE[:2], ("failed", 451))
    for outcome in run.outcomes.values():
        assert outcome.detail == f"4.3.0 Try again later (gave up after {attempts} attempts)"
    assert len(server.transactions) == attempts
    assert run.sleeps == [1.0 * 2**i for i in range(retries)]
    assert server.received == []


def test_a_4xx_recipient_is_retried_alone_and_counted_alone(server: Server) -> None:
    script = Script(accept_reply=QUEUED).at("rcpt", "450 4.2.1 Mailbox busy", address=PEOPLE[1], times=None)
    run = _send(server, script, PEOPLE[:3], retries=1)
    assert run.status(PEOPLE[1]) == ("failed", 450)
    assert run.outcomes[PEOPLE[1]].detail == "4.2.1 Mailbox busy (gave up after 2 attempts)"
    assert [run.status(a)[0] for a in (PEOPLE[0], PEOPLE[2])] == ["sent", "sent"]
    assert [[a for a, _ in t.rcpts] for t in server.transactions] == [PEOPLE[:3], [PEOPLE[1]]]
    assert _copies(server, PEOPLE[:3]) == [1, 0, 1]


# ------------------------------------------------------------ 5xx: failed at once


@pytest.mark.parametrize(
    ("step", "reply"),
    [
        ("mail", "550 5.7.1 Sender refused"),
        ("data", "554 5.5.1 No valid recipients"),
        ("final", "554 5.6.0 Message refused"),
        ("ehlo", "550 5.7.1 Go away"),
        ("greeting", "554 5.3.2 No SMTP service here"),
    ],
)
def test_a_5xx_for_the_transaction_fails_every_recipient_at_once(server: Server, step: str, reply: str) -> None:
    run = _send(server, Script(accept_reply=QUEUED).at(step, reply, times=None), PEOPLE[:3])
    code = int(reply[:3])
    assert {a: run.status(a) for a in PEOPLE[:3]} == dict.fromkeys(PEOPLE[:3], ("failed", code))
    assert {o.detail for o in run.outcomes.values()} == {reply[4:]}, "the server's words, never 'gave up'"
    assert server.received == [] and len(server.transactions) <= 1
    assert run.sleeps == []


def test_550_for_one_rcpt_fails_only_that_one(server: Server) -> None:
    script = Script(accept_reply=QUEUED).at("rcpt", "550 5.1.1 No such user", address=PEOPLE[1], times=None)
    run = _send(server, script, PEOPLE[:3])
    assert run.status(PEOPLE[1]) == ("failed", 550)
    assert run.outcomes[PEOPLE[1]].detail == "5.1.1 No such user"
    assert [run.status(a)[0] for a in (PEOPLE[0], PEOPLE[2])] == ["sent", "sent"]
    assert [r.rcpt_tos for r in server.received] == [[PEOPLE[0], PEOPLE[2]]]
    assert len(server.transactions) == 1 and run.sleeps == []
    assert run.journal.sendings == [[PEOPLE[0], PEOPLE[2]]]


def test_a_5xx_after_a_4xx_is_final_and_never_says_gave_up(server: Server) -> None:
    script = Script(accept_reply=QUEUED).at("final", "451 4.3.0 Try again later").at("final", "554 5.6.0 Refused")
    run = _send(server, script, PEOPLE[:2])
    assert {a: run.status(a) for a in PEOPLE[:2]} == dict.fromkeys(PEOPLE[:2], ("failed", 554))
    assert {o.detail for o in run.outcomes.values()} == {"5.6.0 Refused"}
    assert len(server.transactions) == 2


# ------------------------------------------------------------ a server that does not answer in time


BEFORE_THE_DOT = [
    pytest.param("greeting", {}, id="greeting"),
    pytest.param("ehlo", {}, id="ehlo"),
    pytest.param("mail", {}, id="mail"),
    pytest.param("rcpt", {"position": 1}, id="1st-rcpt"),
    pytest.param("rcpt", {"position": 3}, id="3rd-rcpt"),
    pytest.param("data", {}, id="data"),
]


@pytest.mark.parametrize(("step", "where"), BEFORE_THE_DOT)
def test_no_reply_in_time_before_the_dot_is_retried_and_delivers_once(server: Server, step: str, where: dict) -> None:
    script = Script(accept_reply=QUEUED).at(step, delay=LATE, **where)
    run = _send(server, script, PEOPLE[:3], timeout=SHORT, backoff=1.0)
    assert run.statuses() == {"sent"}
    assert _copies(server, PEOPLE[:3]) == [1, 1, 1]
    assert run.sleeps == [1.0]


def test_a_final_reply_later_than_final_timeout_is_uncertain_never_retried(server: Server) -> None:
    script = Script(accept_reply=QUEUED).at("final", delay=LATE)  # stores, waits, then says 250
    run = _send(server, script, PEOPLE[:2], retries=3, final_timeout=0.3)
    assert {a: run.status(a) for a in PEOPLE[:2]} == dict.fromkeys(PEOPLE[:2], ("uncertain", None))
    assert all("timed out" in o.detail and "not sent again" in o.detail for o in run.outcomes.values())
    assert _copies(server, PEOPLE[:2]) == [1, 1], "the server has it, once"
    assert len(server.transactions) == 1 and run.sleeps == []
    assert run.journal.calls == [("sending", PEOPLE[:2]), ("settled", run.outcomes)]


def test_final_timeout_not_timeout_bounds_the_wait_for_the_final_reply(server: Server) -> None:
    script = Script(accept_reply=QUEUED).at("final", delay=0.6)
    run = _send(server, script, PEOPLE[:2], timeout=0.3, final_timeout=2.0)
    assert run.statuses() == {"sent"}
    assert _copies(server, PEOPLE[:2]) == [1, 1]


def test_the_connection_serves_the_next_message_after_an_uncertain_one(server: Server) -> None:
    script = Script(accept_reply=QUEUED).at("final", delay=LATE)
    run = _send(server, script, PEOPLE[:2], final_timeout=0.3, messages=2)
    assert run.statuses() == {"sent"}  # the second message
    assert _copies(server, PEOPLE[:2]) == [2, 2]  # one each: the uncertain first, the sent second
    assert len(server.transactions) == 2


# ------------------------------------------------------------ dropped connections


@pytest.mark.parametrize(("step", "where"), BEFORE_THE_DOT)
@pytest.mark.parametrize("reset", [False, True], ids=["closed", "reset"])
def test_a_drop_before_the_message_is_retried_and_delivers_once(
    server: Server, step: str, where: dict, reset: bool
) -> None:
    script = Script(accept_reply=QUEUED).at(step, drop=True, reset=reset, **where)
    run = _send(server, script, PEOPLE[:3], backoff=1.0)
    assert run.statuses() == {"sent"}
    assert _copies(server, PEOPLE[:3]) == [1, 1, 1]
    assert run.sleeps == [1.0]
    if step in ("mail", "rcpt", "data"):
        first = server.transactions[0]
        assert DROPPED in (first.mail, first.data, *(reply for _, reply in first.rcpts))


def test_a_drop_while_the_body_is_sent_is_retried_and_delivers_once(server: Server) -> None:
    """A body bigger than the socket buffers: the client is still writing it when the server hangs up."""
    msg = _message()
    msg.set_content(("0123456789" * 7 + "\n") * 120_000)  # 8.5 MB
    script = Script(accept_reply=QUEUED).at("body", drop=True, lines=1)
    run = _send(server, script, PEOPLE[:2], msg=msg, backoff=1.0, timeout=10.0)
    assert run.statuses() == {"sent"}
    assert _copies(server, PEOPLE[:2]) == [1, 1]
    assert run.sleeps == [1.0]
    assert run.journal.sendings == [PEOPLE[:2]], "the log never heard of the message that did not arrive"


@pytest.mark.parametrize("keep", [True, False], ids=["queued-then-dropped", "dropped-unqueued"])
def test_a_drop_after_the_dot_is_uncertain_never_retried(server: Server, keep: bool) -> None:
    script = Script(accept_reply=QUEUED).at("final", drop=True, keep=keep)
    run = _send(server, script, PEOPLE[:2], retries=3)
    assert {a: run.status(a) for a in PEOPLE[:2]} == dict.fromkeys(PEOPLE[:2], ("uncertain", None))
    assert _copies(server, PEOPLE[:2]) == [int(keep)] * 2
    assert len(server.transactions) == 1 and run.sleeps == []
    assert run.journal.calls == [("sending", PEOPLE[:2]), ("settled", run.outcomes)]


def test_a_final_dot_that_could_not_be_sent_is_retried_not_uncertain(server: Server) -> None:
    """The server resets the connection after the body's first line; the journal takes 0.3 s to
    write `sending`, so the reset has arrived when the client sends the final dot: that send
    fails, the dot never left, the server cannot have the message, and a retry is safe."""
    script = Script(accept_reply=QUEUED).at("body", reset=True, lines=1)
    run = _send(server, script, PEOPLE[:2], journal=Journal(pause=0.3), backoff=1.0)
    assert run.statuses() == {"sent"}
    assert _copies(server, PEOPLE[:2]) == [1, 1]


@pytest.mark.parametrize("reply", ["OK queued", "250 " + "x" * 9000], ids=["no-code", "too-long"])
def test_an_unreadable_reply_after_the_dot_is_uncertain(server: Server, reply: str) -> None:
    """The server queued the message, but its reply cannot be read: it may have it."""
    script = Script(accept_reply=QUEUED).at("final", reply, keep=True)
    run = _send(server, script, PEOPLE[:2], retries=3)
    assert {a: run.status(a) for a in PEOPLE[:2]} == dict.fromkeys(PEOPLE[:2], ("uncertain", None))
    assert len(server.transactions) == 1


# ------------------------------------------------------------ the journal


def test_the_journal_hears_sending_before_each_dot_and_each_outcome_once(server: Server) -> None:
    script = (
        Script(recipient_limit=2, accept_reply=QUEUED)
        .at("rcpt", "550 5.1.1 No such user", address=PEOPLE[4])
        .at("final", "451 4.3.0 Try again later", skip=1)  # the second transaction's: r2, r3
    )
    run = _send(server, script, PEOPLE[:5])
    sent = [r.rcpt_tos for r in server.received]
    assert sent == [PEOPLE[0:2], PEOPLE[2:4]], "r2 r3 (451) again after r4 (550), once"
    calls = [(kind, r if kind == "sending" else {a: o.status for a, o in r.items()}) for kind, r in run.journal.calls]
    expected = [
        ("sending", PEOPLE[0:2]),
        ("settled", dict.fromkeys(PEOPLE[0:2], "sent")),
        ("sending", PEOPLE[2:4]),  # then 451: no outcome yet
        ("settled", {PEOPLE[4]: "failed"}),  # its own transaction: 550, nothing accepted, no DATA
        ("sending", PEOPLE[2:4]),  # the retry
        ("settled", dict.fromkeys(PEOPLE[2:4], "sent")),
    ]
    assert calls == expected
    assert run.journal.sendings == [PEOPLE[0:2], PEOPLE[2:4], PEOPLE[2:4]]
    assert run.status(PEOPLE[4]) == ("failed", 550)


# ------------------------------------------------------------ any script at all

ADDRESSES = PEOPLE[:8]
PROPERTY = {"timeout": 0.5, "final_timeout": 0.3, "backoff": 0.0}
REPLIES = [
    "421 4.3.2 Service shutting down",
    "450 4.2.1 Mailbox busy",
    "451 4.3.0 Try again later",
    "452 4.3.1 Insufficient system storage",
    "550 5.1.1 No such user",
    "554 5.7.1 Refused",
]


def _acts(step: str) -> st.SearchStrategy[dict]:
    """What a step may do. A wait past the client's timeout is rare: each costs that timeout."""
    drops = [{"drop": True}, {"reset": True}]
    if step == "body":
        return st.tuples(st.sampled_from(drops), st.integers(0, 2)).map(lambda d: {**d[0], "lines": d[1]})
    waits = [{"delay": 0.7}]
    replies = [{"reply": r} for r in REPLIES]
    if step in ("ehlo", "greeting"):  # refusals here end the connection: 4xx is tried again, 5xx fails all
        return st.sampled_from(replies + drops * 2 + waits)
    if step == "final":
        drops.append({"drop": True, "keep": False})  # the server went down before queueing it
    return st.sampled_from(replies * 3 + drops * 2 + waits)


@st.composite
def _rules(draw: st.DrawFn) -> dict:
    steps = ["greeting", "ehlo", "mail", "rcpt", "rcpt", "rcpt", "data", "body", "final", "final", "final"]
    step = draw(st.sampled_from(steps))
    act = draw(_acts(step))
    times = 1 if "delay" in act else draw(st.sampled_from([1, 1, 1, 2, None]))
    rule = {"step": step, **act, "times": times, "skip": draw(st.sampled_from([0, 0, 0, 1, 2]))}
    if step == "rcpt":
        rule.update(draw(st.sampled_from([{}, {"position": 1}, {"position": 2}, {"position": 3}])))
        if draw(st.booleans()):
            rule["address"] = draw(st.sampled_from(ADDRESSES))
    return rule


@settings(max_examples=60)
@given(
    count=st.integers(1, 8),
    retries=st.integers(0, 2),
    limit=st.one_of(st.none(), st.integers(1, 4)),
    batch=st.one_of(st.none(), st.integers(1, 4)),
    rules=st.lists(_rules(), max_size=4),
)
def test_any_script_never_misreports_a_recipient(
    server: Server, count: int, retries: int, limit: int | None, batch: int | None, rules: list[dict]
) -> None:
    """Whatever the server does, `_accounts` holds: `sent` only if a stored message names the
    recipient (with that message's own reply); more than one copy only if `uncertain`; `failed`
    only if the server has no copy; one outcome each, settled once, as returned; `sending` first."""
    script = Script(recipient_limit=limit, accept_reply=QUEUED)
    for rule in rules:
        rule = dict(rule)
        script.at(rule.pop("step"), **rule)
    recipients = ADDRESSES[:count]
    run = _send(server, script, recipients, retries=retries, max_recipients=batch, **PROPERTY)
    for status in sorted(run.statuses()):
        event(f"some recipient {status}")
    for kind in ("delay", "drop", "reset"):
        if any(kind in rule for rule in rules):
            event(f"a {kind}")
    if any("gave up" in o.detail for o in run.outcomes.values()):
        event("some recipient given up on")
