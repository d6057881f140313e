"""The bounds every spec is read and computed within, in one place.

No input may hang a build or exhaust memory, and every message must stay
readable: these limits are far beyond any real network, and each one is
checked where the quantity enters (reading, binding arguments, recording a
worked step or a weight), with a :class:`~.errors.SpecError` that names it.
"""

from __future__ import annotations

#: the largest size, count or integer argument: what fits in the int64 the frameworks index with
MAX_INT = 2**63 - 1
#: values that YAML aliases (``*name``) may add to a spec beyond those written out
MAX_ALIAS_VALUES = 100_000
#: values in a spec given as a Python dict (its lists and mappings counted as often as they appear)
MAX_SPEC_VALUES = 2_000_000
#: nesting of lists and mappings in a spec
MAX_DEPTH = 100
#: weight tensors of a whole network (a stack of recurrent layers has several per layer and direction)
MAX_WEIGHTS = 200_000
#: dimensions of a tensor (NumPy's limit; real networks use up to 6): per-layer work stays bounded
MAX_RANK = 64
#: characters of a value echoed in a message (``got [1, 1, 1, ...]``)
MAX_SHOWN = 60
#: characters of a whole message or hint
MAX_MESSAGE = 1_000
