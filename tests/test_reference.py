"""The layer reference: complete, worked, and in agreement with the registry and with Keras."""

from __future__ import annotations

import html
import re

import markdown
import pytest
from arith import check_steps

from mkdocs_cnnsummary.engine.keras.conv import Conv2D
from mkdocs_cnnsummary.engine.layer import catalog
from mkdocs_cnnsummary.markdown.reference_fence import FENCE, formatter, validator
from mkdocs_cnnsummary.render.reference import (
    build_reference,
    compute_example,
    find_example,
    has_weights,
    installed_frameworks,
    layer_types,
    render_reference,
)

FRAMEWORKS = installed_frameworks()
ALL_TYPES = [(fw, cls) for fw in FRAMEWORKS for cls in layer_types(fw)]


def test_keras_is_documented():
    assert "keras" in FRAMEWORKS


def test_every_registered_name_appears_in_the_reference():
    html = render_reference()
    for fw in FRAMEWORKS:
        docs = {d.type_name: d for f in build_reference((fw,)) for d in f.layers}
        for name, cls in catalog(fw).items():
            doc = docs[cls.type_name]
            assert f'id="{doc.anchor}"' in html, (fw, name)
            assert f"<code>{name}</code>" in html or f'<h4 id="{doc.anchor}">{name}</h4>' in html, (fw, name)
    assert len(re.findall(r'id="([^"]+)"', html)) == len(set(re.findall(r'id="([^"]+)"', html)))


@pytest.mark.parametrize(("framework", "cls"), ALL_TYPES, ids=[f"{fw}-{c.type_name}" for fw, c in ALL_TYPES])
def test_layer_with_weights_has_a_worked_params_formula(framework, cls):
    example = find_example(cls)
    if cls.is_input:
        assert example is None
        return
    assert example is not None, f"{framework} {cls.type_name}: give the class an `example`"
    assert cls.summary_line(), f"{framework} {cls.type_name} has no docstring summary"
    if has_weights(cls) and example.params:
        params_steps = [s for s in example.steps if "params" in s.quantity and s.result is not None]
        assert params_steps, f"{framework} {cls.type_name}: the example shows no parameter formula"
    summary = compute_example(cls, example.call, [s[1:] for s in example.inputs])
    check_steps(summary)


def test_arguments_say_whether_they_change_shapes_or_counts():
    (keras,) = build_reference(("keras",))
    conv = next(d for d in keras.layers if d.type_name == "Conv2D")
    by_name = {a.name: a for a in conv.arguments}
    assert [a.name for a in conv.arguments[:2]] == ["filters", "kernel_size"]
    assert by_name["filters"].default == "required" and by_name["filters"].affects
    assert by_name["padding"].default == "'valid'"
    assert not by_name["kernel_initializer"].affects
    html = render_reference(("keras",))
    section = html.split('id="ref-keras-conv2d"', 1)[1].split("</section>", 1)[0]
    assert "Accepted, no effect on shapes or counts:" in section and "<code>kernel_<wbr>initializer</code>" in section
    # every argument that matters says what it means; each cell after the first names its column (phones show
    # a row as a card of "Default: ..." and "Meaning: ..." lines)
    assert '<td data-label="Meaning">number of output channels</td>' in section
    assert '<td data-label="Default"><code>required</code></td>' in section
    assert '<td data-label="Formula">' in section and '<td data-label="Result">224</td>' in section
    assert "(k_h × k_w × c_in + 1) × filters" in section
    assert "(3 × 3 × 3 + 1) × 8" in section and "224" in section


def test_class_example_is_used_verbatim():
    class Documented(Conv2D):
        example = ("Conv2D(4, 1, use_bias=False)", (5, 5, 2))

    ex = find_example(Documented)
    assert ex.call == "Conv2D(4, 1, use_bias=False)"
    assert ex.inputs == [(None, 5, 5, 2)]
    assert ex.output == "(None, 5, 5, 4)"
    assert ex.params == 8


def test_keras_examples_match_real_keras():
    from keras_builder import assert_matches_keras

    for cls in layer_types("keras"):
        ex = find_example(cls)
        if ex is None:
            continue
        names = [f"x{i + 1}" for i in range(len(ex.inputs))] if len(ex.inputs) > 1 else ["input"]
        spec = {"inputs": {n: list(s[1:]) for n, s in zip(names, ex.inputs, strict=True)},
                "layers": [{ex.call: None, "inputs": names}]}
        assert_matches_keras(spec)


def test_fence_options(caplog):
    options: dict = {}
    assert validator("cnn-reference", {"framework": "keras"}, options, {}, None)
    assert options == {"framework": "keras"}
    both = formatter("", "cnn-reference", "", {"framework": "keras, lasagne"}, None)
    assert 'id="ref-keras"' in both and 'id="ref-lasagne"' in both and 'id="ref-pytorch"' not in both
    for bad, message in (({"framework": "kears"}, "unknown framework 'kears'"),
                         ({"title": "<script>x</script>"}, "unknown option")):
        caplog.clear()
        page = formatter("", "cnn-reference", "", bad, None)
        assert message in html.unescape(page) and "<script>" not in page
        assert [r.name for r in caplog.records] == ["mkdocs.plugins.cnnsummary"]
        assert message in caplog.records[0].getMessage()


def test_fence_formatter_calling_conventions():
    positional = formatter("", "cnn-reference", "cnnsummary-reference", {"framework": "keras"}, None)
    keywords = formatter(src="", language="cnn-reference", md=None, options={"framework": "keras"}, classes=[])
    assert positional == keywords
    assert 'id="ref-keras"' in positional and 'id="ref-pytorch"' not in positional


def test_fence_in_markdown_with_superfences():
    text = "# Layers\n\n```cnn-reference framework=\"keras\"\n```\n\n```python\nx = 1\n```\n"
    html = markdown.markdown(text, extensions=["pymdownx.superfences"],
                             extension_configs={"pymdownx.superfences": {"custom_fences": [FENCE]}})
    assert 'id="ref-keras-conv2d"' in html
    assert html.count("cnnsummary-reference--framework") == 1
    assert '<span class="n">x</span>' in html  # the python fence is left alone


@pytest.mark.parametrize("extensions", [["cnnsummary"], ["pymdownx.superfences", "cnnsummary"],
                                        ["cnnsummary", "admonition", "pymdownx.superfences"]])
def test_fence_through_the_cnnsummary_extension(extensions):
    text = ("Intro\n\n```cnn-reference framework=\"lasagne\"\n```\n\n"
            "````markdown\n```cnn-reference\n```\n````\n")
    html = markdown.markdown(text, extensions=extensions)
    assert html.count("cnnsummary-reference--framework") == 1
    assert 'id="ref-lasagne-conv2dlayer"' in html and 'id="ref-keras"' not in html
    assert "```cnn-reference" in html  # the example inside a four-backtick fence stays text


def test_the_fence_becomes_headings_for_the_table_of_contents():
    """Real headings with the reference's ids: the toc extension lists every family and layer type, and a
    search index gets one section per layer type."""
    md = markdown.Markdown(extensions=["cnnsummary", "toc", "pymdownx.superfences"])
    html = md.convert('# Keras layers\n\n```cnn-reference framework="keras"\n```\n')
    families = md.toc_tokens[0]["children"]
    (keras,) = build_reference(("keras",))
    assert [t["id"] for t in families] == [f.anchor for f in keras.families]
    assert [t["name"] for t in families][:2] == ["Core layers", "Convolution layers"]
    layers = [c["id"] for t in families for c in t["children"]]
    assert "ref-keras-conv2d" in layers and len(layers) == len(keras.layers)
    assert html.count('class="cnnsummary-stylesheet"') == 1  # the page has no cnn block, yet is styled


def test_a_wrong_fence_option_stops_a_strict_build():
    from mkdocs_cnnsummary.markdown.extension import StrictBuildError

    text = '```cnn-reference framework="kears"\n```\n'
    with pytest.raises(StrictBuildError, match="line 1: cnn block: unknown framework 'kears'"):
        markdown.markdown(text, extensions=["cnnsummary"], extension_configs={"cnnsummary": {"strict": True}})
    assert "unknown framework" in markdown.markdown(text, extensions=["cnnsummary"])


def test_code_in_a_layer_summary_is_code_not_backticks():
    """A summary written ``like this`` in the docstring shows code, escaped, in HTML and in docutils."""
    from docutils import nodes

    from mkdocs_cnnsummary.render.formatting import code_parts
    from mkdocs_cnnsummary.render.reference_doctree import layer_body

    assert code_parts("the last axis becomes ``units``.", "``") == [(False, "the last axis becomes "),
                                                                  (True, "units"), (False, ".")]
    assert code_parts("``a<b>`` & ``c``", "``") == [(True, "a<b>"), (False, " & "), (True, "c")]
    assert code_parts("an ``unpaired one", "``") == [(False, "an ``unpaired one")]
    page = render_reference()
    assert "``" not in re.sub(r"<pre.*?</pre>", "", page, flags=re.S)
    assert "the last axis becomes <code>units</code>." in page
    with_code = [layer for fw in build_reference() for layer in fw.layers if "``" in layer.summary]
    assert len(with_code) > 50
    for layer in with_code:
        summary = layer_body(layer)[0]
        code = [part for is_code, part in code_parts(layer.summary, "``") if is_code]
        assert "``" not in summary.astext()
        assert [n.astext() for n in summary.findall(nodes.literal)][:len(code)] == code
