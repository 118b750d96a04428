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


# ----- targets symnet refuses, modes it keeps, folders swapped in whole ---------------------------

def test_a_symbolic_link_is_refused_and_left_alone(tmp_path):
    real = write_text(tmp_path / "real.txt", "keep")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with pytest.raises(ValueError, match="link.txt is a symbolic link; symnet writes regular files only"):
        write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "keep"


def test_a_device_and_a_folder_are_refused(tmp_path):
    with pytest.raises(ValueError, match="/dev/null is a device, FIFO or socket"):
        write_text("/dev/null", "x")
    with pytest.raises(ValueError, match="is a folder; give a file name"):
        write_text(tmp_path, "x")


def test_a_read_only_file_is_refused_even_for_root(tmp_path):
    target = write_text(tmp_path / "ro.txt", "keep")
    target.chmod(0o444)
    with pytest.raises(ValueError, match="ro.txt is read-only; symnet does not overwrite it"):
        write_text(target, "new")
    assert target.read_text() == "keep"


def test_an_existing_private_file_stays_private(tmp_path):
    target = write_text(tmp_path / "secret.txt", "old")
    target.chmod(0o600)
    write_text(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and target.read_text() == "new"


def test_a_failed_run_leaves_the_old_folder_whole_and_no_temporary_folder(tmp_path):
    from symnet.io.files import fresh_folder

    run = tmp_path / "run"
    with fresh_folder(run, ("a.txt", "b.txt")) as folder:
        (folder / "a.txt").write_text("old a")
        (folder / "b.txt").write_text("old b")
    with pytest.raises(RuntimeError):
        with fresh_folder(run, ("a.txt", "b.txt")) as folder:
            (folder / "a.txt").write_text("new a")
            raise RuntimeError("late error")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    assert (run / "a.txt").read_text() == "old a" and (run / "b.txt").read_text() == "old b"


def test_a_new_run_replaces_the_old_one_in_whole(tmp_path):
    from symnet.io.files import fresh_folder

    run = tmp_path / "run"
    with fresh_folder(run, ("a.txt", "b.txt")) as folder:
        (folder / "a.txt").write_text("old a")
        (folder / "b.txt").write_text("old b")
    with fresh_folder(run, ("a.txt", "b.txt")) as folder:
        (folder / "a.txt").write_text("new a")
    assert sorted(p.name for p in run.iterdir()) == ["a.txt"] and (run / "a.txt").read_text() == "new a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_folder_with_other_files_is_not_replaced(tmp_path):
    from symnet.io.files import check_folder

    write_text(tmp_path / "notes.txt", "mine")
    with pytest.raises(ValueError, match="holds other files \\(notes.txt\\)"):
        check_folder(tmp_path, ("model.json",))
    with pytest.raises(ValueError, match="exists and is not a folder"):
        check_folder(tmp_path / "notes.txt")
