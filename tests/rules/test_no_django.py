"""rules/ is pure Python: importing every module must not import Django (DESIGN.md)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import vangnet.rules

SCRIPT = """
import importlib, pkgutil, sys
import vangnet.rules
names = [m.name for m in pkgutil.iter_modules(vangnet.rules.__path__)]
for name in names:
    importlib.import_module("vangnet.rules." + name)
leaked = sorted(k for k in sys.modules if k == "django" or k.startswith("django."))
print(len(names))
sys.exit(1 if leaked else 0)
"""


def test_every_rules_module_imports_without_django():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert int(result.stdout.strip()) >= 10


def test_no_django_or_project_imports_in_source():
    root = Path(vangnet.rules.__file__).parent
    for module in pkgutil.iter_modules([str(root)]):
        text = (root / f"{module.name}.py").read_text()
        assert "django" not in text.lower() or "no django" in text.lower(), module.name
        for line in text.splitlines():
            if line.startswith(("import ", "from ")) and "vangnet" in line:
                assert line.startswith("from vangnet.rules"), (module.name, line)
