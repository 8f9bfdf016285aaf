"""How much of a partner's file evac will read: every bound in one place.

A partner's file is read as it comes, and a careless export or a hostile one can be a few kB
that unpack to gigabytes (a zip or XLSX bomb), one merged range over a whole sheet, a cell of
10 MB (an unclosed quote), JSON nested 10,000 deep. Each bound is well above what the largest
real list needs (ODK Central's CSV of 100,000 submissions with 50 questions is about 60 MB; a
KoboToolbox export with its repeat groups has a few hundred columns), and a file over one is
refused with a message that names the file and says what to do. The parse itself runs in a
child process (`sandbox`) under a memory and a time limit, for what no bound foresees.
"""

MB = 2**20

# The file as sent: an upload is held in memory while it is parsed.
UPLOAD_BYTES = 100 * MB

# Zips (XLSX is a zip of XML files): what the members unpack to, one by one and in all, and
# how far a member may shrink. Real spreadsheets compress 5 to 20 times; a bomb of repeated
# cells compresses hundreds of times. The ratio is judged only on members large enough to
# matter, as a small XML file of repeated tags can shrink far without harm.
MEMBER_UNPACKED_BYTES = 200 * MB
ZIP_UNPACKED_BYTES = 500 * MB
XLSX_UNPACKED_BYTES = 200 * MB
COMPRESSION_RATIO = 100
RATIO_FROM_BYTES = 1 * MB

# A sheet: openpyxl makes one object per cell of the rectangle a sheet spans (about 200 bytes
# each), so the rectangle is bounded, and so are merged ranges, whose every cell takes the
# range's value.
SHEET_CELLS = 3_000_000
MERGED_CELLS = 100_000

# A row: how many cells may be filled (Excel allows 16,384 columns), and how long one cell
# may be (csv's own field limit; Excel's cells stop at 32,767 characters).
ROW_CELLS = 2_000
CELL_CHARS = 131_072

# A value typed into a form or sent in an API row, and a column name: far longer than any name,
# number or answer, far shorter than a flood.
FORM_FIELD_CHARS = 1_000
COLUMN_NAME_CHARS = 200

# JSON: how deep objects and lists may nest (a web form's group inside a repeat inside a
# submission is 4 or 5 deep), and how many values a file may hold in all.
JSON_DEPTH = 32
JSON_VALUES = 5_000_000

# The child process that parses a file: its address space and its time. An upload's parse
# is refused past these; `evac import` of a large workbook may take longer.
PARSE_MEMORY_BYTES = 2048 * MB
UPLOAD_PARSE_SECONDS = 120
IMPORT_PARSE_SECONDS = 1800
