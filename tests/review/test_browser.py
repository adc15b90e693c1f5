"""The review app in a real headless Chromium: log in, open the queue and a look, zoom, approve, see it leave;
then approve a draft that drifts from its sketch, which asks for confirmation first.

Runs Debian's `chromium` through Playwright's `executable_path` (no `playwright install`, which downloads). Skipped
when chromium is missing, unless SEAMLINE_REQUIRE_BROWSER=1 (CI), which turns the skip into a failure. Keeps a
full-page screenshot of the look page in `test-artifacts/review-look.png` (and of the queue and the lightbox).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_helpers import PASSWORD, make_user, sprint_looks
from factories import add_drifted_draft
from needs import missing

from design_ai.config import Settings
from design_ai.review.state import decide
from design_ai.sprint import draft_open_round
from design_ai.store import Store

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        missing("SEAMLINE_REQUIRE_BROWSER", "Debian's chromium is not installed (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("SEAMLINE_REQUIRE_BROWSER", "the playwright package is not installed")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(settings: Settings) -> Iterator[str]:
    """The review app under uvicorn on a free loopback port, in a thread; yields its base URL."""
    import uvicorn

    from design_ai.review.app import create_app

    app = create_app(settings, redraft=lambda look_id: None)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="review-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the review app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def _seed(tmp_path: Path, settings: Settings) -> tuple[int, list[int], int, int]:
    """Look A in its second round (round 1 sent back with a comment), look B in round 1 with a drifted third
    draft (returned last); both queued."""
    url = settings.resolved_database_url
    store = Store.from_settings(settings)
    generation = {"width": 256, "height": 256}
    colorways = [
        {"name": "Sunrise", "hex": "#F4A261"},
        {"name": "Ink", "hex": "#1D3557"},
        {"name": "Sage", "hex": "#8FA98A"},
        {"name": "Chalk", "hex": "#EDE6DA"},
    ]
    a, b = sprint_looks(
        tmp_path / "brief",
        settings,
        looks=[
            {"name": "Boxy tee, sunrise", "drafts": 4, "colorways": colorways, "generation": generation},
            {"name": "Relaxed tee, ink", "drafts": 2, "generation": generation},
        ],
        collection="SS27 Everyday Tees",
        author="mina",
    )
    make_user(url, "ana")
    make_user(url, "lee")
    decide(
        url,
        look_id=a.look_id,
        verdict="send_back",
        reviewer="lee",
        comment="Love the boxy fit. Try a slightly cropped body and a new seed; <b>keep</b> the colorways.",
        edits={"seed": 2027, "drafts": 4},
        source="web",
    )
    _, ids = draft_open_round(a.look_id, settings=settings, store=store)
    return a.look_id, list(ids), b.look_id, add_drifted_draft(settings, b.look_id)


def test_review_in_chromium(tmp_path: Path, settings: Settings, served: str) -> None:
    executable = _chromium()
    from playwright.sync_api import expect, sync_playwright

    look_id, draft_ids, other_id, drifted = _seed(tmp_path, settings)
    chosen = draft_ids[1]
    problems: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1360, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            page.set_default_timeout(10_000)

            page.goto(served + "/")
            expect(page).to_have_url(served + "/login?next=/")
            page.fill("input[name=name]", "ana")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]:has-text('Sign in')")
            expect(page.locator("h1")).to_have_text("Review queue")
            expect(page.locator(".flash")).to_contain_text("Signed in as ana")
            expect(page.locator(f'[data-look="{look_id}"]')).to_be_visible()
            expect(page.locator(f'[data-look="{other_id}"]')).to_be_visible()
            expect(page.locator(f'[data-look="{other_id}"] .badge-drift')).to_have_text("1 drifted")
            expect(page.locator(f'[data-look="{look_id}"] .badge-drift')).to_have_count(0)

            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(ARTIFACTS / "review-queue.png"))
            page.click(f'[data-look="{look_id}"] .qi-title')
            expect(page).to_have_url(f"{served}/looks/{look_id}")
            expect(page.locator("h1")).to_have_text("Boxy tee, sunrise")
            expect(page.locator(".draft-card")).to_have_count(4)
            page.wait_for_load_state("networkidle")
            broken = page.eval_on_selector_all("img", "imgs => imgs.filter(i => !i.complete || !i.naturalWidth).length")
            assert broken == 0, "some images did not load"
            assert "<b>keep</b>" in page.locator(".comment").first.inner_text()  # shown as text, not markup
            page.screenshot(path=str(ARTIFACTS / "review-look.png"), full_page=True)

            # zoom: the lightbox opens on click and closes with Escape (needs review.js, so also proves the CSP)
            page.click(f"#draft-{chosen} a.zoom")
            expect(page.locator("dialog.lightbox")).to_be_visible()
            expect(page.locator(".lb-caption")).to_contain_text(f"Draft #{chosen}")
            page.keyboard.press("ArrowRight")
            expect(page.locator(".lb-caption")).to_contain_text(f"Draft #{draft_ids[2]}")
            page.screenshot(path=str(ARTIFACTS / "review-lightbox.png"))
            page.keyboard.press("Escape")
            expect(page.locator("dialog.lightbox")).to_be_hidden()

            card = page.locator(f"#draft-{chosen}")
            card.locator("textarea[name=comment]").fill("Ink reads best on the cropped body. Approved.")
            card.locator("button:has-text('Approve draft')").click()
            expect(page).to_have_url(served + "/")
            expect(page.locator(".flash-ok")).to_contain_text(f"Approved draft #{chosen}")
            expect(page.locator(f'[data-look="{look_id}"]')).to_have_count(0)
            expect(page.locator(f'[data-look="{other_id}"]')).to_be_visible()

            page.goto(f"{served}/looks/{look_id}")
            expect(page.locator(".decision.verdict-approve")).to_contain_text("by ana")

            # a draft that drifts from its sketch: its figures are on the page, approving it asks first
            page.goto(f"{served}/looks/{other_id}")
            card = page.locator(f"#draft-{drifted}")
            expect(card.locator(".fidelity.is-flagged .badge-drift")).to_have_text("Drifts from sketch")
            expect(card.locator(".fid-iou")).to_contain_text("IoU 0.7")
            expect(card.locator(".fid-reasons")).to_contain_text("< 0.85")
            expect(page.locator(".fidelity.is-faithful")).to_have_count(2)
            expect(page.locator(".fidelity.is-faithful .fid-iou").first).to_contain_text("IoU 0.9")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(ARTIFACTS / "review-drift.png"), full_page=True)
            asked: list[str] = []

            def answer(accept: bool):  # type: ignore[no-untyped-def]
                def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
                    asked.append(dialog.message)
                    dialog.accept() if accept else dialog.dismiss()

                return on_dialog

            page.once("dialog", answer(False))
            card.locator("button:has-text('Approve draft')").click()
            expect(page).to_have_url(f"{served}/looks/{other_id}")  # said no: nothing sent
            assert asked and asked[0].startswith(f"Draft #{drifted} drifts from its sketch (IoU 0.7"), asked
            assert asked[0].endswith("Approve anyway?")
            expect(card.locator("input[name=confirm_drift]")).not_to_be_checked()
            page.once("dialog", answer(True))
            card.locator("button:has-text('Approve draft')").click()
            expect(page).to_have_url(served + "/")
            expect(page.locator(".flash-ok")).to_contain_text(f"Approved draft #{drifted}")
            assert len(asked) == 2
            page.goto(f"{served}/looks/{other_id}")
            expect(page.locator(".drift-confirmed")).to_contain_text("Drift confirmed by ana: IoU 0.7")
            page.click("button:has-text('Sign out')")
            expect(page).to_have_url(served + "/login")
        finally:
            browser.close()
    assert not problems, problems  # no CSP violation, no script error
    assert (ARTIFACTS / "review-look.png").stat().st_size > 10_000
