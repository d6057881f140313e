"""From a model read in frames to the engine's networks: one network per module call, the module tree around them.

The model's ``forward()`` is the top network; each call of a module holding others is an item whose
value is the network of its own frame (see ``engine/modules.py`` for the keys).  A module whose modules
are called but that is not called itself (a ``ModuleList``, a ``Sequential`` used through a slice) is a
row of its own (``module:``) placed before the first of them, which hang under it (``parent:``); a module
never called is a row that counts its tensors (``called: false``) in the network of the nearest module
around it that is called, so every module's row counts what PyTorch attributes to it.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ...engine.errors import SpecError
from ...engine.spec import InputSpec, LayerSpec, NetworkSpec
from ...i18n import _
from .torch_methods import own_tensors
from .torch_modules import TModule, run_forward
from .torch_trace import Frame, Item
from .torch_values import FLOAT, LONG, TorchTensor, tensors_in

if TYPE_CHECKING:
    from ..interpreter import Interpreter
    from .torch import TorchBinding


def read_forward(binding: TorchBinding, root: Any, inputs: list[Any] | None, interp: Interpreter) -> NetworkSpec:
    """Call the model on tensors of ``inputs``' shapes, read its ``forward()`` and describe it as networks."""
    if not isinstance(root, TModule):
        raise SpecError(_("the model is not an nn.Module"))
    node = ast.Expr(lineno=root.line or 1, col_offset=0)
    forward = _forward(root)
    line, file = (forward.line, forward.closure.source.path) if forward is not None else (root.line, root.file)
    if not inputs:
        raise SpecError(_("the input shape of {type_name} is not known: PyTorch modules take it from the tensor "
                        "they are called on", type_name=root.type_name), line=line, file=file,
                        hint=_("give the input shape without the batch axis: input=\"[3, 224, 224]\" (--input "
                             "'[3, 224, 224]', inputs=[[3, 224, 224]]), one per argument of forward()"))
    if forward is not None:
        _check_input_count(forward, root, len(inputs), file)
    tracer = binding.tracer
    tracer.root = root
    tracer.module_names = {id(m): name for name, m in root.named_modules()}
    tracer.calls = {}
    binding.first_names = _first_names(root)
    frame = Frame(root, None, "", record=True, fx=True)
    names = _forward_arguments(root)
    args = []
    for i, shape in enumerate(inputs):
        wanted = names[i] if i < len(names) else f"input_{i}"
        tensor = TorchTensor((None, *shape), frame, None, 0, LONG if _takes_ids(root) else FLOAT)
        frame.inputs.append((tracer.input_name(frame, wanted), tensor, None))
        tracer.names.create(wanted)  # torch.fx's placeholder
        args.append(tensor)
    tracer.frames.append(frame)
    try:
        binding.own_tensors(root, frame, 1, interp, node)
        with interp.in_file(_source_of(interp, root)):
            result = run_forward(binding, root, args, {}, interp, node)
    finally:
        tracer.frames.pop()
    outputs = tensors_in(result)
    if not outputs:
        raise SpecError(_("{type_name}.forward() returns no tensor", type_name=root.type_name), line=root.line,
                        file=root.file,
                        hint=_("return the model's output"))
    frame.outputs = [tracer.local(t, frame, interp, node) for t in outputs]
    _place_module_tree(binding, frame, root, interp, node)
    net = _network(binding, frame, top=True)
    net.name = root.type_name
    net.framework = "pytorch"
    return net


def _first_names(root: TModule) -> dict[int, str]:
    """Each parameter and buffer under the first name ``named_parameters()``/``named_buffers()`` gives it (a tied
    tensor belongs to the module that comes first); the catalog's modules' untouched tensors are their own."""
    out: dict[int, str] = {}
    for name, module in root.named_modules():
        for store in (module.params, module.buffers):
            for attr, tensor in store.items():
                if tensor is not None:
                    out.setdefault(id(tensor), f"{name}.{attr}" if name else attr)
    return out


def tied_tensors(binding: TorchBinding, module: TModule, name: str) -> dict[str, str] | None:
    """The tensors of a module that another module's name comes first for (tied weights): own name -> that name."""
    out = {}
    for store in (module.params, module.buffers):
        for attr, tensor in store.items():
            if tensor is None:
                continue
            first = binding.first_names.get(id(tensor))
            own = f"{name}.{attr}" if name else attr
            if first is not None and first != own:
                out[attr] = first
    return out or None


def _source_of(interp: Interpreter, root: TModule) -> Any:
    return interp.session.main if interp.source is None else interp.source


def _forward(module: TModule) -> Any:
    """The ``forward`` the code defines for the module's class (None for the catalog's modules)."""
    if module.cls is not None:
        found, forward = module.cls.find("forward")
        if found and hasattr(forward, "node") and hasattr(forward, "closure"):
            return forward
    return None


def _check_input_count(forward: Any, root: TModule, given: int, file: str | None) -> None:
    """As many input shapes as ``forward()`` takes tensors: an error on its ``def`` line otherwise."""
    spec = forward.node.args
    names = [a.arg for a in spec.posonlyargs + spec.args][1:]
    required = len(names) - len(forward.defaults)
    if required <= given and (given <= len(names) or spec.vararg is not None):
        return
    signature = ", ".join(["self", *names, *([f"*{spec.vararg.arg}"] if spec.vararg else [])])
    takes = f"{required}" if required == len(names) or spec.vararg else f"{required} to {len(names)}"
    example = ", ".join("[3, 32, 32]" for _ in range(max(required, 1)))
    raise SpecError(_("{type_name}.forward({signature}) takes {takes} input{value}, "
                    "but {given} input shape{value2} given", type_name=root.type_name, signature=signature,
                      takes=takes, value='s' if len(names) != 1 else '', given=given,
                      value2='s were' if given != 1 else ' was'), line=forward.line,
                    file=file, hint=_("give one shape per input of forward(), without the batch axis: "
                                    "inputs=\"[{example}]\" (--input once per input)", example=example))


def _forward_arguments(module: TModule) -> list[str]:
    if module.cls is not None:
        found, forward = module.cls.find("forward")
        if found and hasattr(forward, "node"):
            return [a.arg for a in forward.node.args.posonlyargs + forward.node.args.args][1:]
    return ["input"]


def _takes_ids(module: TModule) -> bool:
    """Whether the first module the model holds is an Embedding (its input is token ids)."""
    for _path, m in module.named_modules():
        if m.catalog is not None:
            return m.catalog == "Embedding"
    return False


# the module tree: rows for modules that hold called ones without being called, and for modules never called -----


def _frames(frame: Frame) -> list[Frame]:
    out = [frame]
    for item in frame.items:
        if item.kind == "call" and item.frame is not None:
            out.extend(_frames(item.frame))
    return out


def _place_module_tree(binding: TorchBinding, top: Frame, root: TModule, interp: Interpreter,
                       node: ast.AST) -> None:
    tracer = binding.tracer
    modules = dict(root.named_modules())
    called = {name for name, m in modules.items() if tracer.calls.get(id(m))}
    first: dict[str, Frame] = {"": top}
    for frame in _frames(top):
        for item in frame.items:
            if item.kind == "call" and item.call is None and item.frame is not None:
                first[item.name] = item.frame
    placed: dict[str, Frame] = {}  # holders: the frame their row is in
    for frame in _frames(top):
        if frame is not first.get(frame.name):
            continue  # a further call: its rows count nothing, and a holder has one row
        inserts: list[tuple[int, Item]] = []
        for index, item in enumerate(frame.items):
            if item.kind not in ("module", "call") or item.hidden:
                continue
            parent = item.name.rpartition(".")[0]
            chain: list[str] = []
            while parent != frame.name and parent in modules and parent not in called and parent not in placed:
                chain.append(parent)
                parent = parent.rpartition(".")[0]
            for holder in reversed(chain):
                placed[holder] = frame
                made = Item("holder", holder, modules[holder].type_name, module=modules[holder],
                            line=modules[holder].line, file=modules[holder].file)
                up = holder.rpartition(".")[0]
                made.parent = up if up != frame.name else None
                inserts.append((index, made))
                inserts.extend((index, t) for t in _own_tensor_items(modules[holder], holder, interp, node))
            tree_parent = item.name.rpartition(".")[0]
            if tree_parent != frame.name and tree_parent in placed and placed[tree_parent] is frame:
                item.parent = tree_parent
        for index, made in reversed(inserts):
            frame.items.insert(index, made)
        # keep the inserted rows in their order (each run before the item it was made for)
    _place_unused(binding, modules, called, placed, first, interp, node)


def _own_tensor_items(module: TModule, name: str, interp: Interpreter, node: ast.AST) -> list[Item]:
    """Items for the parameters and buffers of a module that is not called (counted in its row)."""
    out = []
    for buffer in (False, True):
        if module.catalog is not None:
            continue
        for attr, param in own_tensors(module, interp, node, buffer):
            kwargs = {"persistent": True} if buffer else {"requires_grad": param.requires_grad}
            made = Item("tensor", f"{name}.{attr}", "Buffer" if buffer else "Parameter", [list(param.shape)], kwargs,
                        [], [param.shape])
            made.parent = name
            out.append(made)
    return out


def _place_unused(binding: TorchBinding, modules: dict[str, TModule], called: set[str], placed: dict[str, Frame],
                  first: dict[str, Frame], interp: Interpreter, node: ast.AST) -> None:
    """Rows for the modules never called, in the frame of the nearest module around them that has a row."""
    done: set[int] = set()
    for name, module in modules.items():
        if not name or name in called or name in placed or id(module) in done:
            continue
        done.add(id(module))
        up = name.rpartition(".")[0]
        while up and up not in called and up not in placed:
            up = up.rpartition(".")[0]
        frame = placed.get(up) or first.get(up)
        if frame is None:
            continue  # inside a module called only on data outside forward()
        parent = name.rpartition(".")[0]
        if module.catalog is not None and not module.lazy:
            args, kwargs = module.spec_arguments()
            item = Item("unused", name, module.catalog, args, kwargs, module=module, line=module.line,
                        file=module.file)
        else:
            item = Item("holder", name, module.type_name, module=module, line=module.line, file=module.file)
        item.parent = parent if parent != frame.name else None
        frame.items.append(item)
        placed[name] = frame
        frame.items.extend(_own_tensor_items(module, name, interp, node))


# frames as networks ----------------------------------------------------------------------------------------------


def _ref(tensor: TorchTensor, frame: Frame) -> str:
    item = tensor.item
    if item is None:
        return tensor.ref(frame)
    return f"{item.ref}[{tensor.index}]" if item.multi or tensor.index else item.ref


def _network(binding: TorchBinding, frame: Frame, top: bool) -> NetworkSpec:
    layers: list[LayerSpec] = []
    computed: dict[str, Any] = {}
    for item in frame.items:
        spec = LayerSpec(type=item.type, args=list(item.args), kwargs=dict(item.kwargs), name=item.name,
                         inputs=[_ref(t, frame) for t in item.inputs], line=item.line)
        spec.call, spec.parent, spec.tied, spec.hidden = item.call, item.parent, item.tied, item.hidden
        spec.operation = item.kind == "op"
        if item.kind in ("module", "unused") and item.module is not None and not item.call and not item.hidden:
            spec.tied = tied_tensors(binding, item.module, item.name)
        if item.kind == "call":
            spec.network = _network(binding, item.frame, top=False)  # type: ignore[arg-type]
        elif item.kind == "holder":
            spec.holder, spec.inputs = True, []
        elif item.kind == "unused":
            spec.called, spec.inputs = False, None
        if item.computed is not None:
            computed[item.ref] = item.computed
        layers.append(spec)
    if top:
        inputs = [InputSpec(name, list(local.shape[1:])) for name, local, _ in frame.inputs]
    else:
        inputs = [InputSpec(name, None) for name, _, _ in frame.inputs]
    net = NetworkSpec(layers=layers, inputs=inputs, framework="pytorch",
                      outputs=[_ref(t, frame) for t in frame.outputs])
    net.computed = computed
    return net


__all__ = ["read_forward"]
