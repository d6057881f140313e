# Source: https://github.com/pytorch/tutorials/blob/04e3d04bcf91d38a1213918eba70dc43e9b0ce45/beginner_source/blitz/cifar10_tutorial.py
# Licence: BSD-3-Clause (PyTorch Tutorials, Copyright (c) 2017-2022, Pytorch contributors)
# Cut: the tutorial's text, data loading, image display, loss, optimizer, training and testing; what is kept
# is its `import torch` line, the two imports of section 2, the Net class and `net = Net()`, verbatim.

import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


net = Net()
