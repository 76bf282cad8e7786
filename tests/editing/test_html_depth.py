"""`nesting_depth` on markup whose depth a parser's rules decide, and its stop as soon as the
depth passes the limit. The count is a parser's tree's (lexbor's, checked by hand) but for what
it leaves out: html, head, body and tbody, and elements that hold nothing (void elements,
self-closing SVG)."""

from __future__ import annotations

import pytest

from fieldoffice.editing.ingest.html_depth import nesting_depth

KNOWN = [
    ("", 0),
    ("just text", 0),
    ("<html><head></head><body>x</body></html>", 0),
    ("<div><div><div>x</div></div></div>", 3),
    ("<div><span><em>x", 3),
    ("<p>x<p>y<p>z", 1),  # a <p> closes the one before
    ("<ul><li>a<li>b<li>c</ul>", 2),  # and so does an <li>
    ("<br><img src=x><hr><input>", 0),  # void elements hold nothing
    ("<table><tr><td>x<td>y</table>", 3),
    ("<td><tr><th>", 0),  # table parts outside a table are ignored
    ("<p><b>x<p><i>y", 3),  # <b> closed by the block, reopened inside the next one
    ("<script><div><div><div></script>", 1),  # raw text
    ("<textarea><div><div></textarea>", 1),
    ("<!-- <div><div> --><div>", 1),
    ("<div title='<!--'><div>", 2),  # a quoted value hides nothing
    ("<svg><path/><path/><g><circle/></g></svg>", 2),  # self-closing in SVG
    ("<div/><div/><div/>", 3),  # but not in HTML
    ("<select><option>a</option><option>b</select>", 2),
    ("<form><form><div>", 2),  # a form inside a form is ignored
    ("<div><div", 1),  # a tag cut by the end of the page is dropped
]


@pytest.mark.parametrize(("html", "depth"), KNOWN)
def test_known_depths(html: str, depth: int) -> None:
    assert nesting_depth(html, 256) == depth


def test_it_stops_just_past_the_limit() -> None:
    assert nesting_depth("<div>" * 1_000, 10) == 11
    assert nesting_depth("<div>" * 10, 10) == 10


def test_closed_elements_leave_no_depth() -> None:
    assert nesting_depth("<div><span>x</span></div>" * 10_000, 256) == 2
