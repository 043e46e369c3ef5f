"""One error tree: each class carries the exit code the CLI returns for it."""

from __future__ import annotations


class CartplanError(Exception):
    """Base of every error a user can cause; the CLI prints its one-line message."""

    exit_code = 1


class InputError(CartplanError):
    """Bad input on the command line or in a user file (exit 2, typer's convention)."""

    exit_code = 2


class ProtocolError(InputError):
    """A protocol file that does not parse or breaks a validation rule."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        first = problems[0] if problems else "invalid protocol"
        more = f" (+{len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(first + more)


class PatientError(InputError):
    """A patient profile with implausible or missing values: one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


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
