"""Processes in tests: whether one still runs, read from /proc (Linux)."""

from __future__ import annotations


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie nobody reaped yet counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
