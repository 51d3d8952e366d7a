"""PyTorch definitions of nerve-mtl's networks, for parity tests and side-by-side benchmarks.

QuickNAT is transcribed from the reference code (Roy et al.'s nn-common-modules and
quickNAT_pytorch: attribute names encode1.., bottleneck, decode1.., classifier, batchnorm1..,
SELayer), ResNet-18 from torchvision. QuickFCN, QuickClassifier and SoftQuickFCN are built from
the same blocks exactly as models/quickfcn.cc, models/quickclassifier.cc, models/softquickfcn.cc
and models/cross_stitch.cc define them. Each network's `cpp_name(name)` maps one of its
state_dict keys to the C++ module's parameter or buffer name, so weights can be exchanged.

Where the C++ models differ from the reference code, these definitions follow the C++ models
(they are what the parity test holds them to), and say so:
  - with CSSE on, the bottleneck dense block is followed by squeeze-excitation too (the reference
    allocates that layer but never applies it);
  - unpooling takes the skip's size, as models/blocks.cc's MaxUnpool2x2 does.

Needs Debian's python3-torch, importable by /usr/bin/python3 only.
"""
import torch
from torch import nn
from torch.nn import functional as F

# The C++ networks run their CPU convolutions on LibTorch's own kernels on LibTorch 2.x
# (models/conv.h; common/torch_compat.h says why: Debian 13's oneDNN computed wrong outputs and
# gradients on one of our hosts). These networks do the same, so that both sides compute the
# same, right sums, and a benchmark times the same kernels on both sides.
if int(torch.__version__.split(".")[0]) >= 2:
    torch.backends.mkldnn.enabled = False


# --- Blocks (models/blocks.h) ---------------------------------------------------------------


class ChannelSpatialSE(nn.Module):
    """Reference ChannelSpatialSELayer: max of channel and spatial excitation."""

    def __init__(self, channels):
        super().__init__()
        reduced = max(1, channels // 2)
        self.fc1 = nn.Linear(channels, reduced)
        self.fc2 = nn.Linear(reduced, channels)
        self.conv = nn.Conv2d(channels, 1, 1)

    def forward(self, x):
        scale = torch.sigmoid(self.fc2(torch.relu(self.fc1(x.mean(dim=(2, 3))))))
        channel = x * scale[:, :, None, None]
        spatial = x * torch.sigmoid(self.conv(x))
        return torch.max(channel, spatial)


class DenseBlock(nn.Module):
    """Reference DenseBlock (one PReLU shared by the three stages), optional CSSE after it."""

    def __init__(self, in_channels, filters, kernel_size, csse=False):
        super().__init__()
        pad = (kernel_size - 1) // 2
        self.conv1 = nn.Conv2d(in_channels, filters, kernel_size, padding=pad)
        self.conv2 = nn.Conv2d(in_channels + filters, filters, kernel_size, padding=pad)
        self.conv3 = nn.Conv2d(in_channels + 2 * filters, filters, 1)
        self.batchnorm1 = nn.BatchNorm2d(in_channels)
        self.batchnorm2 = nn.BatchNorm2d(in_channels + filters)
        self.batchnorm3 = nn.BatchNorm2d(in_channels + 2 * filters)
        self.prelu = nn.PReLU()
        self.SELayer = ChannelSpatialSE(filters) if csse else None

    def forward(self, x):
        o1 = self.conv1(self.prelu(self.batchnorm1(x)))
        o2 = self.conv2(self.prelu(self.batchnorm2(torch.cat((x, o1), dim=1))))
        out = self.conv3(self.prelu(self.batchnorm3(torch.cat((x, o1, o2), dim=1))))
        if self.SELayer is not None:
            out = self.SELayer(out)
        return out


class EncoderBlock(DenseBlock):
    """Dense block [-> CSSE] -> Dropout2d -> 2x2 max-pool with indices."""

    def __init__(self, in_channels, filters, kernel_size, csse=False, dropout=0.2):
        super().__init__(in_channels, filters, kernel_size, csse)
        self.drop_out = nn.Dropout2d(dropout)
        self.maxpool = nn.MaxPool2d(2, 2, return_indices=True)

    def forward(self, x):
        block = self.drop_out(super().forward(x))
        pooled, indices = self.maxpool(block)
        return pooled, block, indices


class DecoderBlock(DenseBlock):
    """Max-unpool -> cat(skip, unpooled) -> dense block [-> CSSE] -> Dropout2d."""

    def __init__(self, filters, kernel_size, csse=False, dropout=0.2):
        super().__init__(2 * filters, filters, kernel_size, csse)
        self.unpool = nn.MaxUnpool2d(2, 2)
        self.drop_out = nn.Dropout2d(dropout)

    def forward(self, x, skip, indices):
        unpooled = self.unpool(x, indices, output_size=skip.shape[2:])
        return self.drop_out(super().forward(torch.cat((skip, unpooled), dim=1)))


class ClassificationHead(nn.Module):
    """flatten -> Linear(C*h*w, hidden) -> PReLU -> Linear(hidden, classes) (the original), or
    global average pool -> Linear(C, classes)."""

    def __init__(self, channels, classes, flatten=False, hidden=25, height=8, width=8):
        super().__init__()
        self.flatten = flatten
        if flatten:
            self.hidden = nn.Linear(channels * height * width, hidden)
            self.prelu = nn.PReLU()
            self.output = nn.Linear(hidden, classes)
        else:
            self.output = nn.Linear(channels, classes)

    def forward(self, x):
        if self.flatten:
            return self.output(self.prelu(self.hidden(torch.flatten(x, 1))))
        return self.output(x.mean(dim=(2, 3)))


def dense_name(name):
    """Reference attribute names inside a dense block -> models/blocks.h names."""
    for old, new in (("batchnorm", "norm"), ("SELayer.fc", "csse.fc"),
                     ("SELayer.conv", "csse.spatial")):
        name = name.replace(old, new)
    return name


# --- Networks -------------------------------------------------------------------------------


class Encoder(nn.Module):
    """The reference's encode1..encode<depth> and bottleneck, as a mixin's worth of layers."""

    def add_encoder(self, in_channels, filters, kernel_size, depth, csse, dropout):
        self.depth = depth
        for i in range(depth):
            setattr(self, "encode%d" % (i + 1),
                    EncoderBlock(in_channels if i == 0 else filters, filters, kernel_size, csse,
                                 dropout))
        self.bottleneck = DenseBlock(filters, filters, kernel_size, csse)

    def encoder_block(self, i):
        return getattr(self, "encode%d" % (i + 1))

    def encode(self, x):
        features, indices = [], []
        for i in range(self.depth):
            x, block, ind = self.encoder_block(i)(x)
            features.append(block)
            indices.append(ind)
        return self.bottleneck(x), features, indices

    @staticmethod
    def encoder_name(head, rest):
        """C++ name of an encoder parameter, or None if `head` is not part of the encoder."""
        if head.startswith("encode"):
            return "encoder.block%d.dense.%s" % (int(head[len("encode"):]) - 1, dense_name(rest))
        if head == "bottleneck":
            return "encoder.bottleneck." + dense_name(rest)
        return None


class QuickNat(Encoder):
    """Reference QuickNAT: encode1..D, bottleneck, decode1..D (deepest first), classifier."""

    def __init__(self, in_channels=1, filters=64, kernel_size=5, depth=4, classes=2, csse=False,
                 dropout=0.2):
        super().__init__()
        self.add_encoder(in_channels, filters, kernel_size, depth, csse, dropout)
        for i in range(depth):
            setattr(self, "decode%d" % (i + 1), DecoderBlock(filters, kernel_size, csse, dropout))
        self.classifier = nn.Conv2d(filters, classes, 1)

    def decode(self, x, features, indices):
        for i in range(self.depth):
            j = self.depth - 1 - i
            x = getattr(self, "decode%d" % (i + 1))(x, features[j], indices[j])
        return self.classifier(x)

    def forward(self, x):
        return self.decode(*self.encode(x))

    @staticmethod
    def cpp_name(name):
        head, rest = name.split(".", 1)
        encoder = Encoder.encoder_name(head, rest)
        if encoder is not None:
            return encoder
        if head.startswith("decode"):
            return "decoder.block%d.dense.%s" % (int(head[len("decode"):]) - 1, dense_name(rest))
        assert head == "classifier", name
        return "segmentation_head." + rest


class QuickClassifier(Encoder):
    """models/quickclassifier.h: the QuickNAT encoder and a classification head."""

    def __init__(self, in_channels=1, filters=64, kernel_size=5, depth=4, classes=3, csse=False,
                 dropout=0.2, flatten=False, hidden=25, height=128, width=128):
        super().__init__()
        self.add_encoder(in_channels, filters, kernel_size, depth, csse, dropout)
        self.classification_head = ClassificationHead(filters, classes, flatten, hidden,
                                                      height >> depth, width >> depth)

    def forward(self, x):
        return self.classification_head(self.encode(x)[0])

    @staticmethod
    def cpp_name(name):
        head, rest = name.split(".", 1)
        encoder = Encoder.encoder_name(head, rest)
        if encoder is not None:
            return encoder
        assert head == "classification_head", name
        return name


class QuickFcn(QuickNat):
    """models/quickfcn.h, hard sharing: QuickNAT plus a classification head on its bottleneck.
    Returns (segmentation logits, classification logits)."""

    def __init__(self, in_channels=1, filters=64, kernel_size=5, depth=4, seg_classes=2,
                 cls_classes=3, csse=False, dropout=0.2, flatten=False, hidden=25, height=128,
                 width=128):
        super().__init__(in_channels, filters, kernel_size, depth, seg_classes, csse, dropout)
        self.classification_head = ClassificationHead(filters, cls_classes, flatten, hidden,
                                                      height >> depth, width >> depth)

    def forward(self, x):
        bottleneck, features, indices = self.encode(x)
        return self.decode(bottleneck, features, indices), self.classification_head(bottleneck)

    @staticmethod
    def cpp_name(name):
        if name.startswith("classification_head."):
            return name
        return QuickNat.cpp_name(name)


class CrossStitchUnit(nn.Module):
    """models/cross_stitch.h: per-channel x~_s = a_ss x_s + a_sc x_c, x~_c = a_cs x_s + a_cc x_c."""

    def __init__(self, channels, self_weight=0.9):
        super().__init__()
        self.alpha_ss = nn.Parameter(torch.full((channels,), self_weight))
        self.alpha_sc = nn.Parameter(torch.full((channels,), 1.0 - self_weight))
        self.alpha_cs = nn.Parameter(torch.full((channels,), 1.0 - self_weight))
        self.alpha_cc = nn.Parameter(torch.full((channels,), self_weight))

    def forward(self, x_s, x_c):
        def per_channel(alpha):
            return alpha.view(1, -1, 1, 1)

        return (per_channel(self.alpha_ss) * x_s + per_channel(self.alpha_sc) * x_c,
                per_channel(self.alpha_cs) * x_s + per_channel(self.alpha_cc) * x_c)


class SoftQuickFcn(nn.Module):
    """models/softquickfcn.h, soft sharing: a QuickNAT and a QuickClassifier with identical
    encoders, joined by depth + 1 cross-stitch units, one after each pooled encoder output and
    one after the bottlenecks. The decoder's skips carry the segmentation branch's own
    un-stitched pre-pool features and pooling indices. Returns (segmentation, classification)."""

    def __init__(self, in_channels=1, filters=64, kernel_size=5, depth=4, seg_classes=2,
                 cls_classes=3, csse=False, dropout=0.2, flatten=False, hidden=25, height=128,
                 width=128, self_weight=0.9):
        super().__init__()
        self.depth = depth
        self.segmentation = QuickNat(in_channels, filters, kernel_size, depth, seg_classes, csse,
                                     dropout)
        self.classification = QuickClassifier(in_channels, filters, kernel_size, depth,
                                              cls_classes, csse, dropout, flatten, hidden, height,
                                              width)
        self.cross_stitch = nn.ModuleList(
            [CrossStitchUnit(filters, self_weight) for _ in range(depth + 1)])

    def forward(self, x):
        seg, cls = self.segmentation, self.classification
        x_s, x_c = x, x
        features, indices = [], []
        for i in range(self.depth):
            pooled_s, block_s, ind_s = seg.encoder_block(i)(x_s)
            pooled_c, _, _ = cls.encoder_block(i)(x_c)
            features.append(block_s)
            indices.append(ind_s)
            x_s, x_c = self.cross_stitch[i](pooled_s, pooled_c)
        x_s, x_c = self.cross_stitch[self.depth](seg.bottleneck(x_s), cls.bottleneck(x_c))
        return seg.decode(x_s, features, indices), cls.classification_head(x_c)

    @staticmethod
    def cpp_name(name):
        head, rest = name.split(".", 1)
        if head == "segmentation":
            return "segmentation." + QuickNat.cpp_name(rest)
        if head == "classification":
            return "classification." + QuickClassifier.cpp_name(rest)
        assert head == "cross_stitch", name
        return name


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
    """torchvision.models.resnet18 with a configurable width and input channel count
    (models/resultnet.h, registered as "resultnet")."""

    def __init__(self, in_channels=1, width=64, classes=3):
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
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))

    @staticmethod
    def cpp_name(name):
        return name


def outputs(model, x):
    """(segmentation, classification) logits of any of these networks, None where it has none."""
    out = model(x)
    if isinstance(model, (QuickFcn, SoftQuickFcn)):
        return out
    if isinstance(model, QuickNat):
        return out, None
    return None, out


def count_parameters(model):
    """As models/blocks.h's CountParameters: every parameter's elements, trainable or not."""
    return sum(p.numel() for p in model.parameters())
