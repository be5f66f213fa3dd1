"""The document model's generic traversals: `query` collects, `walk` rebuilds, for every node class."""

from __future__ import annotations

import inspect
from dataclasses import is_dataclass
from datetime import date
from typing import get_args

import pytest

from briefgen import model
from briefgen.model import (
    Author,
    Block,
    Box,
    Chart,
    Citation,
    CiteItem,
    Code,
    Document,
    Emph,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Metadata,
    Node,
    Note,
    Paragraph,
    Quote,
    Rule,
    Span,
    Strong,
    Superscript,
    Table,
    Text,
    map_children,
    query,
    walk,
)

MODEL_CLASSES = {
    cls
    for name, cls in inspect.getmembers(model, inspect.isclass)
    if is_dataclass(cls) and cls.__module__ == model.__name__ and not name.startswith("_")
}


def every_node() -> Document:
    """One document holding an instance of every class of the model, its texts numbered in reading order."""
    note = Note((Paragraph((Text("4"), Superscript("s"))),))
    inlines = (
        Text("1"),
        Emph((Text("2"), Strong((Text("3"),)))),
        note,
        Code("c"),
        Link((Text("5"),), "https://example.org"),
        Span((Text("6"),), "kk"),
        LineBreak(),
        Citation((CiteItem("doe2020"), CiteItem("roe2019"))),
    )
    return Document(
        Metadata("Title", authors=(Author("A"), Author("B")), date=date(2010, 1, 1)),
        (
            Heading(1, (Text("0"),)),
            Paragraph(inlines),
            ListBlock(((Paragraph((Text("7"),)), ListBlock(((Paragraph((Text("8"),)),),))),)),
            Table(((Text("9"),), (Text("10"),)), (((Text("11"),), (Text("12"),)),)),
            Box(("card",), (Quote((Paragraph((Text("13"),)),)),)),
            Rule(),
            Chart((Text("14"),), "Group", ("Central Asia",), ("fully",), ("#1B7837",), ((1,),)),
        ),
    )


def texts(tree) -> list[str]:
    return query(lambda node: [node.text] if isinstance(node, Text) else [], tree)


# ---------------------------------------------------------------- query


def test_query_visits_every_class_of_the_model():
    # a new node class must be added to every_node() and to the Node union; the walkers need no edit
    visited = set(query(lambda node: [type(node)], every_node()))

    assert visited == MODEL_CLASSES
    assert set(get_args(Node)) == MODEL_CLASSES
    assert set(get_args(Inline)) | set(get_args(Block)) <= MODEL_CLASSES


def test_query_finds_in_reading_order_notes_at_their_marker_and_table_cells_row_by_row():
    assert texts(every_node()) == [str(n) for n in range(15)]


def test_query_visits_a_node_before_its_children():
    kinds = query(lambda node: [type(node).__name__], Emph((Text("a"), Strong((Text("b"),)))))

    assert kinds == ["Emph", "Text", "Strong", "Text"]


def test_query_reaches_cited_works_and_authors_in_order():
    doc = every_node()

    assert query(lambda n: [n.key] if isinstance(n, CiteItem) else [], doc) == ["doe2020", "roe2019"]
    assert query(lambda n: [n.name] if isinstance(n, Author) else [], doc) == ["A", "B"]


def test_query_takes_a_tuple_of_nodes():
    assert texts((Paragraph((Text("a"),)), Paragraph((Text("b"),)))) == ["a", "b"]


def test_query_goes_thousands_deep_without_recursion():
    deep: Block = Paragraph((Text("bottom"),))
    for _ in range(5000):
        deep = Quote((deep,))

    assert texts(deep) == ["bottom"]


# ---------------------------------------------------------------- walk


def test_walk_with_nothing_to_change_returns_the_same_object():
    doc = every_node()

    assert walk(lambda node: node, doc) is doc
    assert walk(lambda node: Text("x") if isinstance(node, Text) and node.text == "none" else node, doc) is doc


def test_walk_calls_fn_on_every_class_of_the_model_children_first():
    seen: list[str] = []

    def record(node):
        seen.append(type(node).__name__)
        return node

    walk(record, every_node())

    assert {getattr(model, name) for name in seen} == MODEL_CLASSES
    assert seen[:2] == ["Author", "Author"] and seen[2] == "Metadata" and seen[-1] == "Document"
    assert seen.index("Strong") < seen.index("Emph")  # bottom up


def test_walk_rebuilds_only_the_changed_path():
    doc = every_node()

    out = walk(lambda n: Text(n.text * 2) if isinstance(n, Text) and n.text == "13" else n, doc)

    assert texts(out)[-2] == "1313"
    assert out.meta is doc.meta
    assert out.blocks[:4] == doc.blocks[:4] and all(a is b for a, b in zip(out.blocks[:4], doc.blocks[:4], strict=True))
    assert out.blocks[4] is not doc.blocks[4] and all(
        a is b for a, b in zip(out.blocks[5:], doc.blocks[5:], strict=True)
    )


def test_walk_changes_text_everywhere_a_text_may_stand():
    out = walk(lambda n: Text(f"<{n.text}>") if isinstance(n, Text) else n, every_node())

    assert texts(out) == [f"<{n}>" for n in range(15)]


def test_walk_gives_fn_the_node_with_its_children_already_replaced():
    def upper(node):
        if isinstance(node, Text):
            return Text(node.text.upper())
        if isinstance(node, Emph):
            assert node.children == (Text("A"),)
            return Strong(node.children)
        return node

    assert walk(upper, Paragraph((Emph((Text("a"),)),))) == Paragraph((Strong((Text("A"),)),))


def test_walk_splices_a_tuple_in_place_of_a_node_and_removes_with_an_empty_one():
    def reshape(node):
        if isinstance(node, Note):
            return ()
        if isinstance(node, Code):
            return (Text("["), Text(node.text), Text("]"))
        return node

    out = walk(reshape, every_node())

    assert query(lambda n: [n] if isinstance(n, Note) else [], out) == []
    assert out.blocks[1].children[2:5] == (Text("["), Text("c"), Text("]"))


def test_walk_of_a_tuple_returns_a_tuple():
    blocks = (Rule(), Paragraph((Text("a"),)))

    assert walk(lambda n: n, blocks) is blocks
    assert walk(lambda n: () if isinstance(n, Rule) else n, blocks) == (Paragraph((Text("a"),)),)


def test_walk_refuses_to_replace_a_lone_node_by_several():
    with pytest.raises(TypeError, match="Metadata is not in a tuple"):
        walk(lambda n: () if isinstance(n, Metadata) else n, every_node())


# ---------------------------------------------------------------- map_children


def test_map_children_maps_one_level_of_inline_and_block_tuples_in_field_order():
    seen: list[str] = []

    def inlines(nodes):
        seen.append("inlines " + "".join(t.text for t in nodes if isinstance(t, Text)))
        return (*nodes, Text("!"))

    def blocks(nodes):
        seen.append(f"blocks {len(nodes)}")
        return nodes[:1]

    table = every_node().blocks[3]
    out = map_children(table, inlines, blocks)

    assert seen == ["inlines 9", "inlines 10", "inlines 11", "inlines 12"]
    assert out.rows[0][1] == (Text("12"), Text("!"))

    seen.clear()
    listing = every_node().blocks[2]
    out = map_children(listing, inlines, blocks)
    assert seen == ["blocks 2"]  # one item of two blocks; the nested list is not entered
    assert out.items == ((listing.items[0][0],),)


def test_map_children_leaves_nodes_without_inlines_or_blocks_as_they_are():
    citation = Citation((CiteItem("doe2020"),))

    assert map_children(citation, lambda s: (), lambda s: ()) is citation
    assert map_children(Text("a"), lambda s: (), lambda s: ()) == Text("a")
