"""Compiling the one environment a command works on: --env, else the default one.

`engage plan` and the commands that work on one environment (`generate`, `graph`,
`drift`, `sync`) share it. It lives apart from `compiler.plan.make`, which imports the
plan builder, its state backends and the generation check: the other commands need none
of them (about 0.04 CPU-s of imports on each run of theirs).
"""

from __future__ import annotations

from pathlib import Path

from compiler.gcpause import gc_paused
from compiler.pipeline import Compilation, compile_source, load_sources


def compile_default(path: str, environment: str | None) -> Compilation:
    """Compile `environment`, or the ecosystem's default_environment when none is given."""
    with gc_paused():
        source = load_sources(Path(path))  # once, whichever environment is compiled from it
        comp = compile_source(source, environment)
        default = None
        if environment is None and comp.ok and comp.resolved is not None:
            default = comp.resolved.ecosystem.ecosystem.default_environment
        if default is not None:
            comp = compile_source(source, default)
    return comp
