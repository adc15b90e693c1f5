"""The tech-pack PDF: what a factory builds the garment from, laid out with reportlab's platypus.

`render_pdf(doc, theme=...)` reads only the plain values of a `TechPackDoc` (never the database), so the same
document always gives the same bytes; a release hashes them.

Layout (A4 landscape by default, see `theme.py`): the sections in the theme's order, each with a numbered title
bar; the cover, the flats and the pattern pieces take a page each, the other sections flow and are kept whole
where they fit on a page; long tables split with their header row repeated. Every page has a header (logo,
the sections on that page, style number, revision, status, collection) and a footer (style, revision, date and
"Page x of y"). A document that is not released carries a red "DRAFT — NOT FOR PRODUCTION" band on every page
and a faint diagonal watermark: only a released revision is for production.

Text: all user text is escaped for reportlab's paragraph markup and split into runs by script, each in a font
that has its glyphs, so Latin, Hangul, kana and Han mix in one line (`fonts.py`).

Where things are:

- `render.py`: `render_pdf`, the page size and frame, and the story (the sections in the theme's order).
- `sections/`: one module per section and the `SECTIONS` registry (section key -> builder).
- `fonts.py` (font registration, runs by script), `styles.py` (colours, paragraph styles), `format.py`
  (quantities, kg CO2e, dates, POM names), `context.py` (what every builder is handed).
- `tables.py` (data and label/value tables), `flowables.py` (title bars, pictures, status stamp, swatches),
  `drawings.py` (pattern pieces to scale, carbon chart), `furniture.py` (header, footer, page numbers).
"""

from design_ai.techpack.pdf.fonts import FontSet as _FontSet  # noqa: F401  (tests import it by this name)
from design_ai.techpack.pdf.render import render_pdf

__all__ = ["render_pdf"]
