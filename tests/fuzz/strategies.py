"""Hypothesis strategies for the hostile-input campaign: arguments, patient files, protocol
mutations, closures, output targets and CalDAV URLs.

Values that stand for files are placeholders ('@patient', '@fifo', …) that the tests turn into
real paths inside a fresh folder for each input.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import yaml
from hypothesis import strategies as st

from tests.fuzz.harness import BORN, MRN, NAME, PLANTED

HOSTILE_TEXT = [
    "",
    " ",
    "\x1b]0;PWNED\x07",
    "\x1b[2J\x1b[8mhidden",
    "\x9b31m",
    "\u202eevil",
    "a\rb",
    "9" * 5000,
    "-" + "9" * 4400,
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "0x10",
    "1_000",
    "٣",
    "../../etc/passwd",
    "/dev/zero",
    "%s%n",
    "{}",
    "[x]",
    "a" * 2000,
    "\udcff",
    "ä€😀",
]
DATES = [
    "2025-05-01",
    "2025-02-29",
    "2024-02-29",
    "2025-13-01",
    "0000-01-01",
    "0001-01-01",
    "1899-12-31",
    "1900-01-01",
    "2199-12-31",
    "2200-01-01",
    "9999-12-31",
    "2025-5-1",
    "2025-05-01T00:00",
    "20250501",
]


def no_planted(text: str) -> bool:
    return not any(p in text for p in PLANTED) and "Quirinus" not in text


CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
texts = st.one_of(st.text(CHARS, max_size=24), st.sampled_from(HOSTILE_TEXT)).filter(no_planted)
dates = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(str),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)).map(str),
    st.sampled_from(DATES),
).filter(no_planted)
whole = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.integers(-30, 400).map(str),
    st.sampled_from(["9" * 5000, "-" + "9" * 4400, "1e3", "1.5", "٣", "+5", "0x1f", ""]),
).filter(no_planted)
decimals = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(0, 400).map(lambda x: f"{x:.1f}"),
    whole,
)
PARAMETERS = ["washout_days", "manufacturing_days", "qc_days", "iec_hs_until_day", "unknown"]
sets = st.one_of(
    st.tuples(st.sampled_from(PARAMETERS), whole).map(lambda t: f"{t[0]}={t[1]}"),
    st.tuples(st.sampled_from(["apheresis", "infusion", "nope"]), texts).map(
        lambda t: f"{t[0]}.time={t[1]}"
    ),
    st.sampled_from(["apheresis.time=08:30", "infusion.time=23:59", "=", "x", "a=b=c"]),
    texts,
)
medications = st.one_of(
    st.tuples(
        st.sampled_from(["rituximab", "mycophenolate mofetil", "prednisone", "aspirin", ""]),
        dates,
        st.sampled_from(["", "15 mg/day", "5 mg", "x"]),
    ).map(lambda t: ":".join(t).rstrip(":")),
    texts,
)

# (option, strategy of its value); a value of None is a flag without a value.
PLANNING_OPTIONS: list[tuple[str, Any]] = [
    ("--start", dates),
    ("--infusion", dates),
    ("--today", dates),
    ("--set", sets),
    ("--country", st.one_of(st.sampled_from(["DE", "US", "CN", "IL", "de", "XX"]), texts)),
    ("--subdiv", st.one_of(st.sampled_from(["BY", "NW", "CA", "ZZ"]), texts)),
    ("--tz", st.one_of(st.sampled_from(["Europe/Berlin", "UTC", "Mars/Base", "../x"]), texts)),
    ("--closures", st.sampled_from(["@closures", "@zero", "@fifo", "@dir", "@missing"])),
    ("--patient", st.sampled_from(["@patient", "@zero", "@fifo", "@dir", "@missing"])),
    ("--label", texts),
    ("--sex", st.one_of(st.sampled_from(["F", "M", "f", "X"]), texts)),
    ("--age", whole),
    ("--birth-date", dates),
    ("--weight-kg", decimals),
    ("--height-cm", decimals),
    (
        "--creatinine",
        st.one_of(
            st.tuples(decimals, st.sampled_from(["mg/dL", "umol/L", "g"])).map(" ".join), texts
        ),
    ),
    ("--crcl-ml-min", decimals),
    ("--disease", texts),
    ("--medication", medications),
    ("--name", st.sampled_from(["Anna Example", "Bob", "", "\x1b[2J"])),
    ("--mrn", st.sampled_from(["12345", "0", "", "MRN-\x07"])),
    ("--bsa-formula", st.one_of(st.sampled_from(["mosteller", "dubois"]), texts)),
    ("--crcl-weight", st.one_of(st.sampled_from(["actual", "ideal", "adjusted"]), texts)),
    ("--include-phi", st.none()),
    (
        "-p",
        st.one_of(
            st.sampled_from(["lupus-flucy", "ssc-3rdgen", "@zero", "@fifo", "x.yaml"]), texts
        ),
    ),
]
SCHEDULE_OPTIONS: list[tuple[str, Any]] = [
    ("--format", st.one_of(st.sampled_from(["table", "json", "markdown"]), texts)),
    ("--ics", st.sampled_from(["@target", "-", "@fifo", "@dir", "@device", "@under-file"])),
    ("--ics-dir", st.sampled_from(["@folder", "@blocked-folder", "@under-file", "@target"])),
    ("--team", st.one_of(st.sampled_from(["pharmacy", "ward", "kitchen"]), texts)),
    ("--plan-id", texts),
    (
        "--now",
        st.one_of(
            dates,
            texts,
            st.sampled_from(
                ["2025-04-01T08:00:00Z", "0001-01-01T00:00+14:00", "9999-12-31T23:59-14:00"]
            ),
        ),
    ),
]
CHECKLIST_OPTIONS: list[tuple[str, Any]] = [
    ("--format", st.one_of(st.sampled_from(["text", "markdown", "html"]), texts)),
    ("--day", st.one_of(whole, texts)),
    ("--date", dates),
    ("--from", st.one_of(whole, dates)),
    ("--to", st.one_of(whole, dates)),
    ("--team", st.one_of(st.sampled_from(["ward", "kitchen"]), texts)),
    ("--out", st.sampled_from(["@target", "-", "@fifo", "@dir", "@device", "@under-file"])),
]


@st.composite
def planning_arguments(draw: st.DrawFn) -> list[str]:
    """A planning command with a handful of hostile options (a valid base most of the time)."""
    command = draw(st.sampled_from(["schedule", "checklist"]))
    table = PLANNING_OPTIONS + (SCHEDULE_OPTIONS if command == "schedule" else CHECKLIST_OPTIONS)
    args = [command]
    if draw(st.booleans()):
        args += [
            "-p",
            "lupus-flucy",
            draw(st.sampled_from(["--start", "--infusion"])),
            "2025-08-01",
        ]
        if draw(st.booleans()):
            args += ["--today", "2025-04-01"]  # else the real today, in the --tz given
    for option, values in draw(st.lists(st.sampled_from(table), min_size=1, max_size=6)):
        args.append(option)
        value = draw(values)
        if value is not None:
            args.append(value)
    return args


# ---- patient files ----

phi_values = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.sampled_from([NAME, [NAME], {"full": NAME}, 17, None]),
            "mrn": st.sampled_from([int(MRN), MRN, [MRN], float(MRN), f"{MRN}x", None]),
            "birth_date": st.sampled_from([BORN, date.fromisoformat(BORN), f"{BORN}T99", [BORN]]),
            NAME: st.just(MRN),  # identifying data as a key
        },
    ),
    st.sampled_from([NAME, [NAME, MRN], int(MRN), f"{NAME} {BORN}", None]),
)
numbers = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([10**30, -1, 0, "70", "seventy", [70], None, True]),
)
patient_documents = st.fixed_dictionaries(
    {"phi": phi_values},
    optional={
        "label": st.one_of(st.just("P-FUZZ"), texts),
        "sex": st.sampled_from(["F", "M", "X", 1, None, "\x1b[2J"]),
        "age": numbers,
        "birth_date": st.one_of(st.sampled_from([BORN, date.fromisoformat(BORN)]), dates),
        "weight_kg": numbers,
        "height_cm": numbers,
        "creatinine": st.one_of(
            st.fixed_dictionaries(
                {"value": numbers, "unit": st.sampled_from(["mg/dL", "umol/L", "mmol", None])}
            ),
            numbers,
        ),
        "crcl_ml_min": numbers,
        "disease": texts,
        "timezone": st.sampled_from(["Europe/Berlin", "Nowhere", 5]),
        "medications": st.one_of(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "drug": st.sampled_from(["rituximab", "prednisone", "aspirin", 7]),
                        "last_dose": st.one_of(dates, st.dates().map(str)),
                    },
                    optional={"dose": st.sampled_from(["15 mg/day", "x", 15])},
                ),
                max_size=4,
            ),
            st.sampled_from(["rituximab", 5, {"drug": "x"}]),
        ),
        "unknown_key": texts,
    },
)


@st.composite
def patient_files(draw: st.DrawFn) -> str:
    """A patient profile in YAML (sometimes JSON, sometimes broken), with identifying data."""
    doc = draw(patient_documents)
    text = yaml.safe_dump(doc, allow_unicode=True)
    kind = draw(st.sampled_from(["yaml", "yaml", "yaml", "json", "duplicate", "huge", "broken"]))
    if kind == "json":
        import json

        text = json.dumps(doc, default=str)
    elif kind == "duplicate":
        text += f"phi: {{name: {NAME}}}\n"
    elif kind == "huge":
        text += "age: " + "9" * 5000 + "\n"
    elif kind == "broken":
        text = text[: draw(st.integers(0, max(len(text) - 1, 0)))] + draw(
            st.sampled_from(["\t- [", "{{", "&a [*a, *a]", "!!python/object:os.system x", ""])
        )
    return text


# ---- protocol mutations ----

NUMERIC_PATHS = [
    ("steps", "release", "placement", "offset"),
    ("steps", "release", "placement", "late"),
    ("steps", "release", "placement", "early"),
    ("steps", "apheresis", "placement", "offset_months"),
    ("steps", "watch", "end_day"),
    ("steps", "release", "duration"),
    ("steps", "ld", "regimen", 0, "dose"),
    ("steps", "ld", "regimen", 0, "round_mg"),
    ("steps", "ld", "regimen", 0, "days"),
    ("steps", "infusion", "minutes"),
    ("parameters", 0, "default"),
    ("parameters", 0, "min"),
    ("parameters", 0, "max"),
    ("constraints", 0, "min"),
    ("constraints", 0, "max"),
]
hostile_numbers = st.one_of(
    st.integers(-(10**7), 10**7),
    st.integers(-4000, 4000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            10**30,
            -(10**30),
            3660,
            -3660,
            3661,
            1e308,
            1e-300,
            0,
            "washout_days",
            "washout_days.max",
            "nope",
            None,
            [],
            {},
        ]
    ),
)


def _node(doc: dict[str, Any], path: tuple[Any, ...]) -> tuple[Any, Any]:
    node: Any = doc
    for key in path[:-1]:
        if key == "steps" and node is doc:
            node = doc["steps"]
        elif isinstance(node, list) and isinstance(key, str):
            node = next(s for s in node if s.get("id") == key)
        elif isinstance(node, dict):
            node = node.setdefault(key, {})
        else:
            node = node[key]
    return node, path[-1]


@st.composite
def protocol_mutations(draw: st.DrawFn, base: dict[str, Any]) -> str:
    """The minimal protocol with one to four hostile changes, as YAML text."""
    import copy

    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 4))):
        try:
            _mutate(draw, doc)
        except (KeyError, IndexError, StopIteration, TypeError, AttributeError):
            pass  # the change needed something an earlier change removed
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def _mutate(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    """One hostile change to the protocol document, in place."""
    kind = draw(
        st.sampled_from(
            ["number", "number", "delete", "chain", "title", "constraint", "after", "time", "alarm"]
        )
    )
    steps = doc.setdefault("steps", [])
    if kind == "number":
        node, key = _node(doc, draw(st.sampled_from(NUMERIC_PATHS)))
        node[key] = draw(hostile_numbers)
    elif kind == "delete" and steps:
        step = draw(st.sampled_from(steps))
        key = draw(st.sampled_from(sorted(step)))
        step.pop(key, None)
    elif kind == "chain":
        n = draw(st.sampled_from([1, 5, 40, 150, 194, 195, 600]))
        offset, late = draw(st.integers(-400, 400)), draw(st.integers(0, 400))
        rule = draw(st.sampled_from(["calendar", "next", "previous", "nearest"]))
        before = "watch"
        for i in range(n):
            steps.append(
                {
                    "id": f"v{i}",
                    "title": "V",
                    "stage": "follow-up",
                    "teams": ["ward"],
                    "placement": {
                        "after": before,
                        "offset": offset,
                        "early": late,
                        "late": late,
                        "rule": rule,
                    },
                }
            )
            before = f"v{i}"
    elif kind == "title" and steps:
        draw(st.sampled_from(steps))["title"] = draw(texts)
    elif kind == "constraint":
        ids = [s.get("id") for s in steps] or ["x"]
        doc.setdefault("constraints", []).append(
            {
                "id": "fuzz",
                "description": "fuzzed",
                "first": {
                    "step": draw(st.sampled_from(ids)),
                    "edge": draw(st.sampled_from(["start", "end"])),
                },
                "then": {"step": draw(st.sampled_from(ids))},
                "min": draw(hostile_numbers),
                "max": draw(hostile_numbers),
            }
        )
    elif kind == "after" and steps:
        ids = [s.get("id") for s in steps] + ["day0", "nope"]
        draw(st.sampled_from(steps)).setdefault("placement", {})["after"] = draw(
            st.sampled_from(ids)
        )
    elif kind == "time" and steps:
        draw(st.sampled_from(steps))["time"] = draw(st.sampled_from(["08:30", "25:00", 830]))
    elif kind == "alarm" and steps:
        draw(st.sampled_from(steps))["alarms"] = [
            {"days_before": draw(hostile_numbers), "time": "08:00"}
        ]


# ---- closures ----

closure_lines = st.one_of(
    st.tuples(
        st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
        st.integers(0, 400),
        texts,
    ).map(lambda t: f"{t[0]}..{date.fromordinal(t[0].toordinal() + t[1])} {t[2]}"),
    st.tuples(dates, texts).map(lambda t: f"{t[0]} {t[1]}"),
    st.sampled_from(
        [
            "2025-01-01..2025-12-31 Renovation",
            "2026-01-01..2026-12-31 Renovation",
            "2025-12-31..2025-01-01 backwards",
            "2025-05-01..9999-12-31 forever",
            "# a comment",
            "",
            "\t",
            "garbage",
            "2025-05-22 " + "x" * 10000,
            "9" * 5000,
        ]
    ),
    texts,
)


@st.composite
def closure_files(draw: st.DrawFn) -> str:
    lines = draw(st.lists(closure_lines, max_size=30))
    repeat = draw(st.sampled_from([1, 1, 1, 12]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines * repeat) + newline


# ---- CalDAV URLs ----

loopback_hosts = st.sampled_from(["127.0.0.1", "127.3.4.5", "localhost", "[::1]"])
any_hosts = st.one_of(
    loopback_hosts,
    st.sampled_from(
        [
            "127.attacker.example",
            "localhost.evil",
            "127.1",
            "2130706433",
            "[::ffff:127.0.0.1]",
            "",
            "%00",
            "host name",
        ]
    ),
    texts,
)


@st.composite
def caldav_urls(draw: st.DrawFn, closed_port: int) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "ftp", "", "http:"]))
    # https is only ever tried against this machine: no name lookups, no traffic leaving it
    host = draw(loopback_hosts if scheme.lower() == "https" else any_hosts)
    user = draw(st.sampled_from(["", "", "coordinator:FuzzSecret-9c1@", "FuzzSecret-9c1@", ":@"]))
    port = draw(st.sampled_from([f":{closed_port}", f":{closed_port}", "", ":abc", ":99999", ":0"]))
    path = draw(
        st.one_of(st.sampled_from(["/", "/cal/", "/a b/", ""]), texts.map(lambda t: "/" + t))
    )
    return f"{scheme}://{user}{host}{port}{path}" if scheme else f"{user}{host}{port}{path}"
