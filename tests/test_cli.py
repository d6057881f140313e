"""The cnnsummary command: formats, exit statuses, stdin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_cnnsummary import summarize
from mkdocs_cnnsummary.cli import main

SPECS = Path(__file__).parent / "specs"
CONV = SPECS / "seed_002_conv2d.yaml"
UNET = SPECS / "seed_000_unet.yaml"
SCRIPT = Path(sys.executable).with_name("cnnsummary")


def run(*args: str, stdin: str | bytes | None = None, command: list[str] | None = None):
    cmd = command or [sys.executable, "-m", "mkdocs_cnnsummary"]
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run([*cmd, *args], input=data, capture_output=True, timeout=60)


def test_text_is_the_default(capsys):
    assert main([str(CONV)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith('Model: "Conv2D"\n┏')
    assert "┃ Layer (type)" in out and "┃ Output Shape" in out and "Param # ┃" in out
    assert "│ input (InputLayer)" in out and "(None, 224, 224, 10)" in out
    assert "│ conv2d (Conv2D)" in out and "(None, 224, 224, 32)" in out and "2,912 │" in out
    assert "Connected to" not in out  # a sequential network
    assert " Total params: 2,912 (11.38 KB)\n" in out
    assert "float32" in out and "4 bytes" in out


def test_text_worked(capsys):
    assert main([str(CONV), "--worked"]) == 0
    out = capsys.readouterr().out
    assert "params: (k_h × k_w × c_in + 1) × filters = (3 × 3 × 10 + 1) × 32 = 2,912" in out
    assert "output height: ⌈h/s_h⌉ = ⌈224/1⌉ = 224" in out


def test_text_graph_has_connected_to(capsys):
    assert main([str(UNET)]) == 0
    out = capsys.readouterr().out
    assert "Connected to" in out
    merge = [line for line in out.splitlines() if line.startswith("│ merge6 (Concatenate)")]
    assert merge and "drop4," in merge[0]
    assert " Total params: 31,031,685 (118.38 MB)" in out


def test_json_is_summary_to_dict(capsys):
    assert main([str(UNET), "--format", "json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data == summarize(UNET.read_text()).to_dict()
    assert out.startswith('{\n  "name": "U-Net"')  # indent 2
    assert data["inputs"] == [{"name": "input", "shape": [None, 256, 256, 1]}]
    up6 = next(layer for layer in data["layers"] if layer["name"] == "up6")
    assert up6["type"] == "Conv2D" and up6["inputs"] == ["upsample6"]
    assert up6["output_shape"] == [None, 32, 32, 512]
    assert (up6["params"], up6["trainable_params"], up6["non_trainable_params"]) == (2097664, 2097664, 0)
    assert {"quantity": "params", "formula": "(k_h × k_w × c_in + 1) × filters",
            "substituted": "(2 × 2 × 1024 + 1) × 512", "result": 2097664} in up6["calculation"]
    assert data["outputs"] == ["conv10"]
    assert data["total_params"] == 31031685 and data["non_trainable_params"] == 0


def test_multi_output_shapes(capsys, tmp_path):
    spec = tmp_path / "lstm.yaml"
    spec.write_text("input: [null, 8]\nlayers:\n  - LSTM(4, return_state=True)\n", encoding="utf-8")
    assert main([str(spec), "-f", "json"]) == 0
    layer = json.loads(capsys.readouterr().out)["layers"][0]
    assert layer["output_shape"] == [[None, 4], [None, 4], [None, 4]]
    assert main([str(spec)]) == 0
    lines = capsys.readouterr().out.splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("│ lstm (LSTM)"))
    assert "[(None, 4)," in lines[row] and "(None, 4)," in lines[row + 1] and "(None, 4)]" in lines[row + 2]


def test_markdown(capsys):
    assert main([str(CONV), "--format", "markdown", "--worked"]) == 0
    out = capsys.readouterr().out
    assert "| Layer (type) | Output Shape | Param # |" in out
    assert "| conv2d (Conv2D) | (None, 224, 224, 32) | 2,912 |" in out
    assert "- Total params: 2,912 (11.38 KB)" in out
    assert "`(3 × 3 × 10 + 1) × 32`" in out


def test_stdin_and_python_m():
    proc = run("-", "--format", "json", stdin=CONV.read_text())
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total_params"] == 2912


def test_console_script():
    proc = run(str(CONV), command=[str(SCRIPT)])
    assert proc.returncode == 0, proc.stderr
    assert "Total params: 2,912 (11.38 KB)" in proc.stdout.decode()


def test_the_console_scripts_entry_runs_the_command():
    """pyproject's ``cnnsummary`` entry point (``__main__.run``, which keeps the collector off for the process)."""
    proc = run(str(CONV), command=[sys.executable, "-c", "from mkdocs_cnnsummary.__main__ import run; run()"])
    assert proc.returncode == 0, proc.stderr
    assert "Total params: 2,912 (11.38 KB)" in proc.stdout.decode()
    assert run("--format", "yaml", str(CONV), command=[sys.executable, "-c", "from mkdocs_cnnsummary.__main__ "
                                                                            "import run; run()"]).returncode == 2


def test_main_leaves_the_garbage_collector_as_it_finds_it(capsys):
    import gc

    assert gc.isenabled()
    assert main([str(CONV)]) == 0
    assert gc.isenabled()


def test_stdin_error_names_stdin():
    proc = run("-", stdin="input: [28, 28, 1]\nlayers:\n  - Dense(10, activaton='relu')\n")
    assert proc.returncode == 1
    assert proc.stdout == b""
    assert proc.stderr.decode().startswith("<stdin>:3: layer 'dense' (Dense): unknown argument 'activaton'")


def test_spec_error_exit_1(capsys):
    assert main([str(SPECS / "seed_004_too_small.yaml")]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (f"{SPECS / 'seed_004_too_small.yaml'}:9: layer 'too_small' (Conv2D): a 3×3 kernel does not "
                   "fit the 2×2 input with padding='valid'; use padding='same' or a smaller kernel\n")


def test_framework_option_is_the_default_only(capsys, tmp_path):
    lasagne = tmp_path / "net.yaml"
    lasagne.write_text("input: [1, 28, 28]\nlayers:\n  - Conv2DLayer(num_filters=32, filter_size=(5, 5))\n",
                       encoding="utf-8")
    assert main([str(lasagne)]) == 1  # Keras has no Conv2DLayer
    assert "did you mean" in capsys.readouterr().err
    assert main([str(lasagne), "--framework", "lasagne", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["total_params"] == 832
    assert main([str(CONV), "--framework", "lasagne", "-f", "json"]) == 1  # no framework key: lasagne
    capsys.readouterr()
    keras_spec = tmp_path / "keras.yaml"
    keras_spec.write_text("framework: keras\n" + CONV.read_text(), encoding="utf-8")
    assert main([str(keras_spec), "--framework", "lasagne", "-f", "json"]) == 0  # the key wins


@pytest.mark.parametrize("args", [
    [],
    ["--format", "xml", "x.yaml"],
    ["--framework", "caffe", "x.yaml"],
    ["--no-such-option", "x.yaml"],
    ["a.yaml", "b.yaml"],
])
def test_usage_errors_exit_2(args, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "usage: cnnsummary" in err and "Traceback" not in err


def test_missing_file_and_directory_exit_2(tmp_path, capsys):
    assert main([str(tmp_path / "missing.yaml")]) == 2
    assert f"{tmp_path / 'missing.yaml'}: no such file" in capsys.readouterr().err
    assert main([str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


@pytest.mark.parametrize(("content", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
    (b"input: [28]\nlayers:\n  - Dense: 3 \xff\xfe\n", "not UTF-8"),
    (b"input: [28]\n\x1b[31mlayers: []\n", "control character"),
    (b"", "empty"),
])
def test_unreadable_content_is_a_spec_error_without_traceback(tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    proc = run(str(path))
    assert proc.returncode == 1
    err = proc.stderr.decode()
    assert message in err and "Traceback" not in err
    assert err.startswith(str(path))


def test_utf8_bom_is_accepted(tmp_path, capsys):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + CONV.read_bytes())
    assert main([str(path), "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["total_params"] == 2912


def test_a_bom_does_not_shift_where_an_undecodable_byte_is(tmp_path, capsys):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfinput: [28]\nlayers: \xff\n")
    assert main([str(path)]) == 1
    assert ":2: not UTF-8 text (byte 0xff cannot be decoded)" in capsys.readouterr().err


def test_text_table_lines_line_up(capsys):
    for spec in (UNET, SPECS / "seed_002_separable.yaml", SPECS / "seed_003_c5_reduced.yaml"):
        assert main([str(spec), "--worked"]) == 0
        lines = capsys.readouterr().out.splitlines()
        table = [line for line in lines if line[:1] in "┏┃┡│├└"]
        assert len({len(line) for line in table}) == 1, spec
        assert all(line[-1] in "┓┃┩│┤┘" for line in table)


def test_markdown_escapes_table_syntax(tmp_path, capsys):
    spec = tmp_path / "pipes.yaml"
    spec.write_text("name: a|b\ninput: [4]\nlayers:\n  - Dense(2, name='x|y')\n", encoding="utf-8")
    assert main([str(spec), "-f", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "| x\\|y (Dense) | (None, 2) | 10 |" in out
    assert "**a\\|b**" in out


def test_the_plain_call_reads_as_the_parser_does() -> None:
    """``cnnsummary FILE`` is read without argparse, with the parser's defaults; any other call by the parser."""
    from mkdocs_cnnsummary.cli.main import build_parser, plain_call

    for argv in (["net.yaml"], ["model.py"], [""]):
        assert vars(plain_call(argv)) == vars(build_parser().parse_args(argv))
    for argv in ([], ["-"], ["-w", "net.yaml"], ["net.yaml", "-w"], ["--help"], ["a.yaml", "b.yaml"]):
        assert plain_call(argv) is None
