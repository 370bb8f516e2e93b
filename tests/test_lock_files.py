"""The lock files agree with pyproject.toml (offline).

`make install` and the Docker image install only from requirements-dev.lock / requirements.lock, with
`--require-hashes`: a requirement added to pyproject.toml without `make lock` would never be installed.
These checks need no network; `make lock-check` (network) also notices pins `make lock` would change.
"""

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RUNTIME = PYPROJECT["project"]["dependencies"]
TEST_EXTRA = PYPROJECT["project"]["optional-dependencies"]["test"]


def read_lock(name: str) -> dict[str, tuple[Requirement, list[str]]]:
    """name -> (the pinned requirement with its marker, its hashes), from a pip requirements file."""
    text = (ROOT / name).read_text(encoding="utf-8").replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        spec, *hashes = line.split(" --hash=")
        requirement = Requirement(spec)
        pins[canonicalize_name(requirement.name)] = (requirement, [h.strip() for h in hashes])
    return pins


LOCKS = {"requirements.lock": read_lock("requirements.lock"),
         "requirements-dev.lock": read_lock("requirements-dev.lock")}


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_is_exact_and_hashed(lock):
    for name, (requirement, hashes) in LOCKS[lock].items():
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"{lock}: {name} is not pinned with =="
        assert hashes and all(h.startswith("sha256:") for h in hashes), f"{lock}: {name} has no sha256 hash"


@pytest.mark.parametrize(("lock", "declared"), [
    ("requirements.lock", RUNTIME),
    ("requirements-dev.lock", RUNTIME + TEST_EXTRA),
])
def test_every_declared_requirement_is_pinned_at_an_allowed_version(lock, declared):
    pins = LOCKS[lock]
    problems = []
    for line in declared:
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate():
            continue
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None:
            problems.append(f"{requirement.name} is missing")
            continue
        version = next(iter(pinned[0].specifier)).version
        if not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name}=={version} does not satisfy {line!r}")
    assert not problems, f"{lock} is out of date with pyproject.toml (run `make lock`): " + "; ".join(problems)


def test_runtime_lock_is_the_dev_lock_without_the_test_tools():
    """The tests run on exactly the versions the image installs."""
    runtime, dev = LOCKS["requirements.lock"], LOCKS["requirements-dev.lock"]
    differing = {name: (str(runtime[name][0]), str(dev.get(name, (None,))[0])) for name in runtime
                 if name not in dev or str(dev[name][0]) != str(runtime[name][0])}
    assert not differing, f"runtime pins differ in requirements-dev.lock (run `make lock`): {differing}"
    assert "pytest" not in runtime
