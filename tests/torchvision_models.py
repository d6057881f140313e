"""torchvision's own model source files as PyTorch code to read, and the models torchvision builds from them.

Each :class:`Model` names a builder of ``torchvision.models`` (``resnet50``), the file in torchvision's
package that defines it (``models/resnet.py``), the input size and the expression the reader evaluates
in that file's namespace (the builder called without weights).  The source file is found without
importing torchvision (``importlib.util.find_spec``), so its text can be read as any project's code.
The real side builds the model with ``torchvision.models.<builder>(weights=None)`` in the ground-truth
server (``torch_truth``), imported through ``torchvision_compat``.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from torch_truth import Job

#: the real side's program: torchvision imported as the test environment can import it
PROGRAM = "from torchvision_compat import import_torchvision\n\ntorchvision = import_torchvision()\n"


@dataclass(frozen=True)
class Model:
    builder: str
    file: str  # under torchvision/
    size: int = 224

    @property
    def expression(self) -> str:
        """What the reader evaluates in the file's namespace: the builder, without weights (its default)."""
        return f"{self.builder}()"

    @property
    def inputs(self) -> tuple[tuple[int, ...], ...]:
        return ((3, self.size, self.size),)

    def job(self) -> Job:
        return Job(PROGRAM, f"torchvision.models.{self.builder}(weights=None)", self.inputs,
                   filename=f"<torchvision {self.builder}>")

    def path(self) -> Path:
        return torchvision_root() / self.file

    def text(self) -> str:
        return self.path().read_text()


MODELS = (
    Model("alexnet", "models/alexnet.py"),
    Model("vgg16", "models/vgg.py"),
    Model("resnet18", "models/resnet.py"),
    Model("resnet50", "models/resnet.py"),
    Model("densenet121", "models/densenet.py"),
    Model("squeezenet1_0", "models/squeezenet.py"),
    Model("mobilenet_v2", "models/mobilenetv2.py"),
    Model("mobilenet_v3_small", "models/mobilenetv3.py"),
    Model("efficientnet_b0", "models/efficientnet.py"),
    Model("shufflenet_v2_x1_0", "models/shufflenetv2.py"),
    Model("googlenet", "models/googlenet.py"),
    Model("inception_v3", "models/inception.py", size=299),
    Model("convnext_tiny", "models/convnext.py"),
    Model("vit_b_16", "models/vision_transformer.py"),
)


def torchvision_root() -> Path:
    """torchvision's package directory, found without importing it."""
    spec = importlib.util.find_spec("torchvision")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("torchvision is not installed (README's test command installs it)")
    return Path(next(iter(spec.submodule_search_locations)))
