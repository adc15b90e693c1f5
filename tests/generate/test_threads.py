"""Several looks generating in threads of one process (a generation run of a batch of looks), from a cold start.

Run in a fresh interpreter: the fault was in the first `import diffusers`, which a warm test process has done.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CODE = """
import threading
from design_ai.generate.engines.diffusion import _scheduler_class
errors = []
def resolve():
    try:
        _scheduler_class("UniPCMultistepScheduler")
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=resolve) for _ in range(6)]
[t.start() for t in threads]
[t.join() for t in threads]
assert not errors, errors
print("ok")
"""


def test_first_diffusers_import_in_threads_finds_the_schedulers() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
