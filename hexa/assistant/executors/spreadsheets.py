"""Spreadsheets as rows: XLSX/XLSM streamed, XLS and ODS through calamine.

    sheets, name, rows = open_sheet(path, kind, sheet)   # rows: an iterator of lists of cells

Why XLSX is streamed here rather than loaded by calamine: calamine builds the whole sheet in
memory before giving its first row (a 22 MB workbook took 2.8 s and 340 MB; a 50 MB one twice
that), while read_file wants the first rows of a sheet in well under a second, in bounded
memory. The sheet's XML is read from the zip with expat, a chunk at a time, and reading
stops when the caller stops iterating; shared strings are parsed only as far as the highest
index used so far. XLS (no compression) and ODS go to calamine after the size checks below.

Hostile workbooks: an XLSX/ODS is a zip, so its members' declared sizes are checked before
anything is inflated (total and ratio: a zip bomb declares gigabytes in kilobytes), and
Python's zipfile never inflates a member past its declared size (a member lying about its
size fails its CRC). Formulas are not evaluated: a cell gives the value Excel cached when it
last saved the file (None when there is none).
"""

import datetime
import os
import re
import time
import zipfile
from xml.parsers import expat

from ..errors import AssistantError
from .bucket import show

MAX_UNCOMPRESSED_BYTES = 2_000_000_000  # all members of one workbook, as declared
MAX_RATIO = 200  # a member's declared size / compressed size, for members over RATIO_FLOOR
RATIO_FLOOR = 50_000_000
MAX_CALAMINE_FILE_BYTES = 100_000_000  # XLS and ODS are loaded whole by calamine
CHUNK = 256 * 1024
MAX_COLUMNS = 16_384  # Excel's own limit (XFD)
MAX_CELL_CHARS = 131_072  # Excel holds 32,767 characters a cell; a longer text is cut here
MAX_SHARED_CHARS = 200_000_000  # shared strings parsed for one workbook

_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
_DATE_FORMAT_IDS = set(range(14, 23)) | {45, 46, 47}
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def unreadable(rel, why: str, rule: str = "broken_file") -> AssistantError:
    return AssistantError(
        "UNREADABLE_FILE",
        f"{show(rel)} cannot be read as a spreadsheet: {why.rstrip('.')}. If the user needs it, ask for a CSV "
        "export.",
        rule=rule,
    )


def check_zip(archive: zipfile.ZipFile, rel) -> None:
    """Refuse a zip whose declared sizes say 'bomb' before anything is inflated."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise unreadable(
                rel,
                f"its member {info.filename[:100]!r} inflates {info.file_size // max(1, info.compress_size)} times "
                f"(to {info.file_size // 1_000_000} MB); more than {MAX_RATIO} times is treated as a zip bomb.",
                "zip_bomb",
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise unreadable(
            rel,
            f"it declares {total // 1_000_000} MB of content, more than the {MAX_UNCOMPRESSED_BYTES // 1_000_000} MB "
            "allowed; export the sheet as CSV.",
            "zip_bomb",
        )


def open_sheet(path: str, kind: str, sheet, rel, deadline: float | None = None):
    """(sheet names, chosen sheet name, iterator of rows) for the sheet `sheet` (name or 0-based
    index; None: the first) of the workbook at `path` (a /proc/self/fd path of an opened file).
    Streaming an XLSX past `deadline` (time.monotonic()) raises QUERY_TIMEOUT."""
    if kind == "xlsx":
        return _Xlsx(path, rel, deadline).open(sheet)
    return _calamine_sheet(path, sheet, rel)


def _pick(names, sheet, rel) -> str:
    if not names:
        raise unreadable(rel, "it has no sheets.")
    if sheet is None:
        return names[0]
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(names):
            return names[sheet]
    elif sheet in names:
        return sheet
    else:
        folded = [n for n in names if n.casefold() == str(sheet).casefold()]
        if folded:
            return folded[0]
    listed = ", ".join(repr(n) for n in names[:50])
    raise AssistantError(
        "NOT_FOUND",
        f"{show(rel)} has no sheet {sheet!r}. Its sheets are: {listed} (give a name, or an index from 0).",
        sheets=names[:50],
    )


# -- XLSX ----------------------------------------------------------------------------------


def _date_format(code: str) -> bool:
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code).lower()  # quoted text, colours, escapes
    return bool(re.search(r"[dmyhs]", code)) and "general" not in code


class _Xlsx:
    def __init__(self, path, rel, deadline=None):
        self.rel = rel
        self.deadline = deadline
        try:
            self.archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise unreadable(rel, f"it is not a valid XLSX (zip) file ({error}).") from None
        check_zip(self.archive, rel)

    def _member(self, name):
        try:
            return self.archive.open(name)
        except KeyError:
            raise unreadable(self.rel, f"its part {name!r} is missing.") from None

    def _parse_all(self, name, start, optional=False):
        """Parse a small member (workbook, rels, styles) with `start(tag, attrs)` callbacks."""
        if optional and name not in self.archive.NameToInfo:
            return
        parser = expat.ParserCreate()
        parser.StartElementHandler = start
        with self._member(name) as member:
            try:
                parser.ParseFile(member)
            except expat.ExpatError as error:
                raise unreadable(self.rel, f"its part {name!r} is not valid XML ({error}).") from None

    def open(self, sheet):
        sheets, rels = [], {}

        def workbook(tag, attrs):
            if tag.rsplit(":", 1)[-1] == "sheet":
                rid = attrs.get("r:id") or next((v for k, v in attrs.items() if k.endswith(":id")), None)
                sheets.append((attrs.get("name", f"Sheet{len(sheets) + 1}"), rid))

        def relations(tag, attrs):
            if tag.rsplit(":", 1)[-1] == "Relationship":
                rels[attrs.get("Id")] = attrs.get("Target", "")

        self._parse_all("xl/workbook.xml", workbook)
        self._parse_all("xl/_rels/workbook.xml.rels", relations)
        names = [name for name, _ in sheets]
        chosen = _pick(names, sheet, self.rel)
        target = rels.get(dict(sheets)[chosen], "")
        member = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if member not in self.archive.NameToInfo:
            raise unreadable(self.rel, f"the part of sheet {chosen!r} is missing.")
        return names, chosen, self._rows(member)

    def _date_styles(self) -> list[bool]:
        custom, xfs, state = {}, [], {"in_xfs": False}

        def start(tag, attrs):
            if tag == "numFmt":
                custom[attrs.get("numFmtId")] = attrs.get("formatCode", "")
            elif tag == "cellXfs":
                state["in_xfs"] = True
            elif tag == "xf" and state["in_xfs"]:
                xfs.append(attrs.get("numFmtId", "0"))

        def end(tag):
            if tag == "cellXfs":
                state["in_xfs"] = False

        if "xl/styles.xml" in self.archive.NameToInfo:
            parser = expat.ParserCreate()
            parser.StartElementHandler, parser.EndElementHandler = start, end
            with self._member("xl/styles.xml") as member:
                try:
                    parser.ParseFile(member)
                except expat.ExpatError as error:
                    raise unreadable(self.rel, f"its styles are not valid XML ({error}).") from None
        return [
            (int(i) in _DATE_FORMAT_IDS) if i.isdigit() and i not in custom else _date_format(custom.get(i, ""))
            for i in xfs
        ]

    def _rows(self, member):
        dates = self._date_styles()
        strings = _SharedStrings(self.archive, self.rel)
        rows: list = []  # rows completed by the parser, handed out by the generator
        state = {"row": None, "col": 0, "type": None, "style": 0, "text": None, "in_value": False}

        def start(tag, attrs):
            if tag == "row":
                state["row"], state["col"] = [], 0
            elif tag == "c":
                ref = attrs.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    col = 0
                    for char in letters.upper():
                        col = col * 26 + (ord(char) - 64)
                    state["col"] = col - 1 if 0 < col <= MAX_COLUMNS else state["col"]
                state["type"], state["text"] = attrs.get("t", "n"), None
                style = attrs.get("s", "0")
                state["style"] = int(style) if style.isdigit() else 0
            elif tag in ("v", "t") and state["row"] is not None:
                state["in_value"] = True
                if state["text"] is None:
                    state["text"] = []

        def text(data):
            if state["in_value"]:
                size = state.get("size", 0) if state["text"] else 0
                if size < MAX_CELL_CHARS:
                    state["text"].append(data[: MAX_CELL_CHARS - size])
                state["size"] = size + len(data)

        def end(tag):
            if tag in ("v", "t"):
                state["in_value"] = False
            elif tag == "c" and state["row"] is not None:
                row, col = state["row"], state["col"]
                if col >= MAX_COLUMNS:
                    return
                if len(row) < col:
                    row.extend([None] * (col - len(row)))
                raw = "".join(state["text"]) if state["text"] is not None else None
                row.append(self._value(raw, state["type"], state["style"], dates, strings))
                state["col"] = col + 1
            elif tag == "row" and state["row"] is not None:
                if any(value is not None for value in state["row"]):  # empty rows are left out
                    rows.append(state["row"])
                state["row"] = None

        parser = expat.ParserCreate()
        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
        parser.buffer_text = True
        with self.archive.open(member) as stream:
            while True:
                if self.deadline is not None and time.monotonic() > self.deadline:
                    raise AssistantError(
                        "QUERY_TIMEOUT", f"Reading the sheet of {show(self.rel)} took too long.", rule="time_limit"
                    )
                try:
                    chunk = stream.read(CHUNK)
                except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
                    raise unreadable(self.rel, f"its sheet data is damaged ({error}).") from None
                try:
                    parser.Parse(chunk, not chunk)
                except expat.ExpatError as error:
                    raise unreadable(self.rel, f"its sheet is not valid XML ({error}).") from None
                while rows:
                    yield rows.pop(0)
                if not chunk:
                    return

    @staticmethod
    def _value(raw, kind, style, dates, strings):
        if raw is None:
            return None
        if kind == "s":
            return strings.get(int(raw)) if raw.strip().isdigit() else None
        if kind in ("str", "inlineStr"):
            return raw
        if kind == "b":
            return raw.strip() == "1"
        if kind == "e":
            return raw  # "#DIV/0!", "#N/A": Excel's cached error, as text
        if kind == "d":
            return raw  # an ISO date written as text
        try:
            number = float(raw)
        except ValueError:
            return raw
        if style < len(dates) and dates[style] and 0 <= number < 2_958_466:  # up to 9999-12-31
            moment = _EXCEL_EPOCH + datetime.timedelta(days=number)
            if moment.time() == datetime.time(0):
                return moment.date()
            return moment.replace(microsecond=round(moment.microsecond, -3) % 1_000_000)
        if number.is_integer() and abs(number) < 2**53:
            return int(number)
        return number


class _SharedStrings:
    """xl/sharedStrings.xml parsed lazily: only as far as the highest index asked for."""

    def __init__(self, archive, rel):
        self.rel = rel
        self.strings: list[str] = []
        self.stream = archive.open("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in archive.NameToInfo else None
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.current, self.depth_t, self.chars = None, 0, 0
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text

    def _start(self, tag, attrs):
        if tag == "si":
            self.current = []
        elif tag == "t" and self.current is not None:
            self.depth_t += 1
        elif tag == "rPh":  # phonetic hints are not part of the text
            self.depth_t -= 100

    def _end(self, tag):
        if tag == "si" and self.current is not None:
            self.strings.append("".join(self.current))
            self.current = None
        elif tag == "t":
            self.depth_t -= 1
        elif tag == "rPh":
            self.depth_t += 100

    def _text(self, data):
        if self.current is not None and self.depth_t > 0:
            self.chars += len(data)
            if self.chars > MAX_SHARED_CHARS:
                raise unreadable(self.rel, f"its shared strings hold more than {MAX_SHARED_CHARS:,} characters.", "too_large")
            if sum(len(part) for part in self.current) < MAX_CELL_CHARS:
                self.current.append(data[:MAX_CELL_CHARS])

    def get(self, index: int):
        while index >= len(self.strings) and self.stream is not None:
            try:
                chunk = self.stream.read(CHUNK)
                self.parser.Parse(chunk, not chunk)
            except expat.ExpatError as error:
                raise unreadable(self.rel, f"its shared strings are not valid XML ({error}).") from None
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
                raise unreadable(self.rel, f"its shared strings are damaged ({error}).") from None
            if not chunk:
                self.stream.close()
                self.stream = None
        return self.strings[index] if index < len(self.strings) else None


# -- XLS, ODS: calamine --------------------------------------------------------------------


def _calamine_value(value):
    if value == "":
        return None  # calamine's empty cell
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _calamine_sheet(path, sheet, rel):
    from python_calamine import CalamineError, CalamineWorkbook

    size = os.stat(path).st_size
    if size > MAX_CALAMINE_FILE_BYTES:
        raise unreadable(
            rel,
            f"it is {size // 1_000_000} MB; XLS and ODS workbooks are read whole, up to "
            f"{MAX_CALAMINE_FILE_BYTES // 1_000_000} MB. Ask for an XLSX or CSV export.",
            "file_too_large",
        )
    if zipfile.is_zipfile(path):  # ODS
        try:
            with zipfile.ZipFile(path) as archive:
                check_zip(archive, rel)
        except zipfile.BadZipFile as error:
            raise unreadable(rel, f"it is not a valid ODS (zip) file ({error}).") from None
    try:
        # from a file object: calamine guesses the format from a path's extension, and the
        # path is the descriptor's (/proc/self/fd/N); from an object it reads the content
        with open(path, "rb") as handle:
            workbook = CalamineWorkbook.from_filelike(handle)
        names = list(workbook.sheet_names)
        chosen = _pick(names, sheet, rel)
        rows = workbook.get_sheet_by_name(chosen).iter_rows()
    except AssistantError:
        raise
    except (CalamineError, OSError, ValueError) as error:
        raise unreadable(rel, f"{type(error).__name__}: {str(error)[:300]}") from None
    except Exception as error:  # calamine's other errors (XmlError, ZipError, PasswordError…)
        raise unreadable(rel, f"{type(error).__name__}: {str(error)[:300]}") from None

    def plain():
        for row in rows:
            values = [_calamine_value(value) for value in row]
            if any(value is not None for value in values):  # empty rows are left out, as for XLSX
                yield values

    return names, chosen, plain()
