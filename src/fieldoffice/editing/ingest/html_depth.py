"""How deep an HTML parser would nest a page's elements, found without parsing it.

A page nested deeper than any contact page is refused before a parser sees it: a parser's time
(and memory) grows with the depth. The scan is linear and follows the rules of HTML's tree
construction that decide how deep elements nest, kept where they make the count deeper, never
shallower.
"""

from __future__ import annotations

import re


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


_DROPPED = _ONCE | _NEEDS_TABLE | {"form"}  # start tags a parser may ignore


class _Tree:
    """The open elements a parser would hold, as far as depth goes: their names, what each is
    (_HTML, or SVG or MathML: _SVG, ...), the formatting entry each holds, and the active
    formatting elements, one list per marker (a table cell, ...)."""

    __slots__ = ("alien", "counts", "deepest", "held", "levels", "limit", "one", "selects", "stack")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.stack: list[str] = []
        self.alien: list[int] = []  # what the element is: _HTML (0), or SVG or MathML (_SVG, ...)
        self.held: list[_Entry | None] = []  # the formatting element's entry
        self.counts: dict[str, int] = {}
        self.levels: list[list[_Entry]] = [[]]  # active formatting elements, per marker
        self.selects: list[int] = []  # where the open <select> elements are: little closes inside
        self.one: dict[str, frozenset[str]] = {}
        self.deepest = 0

    def pop_to(self, k: int) -> None:
        """Close the element at `k` and all that is open inside it."""
        stack, alien, held, levels = self.stack, self.alien, self.held, self.levels
        for top, is_alien, entry in zip(stack[k:], alien[k:], held[k:], strict=True):
            self.counts[top] -= 1
            if entry is not None:
                entry.open = False
            elif top in _MARKERS and not is_alien and len(levels) > 1:
                levels.pop()
        del stack[k:], alien[k:], held[k:]
        while self.selects and self.selects[-1] >= k:
            self.selects.pop()

    def find(self, targets: frozenset[str], stop: frozenset[str] | None, top: int) -> int:
        """Where the nearest of `targets` is open, looking down from `top` no further than
        `stop` (None: `top` only) and _WALK elements; or -1."""
        stack, alien = self.stack, self.alien
        for k in range(top, max(top - _WALK, -1), -1):
            if stack[k] in targets and not alien[k]:
                return k
            if stop is None or stack[k] in stop or alien[k]:
                return -1
        return -1

    def push(self, name: str, is_alien: int, entry: _Entry | None) -> bool:
        """Open an element; True when the depth is past the limit."""
        stack, counts = self.stack, self.counts
        stack.append(name)
        self.alien.append(is_alien)
        self.held.append(entry)
        counts[name] = counts.get(name, 0) + 1
        if not is_alien and name in _MARKERS:
            self.levels.append([])
        elif not is_alien and name == "select":
            self.selects.append(len(stack) - 1)
        if len(stack) > self.deepest:
            self.deepest = len(stack)
            return self.deepest > self.limit
        return False

    def reconstruct(self) -> bool:
        """Reopen the closed formatting elements; True when the depth is past the limit."""
        level = self.levels[-1]
        i = len(level)
        while i and not level[i - 1].open:
            i -= 1
        for entry in level[i:]:
            entry.open = True
            if self.push(entry.name, _HTML, entry):
                return True
        return False

    def last_entry(self, name: str) -> _Entry | None:
        return next((e for e in reversed(self.levels[-1]) if e.name == name), None)

    def select_in_scope(self) -> int:
        """Where the <select> is when only <option> and <optgroup> are open inside it; or -1."""
        stack, alien = self.stack, self.alien
        at = self.selects[-1]
        if len(stack) - at > _WALK or any(
            stack[j] not in ("option", "optgroup") or alien[j] for j in range(at + 1, len(stack))
        ):
            return -1
        return at

    def leave_foreign(self) -> None:
        """Close the SVG and MathML elements down to one with HTML inside."""
        k = len(self.stack)
        while k and self.alien[k - 1] not in (_HTML, _HTML_POINT, _TEXT_POINT):
            k -= 1
        self.pop_to(k)

    def end_tag(self, name: str) -> None:
        stack, alien = self.stack, self.alien
        if name in ("p", "br") and alien and alien[-1]:
            self.leave_foreign()
        if self.selects and name != "form":  # in a <select>: select, option, optgroup, form close
            if name == "select" and self.select_in_scope() >= 0:
                self.pop_to(self.selects[-1])
            elif name in ("option", "optgroup") and stack[-1] == name:
                self.pop_to(len(stack) - 1)
            return
        entry = self.last_entry(name) if name in _FORMATTING else None
        if entry is not None and not entry.open:
            self.levels[-1].remove(entry)
            return
        if not self.counts.get(name):
            return
        top = len(stack) - 1
        while top >= 0 and alien[top]:  # in SVG or MathML: the element of that name, if any
            if stack[top] == name:
                self.pop_to(top)
                return
            top -= 1
        if top < 0:
            return
        targets = (
            _HEADINGS
            if name in _HEADINGS
            else self.one.get(name) or self.one.setdefault(name, frozenset((name,)))
        )
        k = self.find(targets, _end_tag_stop(name), top)
        if k < 0:
            return  # (a formatting element with a block inside it: reopened there, left open)
        if name == "form":  # </form> closes the form alone
            self.counts["form"] -= 1
            del stack[k], alien[k], self.held[k]
            self.selects[:] = [x - (x > k) for x in self.selects]
            return
        self.pop_to(k)
        if entry is not None:
            self.levels[-1].remove(entry)

    def start_tag(self, name: str, attrs: str, selfclosing: bool) -> bool:
        """A start tag; True when the depth is past the limit."""
        kind = self.alien[-1] if self.alien else _HTML
        if (
            kind
            and kind != _HTML_POINT
            and (kind != _TEXT_POINT or name in ("mglyph", "malignmark"))
            and (kind != _ANNOTATION or name != "svg")
        ):  # in SVG or MathML
            if name not in _BREAKOUT or (name == "font" and not _font_breaks_out(attrs)):
                space = _SVG if kind == _SVG else _MATHML
                return not selfclosing and self.push(name, _foreign_kind(name, space, attrs), None)
            self.leave_foreign()  # (an HTML element: read as HTML outside the SVG or MathML)
        if (self.selects or name in _DROPPED) and self._dropped(name):
            return False
        for targets, stop in () if self.selects else _CLOSES.get(name, ()):
            for t in targets:
                if self.counts.get(t):
                    k = self.find(targets, stop, len(self.stack) - 1)
                    if k >= 0:
                        self.pop_to(k)
                    break
        return self._open_html(name, attrs, selfclosing)

    def _dropped(self, name: str) -> bool:
        """Whether a parser ignores this start tag (after closing the <select> it ends)."""
        if (
            self.selects
            and name in ("select", "input", "keygen", "textarea")
            and self.select_in_scope() >= 0
        ):
            self.pop_to(self.selects[-1])  # (the others are then read outside it)
            if name == "select":
                return True
        if name in _ONCE or (name in _NEEDS_TABLE and not self.counts.get("table")):
            return True  # (table parts outside a table are ignored by parsers)
        return name == "form" and bool(self.counts.get("form"))

    def _open_html(self, name: str, attrs: str, selfclosing: bool) -> bool:
        """Open an HTML element (or SVG or MathML's first); True when past the limit."""
        if name in ("a", "nobr"):
            old = self.last_entry(name)
            if old is not None:
                self.levels[-1].remove(old)
        lv = self.levels[-1]
        if lv and not lv[-1].open and name not in _NO_RECONSTRUCT and self.reconstruct():
            return True
        if name in _VOID:
            return False
        if name in _FOREIGN:
            return not selfclosing and self.push(name, _SVG if name == "svg" else _MATHML, None)
        entry = None
        if name in _FORMATTING:
            level = self.levels[-1]
            alike = [e for e in level if e.name == name and e.attrs == attrs]
            if len(alike) >= 3:  # parsers keep three alike: the first is forgotten (left open)
                level.remove(alike[0])
            entry = _Entry(name, attrs)
            level.append(entry)
            if len(level) > self.limit:
                return True
        return self.push(name, _HTML, entry)


def nesting_depth(html: str, limit: int) -> int:
    """How deep an HTML parser would nest the page's elements: a linear scan of its tags that
    follows the rules that keep real pages shallow (void elements, elements closed by the next
    of their kind like <p> and <li>, end tags in scope, table parts outside a table, raw text in
    <script> and <style>, comments, self-closing tags in SVG and MathML), and the one that makes
    them deep: formatting elements (<b>, <font>, ...) closed by a block are reopened inside the
    next one. Stops as soon as the depth passes `limit`. On real pages it counts a few levels
    fewer than a parser (html, body and tbody are not counted); on markup built to nest deeply
    it never counts much fewer: wherever the rules are unclear it keeps elements open."""
    tree = _Tree(limit)
    stack, alien, held, counts, levels = tree.stack, tree.alien, tree.held, tree.counts, tree.levels
    search = _MARKUP.search
    pos, text_from = 0, 0
    while True:
        m = search(html, pos)
        if m is None:
            return tree.deepest
        if m.start() > text_from and levels[-1] and not levels[-1][-1].open and tree.reconstruct():
            return tree.deepest  # text reopens formatting elements too
        tag = m.group(5)
        if tag is None:
            pos = _past_markup(html, m, bool(alien and alien[-1]))
        elif not m.group(8):
            return tree.deepest  # a tag cut by the end of the page: dropped with all after it
        else:
            pos = m.end()
            name = tag.lower() if tag.isascii() else tag.translate(_ASCII_LOWER)
            if not m.group(4):
                pos = _past_start_tag(tree, html, m, name)
            elif (
                stack
                and stack[-1] == name
                and not alien[-1]
                and name in _PLAIN
                and not tree.selects
            ):
                stack.pop(), alien.pop(), held.pop()  # (the usual end tag, made quick)
                counts[name] -= 1
            else:
                tree.end_tag(name)
        if pos < 0:  # past the limit, or the rest of the page is text
            return tree.deepest
        text_from = pos


def _past_markup(html: str, m: re.Match[str], foreign: bool) -> int:
    """Where markup other than a tag ends (a comment, CDATA, "</>", a bogus comment, DOCTYPE);
    -1 when it runs to the end of the page."""
    start = m.start()
    if m.group(1):  # a comment: to "-->" or "--!>" ("<!-->" and "<!--->" are empty ones)
        if html.startswith(("<!-->", "<!--->"), start):
            return html.index(">", start) + 1
        ending = _COMMENT_END.search(html, start + 4)
        return -1 if ending is None else ending.end()
    if m.group(2) and foreign:  # CDATA in SVG or MathML: text to "]]>"
        close = html.find("]]>", m.end())
        return -1 if close < 0 else close + 3
    if m.group(3):  # "</>" is dropped
        return m.end()
    close = html.find(">", start + 2)  # a bogus comment ("<!x", "<?x", "</ x", CDATA in HTML)
    return -1 if close < 0 else close + 1


def _past_start_tag(tree: _Tree, html: str, m: re.Match[str], name: str) -> int:
    """Read a start tag into `tree`; where the scan goes on, or -1 to stop: past the limit, or
    raw text (<plaintext>, a <script> never closed) to the end of the page."""
    attrs = m.group(6)
    closed = m.group("sep") is not None and m.end("sep") == m.end(6)
    if tree.start_tag(name, attrs, closed and attrs.endswith("/")):
        return -1
    if name in _RAW and tree.stack[-1:] == [name] and not tree.alien[-1]:
        return -1 if name == "plaintext" else _raw_end(html, m.end(), name)  # its end tag
    return m.end()


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
