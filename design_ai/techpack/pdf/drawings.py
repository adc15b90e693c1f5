"""Vector drawings: the base size's pattern pieces to scale, and the carbon chart by stage.

Pieces are drawn from their outlines in cm (`PieceDrawing`), not from a picture, so the page prints them sharp at
any zoom and its scale bar measures true: one scale for all the pieces, never larger than 1:1. y grows upward
in a piece's cm, as on the page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable

from design_ai.techpack.model import CarbonStage, PieceDrawing
from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.format import format_kg, format_qty

__all__ = ["CarbonChart", "PatternPieces"]

PT_PER_CM = 72 / 2.54

Point = tuple[float, float]


def _bbox(piece: PieceDrawing) -> tuple[float, float, float, float]:
    """x0, y0, x1, y1 (cm) around the cutting and sewing lines together."""
    pts = [*piece.cut_cm, *piece.sew_cm]
    xs, ys = [x for x, _ in pts], [y for _, y in pts]
    return min(xs), min(ys), max(xs), max(ys)


def _nearest_on_ring(ring: Sequence[Point], p: Point) -> Point:
    """The point of the closed polyline `ring` nearest to `p`."""
    best, best_d = ring[0], math.inf
    for a, b in zip(ring, [*ring[1:], ring[0]], strict=True):
        dx, dy = b[0] - a[0], b[1] - a[1]
        ll = dx * dx + dy * dy
        t = 0.0 if ll == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / ll))
        q = (a[0] + t * dx, a[1] + t * dy)
        d = (q[0] - p[0]) ** 2 + (q[1] - p[1]) ** 2
        if d < best_d:
            best, best_d = q, d
    return best


def _nice_step(span: float, target: int = 5) -> float:
    """A 1, 2 or 5 x 10^k step that cuts `span` into about `target` intervals."""
    raw = max(span, 1e-9) / target
    k = 10 ** math.floor(math.log10(raw))
    return next(m * k for m in (1, 2, 5, 10) if m * k >= raw)


class PatternPieces(Flowable):
    """The base size's pattern pieces as vectors at one scale, shelf-packed to fill the box: cutting line solid
    (tinted), sewing line dashed, fold line dash-dot, grain line with arrowheads at both ends, notches as short
    cuts into the allowance, each piece's name, size and cut count under it; a scale bar in cm and a legend."""

    LABEL_H = 26.0
    GAP = 18.0
    FOOT_H = 34.0

    def __init__(self, ctx: Ctx, pieces: Sequence[PieceDrawing], width: float, height: float) -> None:
        super().__init__()
        self.ctx, self.pieces, self.width, self.height = ctx, list(pieces), width, height
        self.scale, self.rows = self._fit()

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def _layout(self, s: float) -> tuple[float, list[list[tuple[PieceDrawing, float]]]]:
        """Rows of (piece, width in pt) at `s` pt per cm, and the height they take (inf when a piece is too wide)."""
        rows: list[list[tuple[PieceDrawing, float]]] = [[]]
        x = 0.0
        for p in self.pieces:
            x0, _, x1, _ = _bbox(p)
            w = (x1 - x0) * s
            if w > self.width:
                return math.inf, rows
            if rows[-1] and x + w > self.width:
                rows.append([])
                x = 0.0
            rows[-1].append((p, w))
            x += w + self.GAP
        h = sum(max((_bbox(p)[3] - _bbox(p)[1]) * s for p, _ in row) + self.LABEL_H for row in rows)
        return h + self.GAP * (len(rows) - 1) + self.FOOT_H, rows

    def _fit(self) -> tuple[float, list[list[tuple[PieceDrawing, float]]]]:
        lo, hi = 0.01, PT_PER_CM  # never larger than 1:1
        if not self.pieces:
            return 1.0, []
        if self._layout(hi)[0] <= self.height:
            return hi, self._layout(hi)[1]
        for _ in range(40):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if self._layout(mid)[0] <= self.height else (lo, mid)
        return lo, self._layout(lo)[1]

    def draw(self) -> None:
        s = self.scale
        top = self.height
        for row in self.rows:
            row_h = max((_bbox(p)[3] - _bbox(p)[1]) * s for p, _ in row)
            used = sum(w for _, w in row) + self.GAP * (len(row) - 1)
            x = (self.width - used) / 2
            for p, w in row:
                self._piece(p, x, top)
                x += w + self.GAP
            top -= row_h + self.LABEL_H + self.GAP
        self._foot()

    def _piece(self, p: PieceDrawing, left: float, top: float) -> None:
        c, ctx, s = self.canv, self.ctx, self.scale
        x0, y0, x1, y1 = _bbox(p)

        def pt(q: Point) -> Point:
            return left + (q[0] - x0) * s, top - (y1 - q[1]) * s

        def poly(points: Sequence[Point]) -> Any:
            path = c.beginPath()
            first, *rest = [pt(q) for q in points]
            path.moveTo(*first)
            for q in rest:
                path.lineTo(*q)
            path.close()
            return path

        c.saveState()
        c.setLineJoin(1)
        c.setFillColor(ctx.c["piece_fill"])
        c.setStrokeColor(ctx.c["ink"])
        c.setLineWidth(0.9)
        c.drawPath(poly(p.cut_cm), stroke=1, fill=1)
        c.setStrokeColor(ctx.c["muted"])
        c.setLineWidth(0.5)
        c.setDash(3, 2)
        c.drawPath(poly(p.sew_cm), stroke=1, fill=0)
        c.setDash()
        if p.on_fold:
            ys = [y for x, y in p.cut_cm if abs(x) < 1e-6]
            if len(ys) >= 2:
                (fx, fy0), (_, fy1) = pt((0.0, min(ys))), pt((0.0, max(ys)))
                c.setStrokeColor(colors.white)  # a fold is not cut: erase the cutting line there
                c.setLineWidth(2.2)
                c.line(fx, fy0 + 0.6, fx, fy1 - 0.6)
                c.setStrokeColor(ctx.c["primary"])
                c.setLineWidth(1.6)
                c.setDash([7, 2, 1.5, 2])
                c.line(fx, fy0, fx, fy1)
                c.setDash()
                c.saveState()
                c.translate(fx + 8, (fy0 + fy1) / 2)
                c.rotate(90)
                c.setFillColor(ctx.c["primary"])
                ctx.fonts.draw(c, 0, 0, "FOLD", 6.5, bold=True, anchor="middle")
                c.restoreState()
        # grain line, arrowheads at both ends
        (gx0, gy0), (gx1, gy1) = pt(p.grain_cm[0]), pt(p.grain_cm[1])
        c.setStrokeColor(ctx.c["ink"])
        c.setFillColor(ctx.c["ink"])
        c.setLineWidth(0.7)
        c.line(gx0, gy0, gx1, gy1)
        length = math.hypot(gx1 - gx0, gy1 - gy0)
        if length > 1e-6:
            ux, uy = (gx1 - gx0) / length, (gy1 - gy0) / length
            head = min(6.0, length / 4)
            for (tx, ty), sign in (((gx1, gy1), 1.0), ((gx0, gy0), -1.0)):
                bx, by = tx - sign * ux * head, ty - sign * uy * head
                path = c.beginPath()
                path.moveTo(tx, ty)
                path.lineTo(bx - uy * head * 0.4, by + ux * head * 0.4)
                path.lineTo(bx + uy * head * 0.4, by - ux * head * 0.4)
                path.close()
                c.drawPath(path, stroke=0, fill=1)
        # notches: a short cut from the cutting line toward the sewing line
        c.setLineWidth(1.3)
        cx = sum(x for x, _ in p.sew_cm) / len(p.sew_cm)
        cy = sum(y for _, y in p.sew_cm) / len(p.sew_cm)
        for n in p.notches_cm:
            q = _nearest_on_ring(p.sew_cm, n)
            vx, vy = q[0] - n[0], q[1] - n[1]
            d = math.hypot(vx, vy)
            if d < 1e-6:
                vx, vy = cx - n[0], cy - n[1]
                d = math.hypot(vx, vy) or 1.0
            ln = max(5.0, min(d, 0.6) * s)  # pt
            (nx, ny) = pt(n)
            c.line(nx, ny, nx + vx / d * ln, ny + vy / d * ln)
        # label under the piece
        w = (x1 - x0) * s
        cxp = left + w / 2
        base = top - (y1 - y0) * s
        c.setFillColor(ctx.c["ink"])
        name = p.name.replace("_", " ").upper()
        ctx.fonts.draw(
            c, cxp, base - 11, name, ctx.fonts.fit(name, 9, max(w, 70), bold=True), bold=True, anchor="middle"
        )
        line2 = f"Size {p.size} · Cut {p.cut}" + (" on fold" if p.on_fold else "")
        c.setFillColor(ctx.c["muted"])
        ctx.fonts.draw(c, cxp, base - 21, line2, ctx.fonts.fit(line2, 7.5, max(w, 90)), anchor="middle")
        c.restoreState()

    def _foot(self) -> None:
        """Scale bar (alternating cm blocks), the print scale, and a legend of line kinds."""
        c, ctx, s = self.canv, self.ctx, self.scale
        c.saveState()
        y = 12.0
        length = next((n for n in (100, 50, 40, 30, 20, 10, 5, 2, 1) if n * s <= 220), 1)
        step = _nice_step(length, 5)
        n = round(length / step)
        for i in range(n):
            c.setFillColor(ctx.c["ink"] if i % 2 == 0 else colors.white)
            c.setStrokeColor(ctx.c["ink"])
            c.setLineWidth(0.6)
            c.rect(i * step * s, y, step * s, 5, stroke=1, fill=1)
        c.setFillColor(ctx.c["ink"])
        for i in range(n + 1):
            label = format_qty(i * step) + (" cm" if i == n else "")
            ctx.fonts.draw(c, i * step * s, y + 8, label, 7, anchor="middle" if i < n else "start")
        ratio = PT_PER_CM / s
        sizes = sorted({p.size for p in self.pieces})
        ctx.fonts.draw(c, 0, y - 10, f"Size {', '.join(sizes)}; scale 1:{ratio:.1f} when printed at 100 %", 7)
        # legend
        x = max(length * s + 50, 260)
        items: list[tuple[str, Callable[[float, float], None]]] = []

        def solid(x: float, yy: float) -> None:
            c.setStrokeColor(ctx.c["ink"])
            c.setLineWidth(0.9)
            c.line(x, yy, x + 22, yy)

        def dashed(x: float, yy: float) -> None:
            c.setStrokeColor(ctx.c["muted"])
            c.setLineWidth(0.5)
            c.setDash(3, 2)
            c.line(x, yy, x + 22, yy)
            c.setDash()

        def fold(x: float, yy: float) -> None:
            c.setStrokeColor(ctx.c["primary"])
            c.setLineWidth(1.6)
            c.setDash([7, 2, 1.5, 2])
            c.line(x, yy, x + 22, yy)
            c.setDash()

        def grain(x: float, yy: float) -> None:
            c.setStrokeColor(ctx.c["ink"])
            c.setFillColor(ctx.c["ink"])
            c.setLineWidth(0.7)
            c.line(x + 2, yy, x + 20, yy)
            for tx, sign in ((x + 22, 1), (x, -1)):
                path = c.beginPath()
                path.moveTo(tx, yy)
                path.lineTo(tx - sign * 5, yy + 2)
                path.lineTo(tx - sign * 5, yy - 2)
                path.close()
                c.drawPath(path, stroke=0, fill=1)

        def notch(x: float, yy: float) -> None:
            c.setStrokeColor(ctx.c["ink"])
            c.setLineWidth(1.3)
            c.line(x + 11, yy - 4, x + 11, yy + 3)

        items = [("cut line", solid), ("sew line", dashed), ("grain line", grain), ("notch", notch), ("fold", fold)]
        for label, fn in items:
            fn(x, y + 3)
            c.setFillColor(ctx.c["ink"])
            x += 28 + ctx.fonts.draw(c, x + 27, y, label, 7.5) + 14
        c.restoreState()


class CarbonChart(Flowable):
    """kg CO2e per garment by stage: a bar for the central estimate and a whisker for the low-high range."""

    ROW_H = 19.0

    def __init__(self, ctx: Ctx, stages: Sequence[CarbonStage], width: float) -> None:
        super().__init__()
        self.ctx, self.stages, self.width = ctx, list(stages), width
        self.label_w = min(135.0, max((ctx.fonts.width(st.stage, 8) for st in self.stages), default=40) + 10)
        self.value_w = 96.0
        self.height = 24 + len(self.stages) * self.ROW_H + 26

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c, ctx = self.canv, self.ctx
        x0, x1 = self.label_w, self.width - self.value_w
        top = self.height - 20
        vmax = max((max(st.high, st.kg_co2e) for st in self.stages), default=1.0) or 1.0
        step = _nice_step(vmax, 5)
        vmax = math.ceil(vmax / step - 1e-9) * step

        def X(v: float) -> float:
            return x0 + (x1 - x0) * max(0.0, v) / vmax

        bottom = top - len(self.stages) * self.ROW_H
        c.setFillColor(ctx.c["muted"])
        ctx.fonts.draw(c, x0, self.height - 9, "kg CO2e per garment: bar = central estimate, whisker = low–high", 7.5)
        # grid and axis
        c.setLineWidth(0.3)
        c.setStrokeColor(ctx.c["rule"])
        t = 0.0
        while t <= vmax + 1e-9:
            c.line(X(t), bottom, X(t), top)
            c.setFillColor(ctx.c["muted"])
            ctx.fonts.draw(c, X(t), bottom - 10, format_qty(t), 7, anchor="middle")
            t += step
        ctx.fonts.draw(c, (x0 + x1) / 2, bottom - 21, "kg CO2e", 7, anchor="middle")
        for i, st in enumerate(self.stages):
            yc = top - (i + 0.5) * self.ROW_H
            c.setFillColor(ctx.c["ink"])
            ctx.fonts.draw(c, x0 - 6, yc - 3, st.stage, ctx.fonts.fit(st.stage, 8, self.label_w - 8), anchor="end")
            c.setFillColor(ctx.c["primary"])
            bh = self.ROW_H * 0.55
            c.rect(x0, yc - bh / 2, X(st.kg_co2e) - x0, bh, stroke=0, fill=1)
            c.setStrokeColor(ctx.c["accent"])
            c.setLineWidth(1.0)
            c.line(X(st.low), yc, X(st.high), yc)
            for v in (st.low, st.high):
                c.line(X(v), yc - 4, X(v), yc + 4)
            c.setFillColor(ctx.c["ink"])
            ctx.fonts.draw(c, X(max(st.high, st.kg_co2e)) + 5, yc - 3, format_kg(st.kg_co2e), 7.5, bold=True)
            c.setFillColor(ctx.c["muted"])
            ctx.fonts.draw(c, x1 + 30, yc - 3, f"{format_kg(st.low)}–{format_kg(st.high)}", 7.5)
        c.setStrokeColor(ctx.c["ink"])
        c.setLineWidth(0.6)
        c.line(x0, bottom, x0, top)
