"""The distributions: the sdist and the wheel built by the project's own backend (hatchling) carry the
MIT LICENSE, the metadata says so with authors and classifiers, and the README's pictures ship beside it."""

import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD = "import sys; from hatchling.build import build_sdist, build_wheel; print(build_sdist(sys.argv[1])); " \
        "print(build_wheel(sys.argv[1]))"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    pytest.importorskip("hatchling.build", reason="the test extra installs hatchling, the build backend")
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-c", BUILD, str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    sdist, wheel = (out / name for name in done.stdout.split())
    return sdist, wheel


def readme_images() -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", (ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_repository_has_the_mit_license_the_metadata_names():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Copyright (c) 2026 the symnet authors" in text
    assert "THE SOFTWARE IS PROVIDED \"AS IS\"" in text


def test_the_wheel_has_the_license_file_and_its_metadata(built):
    _, wheel = built
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = next(n.rsplit("/", 1)[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(f"{info}/METADATA").decode())
        license_text = archive.read(f"{info}/licenses/LICENSE").decode()
    assert license_text == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert (metadata["License-Expression"] or metadata["License"]) == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert metadata["Author"] == "the symnet authors" or "the symnet authors" in (metadata["Author-email"] or "")
    classifiers = metadata.get_all("Classifier")
    assert "Intended Audience :: Education" in classifiers and "Programming Language :: Python :: 3" in classifiers
    assert not [c for c in classifiers if c.startswith("License ::")]   # the SPDX expression says it (PEP 639)
    assert "symnet/__init__.py" in names


def test_the_sdist_has_the_license_the_readme_and_its_pictures(built):
    sdist, _ = built
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    images = readme_images()
    assert images and all(not i.startswith(("http:", "https:", "/")) for i in images)
    assert {"LICENSE", "README.md", "pyproject.toml", "symnet/__init__.py"} <= names
    assert set(images) <= names      # each picture the README shows ships beside it, at the path it links
