"""The README documents every environment variable the settings read."""

import re
from pathlib import Path

import webnet

BACKEND = Path(webnet.__file__).parent
README = BACKEND.parent.parent / "README.md"


def test_every_setting_env_var_is_documented() -> None:
    names = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', (BACKEND / "settings.py").read_text()))
    assert names, "no environment variables found in settings.py"
    readme = README.read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"README lacks: {missing}"
