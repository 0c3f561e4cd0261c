"""Read a whole plan: the outline, its task tables, and each item's owners and deadline."""

from __future__ import annotations

from plans.importers import markers as mk
from plans.importers.document import Paragraph, SourceDocument
from plans.importers.structure import Node, ParsedPlan, parse_outline

DEFAULT_AUTUMN = (9, 1)


def _without_cell_line_tables(document: SourceDocument) -> tuple[SourceDocument, list]:
    """Take tables pasted one cell per line out of the paragraphs, so the outline does not read them."""
    from plans.importers.tables import tables_from_cell_lines

    paragraphs = document.paragraphs
    found = tables_from_cell_lines(paragraphs)
    if not found:
        return document, []
    skip: set[int] = set()
    for start, end, _table in found:
        skip.update(range(start, end))
    kept = [paragraph for index, paragraph in enumerate(paragraphs) if index not in skip]
    others = [block for block in document.blocks if not isinstance(block, Paragraph)]
    return SourceDocument([*kept, *others], document.format, document.encoding, list(document.warnings)), [
        table for _start, _end, table in found
    ]


def _annotate(node: Node, *, plan_year: int | None, inherited_period, autumn: tuple[int, int]) -> None:
    from plans.importers.owners import extract_owners
    from plans.importers.phrases import default_phrase, find_time_phrase

    if "owners" not in node.extra:
        owners, _cleaned = extract_owners(node.text)
        if owners is not None:
            node.extra["owners"] = owners
            if owners.text and owners.text in node.title:
                node.title = node.title.replace(owners.text, "").strip(" ,，、;；:：。")
    if "time" not in node.extra:
        phrase = inherited_period or find_time_phrase(node.text, plan_year=plan_year, autumn=autumn)
        if phrase is not None and phrase.deadline and plan_year and phrase.deadline.year < plan_year:
            # A date before the plan year reports what was done (a summary), it is no deadline.
            node.extra["past_time"] = phrase.text
            phrase = None
        node.extra["time"] = phrase or default_phrase(plan_year)


def _annotate_tree(nodes: list[Node], *, plan_year: int | None, period, autumn: tuple[int, int]) -> None:
    from plans.importers.phrases import period_heading_phrase

    for node in nodes:
        own_period = period
        if node.family == mk.MONTH:
            own_period = period_heading_phrase(node.title, plan_year=plan_year) or period
        if node.children:
            _annotate_tree(node.children, plan_year=plan_year, period=own_period, autumn=autumn)
        else:
            _annotate(node, plan_year=plan_year, inherited_period=own_period, autumn=autumn)


def parse_document(
    document: SourceDocument, *, plan_year: int | None = None, autumn: tuple[int, int] = DEFAULT_AUTUMN
) -> ParsedPlan:
    """Return everything the importer reads from a document, ready for review."""
    from plans.importers.tables import merge_into_outline, table_to_nodes

    document, pasted_tables = _without_cell_line_tables(document)
    parsed = parse_outline(document, plan_year=plan_year)
    year = parsed.metadata.plan_year
    # The prose's own annotations first: a table restating the items only fills in what they leave out.
    _annotate_tree(parsed.roots, plan_year=year, period=None, autumn=autumn)
    table_nodes: list[Node] = []
    for table in [*document.tables, *pasted_tables]:
        table_nodes.extend(table_to_nodes(table, plan_year=year))
    if table_nodes:
        table_items = _leaves(table_nodes)
        if parsed.structured and parsed.items():
            unmatched = merge_into_outline([node for _path, node in parsed.items()], table_items)
            if unmatched:
                parsed.roots.append(
                    Node(None, None, "任务分解表", "任务分解表", "", children=_keep(table_nodes, unmatched))
                )
                parsed.warnings.append(
                    f"表格中有 {len(unmatched)} 项在正文中找不到对应条目，已列在“任务分解表”下，请核对。"
                )
        else:
            parsed.roots = table_nodes
            parsed.structured = True
            parsed.warnings = [w for w in parsed.warnings if "没有识别出编号结构" not in w]
    _annotate_tree(parsed.roots, plan_year=year, period=None, autumn=autumn)
    return parsed


def _leaves(nodes: list[Node]) -> list[Node]:
    found: list[Node] = []
    for node in nodes:
        if node.children:
            found.extend(_leaves(node.children))
        else:
            found.append(node)
    return found


def _keep(nodes: list[Node], wanted: list[Node]) -> list[Node]:
    """Return the table tree pruned to the wanted leaves."""
    kept: list[Node] = []
    wanted_ids = {id(node) for node in wanted}
    for node in nodes:
        if node.children:
            children = _keep(node.children, wanted)
            if children:
                node.children = children
                kept.append(node)
        elif id(node) in wanted_ids:
            kept.append(node)
    return kept
