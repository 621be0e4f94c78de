"""The ``orbops`` command group, exit codes and the error handling every command shares."""

from __future__ import annotations

import os
import warnings

import click

from ..version import __version__
from ..errors import OrbopsError

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_FAILED = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130
EXIT_PIPE = 141
EXIT_TERMINATED = 143

EXIT_CODES = {
    EXIT_OK: "success",
    EXIT_INVALID: "invalid input records: each is reported on stderr; the valid ones were used",
    EXIT_USAGE: "usage error: unknown option, missing or malformed argument",
    EXIT_FAILED: "could not run: unreadable input, unknown object, bad time, a file that cannot be written, ...",
    EXIT_INTERNAL: "internal error: a bug (set ORBOPS_DEBUG=1 for a traceback)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C); files being written are left as they were",
    EXIT_PIPE: "the reader of the output went away (broken pipe)",
    EXIT_TERMINATED: "terminated (SIGTERM); files being written are left as they were",
}

_EPILOG = "\b\nExit codes:\n" + "\n".join(f"  {code:>3}  {text}" for code, text in EXIT_CODES.items())


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that every ``finally`` runs (temporary files removed)."""


def _terminate(signum, frame) -> None:
    raise Terminated()


class Invalid(click.exceptions.Exit):
    """A command finished but met invalid records (exit code 1)."""

    def __init__(self) -> None:
        super().__init__(EXIT_INVALID)


def warn(message: str) -> None:
    """One diagnostic line on stderr."""
    click.echo(f"orbops: warning: {message}", err=True)


def error(message: str) -> None:
    """One error message on stderr."""
    click.echo(f"orbops: error: {message}", err=True)


class OrbopsGroup(click.Group):
    """Maps library errors to exit codes and warnings to stderr lines; never a traceback."""

    def invoke(self, ctx: click.Context):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            try:
                result = super().invoke(ctx)
                if ctx.meta.get("orbops.invalid"):
                    ctx.exit(EXIT_INVALID)  # finished with what was valid; the rest was reported
                return result
            except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
                raise
            except Terminated as exc:
                error(str(exc) or "terminated")
                ctx.exit(EXIT_TERMINATED)
            except KeyboardInterrupt:
                error("interrupted")
                ctx.exit(EXIT_INTERRUPTED)
            except BrokenPipeError:
                _quiet_stdout()
                ctx.exit(EXIT_PIPE)
            except OrbopsError as exc:
                error(str(exc))
                ctx.exit(EXIT_FAILED)
            except OSError as exc:  # a disk full, a folder not writable, a file gone: not a bug
                where = f"{exc.filename}: " if exc.filename else ""
                error(f"{where}{exc.strerror or exc}")
                ctx.exit(EXIT_FAILED)
            except Exception as exc:  # noqa: BLE001 - last line of defence for users
                if os.environ.get("ORBOPS_DEBUG"):
                    raise
                error(f"internal error: {type(exc).__name__}: {exc} (set ORBOPS_DEBUG=1 for a traceback)")
                ctx.exit(EXIT_INTERNAL)
            finally:
                seen = set()
                for w in caught:
                    text = str(w.message)
                    if text not in seen:
                        seen.add(text)
                        warn(text)


@click.group(
    cls=OrbopsGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=_EPILOG,
)
@click.version_option(__version__, "-V", "--version", prog_name="orbops")
def cli() -> None:
    """orbops: orbital operations of crewed stations, simulated from real orbits.

    Element sets (TLE, 3LE, CCSDS OMM) are read from files; every time comes
    from SGP4 propagation of them. Times are UTC in ISO 8601 (2011-11-14T04:14Z).
    """


def _quiet_stdout() -> None:
    """After a broken pipe: send what is left of stdout nowhere (no second error at exit)."""
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main() -> None:
    """Console-script entry point."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    cli(prog_name="orbops")


from . import bench, campaign, elements, geometry, propagate, replay, rescue, run  # noqa: E402,F401  (registers the commands)
