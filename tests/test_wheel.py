"""govkit as a user installs it: the built wheel in a fresh venv, run from an empty folder.

No checkout around it: the notebooks, the example plans and the demo's comments must come
with the package (importlib.resources), not from ``parents[n]`` of a source file. The
venv borrows this environment's dependencies through a .pth line and JUPYTER_PATH (pandas
and the rest are not what is tested, and installing them again takes a minute); govkit
itself is only the wheel's. `make wheel-check` (run by CI) does the same with every
dependency installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
URN = 148101  # a school of the demo trust


def _wheel(dist: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                    "--no-build-isolation", "--quiet", "--wheel-dir", str(dist)],
                   check=True, capture_output=True, text=True)
    (wheel,) = dist.glob("govkit-*.whl")
    return wheel


def _fresh_venv(venv: Path, wheel: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; "
                                "print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "borrowed_dependencies.pth").write_text("\n".join(sorted(deps)) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                    "--no-deps", "--quiet", str(wheel)], check=True, capture_output=True,
                   text=True)
    return venv / "bin"


def test_the_wheel_in_a_fresh_venv_inits_the_demo_and_runs_its_reports(tmp_path):
    bin_dir = _fresh_venv(tmp_path / "venv", _wheel(tmp_path / "dist"))
    home = tmp_path / "trust"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("GOVKIT_ROOT", "GOVKIT_DATA", "PYTHONPATH")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    # the borrowed dependencies' data files (nbconvert's base templates) sit under this
    # environment's prefix, not in site-packages
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")

    def run(*args: str) -> str:
        r = subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=home, env=env,
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout

    where = run("python", "-c", "import govkit; print(govkit.__file__)")
    assert Path(where.strip()).is_relative_to(tmp_path / "venv")  # the wheel's, not lib/

    said = run("govkit", "init", "--demo")
    assert "next: govkit run" in said
    for name in ("trust.yaml", "plan.yaml", "commentary/2024-25-summer.yaml"):
        # the same demo trust as the checkout's (one source: the package's data)
        assert (home / "params" / name).read_bytes() == (ROOT / "params" / name).read_bytes()
    assert sorted(p.name for p in (home / "data" / "demo").iterdir()) == \
        sorted(p.name for p in (ROOT / "data" / "demo").glob("*.csv"))

    run("govkit", "run", "--report", "trust_overview")
    run("govkit", "run", "--school", str(URN), "--report", "report_card")
    term = home / "outputs" / "2024-25-summer"
    overview = (term / "trust" / "trust_overview.html").read_text()
    card = (term / str(URN) / "report_card.html").read_text()
    assert "Kestrel Valley Learning Trust" in overview
    assert "Ashcombe Primary School" in card
    index = (term / "index.html").read_text()
    assert 'href="trust/trust_overview.html"' in index
    assert f'href="{URN}/report_card.html"' in index
