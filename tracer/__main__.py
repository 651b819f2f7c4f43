"""The ``tracer`` command (``python -m tracer`` and the console script).

The CLI (typer, every option) is imported when :func:`main` runs, not when
this module is: a parse worker process (:mod:`tracer.poll_loop`) imports the
script that started the poll as its ``__mp_main__`` before it can take a
body, and must not pay for the CLI's imports there.
"""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """Run the ``tracer`` command line (:func:`tracer.cli.main`)."""
    from tracer.cli import main as run

    run()


if __name__ == "__main__":
    main()
