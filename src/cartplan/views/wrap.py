"""Wrapping text to a width in terminal cells, for English and for Chinese alike.

textwrap counts characters and breaks only at spaces: right for English (and used unchanged for
text whose every character takes one cell, so English output stays as it was), wrong for
Chinese, where each character takes two cells and a line may break between any two characters.
Here a line may break at a space, between two wide characters, or between a wide character and
a word; punctuation that must not start a line (，。、；：）…) stays with what precedes it.
"""

from __future__ import annotations

import textwrap

NO_LINE_START = set("，。、；：！？）》」』】〕,.;:!?)]}%…")
NO_LINE_END = set("（《「『【〔“‘")


def cell_len(text: str) -> int:
    from rich.cells import cell_len as cells

    return cells(text)


def _wide(ch: str) -> bool:
    return cell_len(ch) > 1


def _tokens(text: str) -> list[str]:
    """Words, single wide characters and runs of spaces, in order."""
    out: list[str] = []
    word = ""
    for ch in text:
        if ch.isspace():
            if word:
                out.append(word)
                word = ""
            if out and out[-1].isspace():
                out[-1] += " "
            else:
                out.append(" ")
        elif ch in NO_LINE_START and (word or out):
            if word:
                word += ch
            elif out[-1].isspace():
                out.append(ch)
            else:
                out[-1] += ch
            if word and _wide(ch):  # a line may break after '，' even inside a word
                out.append(word)
                word = ""
        elif ch in NO_LINE_END:  # stays with what follows it
            if word:
                out.append(word)
            word = ch
        elif _wide(ch):
            if word and word[-1] not in NO_LINE_END:
                out.append(word)
                word = ""
            out.append(word + ch)
            word = ""
        else:
            word += ch
    if word:
        out.append(word)
    return out


def wrap(
    text: str, width: int, subsequent_indent: str = "", break_on_hyphens: bool = True
) -> list[str]:
    """`text` as lines of at most `width` cells ([] for blank text, as textwrap). Spaces are
    kept as written inside a line and dropped where a line breaks."""
    if cell_len(text) == len(text):
        return textwrap.wrap(
            text, width, subsequent_indent=subsequent_indent, break_on_hyphens=break_on_hyphens
        )
    lines: list[str] = []
    line = ""
    space = ""
    for i, tok in enumerate(_tokens(text)):
        if tok.isspace():
            if i == 0:
                line = tok  # the text's own indent
            elif line.strip():
                space = tok  # dropped if the line breaks here
            continue
        piece = space + tok
        space = ""
        if cell_len(line) + cell_len(piece) <= width:
            line += piece
            continue
        if line.strip():
            lines.append(line.rstrip())
            line = subsequent_indent
        for ch in tok:  # a token wider than a whole line is cut where it must be
            if cell_len(line) + cell_len(ch) > width and line.strip():
                carry = ""
                if ch in NO_LINE_START:  # '），' never starts a line: take a character along
                    j = len(line)
                    while j > 1 and line[j - 1] in NO_LINE_START:
                        j -= 1
                    if line[: j - 1].strip():
                        line, carry = line[: j - 1], line[j - 1 :]
                lines.append(line.rstrip())
                line = subsequent_indent + carry
            line += ch
    if line.strip():
        lines.append(line.rstrip())
    return lines
