"""The tech pack's sections, one module each, and the registry the renderer walks in the theme's order.

Every section module has `build(ctx, number) -> list[Flowable]`: the section's flowables, starting with its
numbered title bar (`common.heading`), given the render context and the section's number (the cover is not
numbered: it ignores it). To add a section: write its module here, add its key and title to
`theme.SECTION_TITLES`, and one line to `SECTIONS`; list it in `FULL_PAGE_SECTIONS` if it takes a page of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.platypus import Flowable

from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.sections import (
    bom,
    carbon,
    colorways,
    construction,
    cover,
    flats,
    grading,
    marker,
    notes,
    pieces,
    poms,
    review,
    revisions,
    signoffs,
)
from design_ai.techpack.theme import SECTION_TITLES

__all__ = ["FULL_PAGE_SECTIONS", "SECTIONS", "SectionBuilder"]

SectionBuilder = Callable[[Ctx, int], list[Flowable]]
"""(render context, section number) -> the section's flowables, title bar first."""

SECTIONS: dict[str, SectionBuilder] = {
    "cover": cover.build,
    "flats": flats.build,
    "colorways": colorways.build,
    "bom": bom.build,
    "poms": poms.build,
    "grading": grading.build,
    "pieces": pieces.build,
    "marker": marker.build,
    "construction": construction.build,
    "carbon": carbon.build,
    "review": review.build,
    "signoffs": signoffs.build,
    "revisions": revisions.build,
    "notes": notes.build,
}
"""Section key (a theme's `sections` entry) -> its builder."""
assert set(SECTIONS) == set(SECTION_TITLES), "every section the theme may name has a builder"

FULL_PAGE_SECTIONS = frozenset({"cover", "flats", "pieces"})
"""Sections that take a page of their own (a large picture each); the others flow and are kept whole."""
