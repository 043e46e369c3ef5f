"""Whatever a user types into the planning options ends in a result or one clear error line."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Run

TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=24
)
VALUES = st.one_of(
    TEXT,
    st.from_regex(r"-?\d{1,6}", fullmatch=True),
    st.dates().map(str),
    st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True),
)
OPTIONS = [
    "--start",
    "--infusion",
    "--set",
    "--country",
    "--subdiv",
    "--tz",
    "--label",
    "--weight-kg",
    "--height-cm",
    "--creatinine",
    "--medication",
    "--age",
    "--sex",
]


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    picks=st.lists(st.tuples(st.sampled_from(OPTIONS), VALUES), min_size=1, max_size=4),
    command=st.sampled_from(["schedule", "checklist"]),
)
def test_random_input_never_crashes(run: Run, picks: list[tuple[str, str]], command: str) -> None:
    args = [command, "-p", "lupus-flucy"]
    for option, value in picks:
        args += [option, value]
    result = run(*args)
    assert result.code in (0, 2, 3, 5), result.err
    assert "internal error" not in result.err and "Traceback" not in result.err
    if result.code != 0:
        assert all(line.startswith("cartplan: error: ") for line in result.err.splitlines())
