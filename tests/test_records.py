"""``@record`` gives what ``@dataclass`` gave the engine's records: fields, defaults, factories, repr, equality."""

from __future__ import annotations

import pytest

from mkdocs_cnnsummary.engine.expr import Const
from mkdocs_cnnsummary.engine.records import field, record
from mkdocs_cnnsummary.engine.spec import LayerRef, LayerSpec
from mkdocs_cnnsummary.engine.summary import LayerRecord, Step, Weight


@record
class Point:
    x: int
    y: int = 0
    tags: list[str] = field(default_factory=list)
    cache: dict[str, int] = field(default_factory=dict, repr=False, compare=False)


@record(frozen=True)
class Frozen:
    a: int
    b: str = "b"


@record
class Child(Point):
    y: int = 5  # declared again: keeps its place
    z: int = 1


def test_init_defaults_and_factories() -> None:
    p, q = Point(1), Point(1, 2, ["t"])
    assert (p.x, p.y, p.tags, q.tags) == (1, 0, [], ["t"])
    assert p.tags is not Point(1).tags  # a new list each time
    assert Point(x=3, y=4).y == 4
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, nope=2)  # type: ignore[call-arg]


def test_repr_and_equality_as_dataclasses() -> None:
    assert repr(Point(1, 2, ["t"])) == "Point(x=1, y=2, tags=['t'])"
    assert Point(1, cache={"a": 1}) == Point(1)  # compare=False
    assert Point(1) != Point(2) and Point(1) != (1, 0, [])
    with pytest.raises(TypeError):
        hash(Point(1))  # mutable records are not hashable
    assert hash(Frozen(1)) == hash(Frozen(1)) and {Frozen(1), Frozen(1)} == {Frozen(1)}


def test_inherited_fields_keep_their_order() -> None:
    c = Child(1)
    assert (c.x, c.y, c.tags, c.z) == (1, 5, [], 1)
    assert repr(c) == "Child(x=1, y=5, tags=[], z=1)"


def test_the_engine_records() -> None:
    assert LayerRef(3) == LayerRef(3) and LayerRef(3) != LayerRef(3, "[1]") and len({LayerRef(1), LayerRef(1)}) == 1
    assert Step("params", "a", "1", 1) == Step("params", "a", "1", 1, None)
    assert Weight("kernel", (3, 3)).size == 9 and Weight("kernel", (3,)).trainable
    assert LayerRecord("a", "Dense", [], (None, 3)).weights == []
    assert repr(LayerSpec("Dense", [3])) == "Dense(3)"  # its own repr, kept
    assert Const(2) != Const(2)  # eq=False: identity, as the arithmetic nodes had


@record(slots=True)
class Slotted:
    a: int
    b: tuple[int, ...] = ()


def test_replace_and_slots() -> None:
    from mkdocs_cnnsummary.engine.records import replace

    p = Point(1, 2, ["t"], {"c": 1})
    q = replace(p, y=3)
    assert (q.x, q.y, q.tags, q.cache) == (1, 3, ["t"], {"c": 1}) and p.y == 2
    assert replace(Frozen(1), b="c") == Frozen(1, "c")
    with pytest.raises(TypeError):
        replace(p, nope=1)
    s = Slotted(1)
    assert Slotted.__slots__ == ("a", "b") and not hasattr(s, "__dict__")
    assert (s.a, s.b, replace(s, b=(2,)).b) == (1, (), (2,)) and repr(s) == "Slotted(a=1, b=())"
    with pytest.raises(AttributeError):
        s.c = 1  # type: ignore[attr-defined]


def test_init_compiled_from_a_few_records_on_and_kept():
    """A class's first records are made by reading its fields; from the ``COMPILED_FROM``-th on, by its
    compiled ``__init__``; a subclass made later gets its own."""
    from mkdocs_cnnsummary.engine.records import COMPILED_FROM

    @record
    class Point:
        x: int
        y: int = 0

    stub = Point.__init__
    for _ in range(COMPILED_FROM - 1):
        assert Point(1) == Point(1, 0) and Point(x=2, y=3).y == 3
    assert Point.__init__ is not stub
    with pytest.raises(TypeError):
        Point()

    @record
    class Point3(Point):
        z: int = 5

    assert (Point3(1, 2).z, Point3(1, 2, 3).z, Point(4).y) == (5, 3, 0)


@pytest.mark.parametrize("compiled", [False, True])
def test_both_inits_make_the_same_records(compiled: bool) -> None:
    from mkdocs_cnnsummary.engine.records import COMPILED_FROM

    made: list[str] = []

    def fresh() -> type:
        """A new class, whose next record is made by reading the fields or by the compiled ``__init__``."""
        @record
        class Spec:
            name: str
            size: int = 3
            tags: list[str] = field(default_factory=list)

            def __post_init__(self) -> None:
                made.append(self.name)

        if compiled:
            for _ in range(COMPILED_FROM):
                Spec("warm")
        return Spec

    a, b = fresh()("a"), fresh()("b", 4, tags=["t"])
    assert (a.name, a.size, a.tags, b.size, b.tags, list(vars(b))) == ("a", 3, [], 4, ["t"], ["name", "size", "tags"])
    assert made[-1] == "b" and a.tags is not fresh()("c").tags
    for args, kwargs in (((), {}), (("a", 1, [], 2), {}), (("a",), {"nope": 1}), (("a",), {"name": "b"})):
        with pytest.raises(TypeError):
            fresh()(*args, **kwargs)
