"""What every section starts or ends with: its numbered title bar, or a line saying there is nothing to show."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph, Spacer

from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.flowables import SectionTitle
from design_ai.techpack.theme import SECTION_TITLES

__all__ = ["heading", "nothing_recorded"]


def heading(ctx: Ctx, number: int, key: str) -> list[Flowable]:
    """The title bar of section `key` (its title from `SECTION_TITLES`) numbered `number`, and a little space."""
    return [SectionTitle(ctx, number, SECTION_TITLES[key]), Spacer(1, 4)]


def nothing_recorded(ctx: Ctx, what: str) -> Paragraph:
    """A caption in place of an empty table: "No `what` recorded.", so a missing part is visible, not silent."""
    return ctx.p(f"No {what} recorded.", "caption")
