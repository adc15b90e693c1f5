"""How numbers, dates and names print in the tech pack: one place, so a table and a chart never disagree."""

from __future__ import annotations

from datetime import datetime

__all__ = ["format_date", "format_datetime", "format_kg", "format_pom_name", "format_qty"]


def format_qty(v: float) -> str:
    """A quantity with up to 3 decimals and no trailing zeros: 1, 0.25, 1.342."""
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def format_kg(v: float) -> str:
    """kg CO2e: 2 decimals per garment (3 below 0.01 kg), whole kg with thousands separators from 100 kg."""
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}" if abs(v) >= 0.01 or v == 0 else f"{v:.3f}"


def format_date(dt: datetime | None) -> str:
    """The date as YYYY-MM-DD, or a dash when there is none."""
    return dt.strftime("%Y-%m-%d") if dt else "—"


def format_datetime(dt: datetime | None) -> str:
    """Date and time, with UTC or the offset when the datetime knows its zone."""
    if dt is None:
        return "—"
    s = dt.strftime("%Y-%m-%d %H:%M")
    off = dt.utcoffset()
    if off is None:
        return s
    return f"{s} UTC" if off.total_seconds() == 0 else f"{s} {dt.strftime('%z')}"


def format_pom_name(name: str) -> str:
    """A POM key as words: "body_length" -> "Body length" (a name already in words is kept)."""
    return name.replace("_", " ")[:1].upper() + name.replace("_", " ")[1:] if "_" in name or name.islower() else name
