"""Atomic writes: nothing half-written, and the usual file mode."""

import os
import stat

import pytest

from symnet.io.files import atomic_path, write_text


def test_a_failed_write_leaves_neither_the_target_nor_a_temporary_file(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_survives_a_failed_write(tmp_path):
    target = write_text(tmp_path / "out.txt", "old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("new")
            raise RuntimeError("boom")
    assert target.read_text() == "old"


def test_written_files_get_the_mode_open_would_give(tmp_path):
    mask = os.umask(0o022)
    try:
        target = write_text(tmp_path / "out.txt", "x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
