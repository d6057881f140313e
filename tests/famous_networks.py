"""VGG-16, ResNet-50 (v1.5) and MobileNetV2 written as PyTorch specs, layer for layer as torchvision builds them.

The published operation counts (torchvision's ``_ops``, the papers) are for these networks at 224×224:
ResNet-50 v1.5 4,089,184,256 MACs, MobileNetV2 300,774,272, VGG-16 15,470,264,320.
"""

from __future__ import annotations

from typing import Any

REFERENCE_MACS = {"vgg16": 15_470_264_320, "resnet50": 4_089_184_256, "mobilenet_v2": 300_774_272}
#: torchvision's parameter counts (sum(p.numel() for p in model.parameters()))
REFERENCE_PARAMS = {"vgg16": 138_357_544, "resnet50": 25_557_032, "mobilenet_v2": 3_504_872}


class _Net:
    def __init__(self, name: str, size: int) -> None:
        self.spec: dict[str, Any] = {"name": name, "framework": "pytorch", "input": [3, size, size], "layers": []}
        self.last = "input"
        self.count = 0

    def add(self, type_name: str, args: dict[str, Any] | None = None, inputs: list[str] | None = None,
            name: str | None = None) -> str:
        self.count += 1
        name = name or f"{type_name.lower()}_{self.count}"
        self.spec["layers"].append({"name": name, type_name: args or None, "inputs": inputs or [self.last]})
        self.last = name
        return name

    def conv(self, cin: int, cout: int, k: int, stride: int = 1, padding: int = 0, groups: int = 1,
             bias: bool = False) -> str:
        return self.add("Conv2d", {"in_channels": cin, "out_channels": cout, "kernel_size": k, "stride": stride,
                                   "padding": padding, "groups": groups, "bias": bias})

    def bn(self, c: int) -> str:
        return self.add("BatchNorm2d", {"num_features": c})


def vgg16(size: int = 224) -> dict[str, Any]:
    net = _Net("VGG-16", size)
    cin = 3
    for v in (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"):
        if v == "M":
            net.add("MaxPool2d", {"kernel_size": 2, "stride": 2})
            continue
        net.conv(cin, v, 3, padding=1, bias=True)
        net.add("ReLU")
        cin = v
    net.add("AdaptiveAvgPool2d", {"output_size": [7, 7]})
    net.add("Flatten")
    for n_in, n_out in ((512 * 7 * 7, 4096), (4096, 4096)):
        net.add("Linear", {"in_features": n_in, "out_features": n_out})
        net.add("ReLU")
        net.add("Dropout")
    net.add("Linear", {"in_features": 4096, "out_features": 1000})
    return net.spec


def resnet50(size: int = 224) -> dict[str, Any]:
    """torchvision's resnet50: v1.5, the stride of a downsampling block on its 3×3 convolution."""
    net = _Net("ResNet-50 v1.5", size)
    net.conv(3, 64, 7, stride=2, padding=3)
    net.bn(64)
    net.add("ReLU")
    net.add("MaxPool2d", {"kernel_size": 3, "stride": 2, "padding": 1})
    cin = 64
    for width, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
        for b in range(blocks):
            s = stride if b == 0 else 1
            start = net.last
            net.conv(cin, width, 1)
            net.bn(width)
            net.add("ReLU")
            net.conv(width, width, 3, stride=s, padding=1)
            net.bn(width)
            net.add("ReLU")
            net.conv(width, 4 * width, 1)
            main = net.bn(4 * width)
            shortcut = start
            if b == 0:
                net.last = start
                net.conv(cin, 4 * width, 1, stride=s)
                shortcut = net.bn(4 * width)
            net.add("Add", inputs=[main, shortcut])
            net.add("ReLU")
            cin = 4 * width
    net.add("AdaptiveAvgPool2d", {"output_size": 1})
    net.add("Flatten")
    net.add("Linear", {"in_features": 2048, "out_features": 1000})
    return net.spec


def resnet_stage(size: int = 56) -> dict[str, Any]:
    """The first stage of ResNet-50 (three bottlenecks at 56×56), for pages and quick checks."""
    spec = resnet50(size * 4)
    layers = spec["layers"]
    first = next(i for i, layer in enumerate(layers) if "MaxPool2d" in layer) + 1
    end = next(i for i, layer in enumerate(layers) if layer.get("Conv2d", {}) and
               layer["Conv2d"]["in_channels"] == 256 and layer["Conv2d"]["out_channels"] == 128)
    stage = [dict(layer) for layer in layers[first:end]]
    stage[0]["inputs"] = ["input"]
    for layer in stage:
        layer["inputs"] = ["input" if src == layers[first - 1]["name"] else src for src in layer["inputs"]]
    return {"name": "ResNet-50 stage 1", "framework": "pytorch", "input": [64, size, size], "layers": stage}


def mobilenet_v2(size: int = 224) -> dict[str, Any]:
    net = _Net("MobileNetV2", size)
    net.conv(3, 32, 3, stride=2, padding=1)
    net.bn(32)
    net.add("ReLU6")
    cin = 32
    for t, c, n, s in ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
                       (6, 320, 1, 1)):
        for i in range(n):
            stride = s if i == 0 else 1
            start = net.last
            hidden = cin * t
            if t != 1:
                net.conv(cin, hidden, 1)
                net.bn(hidden)
                net.add("ReLU6")
            net.conv(hidden, hidden, 3, stride=stride, padding=1, groups=hidden)
            net.bn(hidden)
            net.add("ReLU6")
            net.conv(hidden, c, 1)
            out = net.bn(c)
            if stride == 1 and cin == c:
                net.add("Add", inputs=[out, start])
            cin = c
    net.conv(320, 1280, 1)
    net.bn(1280)
    net.add("ReLU6")
    net.add("AdaptiveAvgPool2d", {"output_size": 1})
    net.add("Flatten")
    net.add("Dropout", {"p": 0.2})
    net.add("Linear", {"in_features": 1280, "out_features": 1000})
    return net.spec


NETWORKS = {"vgg16": vgg16, "resnet50": resnet50, "mobilenet_v2": mobilenet_v2}
