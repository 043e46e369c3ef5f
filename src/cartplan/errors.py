"""One error tree: each class carries the exit code the CLI returns for it.

An error carries a `Message` (code and parameters) from the core, or words from an edge; the
CLI renders it in the reader's language. `str(error)` is the English rendering.
"""

from __future__ import annotations

from collections.abc import Sequence

from cartplan.messages import Message, Text


class CartplanError(Exception):
    """Base of every error a user can cause; the CLI prints its one-line message."""

    exit_code = 1

    def __init__(self, message: Text) -> None:
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        from cartplan.i18n import render

        return render(self.message)

    @property
    def code(self) -> str | None:
        """The message code, when the error comes from the core."""
        return self.message.code if isinstance(self.message, Message) else None


class InputError(CartplanError):
    """Bad input on the command line or in a user file (exit 2, typer's convention)."""

    exit_code = 2


class ProtocolError(InputError):
    """A protocol file that does not parse or breaks a validation rule."""

    def __init__(self, problems: Sequence[Text]) -> None:
        self.problems = list(problems)
        super().__init__(self.problems[0] if self.problems else "invalid protocol")

    def __str__(self) -> str:
        from cartplan.i18n import render

        first = render(self.message)
        more = f" (+{len(self.problems) - 1} more problems)" if len(self.problems) > 1 else ""
        return first + more


class PatientError(InputError):
    """A patient profile with implausible or missing values: one line per problem."""

    def __init__(self, problems: Sequence[Text]) -> None:
        self.problems = list(problems)
        super().__init__(self.problems[0] if self.problems else "invalid patient")

    def __str__(self) -> str:
        from cartplan.i18n import render

        return "\n".join(render(p) for p in self.problems)


class SiteError(InputError):
    """A site file that does not read or names what no protocol has: one line per problem."""

    def __init__(self, problems: Sequence[Text]) -> None:
        self.problems = list(problems)
        super().__init__(self.problems[0] if self.problems else "invalid site file")

    def __str__(self) -> str:
        from cartplan.i18n import render

        return "\n".join(render(p) for p in self.problems)


class InfeasiblePlanError(CartplanError):
    """No plan satisfies every constraint of the protocol (exit 3)."""

    exit_code = 3


class ContraindicatedError(CartplanError):
    """A protocol rule says a drug must not be given to this patient (exit 5)."""

    exit_code = 5


class OutputError(CartplanError):
    """An output file could not be written (exit 4)."""

    exit_code = 4


class PublishError(CartplanError):
    """A CalDAV upload failed; the message says what was and was not written (exit 6)."""

    exit_code = 6


class ConflictError(CartplanError):
    """Someone else changed the stored plan since this change was computed; nothing was written
    (exit 7). Show the plan again and repeat the change."""

    exit_code = 7


class AuditError(CartplanError):
    """The audit trail of a stored plan is not intact: an entry was changed, removed or added
    outside cartplan (exit 8). The message names the first broken entry."""

    exit_code = 8


class StoreError(CartplanError):
    """The plan store cannot be used: unreachable, not a cartplan store, or made by a newer
    cartplan (exit 9)."""

    exit_code = 9


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived: the CLI cleans up, prints one line, exits 128 + signal number.

    A BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it; unlike
    KeyboardInterrupt, typer does not turn it into a silent exit.
    """

    def __init__(self, signum: int) -> None:
        import signal

        self.signum = signum
        self.exit_code = 128 + signum
        name = "interrupted" if signum == signal.SIGINT else "terminated"
        super().__init__(f"{name} ({signal.Signals(signum).name})")
