"""Go's text/tabwriter (the elastic tabstop algorithm), which kubectl uses for both tables and describe.

kubectl get:      minwidth 6, tabwidth 4, padding 3, padchar ' '
kubectl describe: minwidth 0, tabwidth 8, padding 2, padchar ' '

Cells are tab-terminated; the text after a line's last tab is not part of a column and is never padded.
A column's width is decided per *block* of consecutive lines that have a cell in that column, so a
line without tabs ends the alignment of the lines above it (that is why `describe` realigns after
`Containers:`). `flush()` ends every block (describe flushes before its Events table).

kubectl's tables use liggitt/tabwriter with RememberWidths: `remember` (a list, kept by the caller between
flushes) holds each column's widest width so far, and a later flush never makes a column narrower. That is
why the rows `kubectl get -w` prints as events come stay aligned under the first listing's header.
"""
from __future__ import annotations


class TabWriter:
    def __init__(self, minwidth: int = 0, padding: int = 2):
        self.minwidth = minwidth
        self.padding = padding
        self.out: list[str] = []
        self.pending = ""          # text written since the last flush

    def write(self, text: str) -> None:
        self.pending += text

    def flush(self) -> None:
        if self.pending:
            self.out.append(format_text(self.pending, self.minwidth, self.padding))
            self.pending = ""

    def getvalue(self) -> str:
        self.flush()
        return "".join(self.out)


def rows_text(rows: list[list[str]], minwidth: int, padding: int) -> str:
    """Rows of cells aligned by the tabwriter, each row's last cell after its last tab (never padded)."""
    return format_text("".join("\t".join(r) + "\n" for r in rows), minwidth, padding)


def format_text(text: str, minwidth: int, padding: int, remember: list[int] | None = None) -> str:
    lines = text.split("\n")
    trailing = lines.pop() if lines else ""   # text after the last newline (no newline follows it)
    cells = [line.split("\t") for line in lines]
    if trailing:
        cells.append(trailing.split("\t"))
    out: list[str] = []
    _format(cells, 0, len(cells), [], minwidth, padding, out, remember)
    result = "\n".join(out)
    if lines:
        result = result + "\n" if not trailing else result
    return result


def _format(lines: list[list[str]], line0: int, line1: int, widths: list[int], minwidth: int, padding: int,
            out: list[str], remember: list[int] | None = None) -> None:
    column = len(widths)
    this = line0
    while this < line1:
        line = lines[this]
        if column >= len(line) - 1:
            this += 1
            continue
        _write_lines(lines, line0, this, widths, out)
        line0 = this
        width = minwidth
        while this < line1:
            line = lines[this]
            if column >= len(line) - 1:
                break
            w = len(line[column]) + padding
            if w > width:
                width = w
            this += 1
        if remember is not None:
            k = len(widths)
            if k >= len(remember):
                remember.extend([0] * (k + 1 - len(remember)))
            width = remember[k] = max(remember[k], width)
        _format(lines, line0, this, widths + [width], minwidth, padding, out, remember)
        line0 = this
    _write_lines(lines, line0, line1, widths, out)


def _write_lines(lines: list[list[str]], line0: int, line1: int, widths: list[int], out: list[str]) -> None:
    n = len(widths)
    for i in range(line0, line1):
        line = lines[i]
        # cells in a column are padded to its width (ljust never cuts a longer one); the rest as they are
        padded = "".join([cell.ljust(w) for cell, w in zip(line, widths)])
        out.append(padded + "".join(line[n:]) if len(line) > n else padded)
