"""A saved contact page (HTML or its visible text) -> a directory file's contents. Never fetches.

The page is reduced to its visible text in blocks (HTML through a real parser, with entities and
whitespace handled); the blocks are read for the media contact, the notices, the credit line, and
the offices listed under their state headings, each with "AOR: ...". Every AOR is resolved into
clauses; whatever cannot be resolved is reported with the exact text and the office it came from.

Nothing is lost silently: every block that looks like part of an office (a state heading, an
office name, a city, a state code, an "AOR:" line, a phone number, an email address) but was not
read as one is reported with its text and position. A page is refused, with one clear error,
when it is larger, nested deeper or longer to read than any contact page (see the limits below):
the reading runs in a child process that is stopped at the time limit.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldoffice.core.errors import DataError, FieldOfficeError, InvalidInput
from fieldoffice.core.models import Directory
from fieldoffice.directory.file import build_directory, read_raw, validate
from fieldoffice.directory.phrases import PhraseResolver
from fieldoffice.directory.territory import compile_territories
from fieldoffice.editing.diff import DirectoryDiff, diff_directories, diff_text
from fieldoffice.editing.lint import Finding, lint_directory
from fieldoffice.geo.gazetteer import Gazetteer

if TYPE_CHECKING:
    from fieldoffice.directory.context import Context

# Limits. A saved contact page is tens or hundreds of KB, nested a few dozen elements deep, with a
# few hundred blocks of text; the seed page reads in about 20 ms.
MAX_PAGE_BYTES = 5 << 20
MAX_DEPTH = 256  # elements nested in elements; browsers stop nesting at 512 (WebKit, Blink)
MAX_BLOCKS = 50_000  # blocks of visible text
MAX_OFFICES = 250  # (checking 250 offices that all claim one state takes about 3 s)
MAX_AOR_CHARS = 1_000
PARSE_SECONDS = 2.0  # reading the page into offices
CHECK_SECONDS = 30.0  # then validating, compiling, diffing and linting what was read

_PHONE = r"\(?\d{3}\)?[ .-]?\d{3}-\d{4}"
# Each of these is tried at a few places the page names ("For media inquiries", ...), over a
# bounded window, with atomic groups: never more than linear work whatever the page holds.
_WINDOW = 4_000
_TRIES = 20
_MEDIA = re.compile(
    rf"For media inquiries(?>[^.]*?contact the )(?P<name>[^.]+?) at (?P<phone>{_PHONE}) or email (?P<email>[\w.+-]+@[\w-]+(?:\.[a-z0-9-]+)+)"
)
_NOTE = re.compile(r"NOTE:.*?(?=\s*\*/|\s{3,}|$)", re.S)
_CREDIT = re.compile(r"When using (?>[^.]*?credit line).*?is requested\.", re.S)
_ABOUT = re.compile(r"OPA provides.*?page\.(?=When using|\s{2,}|$)", re.S)
_OFFICE_NAME = re.compile(r"^(?P<name>.+?(?:Office|Headquarters))$")
_CITY = re.compile(r"^(?P<city>[^,]+),$")
_USPS = re.compile(r"^[A-Z]{2}$")
_AOR = re.compile(r"^AOR:\s*(?P<aor>.*)$")
_TIP = re.compile(
    r"Report Crimes:\s*(?:Email or Call\s*)?(?P<phone>1?[-. ]?\(?\d{3}\)?[-. ][0-9A-Z]{3}[-. ]?[0-9A-Z-]{4,6})"
)

# What makes a block look like part of an office (all linear: no unbounded run before a choice).
_SIG_AOR = re.compile(r"\bAOR\b|\barea of responsibility\b", re.I)
_SIG_OFFICE = re.compile(r"\b(?:Office|Headquarters)\b")
_SIG_CITY_ST = re.compile(r"[A-Za-z.],[ \t\xa0]?([A-Z]{2})\b")
_SIG_PHONE = re.compile(r"(?<!\d)\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}(?!\d)")
_SIG_EMAIL = re.compile(r"[\w.+-]@[\w-]+\.\w")
_OFFICE_SHAPE = "an office is 'NAME Office', 'CITY,', 'ST', 'AOR: ...', each its own block"


@dataclass
class Problem:
    where: str
    text: str
    message: str
    kind: str = "unresolved"  # an AOR phrase; "unreadable": a block not read; "duplicate": an id
    position: str = ""  # "line 9, block 71" of a text page, "text block 71" of an HTML page

    def line(self) -> str:
        at = f" ({self.position})" if self.position and self.position not in self.where else ""
        return f"{self.kind}: {self.where}{at}: {self.text!r}: {self.message}"


@dataclass
class Ingested:
    raw: dict[str, Any]  # the directory file's contents (schema fieldoffice-directory/1)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    """What `ingest_page` found and did: problems, or the changes, the lint findings and the file.

    `refusals` says, one line each, why a commit is (or would be) refused: problems, unreadable
    blocks not acknowledged, offices removed without --allow-removals; `needs` the flags that
    would acknowledge them."""

    problems: list[Problem]
    changes: DirectoryDiff | None = None
    diff_text: str = ""
    findings: list[Finding] = field(default_factory=list)
    written: Path | None = None  # the file written, when committed
    raw: dict[str, Any] | None = None  # the new directory file's contents
    refusals: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Problem]:
        """Problems no flag can acknowledge: the directory itself would be wrong."""
        return [p for p in self.problems if p.kind != "unreadable"]

    @property
    def unreadable(self) -> list[Problem]:
        return [p for p in self.problems if p.kind == "unreadable"]

    def lines(self) -> list[str]:
        """The report as the command line prints it."""
        if self.unresolved or self.changes is None:
            return [
                *(p.line() for p in self.problems),
                f"{len(self.problems)} problems: nothing written. Fix the page or the regions, then run again.",
            ]
        out = [
            self.diff_text,
            *(f"  {f.severity:<7}  {f.kind:<19}  {f.message}" for f in self.findings),
        ]
        out += [p.line() for p in self.unreadable]
        if self.unreadable:
            out.append(f"{_n(len(self.unreadable), 'block')} that look like part of an office could not be read ({_OFFICE_SHAPE}); the offices they belong to are left out")  # fmt: skip
        if self.needs:
            out.append("a commit needs " + " and ".join(self.needs))
        return out


class Interrupted(Exception):
    """SIGTERM or SIGHUP while ingesting: no partial file is left behind."""


def ingest_page(
    ctx: Context,
    data: bytes,
    *,
    source: Path,
    target: Path | None,
    commit: bool,
    allow_removals: bool = False,
    allow_unreadable: bool = False,
) -> IngestReport:
    """Read a saved page against the current directory; with `commit` and a target, write it.

    Nothing is checked further or written when an AOR could not be resolved. Otherwise the new
    directory is validated (errors name `source`), compiled strictly, compared with `ctx`'s and
    linted. The file is written (atomically) only if `commit` and `target`, and only if every
    block that looks like an office was read (or `allow_unreadable`) and no office of the current
    directory is removed, nor fewer than half of them are left (or `allow_removals`).

    Reading runs in a child process, stopped after PARSE_SECONDS (then CHECK_SECONDS for the
    checks): a page that takes longer is refused with an InvalidInput.
    """
    with _signals_interrupt():
        report = _run_limited(lambda mark: _analyse(ctx, data, source, target, mark))
        _judge(report, ctx.directory, allow_removals, allow_unreadable)
        if commit and target is not None and not report.refusals and report.raw is not None:
            write_directory_file(report.raw, target)
            report.written = target
    return report


def _analyse(
    ctx: Context, data: bytes, source: Path, target: Path | None, mark: Callable[[], None]
) -> IngestReport:
    result = ingest(data, ctx.gazetteer, PhraseResolver(ctx.gazetteer, ctx.regions), ctx.directory)
    mark()  # the page is read: what follows has its own time limit
    if any(p.kind != "unreadable" for p in result.problems):
        return IngestReport(result.problems)
    validate(result.raw, source)
    new = build_directory(result.raw, target or source)
    territories = compile_territories(new, ctx.gazetteer.counties, ctx.regions)
    changes = diff_directories(ctx.directory, new, ctx.territories, territories)
    return IngestReport(
        result.problems,
        changes,
        diff_text(changes, {c.fips: c.label for c in ctx.gazetteer.counties}),
        lint_directory(new, ctx.gazetteer, ctx.regions),
        raw=result.raw,
    )


_LISTED = 20  # problems of one kind named one per line in a refusal; the rest are counted


def _judge(
    report: IngestReport, current: Directory, allow_removals: bool, allow_unreadable: bool
) -> None:
    """Fill `refusals` and `needs`: what stops a commit, given the flags."""
    out, needs = report.refusals, report.needs

    def listed(lines: list[str], what: str) -> None:
        out.extend(lines[:_LISTED])
        if len(lines) > _LISTED:
            out.append(f"... and {len(lines) - _LISTED:,} more {what} (listed above)")

    if report.unresolved or report.changes is None:
        listed([p.line() for p in report.problems], "problems")
        out.append(
            f"{_n(len(report.problems), 'problem')}: fix the page or the regions, then run again"
        )
        return
    if report.unreadable and not allow_unreadable:
        listed([p.line() for p in report.unreadable], "unreadable blocks")
        needs.append(f"--allow-unreadable ({_n(len(report.unreadable), 'block')} that look like part of an office left out)")  # fmt: skip
    removed = report.changes.removed
    have = len(report.raw["office"]) if report.raw else 0
    before = len(current.offices)
    if (removed or 2 * have < before) and not allow_removals:
        out.extend(f"would remove office {x['id']!r} ({x['name']}) of the current directory" for x in removed)  # fmt: skip
        if 2 * have < before:
            out.append(f"the page yields {_n(have, 'office')}, fewer than half of the {before} in the current directory")  # fmt: skip
        needs.append(
            f"--allow-removals ({_n(len(removed), 'office')} of the current directory removed)"
        )
    if needs:
        out.append("nothing written: add " + " and ".join(needs) + " to commit anyway")


# -- reading the page under a time limit ------------------------------------------------------


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise Interrupted (so the child and any temp file are cleaned up)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise Interrupted(signum)

    old = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def _run_limited(work: Callable[[Callable[[], None]], IngestReport]) -> IngestReport:
    """`work(mark)` in a forked child: PARSE_SECONDS until it calls mark(), CHECK_SECONDS after.

    A C parser or a regular expression cannot be interrupted in-process, so the child is killed
    at the limit. Where there is no fork (or not on the main thread) the work runs here.
    """
    import pickle
    import select
    import threading

    if not hasattr(os, "fork") or threading.current_thread() is not threading.main_thread():
        return work(lambda: None)
    import selectolax.lexbor  # noqa: F401  (imported once, before the fork)

    rfd, wfd = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: read, send the result, exit without running any cleanup
        code = 0
        try:
            os.close(rfd)
            _child_setup(parent)

            def mark() -> None:
                os.write(wfd, b"P")

            try:
                payload: tuple[Any, ...] = ("ok", work(mark))
            except FieldOfficeError as exc:
                payload = ("error", type(exc), exc.message, exc.hint)
            except BaseException as exc:  # (re-raised in the parent)
                payload = ("raise", exc)
            try:
                data = pickle.dumps(payload)
            except Exception:
                data = pickle.dumps(("raise", RuntimeError(repr(payload[-1]))))
            view = memoryview(data)
            while view:
                view = view[os.write(wfd, view) :]
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(wfd)
    buf = bytearray()
    phase, limit = "read", PARSE_SECONDS
    deadline = time.monotonic() + limit
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise InvalidInput(
                    f"reading the page took longer than {limit:g} s; refused"
                    if phase == "read"
                    else f"checking what was read from the page took longer than {limit:g} s; refused",
                    hint="a contact page reads in well under a second: save the page as it is published",
                )
            ready, _, _ = select.select([rfd], [], [], left)
            if not ready:
                continue
            chunk = os.read(rfd, 1 << 20)
            if not chunk:
                break
            buf += chunk
            if phase == "read" and buf[:1] == b"P":
                phase, limit = "check", CHECK_SECONDS
                deadline = time.monotonic() + limit
    finally:
        os.close(rfd)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # (it has exited, or it is stopped here)
        _, status = os.waitpid(pid, 0)
    if buf[:1] == b"P":
        del buf[:1]
    if not buf:
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
        why = (
            f"signal {signal.Signals(sig).name}"
            if sig
            else f"exit {os.waitstatus_to_exitcode(status)}"
        )
        raise InvalidInput(f"reading the page stopped unexpectedly ({why}); refused",
                           hint="save the page as it is published")  # fmt: skip
    payload = pickle.loads(bytes(buf))
    if payload[0] == "ok":
        report: IngestReport = payload[1]
        return report
    if payload[0] == "error":
        _, cls, message, hint = payload
        raise cls(message, hint=hint)
    raise payload[1]


def _child_setup(parent: int) -> None:
    """Die with the parent (SIGKILL included) and at the latest when the time is up."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the kernel ends the child at the alarm
    signal.setitimer(signal.ITIMER_REAL, PARSE_SECONDS + CHECK_SECONDS + 1)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent was gone before prctl
        os._exit(1)


# -- the page's text ----------------------------------------------------------------------------


def page_text(data: bytes) -> str:
    """Visible text of the page, blocks separated by runs of spaces, whatever the input."""
    return _page(data)[0]


def _page(data: bytes) -> tuple[str, bool]:
    """The page's visible text, and whether it was HTML."""
    if len(data) > MAX_PAGE_BYTES:
        raise InvalidInput(f"the page is {len(data):,} bytes; the limit is {MAX_PAGE_BYTES:,}",
                           hint="save just the contact page (HTML only)")  # fmt: skip
    text = data.decode("utf-8", errors="replace")
    if not re.search(r"<\s*(html|body|div|p|h[1-6]|section)\b", text, re.I):
        return text, False
    depth = nesting_depth(text, MAX_DEPTH)
    if depth > MAX_DEPTH:
        raise InvalidInput(f"the page's elements are nested more than {MAX_DEPTH} deep; refused",
                           hint="a contact page nests a few dozen: save the page as it is published")  # fmt: skip
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(text)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    body = tree.body or tree.root
    if body is None:
        return "", True
    return body.text(separator="   ", strip=True), True


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The rules of HTML's tree construction (WHATWG HTML, 13.2.6) that decide how deep elements nest,
# kept where they make the count deeper, never shallower: every place a parser stops looking is
# a place this scan stops too, and it looks at most _WALK elements down.
# The page is cut into tokens as HTML's tokenizer cuts it (13.2.5): a tag's name runs to a space,
# "/" or ">" (so "<font<h1>" is one unknown element); quoted attribute values hold "<" and ">";
# a comment ends at "-->" or "--!>"; "<!...>", "<?...>" and "</ ...>" are bogus comments to ">".
# Whatever a parser takes for text this scan must not read as markup, or a "<!--" in it could
# hide the tags that follow.
_SP = "\\t\\n\\f\\r "
_MARKUP = re.compile(
    rf"<(?:(!--)|(!\[CDATA\[)|(/>)|(/?)([A-Za-z][^{_SP}/>]*+)"
    rf"((?:(?P<sep>[{_SP}/]++)|[^{_SP}/>][^{_SP}/=>]*+"
    rf"(?:[{_SP}]*+=[{_SP}]*+(?:\"[^\"]*+\"?|'[^']*+'?|[^{_SP}>]*+))?+)*+)(>?)|[!?/])"
)
_ATTR = re.compile(
    rf"[{_SP}/]*+([^{_SP}/>][^{_SP}/=>]*+)"
    rf"(?:[{_SP}]*+=[{_SP}]*+(?:\"([^\"]*+)\"?|'([^']*+)'?|([^{_SP}>]*+)))?+"
)
_COMMENT_END = re.compile(r"--!?>")
_RAW = _names("script style textarea title xmp iframe noembed noframes plaintext")
_SCRIPT_STEPS = (  # script data: plain, escaped ("<!--"), double escaped ("<!--<script>")
    re.compile(rf"<!--|</script[{_SP}/>]", re.I),
    re.compile(rf"-->|</script[{_SP}/>]|<script[{_SP}/>]", re.I),
    re.compile(rf"-->|</script[{_SP}/>]", re.I),
)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_WALK = 16
_FOREIGN = _names("svg math")
_VOID = _names(
    "area base basefont bgsound br col embed frame hr image img input keygen link meta param"
    " source track wbr"
)
_ONCE = _names("html head body frameset")  # never nested: merged into the first
_FORMATTING = _names("a b big code em font i nobr s small strike strong tt u")
_MARKERS = _names("applet caption marquee object td th template")
_IN_SCOPE = _names(
    "applet caption html table td th marquee object template mi mo mn ms mtext annotation-xml"
    " foreignobject desc title svg math"
)
_IN_BUTTON_SCOPE = _IN_SCOPE | {"button"}
_IN_TABLE_SCOPE = _names("html table template")
_SPECIAL_ELEMENTS = (
    _FOREIGN
    | _VOID
    | _IN_SCOPE
    | _names(
        "address article aside blockquote body button center colgroup dd details dir div dl dt"
        " fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 head header"
        " hgroup html iframe li listing main menu nav noembed noframes noscript ol p plaintext pre"
        " script search section select style summary tbody textarea tfoot thead tr ul xmp"
    )
)
_LIST_STOP = _SPECIAL_ELEMENTS - {"address", "div", "p"}
_HEADINGS = _names("h1 h2 h3 h4 h5 h6")
_IN_LIST_SCOPE = _IN_SCOPE | {"ol", "ul"}
_TABLE_PARTS = _names("table td th tr tbody thead tfoot caption template")
_CLOSE_P = (_names("p"), _IN_BUTTON_SCOPE)
# a start tag -> the open elements it closes (with all that is open inside them), each with
# where the search stops (None: only the current element is looked at)
_CLOSES: dict[str, tuple[tuple[frozenset[str], frozenset[str] | None], ...]] = {
    **{
        t: (_CLOSE_P,)
        for t in _names(
            "address article aside blockquote center details dialog dir div dl fieldset"
            " figcaption figure footer form header hgroup hr main menu nav ol p pre listing"
            " search section summary table ul xmp plaintext"
        )
    },
    **{t: (_CLOSE_P, (_HEADINGS, None)) for t in _HEADINGS},
    "li": ((_names("li"), _LIST_STOP), _CLOSE_P),
    "dd": ((_names("dd dt"), _LIST_STOP), _CLOSE_P),
    "dt": ((_names("dd dt"), _LIST_STOP), _CLOSE_P),
    "td": ((_names("td th"), _IN_TABLE_SCOPE),),
    "th": ((_names("td th"), _IN_TABLE_SCOPE),),
    "tr": ((_names("tr"), _IN_TABLE_SCOPE),),
    "tbody": ((_names("thead tbody tfoot"), _IN_TABLE_SCOPE),),
    "thead": ((_names("thead tbody tfoot"), _IN_TABLE_SCOPE),),
    "tfoot": ((_names("thead tbody tfoot"), _IN_TABLE_SCOPE),),
    "option": ((_names("option"), None),),
    "optgroup": ((_names("option"), None),),
    "a": ((_names("a"), _SPECIAL_ELEMENTS),),  # (a special element above: it is reopened)
    "nobr": ((_names("nobr"), _SPECIAL_ELEMENTS),),
    "button": ((_names("button"), _IN_SCOPE),),
}
_RAW_END: dict[str, re.Pattern[str]] = {}  # RAWTEXT and RCDATA: to "</name" and a space, "/" or ">"


def _end_tag_stop(name: str) -> frozenset[str]:
    """Where a parser stops looking for the element an end tag closes (it ignores the tag then).
    A formatting element with a special one open inside it is reopened there: left open here."""
    if name == "p":
        return _IN_BUTTON_SCOPE
    if name == "li":
        return _IN_LIST_SCOPE
    if name in _TABLE_PARTS:
        return _IN_TABLE_SCOPE
    return _IN_SCOPE if name in _SCOPED_END else _SPECIAL_ELEMENTS


_SCOPED_END = _HEADINGS | _names(
    "address article aside blockquote button center details dialog dir div dl fieldset"
    " figcaption figure footer header hgroup listing main menu nav ol pre search section summary"
    " ul form dd dt applet marquee object"
)  # end tags that close their element in scope; any other stops at any special element
_BREAKOUT = _names(
    "b big blockquote body br center code dd div dl dt em embed font h1 h2 h3 h4 h5 h6 head hr i"
    " img li listing menu meta nobr ol p pre ruby s small span strike strong sub sup table tt u"
    " ul var"
)  # HTML elements that end SVG or MathML content
_NEEDS_TABLE = _names("caption col colgroup tbody td tfoot th thead tr")
_PLAIN = (
    _names(
        "abbr article aside bdi bdo blockquote cite data dd del dfn div dl dt em figcaption figure"
        " footer h1 h2 h3 h4 h5 h6 header ins kbd label legend li main mark nav ol p q rp rt ruby samp"
        " section small span sub summary sup time tr ul var"
    )
    - _FORMATTING
)  # end tags that, closing the current element, need no more than popping it
# what an element is: HTML; SVG or MathML; an HTML integration point (SVG foreignObject, desc
# and title, MathML annotation-xml for HTML: HTML inside); a MathML text integration point (mi,
# mo, mn, ms and mtext: HTML inside but for mglyph and malignmark); other annotation-xml (svg inside)
_HTML, _SVG, _MATHML, _HTML_POINT, _TEXT_POINT, _ANNOTATION = range(6)


_NO_RECONSTRUCT = (
    frozenset(k for k, rules in _CLOSES.items() if rules[0] is _CLOSE_P)
    | _HEADINGS
    | _names("li dd dt textarea iframe noembed")
    | _NEEDS_TABLE
)  # start tags before which a parser does not reopen formatting elements


class _Entry:
    """A formatting element a parser keeps track of (its list of active formatting elements)."""

    __slots__ = ("attrs", "name", "open")

    def __init__(self, name: str, attrs: str) -> None:
        self.name, self.attrs, self.open = name, attrs, True


def nesting_depth(html: str, limit: int) -> int:
    """How deep an HTML parser would nest the page's elements: a linear scan of its tags that
    follows the rules that keep real pages shallow (void elements, elements closed by the next
    of their kind like <p> and <li>, end tags in scope, table parts outside a table, raw text in
    <script> and <style>, comments, self-closing tags in SVG and MathML), and the one that makes
    them deep: formatting elements (<b>, <font>, ...) closed by a block are reopened inside the
    next one. Stops as soon as the depth passes `limit`. On real pages it counts a few levels
    fewer than a parser (html, body and tbody are not counted); on markup built to nest deeply
    it never counts much fewer: wherever the rules are unclear it keeps elements open."""
    stack: list[str] = []
    alien: list[int] = []  # what the element is: _HTML (0), or SVG or MathML (_SVG, ...)
    held: list[_Entry | None] = []  # the formatting element's entry
    counts: dict[str, int] = {}
    levels: list[list[_Entry]] = [[]]  # active formatting elements, one list per marker (a cell)
    selects: list[int] = []  # where the open <select> elements are: little closes inside one
    one: dict[str, frozenset[str]] = {}
    deepest = 0

    def pop_to(k: int) -> None:
        for top, is_alien, entry in zip(stack[k:], alien[k:], held[k:], strict=True):
            counts[top] -= 1
            if entry is not None:
                entry.open = False
            elif top in _MARKERS and not is_alien and len(levels) > 1:
                levels.pop()
        del stack[k:], alien[k:], held[k:]
        while selects and selects[-1] >= k:
            selects.pop()

    def find(targets: frozenset[str], stop: frozenset[str] | None, top: int) -> int:
        for k in range(top, max(top - _WALK, -1), -1):
            if stack[k] in targets and not alien[k]:
                return k
            if stop is None or stack[k] in stop or alien[k]:
                return -1
        return -1

    def push(name: str, is_alien: int, entry: _Entry | None) -> bool:
        """Open an element; True when the depth is past the limit."""
        nonlocal deepest
        stack.append(name)
        alien.append(is_alien)
        held.append(entry)
        counts[name] = counts.get(name, 0) + 1
        if name in _MARKERS and not is_alien:
            levels.append([])
        elif name == "select" and not is_alien:
            selects.append(len(stack) - 1)
        if len(stack) > deepest:
            deepest = len(stack)
        return deepest > limit

    def reconstruct() -> bool:
        level = levels[-1]
        i = len(level)
        while i and not level[i - 1].open:
            i -= 1
        for entry in level[i:]:
            entry.open = True
            if push(entry.name, _HTML, entry):
                return True
        return False

    def last_entry(name: str) -> _Entry | None:
        return next((e for e in reversed(levels[-1]) if e.name == name), None)

    def select_in_scope() -> int:
        """Where the <select> is when only <option> and <optgroup> are open inside it; or -1."""
        at = selects[-1]
        if len(stack) - at > _WALK or any(
            stack[j] not in ("option", "optgroup") or alien[j] for j in range(at + 1, len(stack))
        ):
            return -1
        return at

    def leave_foreign() -> None:
        """Close the SVG and MathML elements down to one with HTML inside."""
        k = len(stack)
        while k and alien[k - 1] not in (_HTML, _HTML_POINT, _TEXT_POINT):
            k -= 1
        pop_to(k)

    def end_tag(name: str) -> None:
        if name in ("p", "br") and alien and alien[-1]:
            leave_foreign()
        if selects and name != "form":  # in a <select>: select, option, optgroup and form close
            if name == "select" and select_in_scope() >= 0:
                pop_to(selects[-1])
            elif name in ("option", "optgroup") and stack[-1] == name:
                pop_to(len(stack) - 1)
            return
        entry = last_entry(name) if name in _FORMATTING else None
        if entry is not None and not entry.open:
            levels[-1].remove(entry)
            return
        if not counts.get(name):
            return
        top = len(stack) - 1
        while top >= 0 and alien[top]:  # in SVG or MathML: the element of that name, if any
            if stack[top] == name:
                pop_to(top)
                return
            top -= 1
        if top < 0:
            return
        targets = (
            _HEADINGS
            if name in _HEADINGS
            else one.get(name) or one.setdefault(name, frozenset((name,)))
        )
        k = find(targets, _end_tag_stop(name), top)
        if k < 0:
            return  # (a formatting element with a block inside it: reopened there, left open)
        if name == "form":  # </form> closes the form alone
            counts["form"] -= 1
            del stack[k], alien[k], held[k]
            selects[:] = [x - (x > k) for x in selects]
            return
        pop_to(k)
        if entry is not None:
            levels[-1].remove(entry)

    def start_tag(name: str, attrs: str, selfclosing: bool) -> bool:
        kind = alien[-1] if alien else _HTML
        if (
            kind
            and kind != _HTML_POINT
            and (kind != _TEXT_POINT or name in ("mglyph", "malignmark"))
            and (kind != _ANNOTATION or name != "svg")
        ):  # in SVG or MathML
            if name not in _BREAKOUT or (name == "font" and not _font_breaks_out(attrs)):
                space = _SVG if kind == _SVG else _MATHML
                return not selfclosing and push(name, _foreign_kind(name, space, attrs), None)
            leave_foreign()  # (an HTML element: read as HTML outside the SVG or MathML)
        if selects and name in ("select", "input", "keygen", "textarea") and select_in_scope() >= 0:
            pop_to(selects[-1])  # (closes the select; the others are then read outside it)
            if name == "select":
                return False
        if name in _ONCE or (name in _NEEDS_TABLE and not counts.get("table")):
            return False  # (table parts outside a table are ignored by parsers)
        if name == "form" and counts.get("form"):
            return False
        for targets, stop in () if selects else _CLOSES.get(name, ()):
            for t in targets:
                if counts.get(t):
                    k = find(targets, stop, len(stack) - 1)
                    if k >= 0:
                        pop_to(k)
                    break
        if name in ("a", "nobr"):
            old = last_entry(name)
            if old is not None:
                levels[-1].remove(old)
        lv = levels[-1]
        if lv and not lv[-1].open and name not in _NO_RECONSTRUCT and reconstruct():
            return True
        if name in _VOID:
            return False
        if name in _FOREIGN:
            return not selfclosing and push(name, _SVG if name == "svg" else _MATHML, None)
        entry = None
        if name in _FORMATTING:
            level = levels[-1]
            alike = [e for e in level if e.name == name and e.attrs == attrs]
            if len(alike) >= 3:  # parsers keep three alike: the first is forgotten (left open)
                level.remove(alike[0])
            entry = _Entry(name, attrs)
            level.append(entry)
            if len(level) > limit:
                return True
        return push(name, _HTML, entry)

    pos, text_from = 0, 0
    while True:
        m = _MARKUP.search(html, pos)
        if m is None:
            return deepest
        start = m.start()
        if start > text_from and levels[-1] and not levels[-1][-1].open and reconstruct():
            return deepest  # text reopens formatting elements too
        if m.group(1):  # a comment: to "-->" or "--!>" ("<!-->" and "<!--->" are empty ones)
            if html.startswith(("<!-->", "<!--->"), start):
                pos = html.index(">", start) + 1
            else:
                ending = _COMMENT_END.search(html, start + 4)
                if ending is None:
                    return deepest  # a comment to the end
                pos = ending.end()
        elif m.group(2) and alien and alien[-1]:  # CDATA in SVG or MathML: text to "]]>"
            close = html.find("]]>", m.end())
            if close < 0:
                return deepest
            pos = close + 3
        elif m.group(3):  # "</>" is dropped
            pos = m.end()
        elif m.group(5) is None:  # a bogus comment ("<!x", "<?x", "</ x", CDATA in HTML), DOCTYPE
            close = html.find(">", start + 2)
            if close < 0:
                return deepest
            pos = close + 1
        else:
            if not m.group(8):
                return deepest  # a tag cut by the end of the page: dropped with all after it
            pos = m.end()
            tag, attrs = m.group(5), m.group(6)
            name = tag.lower() if tag.isascii() else tag.translate(_ASCII_LOWER)
            if m.group(4):
                if stack and stack[-1] == name and not alien[-1] and not selects and name in _PLAIN:
                    stack.pop(), alien.pop(), held.pop()  # (the usual case, made quick)
                    counts[name] -= 1
                else:
                    end_tag(name)
            else:
                closed = m.group("sep") is not None and m.end("sep") == m.end(6)
                if start_tag(name, attrs, closed and attrs.endswith("/")):
                    return deepest
                if name in _RAW and stack[-1:] == [name] and not alien[-1]:
                    if name == "plaintext":
                        return deepest  # text to the end
                    pos = _raw_end(html, pos, name)  # where its end tag starts
                    if pos < 0:
                        return deepest  # text to the end
        text_from = pos


def _raw_end(html: str, pos: int, name: str) -> int:
    """Where the text of a <script>, <style>, <textarea>, ... begun at `pos` ends: the start of
    its end tag, or -1. A script's text follows the tokenizer's escapes: "<!--<script>" makes
    the next "</script>" text."""
    if name != "script":
        rx = _RAW_END.get(name) or _RAW_END.setdefault(
            name, re.compile(rf"</{name}[{_SP}/>]", re.I)
        )
        found = rx.search(html, pos)
        return -1 if found is None else found.start()
    state = 0
    while True:
        m = _SCRIPT_STEPS[state].search(html, pos)
        if m is None:
            return -1
        token = m.group(0)
        if token == "-->":
            state, pos = 0, m.end()
        elif token[1] == "!":  # "<!--": its dashes may be the "--" of "-->"
            state, pos = 1, m.start() + 2
        elif token[1] != "/":  # "<script" when escaped
            state, pos = 2, m.end()
        elif state == 2:  # "</script" when double escaped
            state, pos = 1, m.end()
        else:
            return m.start()


def _font_breaks_out(attrs: str) -> bool:
    """In SVG or MathML, <font> ends the foreign content only with color, face or size."""
    return any(a[0].lower() in ("color", "face", "size") for a in _ATTR.findall(attrs))


def _foreign_kind(name: str, space: int, attrs: str) -> int:
    """What an element of SVG (`space` _SVG) or MathML (_MATHML) named `name` is."""
    if space == _SVG:
        return _HTML_POINT if name in ("foreignobject", "desc", "title") else _SVG
    if name in ("mi", "mo", "mn", "ms", "mtext"):
        return _TEXT_POINT
    if name != "annotation-xml":
        return _MATHML
    for attr, *values in _ATTR.findall(attrs):
        if attr.lower() == "encoding":  # (the first of a name counts)
            value = "".join(values).lower()
            return _HTML_POINT if value in ("text/html", "application/xhtml+xml") else _ANNOTATION
    return _ANNOTATION


@dataclass
class _Block:
    text: str
    start: int  # offsets in the flattened text (runs of spaces and tabs made one space)
    end: int
    position: str  # "line 9, block 71" (a text page) or "text block 71" (an HTML page)


def _blocks(text: str) -> list[str]:
    return [b.strip() for b in re.split(r"\s{2,}", text) if b.strip()]


def _located_blocks(text: str, html: bool) -> list[_Block]:
    """The page's blocks (separated by two or more spaces) with their offsets in the flattened
    text and a position a person can find: the line of a text page, the block of an HTML page."""
    out: list[_Block] = []
    runs = re.finditer(r"[ \t]{2,}", text)
    run = next(runs, None)
    removed = 0  # characters removed by flattening, before the current block
    line, last = 1, 0
    for m in re.finditer(r"\S+(?:\s\S+)*", text):
        if len(out) >= MAX_BLOCKS:
            raise InvalidInput(f"the page's text has more than {MAX_BLOCKS:,} blocks; refused",
                               hint="a contact page has a few hundred: save just the contact page")  # fmt: skip
        while run is not None and run.end() <= m.start():
            removed += run.end() - run.start() - 1
            run = next(runs, None)
        s, e = m.start() - removed, m.end() - removed  # (no run of spaces inside a block)
        if html:
            where = f"text block {len(out) + 1}"
        else:
            line += text.count("\n", last, m.start())
            last = m.start()
            where = f"line {line}, block {len(out) + 1}"
        out.append(_Block(m.group(0), s, e, where))
    return out


def ingest(
    data: bytes, gaz: Gazetteer, resolver: PhraseResolver, current: Directory | None
) -> Ingested:
    """Read a page into a directory; problems are collected, not raised, except when nothing is there."""
    text, html = _page(data)
    flat = re.sub(r"[ \t]+", " ", text)
    located = _located_blocks(text, html)
    blocks = [b.text for b in located]
    problems: list[Problem] = []
    media = _first(_MEDIA, flat, "For media inquiries")
    if media is None:
        raise InvalidInput("the page has no media contact ('For media inquiries ... contact the ... at PHONE or email ADDRESS')",
                           hint="save the whole contact page, not a part of it")  # fmt: skip
    reading = _Reading(located, gaz)
    offices = _offices(located, gaz, resolver, current, problems, reading)
    media_end = media.end() + (1 if flat[media.end() : media.end() + 1] == "." else 0)
    media_text = flat[media.start() : media_end]
    tip = _TIP.search(flat)
    about = _about(flat)
    credit = _first(_CREDIT, flat, "When using ")
    note = _NOTE.search(flat)
    note_end = _block_end(reading, note.start(), note.end()) if note else 0
    spans = [(media.start(), media_end)]
    spans += [(x.start(), x.end()) for x in (tip, about, credit) if x is not None]
    if note:
        spans.append((note.start(), note_end))
    unread = reading.unread(spans)
    if not offices:
        first = f": {unread[0].position} {unread[0].text!r} looks like one" if unread else ""
        raise InvalidInput(f"the page lists no offices that can be read{first}",
                           hint=f"{_OFFICE_SHAPE}, under a state heading")  # fmt: skip
    problems += unread
    directory: dict[str, Any] = {
        "organization": current.organization if current else "(organization)",
        "title": _title(blocks) or (current.title if current else "Field Offices"),
        "source": current.source if current else "ingested contact page",
        "effective_date": (current.effective_date.isoformat() if current else "1970-01-01"),
        "media": {"name": media.group("name").strip(), "phone": media.group("phone"),
                  "email": media.group("email"), "text": " ".join(media_text.split())},
    }  # fmt: skip
    if current and current.unit:
        directory["unit"] = current.unit
    directory.update(_kept_from(current))
    if tip:  # the header's tip line is a contact the page prints: listed, with its purpose
        _put_tip_line(directory, tip.group("phone"), " ".join(tip.group(0).split()))
    if about:
        # the saved page runs some sentences together ("public.ICE"): put the space back
        directory["media"]["about"] = re.sub(
            r"(?<=[a-z][.!?])(?=[A-Z])", " ", " ".join(about.group(0).split())
        )
    if credit:
        directory["credit_line"] = {"text": credit.group(0).strip()}
    if note:
        notice_text = " ".join(flat[note.start() : note_end].split())  # (lines break inside it)
        kind = (
            "scam" if re.search(r"compromised|scam|fraud|spoof", notice_text, re.I) else "general"
        )
        old = {n.text: n.id for n in current.notices} if current else {}
        directory["notice"] = [
            {"id": old.get(notice_text, "notice-1"), "kind": kind, "text": notice_text}
        ]
    directory.update(_translations_kept(current, directory))
    return Ingested(
        {"schema": "fieldoffice-directory/1", "directory": directory, "office": offices}, problems
    )


def _first(rx: re.Pattern[str], text: str, opening: str) -> re.Match[str] | None:
    """`rx` matched where `opening` occurs (the first _TRIES places), within _WINDOW characters."""
    pos = 0
    for _ in range(_TRIES):
        i = text.find(opening, pos)
        if i < 0:
            return None
        end = min(len(text), i + _WINDOW)
        m = rx.match(text, i, end)
        if m is not None:
            return m
        pos = i + 1
    return None


def _about(flat: str) -> re.Match[str] | None:
    """The sentence about what OPA provides, which follows a full stop."""
    pos = 0
    for _ in range(_TRIES):
        i = flat.find("OPA provides", pos)
        if i < 0:
            return None
        pos = i + 1
        if not flat[max(0, i - 200) : i].rstrip().endswith("."):
            continue
        end = min(len(flat), i + _WINDOW)
        m = _ABOUT.match(flat, i, end)
        if m is not None and (m.end() < end or end == len(flat)):  # ($ is the window's end)
            return m
    return None


def _put_tip_line(directory: dict[str, Any], phone: str, text: str) -> None:
    block = directory.setdefault("verification", {})
    contacts = block.setdefault("contact", [])
    entry = next((c for c in contacts if c.get("purpose") == "tips"), None)
    if entry is None:
        contacts.append({"id": "tip-line", "name": "Tip line", "purpose": "tips", "phone": phone, "text": text})  # fmt: skip
    else:
        entry["phone"], entry["text"] = phone, text


def _current_raw(current: Directory | None) -> dict[str, Any]:
    """The current directory file's [directory] table as written there (empty if unreadable)."""
    if current is None or not current.path:
        return {}
    try:
        raw: dict[str, Any] = read_raw(Path(current.path))["directory"]
        return raw
    except (DataError, KeyError, TypeError):
        return {}


def _kept_from(current: Directory | None) -> dict[str, Any]:
    """What the page does not print but verify needs (official domains, guidance, reported
    contacts): kept from the current directory file, as it is written there."""
    raw = _current_raw(current)
    return {k: raw[k] for k in ("verification", "reported") if k in raw}


def _translations_kept(current: Directory | None, new: dict[str, Any]) -> dict[str, Any]:
    """The current file's translations and notice summaries of the words the page still says
    the same way; a changed English text drops its translation (and lint then says it lacks
    one) rather than keep a translation of something the page no longer says."""
    raw = _current_raw(current)
    if not raw:
        return {}
    old_notes = {n.get("id"): n.get("text") for n in raw.get("notice", []) if isinstance(n, dict)}
    same_notes = {n["id"] for n in new.get("notice", []) if old_notes.get(n["id"]) == n["text"]}
    same = {k for k in ("organization", "unit", "title") if raw.get(k) == new.get(k)}
    if (raw.get("credit_line") or {}).get("text") == (new.get("credit_line") or {}).get("text"):
        same.add("credit_line")
    old_media, new_media = raw.get("media") or {}, new.get("media") or {}
    out: dict[str, Any] = {}
    summaries = {k: v for k, v in (raw.get("notice_summary") or {}).items() if k in same_notes}
    if summaries:
        out["notice_summary"] = summaries
    translations: dict[str, Any] = {}
    for lang, t in (raw.get("translations") or {}).items():
        if not isinstance(t, dict):
            continue
        kept = {k: v for k, v in t.items() if k == "statement" or k in same}
        media = {
            k: v for k, v in (t.get("media") or {}).items() if old_media.get(k) == new_media.get(k)
        }
        notices = {k: v for k, v in (t.get("notice") or {}).items() if k in same_notes}
        kept.update({"media": media} if media else {})
        kept.update({"notice": notices} if notices else {})
        if set(kept) - {"statement"}:
            translations[lang] = kept
    if translations:
        out["translations"] = translations
    return out


def _title(blocks: list[str]) -> str | None:
    for i, b in enumerate(blocks):
        if b == "United States" and i > 0:
            return blocks[i - 1].strip("*/ ") or None
    return None


def _slug(name: str) -> str:
    base = re.sub(r"\s+Office$", "", name.strip())
    return re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-") or "office"


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _clip(text: str, n: int = 120) -> str:
    text = " ".join(text[: n * 4].split())
    return text if len(text) <= n else text[: n - 1] + "…"


class _Reading:
    """Which blocks were read (as an office, or a state heading with an office under it), which
    were already reported, and then: which of the rest look like part of an office."""

    def __init__(self, blocks: list[_Block], gaz: Gazetteer) -> None:
        self.blocks = blocks
        self.gaz = gaz
        self.read = [False] * len(blocks)
        self.reported = [False] * len(blocks)
        self.heading: list[str | None] = [None] * len(blocks)  # the state heading above each

    def signals(self, text: str) -> list[str]:
        """What in `text` looks like part of an office. (Each pattern runs only where a plain
        substring test says it may match: a block can be megabytes long.)"""
        out = []
        lowered = text.lower()
        if ("aor" in lowered or "area of responsibility" in lowered) and _SIG_AOR.search(text):
            out.append("an AOR line")
        short = len(text) <= 40
        st = self.gaz.state(text) if short else None
        if st is not None:
            out.append("a state code" if _USPS.match(text) else "a state heading")
        if ("Office" in text or "Headquarters" in text) and _SIG_OFFICE.search(text):
            out.append("an office name")
        if short and _CITY.match(text):
            out.append("a city")
        if "," in text:
            for m in _SIG_CITY_ST.finditer(text):
                if self.gaz.state(m.group(1)) is not None:
                    out.append("a city and state")
                    break
        if any(d in text for d in "0123456789") and _SIG_PHONE.search(text):
            out.append("a phone number")
        if "@" in text and _SIG_EMAIL.search(text):
            out.append("an email address")
        return out

    def unread(self, spans: list[tuple[int, int]]) -> list[Problem]:
        """Blocks not read that look like part of an office. Inside the list of offices (from
        the first office, "AOR:" line or reported block to the last, and the blocks with signs
        of an office right around them) one sign is enough; elsewhere (navigation, footer) it
        takes two, or an "AOR:" line. What the page's media contact, tip line, notice, credit
        line and "about" paragraph say is theirs, not an office's."""
        n = len(self.blocks)
        signs: list[list[str]] = []
        for b in self.blocks:
            rest = _uncovered(b, spans)
            signs.append(self.signals(rest) if rest else [])
        anchors = [
            k for k in range(n) if self.read[k] or self.reported[k] or "an AOR line" in signs[k]
        ]
        if not anchors:
            lo, hi = 0, -1
        else:
            lo, hi = anchors[0], anchors[-1]
            for _ in range(4):  # a first office read badly: its heading, name, city and state
                if lo > 0 and signs[lo - 1] and not self.read[lo - 1]:
                    lo -= 1
            for _ in range(4):
                if hi + 1 < n and signs[hi + 1] and not self.read[hi + 1]:
                    hi += 1
        out = []
        for k, b in enumerate(self.blocks):
            if self.read[k] or self.reported[k] or not signs[k]:
                continue
            inside = lo <= k <= hi
            if not inside and len(signs[k]) < 2 and "an AOR line" not in signs[k]:
                continue
            heading = self.heading[k] if "a state heading" not in signs[k] else None
            under = f" under {heading}" if heading else ""  # (a heading is under none)
            out.append(Problem(f"{b.position}{under}", _clip(b.text),
                               f"looks like part of an office ({', '.join(signs[k])}) but was not read as one",
                               "unreadable", b.position))  # fmt: skip
        return out


_OFFICE_PART = ("an AOR line", "a state heading", "a state code", "a city", "a city and state")


def _block_end(reading: _Reading, start: int, end: int) -> int:
    """Where a match starting at `start` ends, cut before the first block after its own that is
    part of an office (read as one, reported, or with a sign of one other than the word
    "Office"): a notice whose page puts no blank line after it must not swallow the office list
    that follows, and may run on over the lines of its own sentences."""
    for k, b in enumerate(reading.blocks):
        if b.start >= end:
            break
        if b.start > start and (
            reading.read[k]
            or reading.reported[k]
            or any(x in _OFFICE_PART for x in reading.signals(b.text))
        ):
            prev = reading.blocks[k - 1]
            return min(end, prev.end)
    return end


def _uncovered(b: _Block, spans: list[tuple[int, int]]) -> str:
    """The block's text outside the page's other parts (spans in flattened-text offsets)."""
    cut = sorted((max(s, b.start), min(e, b.end)) for s, e in spans if s < b.end and e > b.start)
    if not cut:
        return b.text
    flat = re.sub(r"[ \t]+", " ", b.text)
    pieces, at = [], b.start
    for s, e in cut:
        if s > at:
            pieces.append(flat[at - b.start : s - b.start])
        at = max(at, e)
    pieces.append(flat[at - b.start :])
    return " ".join(p.strip() for p in pieces if p.strip())


def _offices(blocks: list[_Block], gaz: Gazetteer, resolver: PhraseResolver, current: Directory | None,
             problems: list[Problem], reading: _Reading) -> list[dict[str, Any]]:  # fmt: skip
    known = {o.name: o for o in current.offices} if current else {}
    out: list[dict[str, Any]] = []
    heading: str | None = None
    heading_at: int | None = None
    text = [b.text for b in blocks]
    n = len(text)
    i = 0
    while i < n:
        b = text[i]
        reading.heading[i] = heading
        if len(b) <= 40 and gaz.state(b) is not None and not _USPS.match(b):
            heading, heading_at = b, i
            i += 1
            continue
        m = _OFFICE_NAME.match(b) if len(b) <= 200 else None
        if m and i + 1 < n and _CITY.match(text[i + 1]):
            name = m.group("name")
            city = _CITY.match(text[i + 1]).group("city").strip()  # type: ignore[union-attr]
            st = text[i + 2] if i + 2 < n else ""
            aor_m = _AOR.match(text[i + 3]) if i + 3 < n else None
            where = f"office {name!r} under {heading or 'no state heading'}"
            at = blocks[i].position
            for k in range(i, min(i + 4, n)):
                reading.heading[k] = heading
            if heading_at is not None:  # (an office reported below it: not reported again)
                reading.reported[heading_at] = True
            if not _USPS.match(st) or gaz.state(st) is None:
                why = "expected the office's state as a 2-letter code; the office is left out"
                problems.append(Problem(where, _clip(st), why, "unreadable", at))
                for k in range(i, min(i + 4 if aor_m else i + 3, n)):
                    reading.reported[k] = True
                i += 2
                continue
            if aor_m is None:
                found = _clip(text[i + 3]) if i + 3 < n else ""
                why = "no 'AOR: ...' line; the office is left out"
                problems.append(Problem(where, found, why, "unreadable", at))
                for k in range(i, i + 3):
                    reading.reported[k] = True
                i += 3
                continue
            aor = " ".join(
                aor_m.group("aor").split()
            )  # no-break spaces and runs of spaces: one space
            if len(aor) > MAX_AOR_CHARS:
                why = f"the AOR is {len(aor):,} characters, more than an AOR's {MAX_AOR_CHARS:,}; the office is left out"
                problems.append(Problem(where, _clip(aor), why, "unreadable", at))
                for k in range(i, i + 4):
                    reading.reported[k] = True
                i += 4
                continue
            if len(out) >= MAX_OFFICES:
                raise InvalidInput(f"the page lists more than {MAX_OFFICES} offices; refused",
                                   hint="save just the contact page")  # fmt: skip
            res = resolver.resolve(aor, state=st)
            for u in res.unresolved:
                problems.append(Problem(where, u, f"cannot resolve this part of the AOR {aor!r}",
                                        "unresolved", blocks[i + 3].position))  # fmt: skip
            prev = known.get(name)
            office: dict[str, Any] = {"id": prev.id if prev else _slug(name), "name": name, "city": city,
                                      "state": st, "aor": aor}  # fmt: skip
            if (
                prev
                and prev.lat is not None
                and prev.lon is not None
                and (prev.city, prev.state) == (city, st)
            ):
                office["lat"], office["lon"] = prev.lat, prev.lon
            if prev and prev.phone:
                office["phone"] = prev.phone
            if prev and prev.email:
                office["email"] = prev.email
            office["territory"] = [
                {k: v for k, v in (("phrase", c.phrase), ("state", c.state), ("region", c.region),
                                   ("counties", list(c.counties) or None)) if v}
                for c in res.clauses
            ] or [{"phrase": aor or "(empty)", "counties": []}]  # fmt: skip
            out.append(office)
            for k in range(i, i + 4):
                reading.read[k] = True
            if heading_at is not None:
                reading.read[heading_at] = True
            i += 4
            continue
        i += 1
    ids = [o["id"] for o in out]
    for oid in sorted({x for x in ids if ids.count(x) > 1}):
        problems.append(
            Problem(f"office id {oid!r}", oid, "two offices would share this id", "duplicate")
        )
    return out


def write_directory_file(raw: dict[str, Any], path: Any) -> None:
    """Write the directory as TOML, atomically: a failed or interrupted write leaves the old file
    and no temporary file (a temporary file left by a killed run is removed by the next one)."""
    import tomli_w

    target = Path(path)
    if target.is_dir() or (target.exists() and not target.is_file()):
        raise InvalidInput(f"{target} is not a regular file", hint="give the directory file's path")
    if not target.parent.is_dir():
        raise InvalidInput(f"the folder {target.parent} does not exist", hint="create it first")
    text = "# Written by `fieldoffice ingest --commit`.\n" + tomli_w.dumps(raw)
    _remove_stale_temps(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {target}: {exc.strerror}") from exc
    except BaseException:  # Interrupted (SIGTERM), KeyboardInterrupt: the old file, no temp file
        tmp.unlink(missing_ok=True)
        raise
    try:  # the rename itself made durable
        fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


def _remove_stale_temps(target: Path) -> None:
    """Temporary files of runs that were killed (SIGKILL leaves no chance to clean up)."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(\d+)\.tmp")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        m = pattern.fullmatch(name)
        if m is None or int(m.group(1)) == os.getpid():
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue  # that run is still going
        except ProcessLookupError:
            pass
        except OSError:
            continue
        (target.parent / name).unlink(missing_ok=True)
