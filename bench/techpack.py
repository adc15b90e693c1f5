"""Seconds to build one tech pack PDF and one release bundle.

    python bench/techpack.py [--runs 5]

Sets up a look once (the bundled example's first look, flat drafts, approved), then times: rendering the
tech-pack PDF from an assembled document, assembling + rendering a bundle (pattern and estimate cached, as on
a re-release), and a full release (new revision each run: the seam allowance changes so the design changes).
Prints the median of --runs runs for each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="seamline-bench-")
    os.environ["SEAMLINE_HOME"] = home
    os.environ["SEAMLINE_MARKER_SECONDS"] = "2"
    from design_ai.brief import load_brief
    from design_ai.config import get_settings
    from design_ai.db.session import session_scope
    from design_ai.review.accounts import add_account
    from design_ai.review.state import decide
    from design_ai.sprint import make_control, make_drafts, preflight, queue_for_review, register_brief
    from design_ai.store import Store
    from design_ai.techpack.assemble import build_bundle
    from design_ai.techpack.release import release_look

    settings = get_settings()
    store = Store.from_settings(settings)
    loaded = load_brief(ROOT / "examples" / "briefs" / "tee-capsule.yaml")
    preflight(loaded, settings, "flat")
    look = register_brief(loaded, settings=settings, store=store).look_ids[0]
    make_control(look, settings=settings, store=store)
    draft = make_drafts(look, "flat", settings=settings, store=store)[0]
    queue_for_review(look, settings=settings, engine="flat")
    with session_scope(settings.resolved_database_url) as s:
        add_account(s, name="rev", role="reviewer", password="bench-password")
        prod = add_account(s, name="prod", role="production", password="bench-password")
    decide(settings.resolved_database_url, look_id=look, verdict="approve", reviewer="rev", draft_id=draft)

    t0 = time.perf_counter()
    build_bundle(draft, settings=settings, store=store, revision=None, status="draft", released_by=None,
                 released_at=None)  # fmt: skip
    print(f"first bundle (pattern with a 2 s marker, estimate, PDF): {time.perf_counter() - t0:.2f} s")

    from design_ai.techpack.pdf import render_pdf
    from design_ai.techpack.sample import sample_doc

    doc = sample_doc()
    pdf_times, bundle_times, release_times = [], [], []
    for i in range(args.runs):
        t0 = time.perf_counter()
        render_pdf(doc)
        pdf_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        build_bundle(draft, settings=settings, store=store, revision=None, status="draft", released_by=None,
                     released_at=None)  # fmt: skip
        bundle_times.append(time.perf_counter() - t0)
        os.environ["SEAMLINE_SEAM_ALLOWANCE_CM"] = f"{1.0 + 0.1 * i:.1f}"  # a changed design: a new revision
        s2 = get_settings()

        def build(d: int, _s=s2, **kw):  # type: ignore[no-untyped-def]
            return build_bundle(d, settings=_s, store=store, **kw)

        t0 = time.perf_counter()
        tp, created = release_look(look, account=prod, settings=s2, store=store, build=build)
        release_times.append(time.perf_counter() - t0)
        assert created
    print(f"tech-pack PDF render (sample document): median {statistics.median(pdf_times):.3f} s")
    print(f"bundle, pattern and estimate cached:     median {statistics.median(bundle_times):.3f} s")
    print(f"release of a changed design (new pattern with a 2 s marker, estimate, 2 PDFs, store, row): "
          f"median {statistics.median(release_times):.2f} s; last revision {tp.revision}")  # fmt: skip


if __name__ == "__main__":
    main()
