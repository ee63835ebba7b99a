"""pyproject.toml and environment.yml describe the same environment."""
from __future__ import annotations

import re

import tomllib
import yaml

from policylens import config


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((config.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] + [d for group in project["optional-dependencies"].values() for d in group]
    pins = {}
    for spec in specs:
        name, _, version = spec.partition("==")
        assert version, f"pyproject.toml: {spec!r} is not pinned with =="
        pins[_norm(name)] = version
    return pins


def _environment() -> dict[str, str]:
    env = yaml.safe_load((config.ROOT / "environment.yml").read_text(encoding="utf-8"))
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for spec in dep["pip"]:
                if spec.startswith("-e"):
                    continue
                name, _, version = spec.partition("==")
                pins[_norm(name)] = version
        elif dep.partition("=")[0] not in ("python", "pip"):
            name, _, version = dep.partition("=")
            pins[_norm(name)] = version
    return pins


def test_environment_yml_matches_pyproject():
    assert _environment() == _pyproject()


def test_environment_installs_the_package_itself():
    text = (config.ROOT / "environment.yml").read_text(encoding="utf-8")
    assert "- -e ." in text
