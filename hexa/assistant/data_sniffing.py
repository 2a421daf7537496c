"""Whether a text file's content is data (rows of values), whatever its name says: under a
workspace's data policy such content is not sent to the model (data_policy.py).

A file is data when its head is
- JSON or NDJSON: it starts with `[` or `{`;
- XML: it starts with `<?xml`;
- SQL that carries values: INSERT INTO, VALUES (…), COPY … FROM stdin (a dump);
- delimited or aligned columns: on at least two lines, and on 80% of its first lines or
  more, the same number (one or more) of commas, semicolons, tabs or pipes, or the same
  number (three or more) of fields set apart by runs of blanks (a table printed as text).

It errs towards "data": a note whose few lines each hold one comma is taken for a CSV. One
line alone cannot be told from a sentence and is text.
"""

import re
from collections import Counter

HEAD_LINES = 200
SHARE = 0.8
DELIMITERS = (",", ";", "\t", "|")
_SQL_VALUES = re.compile(r"\bINSERT\s+INTO\b|\bVALUES\s*\(|\bCOPY\b[^;]*\bFROM\s+STDIN\b", re.IGNORECASE)
_ALIGNED = re.compile(r"\s{2,}|\t")


def looks_like_data(text: str) -> bool:
    start = text.lstrip("\ufeff \t\r\n")
    if start[:1] in ("[", "{") or start[:5].lower() == "<?xml":
        return True
    if _SQL_VALUES.search(text):
        return True
    lines = [line.strip() for line in text.splitlines() if line.strip()][:HEAD_LINES]
    if len(lines) < 2:
        return False
    needed = max(2, SHARE * len(lines))
    for delimiter in DELIMITERS:
        count, lines_with_it = Counter(line.count(delimiter) for line in lines).most_common(1)[0]
        if count >= 1 and lines_with_it >= needed:
            return True
    fields, lines_with_them = Counter(len(_ALIGNED.split(line)) for line in lines).most_common(1)[0]
    return fields >= 3 and lines_with_them >= needed
