"""Everything cartplan prints goes through here: the one boundary to the terminal.

- Control characters from data (step titles, closure reasons, file names, labels) are shown as
  ``\\uXXXX`` instead of reaching the terminal raw, where they could retitle the window, clear
  the screen or hide text: C0 except tab and newline, DEL, C1, the bidirectional overrides,
  and the Unicode line and paragraph separators (which split one message line into two).
  In JSON output the same spelling is a valid escape, so the JSON still reads back unchanged.
- Characters the stream's encoding cannot show (cp1252 on Windows, ASCII, a C locale) become
  readable ASCII: '→' is '->', 'µ' is 'u', '×' is 'x', '–' and '—' are '-', '≥' is '>=', '☐' is
  '[ ]', a superscript after a digit is an exponent ('10⁶' is '10^6', never '106'); only what
  has no spelling at all becomes '?'.
- A stream that is closed, full or gone is an OutputError (exit 4), not a traceback.
"""

from __future__ import annotations

import codecs
import os
import re
import sys
from typing import TextIO

from cartplan.errors import OutputError

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_IN_ICS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_LONE_CR = re.compile("\r(?!\n)")
_ASCII = {
    "→": "->",
    "←": "<-",
    "–": "-",
    "—": "-",
    "−": "-",
    "‐": "-",
    "─": "-",
    "·": "-",
    "×": "x",
    "²": "2",
    "³": "3",
    "µ": "u",
    "μ": "u",
    "√": "sqrt",
    "≥": ">=",
    "≤": "<=",
    "†": "+",
    "…": "...",
    "☐": "[ ]",
    "☑": "[x]",
    "☒": "[x]",
    "✓": "v",
    "✔": "v",
    "✗": "x",
    "•": "*",
    "±": "+/-",
    "≈": "~",
    "≠": "!=",
    "∞": "inf",
    "⁄": "/",
    "\u2009": " ",
    "\u202f": " ",
    "⚠": "!",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "°": " deg",
    "\u00a0": " ",
    "\ufffd": "?",
}


def visible(text: str) -> str:
    """`text` with every control character written as \\uXXXX (tab and newline kept)."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


_SUPERSCRIPT = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+", strict=True))
_SUPERSCRIPTS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")


def _ascii(ch: str) -> str:
    if ch in _ASCII:
        return _ASCII[ch]
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", ch).replace("⁄", "/")  # ½ -> 1/2, never 12
    try:
        base = decomposed.encode("ascii", "ignore").decode("ascii")
    except UnicodeError:  # a lone surrogate (undecodable bytes in an argument)
        base = ""
    return base if base.isprintable() and base else "?"


def _exponent(text: str, m: re.Match[str]) -> str:
    """A run of superscripts in ASCII: an exponent after a digit or ')' or when signed
    (10⁶ -> 10^6, s⁻¹ -> s^-1), plain digits after a unit's letter (m² -> m2)."""
    digits = "".join(_SUPERSCRIPT[ch] for ch in m[0])
    before = text[m.start() - 1] if m.start() > 0 else ""
    signed = digits[0] in "+-"
    return ("^" if signed or before in "0123456789)" else "") + digits


def _folded(text: str, start: int, end: int) -> str:
    """ASCII for text[start:end] ('°' after a space is 'deg': 38 °C -> 38 degC)."""
    out = []
    for i in range(start, end):
        ch = text[i]
        if ch == "°" and (i == 0 or text[i - 1] == " "):
            out.append("deg")
        else:
            out.append(_ascii(ch))
    return "".join(out)


def _fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return _folded(error.object, error.start, error.end), error.end


codecs.register_error("cartplan-ascii", _fallback)


def encodable(text: str, encoding: str | None) -> str:
    """`text` with what `encoding` cannot hold replaced by readable ASCII."""
    enc = encoding or "utf-8"
    try:
        text.encode(enc)
    except UnicodeEncodeError:
        pass
    except LookupError:  # an encoding Python does not know: ASCII is safe everywhere
        enc = "ascii"
    else:
        return text

    def whole_run(m: re.Match[str]) -> str:  # 10¹⁶ in cp1252 is 10^16, not 10¹^6
        try:
            m[0].encode(enc)
        except UnicodeEncodeError:
            return _exponent(text, m)
        return m[0]

    text = _SUPERSCRIPTS.sub(whole_run, text)
    return text.encode(enc, "cartplan-ascii").decode(enc)


def encoding(name: str = "stdout") -> str | None:
    """The encoding `out` (or `err`) writes in, so that a view can lay out columns in the
    characters that will really be shown ('->' is one cell wider than '→')."""
    stream = getattr(sys, name, None)
    return getattr(stream, "encoding", None) if stream is not None else None


def _stream(name: str) -> TextIO:
    stream: TextIO | None = getattr(sys, name)
    if stream is None:  # the descriptor was closed when Python started
        raise OutputError(f"cannot write to {name}: it is closed")
    return stream


def _failed(name: str, e: Exception) -> OutputError:
    """The error for a stream that cannot take more; what is still buffered goes nowhere, so
    that Python's own flush at exit does not fail a second time."""
    stream = getattr(sys, name)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # in-process capture: nothing to redirect
        pass
    return OutputError(f"cannot write to {name}: {getattr(e, 'strerror', None) or e}")


def _write(name: str, text: str) -> None:
    stream = _stream(name)
    try:
        stream.write(encodable(visible(text), getattr(stream, "encoding", None)))
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as e:  # ValueError: the stream was closed under us
        raise _failed(name, e) from None


def out(text: str) -> None:
    """Print `text` on stdout (no newline added)."""
    _write("stdout", text)


def err(text: str) -> None:
    """Print `text` on stderr (no newline added)."""
    _write("stderr", text)


def out_bytes(data: bytes) -> None:
    """An .ics calendar on stdout: control characters dropped, CRLF line ends kept."""
    text = _CONTROL_IN_ICS.sub("", data.decode("utf-8", "replace"))
    text = _LONE_CR.sub("", text)
    stream = _stream("stdout")
    try:
        stream.flush()
        buffer = getattr(stream, "buffer", None)
        if buffer is None:
            stream.write(text)
        else:
            buffer.write(text.encode("utf-8"))
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as e:
        raise _failed("stdout", e) from None


def flush() -> None:
    """Flush stdout, so that a full disk is reported now rather than lost at exit."""
    stream = sys.stdout
    if stream is None:
        return
    try:
        stream.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as e:
        raise _failed("stdout", e) from None


def discard_stdout() -> None:
    """After a broken pipe: the reader is gone, so what is still buffered goes nowhere."""
    _failed("stdout", BrokenPipeError())
