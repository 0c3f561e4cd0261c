"""Turn a document's paragraphs into the plan's outline: sections above, items (future tasks) at the leaves."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from plans.importers import markers as mk
from plans.importers.document import Paragraph, SourceDocument
from plans.importers.metadata import PlanMetadata, read_metadata
from plans.importers.noise import is_noise_line
from plans.importers.normalize import fold, squash_spaces

RUN_ON_LENGTH = 300  # a paragraph this long holding several outline markers lost its line breaks
HEADING_MAX = 60  # a line without a full stop and at most this long is a heading
_SENTENCE_END = re.compile(r"[。!?！？]")
_TRAILING = " \t,，、;；:：。.!！?？"


@dataclass
class Segment:
    """A piece of text that starts with (at most) one marker."""

    family: str | None
    number: str | None
    text: str  # original text, marker included
    body: str  # original text after the marker
    folded_body: str
    inline: bool = False  # cut out of a longer paragraph
    run_on: bool = False  # comes from a paragraph whose line breaks were lost


@dataclass
class Node:
    """A node of the outline: a section when it has children, an item when it is a leaf."""

    family: str | None
    number: str | None
    key: str  # the path element: the number as written, a schedule heading's text, or a position
    title: str
    text: str  # the full text as written, marker removed
    children: list[Node] = field(default_factory=list)
    heading_like: bool = False
    extra: dict = field(default_factory=dict)  # owners, time phrase, warnings … filled in by later stages

    @property
    def is_item(self) -> bool:
        return not self.children


@dataclass
class ParsedPlan:
    """What the importer read from a document."""

    metadata: PlanMetadata
    roots: list[Node]
    preamble: str = ""
    warnings: list[str] = field(default_factory=list)
    structured: bool = True  # False when no outline was found and each paragraph became an item

    def walk(self):
        """Yield (path, node) for every node, depth first, in document order."""

        def visit(nodes: list[Node], prefix: tuple[str, ...]):
            for node in nodes:
                path = (*prefix, node.key)
                yield path, node
                yield from visit(node.children, path)

        yield from visit(self.roots, ())

    def sections(self) -> list[tuple[tuple[str, ...], Node]]:
        return [(path, node) for path, node in self.walk() if node.children]

    def items(self) -> list[tuple[tuple[str, ...], Node]]:
        return [(path, node) for path, node in self.walk() if not node.children]


# --- Segmentation ------------------------------------------------------------------------


def _segment(
    text: str, *, family: str | None, number: str | None, body_start: int, inline: bool, run_on: bool
) -> Segment:
    body = text[body_start:].strip()
    return Segment(family, number, text.strip(), body, fold(body), inline=inline, run_on=run_on)


def _split_run_on(text: str, folded: str) -> list[Segment]:
    """Cut a paragraph that lost its line breaks at the block markers buried in it."""
    cuts = mk.run_on_markers(folded)
    if len(cuts) < 2:
        return []
    segments: list[Segment] = []
    if folded[: cuts[0].start].strip():
        segments.append(
            _segment(text[: cuts[0].start], family=None, number=None, body_start=0, inline=True, run_on=True)
        )
    for index, cut in enumerate(cuts):
        end = cuts[index + 1].start if index + 1 < len(cuts) else len(text)
        piece = text[cut.start : end]
        segments.append(
            _segment(
                piece, family=cut.family, number=cut.number, body_start=cut.end - cut.start, inline=True, run_on=True
            )
        )
    return segments


def _paragraph_segments(paragraph: Paragraph) -> list[Segment]:
    text = (paragraph.label + " " + paragraph.text).strip() if paragraph.label else paragraph.text.strip()
    folded = fold(text)
    if len(text) >= RUN_ON_LENGTH:
        pieces = _split_run_on(text, folded)
        if pieces:
            return pieces
    marker = mk.leading_marker(folded)
    if marker is None:
        return [_segment(text, family=None, number=None, body_start=0, inline=False, run_on=False)]
    return [
        _segment(text, family=marker.family, number=marker.number, body_start=marker.end, inline=False, run_on=False)
    ]


def _split_shi(segment: Segment) -> list[Segment]:
    """Cut 一是…二是… out of a segment: the text before them stays with the segment, each becomes a leaf."""
    if segment.family == mk.SHI:
        # The paragraph itself opens with 一是: its later 二是, 三是 … are siblings, not children.
        folded_text = fold(segment.text)
        cuts = mk.inline_shi_markers(folded_text)
        if len(cuts) < 2 or cuts[0].start != 0:
            return [segment]
        return [_shi_piece(segment.text, cuts, index, run_on=segment.run_on) for index in range(len(cuts))]
    cuts = mk.inline_shi_markers(segment.folded_body)
    if not cuts:
        return [segment]
    body = segment.body
    head_text = body[: cuts[0].start].strip()
    head = Segment(
        segment.family,
        segment.number,
        segment.text,
        head_text,
        fold(head_text),
        inline=segment.inline,
        run_on=segment.run_on,
    )
    return [head, *(_shi_piece(body, cuts, index, run_on=segment.run_on) for index in range(len(cuts)))]


def _shi_piece(text: str, cuts: list[mk.InlineMarker], index: int, *, run_on: bool) -> Segment:
    cut = cuts[index]
    end = cuts[index + 1].start if index + 1 < len(cuts) else len(text)
    piece = text[cut.start : end]
    body = piece[cut.end - cut.start :].strip()
    return Segment(mk.SHI, cut.number, piece.strip(), body, fold(body), inline=True, run_on=run_on)


def _confirm_bare_numbers(segments: list[Segment]) -> None:
    """Keep a number glued to its text (1干部…) as a marker only when a neighbouring 2. or 0. confirms it."""
    block = [index for index, segment in enumerate(segments) if segment.family is not None and segment.family != mk.SHI]
    for position, index in enumerate(block):
        segment = segments[index]
        if segment.family != mk.NUM_BARE:
            continue
        value = int(segment.number)
        neighbours = []
        if position + 1 < len(block):
            neighbours.append((segments[block[position + 1]], value + 1))
        if position > 0:
            neighbours.append((segments[block[position - 1]], value - 1))
        if any(
            other.family in (mk.NUM, mk.NUM_BARE) and other.number and int(other.number) == want
            for other, want in neighbours
        ):
            segment.family = mk.NUM
        else:
            segment.family, segment.number = None, None
            segment.body, segment.folded_body = segment.text, fold(segment.text)


# --- Titles ------------------------------------------------------------------------------


def _cut_at_line_break_space(text: str) -> str:
    """In text whose line breaks became spaces, end a heading at the space where the body starts."""
    for match in re.finditer(r"\s+", text):
        left = text[: match.start()]
        cjk = sum(1 for ch in left if "\u4e00" <= ch <= "\u9fff")
        right = text[match.end() :]
        if cjk >= 4 and left[-1:] >= "\u4e00" and right[:1].isdigit():
            return left
    return text


def _title_of(body: str, *, heading: bool, run_on: bool) -> str:
    body = body.strip()
    sentence = _SENTENCE_END.search(body)
    first = body[: sentence.start()] if sentence else body
    if heading and run_on:
        first = _cut_at_line_break_space(first)
    return first.strip(_TRAILING).strip()


def _is_heading_text(body: str) -> bool:
    stripped = body.strip()
    return (
        bool(stripped)
        and not _SENTENCE_END.search(stripped.rstrip("。"))
        and len(squash_spaces(stripped)) <= HEADING_MAX
    )


# --- The tree ----------------------------------------------------------------------------


def _new_node(segment: Segment) -> Node:
    if segment.family == mk.MONTH:
        text = segment.text.strip().rstrip(":：")
        return Node(mk.MONTH, None, text, text, text, heading_like=True)
    heading_like = _is_heading_text(segment.body)
    return Node(
        segment.family,
        segment.number,
        segment.number or "",
        _title_of(segment.body, heading=True, run_on=segment.run_on),
        segment.body,
        heading_like=heading_like,
    )


def _build(segments: list[Segment]) -> tuple[list[Node], list[Segment]]:
    """Nest segments by marker family: a family seen before closes the levels below it."""
    roots: list[Node] = []
    root_loose: list[Segment] = []
    stack: list[tuple[str, Node]] = []

    def attach(node: Node) -> None:
        (stack[-1][1].children if stack else roots).append(node)

    for segment in segments:
        if segment.family is None:
            if stack:
                owner = stack[-1][1]
                owner.children.append(Node(None, None, "", "", segment.body, extra={"loose": segment}))
            else:
                root_loose.append(segment)
            continue
        node = _new_node(segment)
        if segment.family == mk.SHI:
            attach(node)
            continue
        families = [family for family, _node in stack]
        if segment.family in families:
            del stack[families.index(segment.family) :]
        attach(node)
        stack.append((segment.family, node))
    return roots, root_loose


def _settle_loose(nodes: list[Node]) -> None:
    """Decide what unnumbered paragraphs are: items under a bare heading, or text of their neighbours."""
    for node in nodes:
        loose = [child for child in node.children if child.family is None and "loose" in child.extra]
        numbered = [child for child in node.children if not (child.family is None and "loose" in child.extra)]
        if loose and numbered:
            kept: list[Node] = []
            previous: Node | None = None
            for child in node.children:
                if child in loose:
                    if previous is None:
                        node.text = (node.text + "\n" + child.text).strip()
                    else:
                        previous.text = (previous.text + "\n" + child.text).strip()
                        previous.extra.setdefault("continuations", []).append(child.text)
                else:
                    kept.append(child)
                    previous = child
            node.children = kept
        elif loose:
            if node.heading_like:
                items: list[Node] = []
                for child in loose:
                    if _is_substantial(child.text):
                        position = str(len(items) + 1)
                        items.append(
                            Node(None, None, position, _title_of(child.text, heading=False, run_on=False), child.text)
                        )
                    elif items:
                        items[-1].text += "\n" + child.text
                node.children = items
            else:
                node.text = "\n".join([node.text, *(child.text for child in loose)]).strip()
                node.children = []
        _settle_loose(node.children)


def _is_substantial(text: str) -> bool:
    stripped = squash_spaces(text)
    return len(stripped) >= 8 and ("。" in stripped or len(stripped) >= 15) and not is_noise_line(text)


def _disambiguate_keys(nodes: list[Node], warnings: list[str], prefix: str = "") -> None:
    seen: dict[str, int] = {}
    for node in nodes:
        if node.key in seen:
            seen[node.key] += 1
            warnings.append(f"“{prefix}{node.key}”编号重复，第二个改为“{node.key}-{seen[node.key]}”。")
            node.key = f"{node.key}-{seen[node.key]}"
        else:
            seen[node.key] = 1
        _disambiguate_keys(node.children, warnings, prefix=f"{prefix}{node.key}.")


# --- Entry point -------------------------------------------------------------------------


def _content_paragraphs(document: SourceDocument) -> list[Paragraph]:
    return [paragraph for paragraph in document.paragraphs if paragraph.text.strip() or paragraph.label]


def parse_outline(document: SourceDocument, *, plan_year: int | None = None) -> ParsedPlan:
    """Read the outline and metadata of a document's paragraphs (tables are read by tables.py)."""
    paragraphs = _content_paragraphs(document)
    segments: list[Segment] = []
    first_marker: int | None = None
    for index, paragraph in enumerate(paragraphs):
        pieces = _paragraph_segments(paragraph)
        for piece in pieces:
            for part in _split_shi(piece):
                if first_marker is None and part.family is not None:
                    first_marker = index
                segments.append(part)
    _confirm_bare_numbers(segments)
    segments = [segment for segment in segments if segment.family is not None or not is_noise_line(segment.body)]

    head_count = first_marker if first_marker is not None else len(paragraphs)
    head = [paragraph.text for paragraph in paragraphs[:head_count]]
    roots, root_loose = _build(segments)
    warnings: list[str] = []
    _settle_loose(roots)
    structured = any(node.family is not None for node in roots)
    if not structured:
        roots = [
            Node(None, None, str(position), _title_of(segment.body, heading=False, run_on=False), segment.body)
            for position, segment in enumerate((s for s in root_loose if _is_substantial(s.body)), start=1)
        ]
        warnings.append("没有识别出编号结构，已把每个段落作为一项任务，请逐项核对。")
    _disambiguate_keys(roots, warnings)

    headings = [node.text for _path, node in ParsedPlan(PlanMetadata(), roots).sections()]
    body_sample = " ".join(segment.body for segment in segments[:40])
    metadata = read_metadata(head, headings=headings, body_sample=body_sample)
    if plan_year is not None:
        metadata.plan_year, metadata.year_placeholder = plan_year, None
    preamble_lines = [
        segment.body
        for segment in root_loose
        if not is_noise_line(segment.body) and squash_spaces(segment.body) != squash_spaces(metadata.title or "")
    ]
    return ParsedPlan(metadata, roots, preamble="\n".join(preamble_lines), warnings=warnings, structured=structured)


def end_of_month(year: int, month: int) -> datetime.date:
    """Return the last day of a month."""
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)
