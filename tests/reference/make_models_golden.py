#!/usr/bin/python3
"""Writes models_golden.pt for models_reference_test.cc.

PyTorch transcriptions of the reference networks (QuickNAT as in Roy et al.'s
nn-common-modules / quickNAT_pytorch, ResNet-18 as in torchvision) are given random weights and
batch-norm statistics, renamed to the C++ modules' parameter names, and run in eval mode on a
fixed input. The C++ test loads the same weights by name and must reproduce the outputs.

Needs Debian's python3-torch (pinned in third_party/debian.lock):
    /usr/bin/python3 tests/reference/make_models_golden.py
"""
import os

import torch
from torch import nn


class ChannelSpatialSE(nn.Module):
    """Reference ChannelSpatialSELayer: max of channel and spatial excitation."""

    def __init__(self, channels):
        super().__init__()
        self.fc1 = nn.Linear(channels, channels // 2)
        self.fc2 = nn.Linear(channels // 2, channels)
        self.conv = nn.Conv2d(channels, 1, 1)

    def forward(self, x):
        scale = torch.sigmoid(self.fc2(torch.relu(self.fc1(x.mean(dim=(2, 3))))))
        channel = x * scale[:, :, None, None]
        spatial = x * torch.sigmoid(self.conv(x))
        return torch.max(channel, spatial)


class DenseBlock(nn.Module):
    """Reference DenseBlock (one PReLU shared by the three stages)."""

    def __init__(self, in_channels, filters, kernel_size):
        super().__init__()
        pad = (kernel_size - 1) // 2
        self.conv1 = nn.Conv2d(in_channels, filters, kernel_size, padding=pad)
        self.conv2 = nn.Conv2d(in_channels + filters, filters, kernel_size, padding=pad)
        self.conv3 = nn.Conv2d(in_channels + 2 * filters, filters, 1)
        self.batchnorm1 = nn.BatchNorm2d(in_channels)
        self.batchnorm2 = nn.BatchNorm2d(in_channels + filters)
        self.batchnorm3 = nn.BatchNorm2d(in_channels + 2 * filters)
        self.prelu = nn.PReLU()

    def forward(self, x):
        o1 = self.conv1(self.prelu(self.batchnorm1(x)))
        o2 = self.conv2(self.prelu(self.batchnorm2(torch.cat((x, o1), dim=1))))
        return self.conv3(self.prelu(self.batchnorm3(torch.cat((x, o1, o2), dim=1))))


class EncoderBlock(DenseBlock):
    def __init__(self, in_channels, filters, kernel_size, csse=False):
        super().__init__(in_channels, filters, kernel_size)
        self.SELayer = ChannelSpatialSE(filters) if csse else None
        self.maxpool = nn.MaxPool2d(2, 2, return_indices=True)

    def forward(self, x):
        block = super().forward(x)
        if self.SELayer is not None:
            block = self.SELayer(block)
        pooled, indices = self.maxpool(block)
        return pooled, block, indices


class DecoderBlock(DenseBlock):
    def __init__(self, filters, kernel_size):
        super().__init__(2 * filters, filters, kernel_size)
        self.unpool = nn.MaxUnpool2d(2, 2)

    def forward(self, x, skip, indices):
        return super().forward(torch.cat((skip, self.unpool(x, indices)), dim=1))


class QuickNat(nn.Module):
    """Reference QuickNAT: encode1..4, bottleneck, decode1..4 (deepest first), classifier."""

    def __init__(self, in_channels, filters, kernel_size, classes):
        super().__init__()
        self.encode1 = EncoderBlock(in_channels, filters, kernel_size)
        self.encode2 = EncoderBlock(filters, filters, kernel_size)
        self.encode3 = EncoderBlock(filters, filters, kernel_size)
        self.encode4 = EncoderBlock(filters, filters, kernel_size)
        self.bottleneck = DenseBlock(filters, filters, kernel_size)
        self.decode1 = DecoderBlock(filters, kernel_size)
        self.decode2 = DecoderBlock(filters, kernel_size)
        self.decode3 = DecoderBlock(filters, kernel_size)
        self.decode4 = DecoderBlock(filters, kernel_size)
        self.classifier = nn.Conv2d(filters, classes, 1)

    def forward(self, x):
        e1, out1, ind1 = self.encode1(x)
        e2, out2, ind2 = self.encode2(e1)
        e3, out3, ind3 = self.encode3(e2)
        e4, out4, ind4 = self.encode4(e3)
        d = self.decode1(self.bottleneck(e4), out4, ind4)
        d = self.decode2(d, out3, ind3)
        d = self.decode3(d, out2, ind2)
        d = self.decode4(d, out1, ind1)
        return self.classifier(d)


def dense_name(name):
    """Reference attribute names inside a dense block -> models/blocks.h names."""
    for old, new in (("batchnorm", "norm"), ("SELayer.fc", "csse.fc"),
                     ("SELayer.conv", "csse.spatial")):
        name = name.replace(old, new)
    return name


def quicknat_name(name):
    head, rest = name.split(".", 1)
    if head.startswith("encode"):
        return "encoder.block%d.dense.%s" % (int(head[-1]) - 1, dense_name(rest))
    if head.startswith("decode"):
        return "decoder.block%d.dense.%s" % (int(head[-1]) - 1, dense_name(rest))
    if head == "bottleneck":
        return "encoder.bottleneck." + dense_name(rest)
    assert head == "classifier", name
    return "segmentation_head." + rest


class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                nn.BatchNorm2d(out_channels))

    def forward(self, x):
        out = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(out + (x if self.downsample is None else self.downsample(x)))


class ResNet18(nn.Module):
    """torchvision.models.resnet18 with a configurable width and input channel count."""

    def __init__(self, in_channels, width, classes):
        super().__init__()
        w = width
        self.conv1 = nn.Conv2d(in_channels, w, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(w)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = nn.Sequential(BasicBlock(w, w, 1), BasicBlock(w, w, 1))
        self.layer2 = nn.Sequential(BasicBlock(w, 2 * w, 2), BasicBlock(2 * w, 2 * w, 1))
        self.layer3 = nn.Sequential(BasicBlock(2 * w, 4 * w, 2), BasicBlock(4 * w, 4 * w, 1))
        self.layer4 = nn.Sequential(BasicBlock(4 * w, 8 * w, 2), BasicBlock(8 * w, 8 * w, 1))
        self.fc = nn.Linear(8 * w, classes)

    def forward(self, x):
        x = self.maxpool(torch.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


def randomize(module):
    """Weights as initialised, plus batch-norm statistics and affines away from identity."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.normal_(0.0, 0.2)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.normal_(1.0, 0.2)
                m.bias.normal_(0.0, 0.2)
                m.num_batches_tracked.fill_(7)
            if isinstance(m, nn.PReLU):
                m.weight.uniform_(0.1, 0.4)
    return module.eval()


def state(prefix, module, rename):
    return {"%s.state.%s" % (prefix, rename(k)): v.clone() for k, v in module.state_dict().items()}


def main():
    torch.manual_seed(0)
    golden = {}

    quicknat = randomize(QuickNat(in_channels=1, filters=4, kernel_size=3, classes=2))
    x = torch.randn(2, 1, 32, 32)
    golden.update(state("quicknat", quicknat, quicknat_name))
    golden["quicknat.input"] = x
    golden["quicknat.output"] = quicknat(x).detach()

    block = randomize(EncoderBlock(in_channels=3, filters=4, kernel_size=3, csse=True))
    x = torch.randn(2, 3, 16, 16)
    golden.update(state("csse_block", block, lambda k: "dense." + dense_name(k)))
    pooled, features, indices = block(x)
    golden["csse_block.input"] = x
    golden["csse_block.pooled"] = pooled.detach()
    golden["csse_block.features"] = features.detach()
    golden["csse_block.indices"] = indices

    resnet = randomize(ResNet18(in_channels=2, width=2, classes=3))
    x = torch.randn(2, 2, 40, 24)
    golden.update(state("resnet", resnet, lambda k: k))
    golden["resnet.input"] = x
    golden["resnet.output"] = resnet(x).detach()

    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models_golden.pt")
    torch.save(golden, out)
    print("wrote %s (%d tensors)" % (out, len(golden)))


if __name__ == "__main__":
    main()
