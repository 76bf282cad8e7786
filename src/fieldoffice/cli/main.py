"""`main`, the console script: runs the app and turns every error into one line on stderr and
an exit code (usage errors 2, FieldOfficeError its own, interrupted 130, a stopping signal
128 + its number), never a traceback."""

from __future__ import annotations

import sys

import typer

from fieldoffice.cli.app import app
from fieldoffice.cli.terminal import safe
from fieldoffice.core.errors import FieldOfficeError
from fieldoffice.core.files import interrupted_by


def _as_text(arg: str) -> str:
    """An argument the shell passed as bytes that are not UTF-8 arrives with lone surrogates;
    they cannot be read, printed or sent as JSON, so each becomes U+FFFD, which the answer shows."""
    try:
        arg.encode("utf-8")
        return arg
    except UnicodeEncodeError:
        return arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def main() -> None:
    sys.argv[1:] = [_as_text(a) for a in sys.argv[1:]]
    try:
        code = app(standalone_mode=False)  # usage errors come here, to be said in one line
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Abort:
        sys.stderr.write("fieldoffice: interrupted\n")
        sys.exit(130)
    except FieldOfficeError as exc:
        # (a message may quote stored or typed text: it is escaped for the terminal)
        sys.stderr.write(f"fieldoffice: error: {safe(exc)}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("fieldoffice: interrupted\n")
        sys.exit(130)
    except OSError as exc:  # a path that cannot be opened, read or written, said in one line
        name = "" if exc.filename is None else str(exc.filename)
        name = name if len(name) <= 200 else name[:200] + "..."
        where = f"{name}: " if name else ""
        sys.stderr.write(f"fieldoffice: error: {safe(where)}{safe(exc.strerror or exc)}\n")
        sys.exit(2)
    except UnicodeError as exc:
        sys.stderr.write(f"fieldoffice: error: text not in the expected encoding: {safe(exc)}\n")
        sys.exit(2)
    except RecursionError:
        sys.stderr.write("fieldoffice: error: the input is nested too deeply to read\n")
        sys.exit(2)
    except Exception as exc:
        signum = interrupted_by(exc)
        if signum is not None:  # a signal that arrived inside an import or a library wraps it
            sys.stderr.write("fieldoffice: stopped; no partial file was written\n")
            sys.exit(128 + signum)
        if type(exc).__module__.startswith("pyarrow"):  # a damaged Parquet or CSV file, found late
            first = (
                str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
            )
            sys.stderr.write(f"fieldoffice: error: the input file cannot be read: {safe(first)}\n")
            sys.exit(2)
        if not _is_click_error(exc):
            raise
        # click's usage errors (an unknown option, a missing argument), in one line, not four
        ctx = getattr(exc, "ctx", None)
        see = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        message = str(exc.format_message()).rstrip(".")  # type: ignore[attr-defined]
        sys.stderr.write(f"fieldoffice: error: {safe(message)}{safe(see)}\n")
        sys.exit(int(getattr(exc, "exit_code", 2)))


def _is_click_error(exc: BaseException) -> bool:
    """click's ClickException, from click itself or the copy typer carries (typer._click)."""
    return any(k.__name__ == "ClickException" for k in type(exc).__mro__)
