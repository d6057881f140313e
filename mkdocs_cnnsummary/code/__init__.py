"""Reading model code statically: Python is parsed with :mod:`ast` and interpreted within bounds.

Nothing the user wrote is ever executed, compiled or imported, and no framework is imported: the
interpreter walks the syntax tree, and framework bindings give it the values Keras or Lasagne would
make (layers, symbolic tensors, models), computed by the engine's layer catalog.

Layout:

- :mod:`.limits`: the budgets of one reading (steps, loop iterations, call depth, nesting, sizes of
  numbers, strings and collections, total allocation, files).
- :mod:`.runtime`: the values that are not plain data. :class:`~.runtime.RuntimeObject` is the
  protocol (``rt_getattr``, ``rt_call``, ``rt_getitem``, ``rt_iter``, ``rt_binop`` ...); user
  functions, classes, instances, bound methods, ``super()``, modules, exceptions and
  :class:`~.runtime.Opaque` (data and training code the reader does not run) are runtime objects.
- :mod:`.builtins`: the safe builtins, the methods of plain data and safe string formatting.
- :mod:`.interpreter`: one method per statement (``exec_If`` ...) and expression (``eval_Call`` ...),
  scopes with closures, ``global``/``nonlocal``, calls with every parameter kind, classes, ``try``.
- :mod:`.session`: one reading's shared state: notes and warnings, imports (bindings, the project's
  own files, opaque modules), the files read.
- :mod:`.bindings`: :class:`~.bindings.Binding` and the Keras (``keras.py``, ``keras_values.py``) and
  Lasagne/nolearn (``lasagne.py``) bindings.
- :mod:`.reader`: :func:`read_code`: run the file, choose the model (``model=``, the last model built,
  the one function that builds one, or the layers a fragment makes) and describe it as a NetworkSpec.
- :mod:`.detect`: spec or code, and which framework; :mod:`.to_spec`: a NetworkSpec as YAML.

Adding a framework (a PyTorch binding, for instance) touches only a new module in :mod:`.bindings`:

1. Subclass :class:`~.bindings.Binding`: ``name``, ``framework`` (the engine's), ``roots`` (the import
   names it serves, ``torch``), ``module(dotted, ...)`` returning a :class:`~.runtime.Module` for
   ``torch``, ``torch.nn``, ``torch.nn.functional``; ``missing_name``; ``is_model``; ``network`` (the
   engine's NetworkSpec; nested modules as ``LayerSpec.network``, shared ones as ``reuse`` items).
   Register it in :func:`~.bindings.make_bindings` and its import roots in ``detect.FRAMEWORK_ROOTS``.
2. User classes deriving from a framework class (``class Net(nn.Module)``) are handled generally: the
   base is a runtime object whose ``rt_subclass`` accepts the class, ``rt_construct`` makes the
   instance (e.g. an :class:`~.runtime.Instance` subclass that records the submodules assigned in
   ``rt_setattr``, in order) and ``rt_super_attr("__init__")`` answers ``super().__init__()``.
   Methods, ``self`` attributes, properties, ``staticmethod``/``classmethod`` and closures already work.
3. Calling an instance runs its ``forward`` through ``interp.call`` on symbolic tensor values: runtime
   objects (subclasses of :class:`~.runtime.NetworkValue`) whose ``rt_binop``, ``rt_getitem`` and
   methods (``view``, ``size``, ``flatten`` ...) record nodes and compute shapes with the engine.
4. ``record_built`` marks the models the code makes, for the default choice.
"""

from __future__ import annotations

from .reader import CodeReading, read_code

__all__ = ["CodeReading", "read_code"]
