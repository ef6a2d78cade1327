#!/usr/bin/python3
"""The original Python trainer: a reference to time gnas's training against (DESIGN 1.1, 1.2, 1.5).

The original's network in PyTorch with the original's module names (DESIGN 1.2), trained the way
the original code base trained it: a torch.utils.data Dataset over a CIFAR-100 binary file (per
record a coarse label byte, the fine label byte, 3072 CHW pixel bytes), torchvision transforms per
image on PIL images (RandomCrop(32, padding=4), RandomHorizontalFlip, ToTensor, Normalize; test:
ToTensor, Normalize), DataLoader(shuffle=True, num_workers=2), torch.set_num_threads(2), SGD lr 0.1
momentum 0.9 weight decay 4e-4, CrossEntropyLoss(label_smoothing=0.1). --optimizer adam, --lr,
--weight-decay and --padding give the quickstart's recipe the same code. Prints one line per epoch
with the images/s of its training phase (the wall time of the training loop, data loading
included, as gnas's images_per_second) and the test top-1.

  --check FILE   load a network_*.pt test vector (DESIGN 1.2) into the network and compare its
                 logits in eval and in train mode: prints the max abs differences, exits 1 unless
                 both are < 1e-5.

usage: python_reference.py --data train.bin [--test test.bin] [--subset N] [--batch B] [--arch ...]
       python_reference.py --check network_final.pt [--arch 111000-011101-111111-111111-011101]
Needs Debian's python3-torch and python3-torchvision (/usr/bin/python3).
"""
import argparse
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.data
import torchvision.transforms as transforms
from PIL import Image

OPS_NAME = ["skip", "sep_conv_3x3", "sep_conv_5x5", "sep_conv_7x7", "dil_conv_3x3", "dil_conv_5x5"]
L_CFGS = [(16, 1), (32, 2), (40, 2), (80, 2), (320, 1)]  # (out_channels, stride) per search layer
MEAN = (0.49139968, 0.48215827, 0.44653124)
STD = (0.2023, 0.1994, 0.2010)
SEARCHED = "111000-011101-111111-111111-011101"


class ConvBNReLU6(nn.Module):
    """The stem: `first.conv`, `first.bn`."""

    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(c_out)
        self.relu = nn.ReLU6(inplace=True)

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


class Identity(nn.Module):
    def forward(self, x):
        return x


class Conv1x1(nn.Module):
    """skip with stride 1 and C_in != C_out: `op.weight`."""

    def __init__(self, c_in, c_out):
        super().__init__()
        self.op = nn.Conv2d(c_in, c_out, 1, bias=False)

    def forward(self, x):
        return self.op(x)


class FactorizedReduce(nn.Module):
    """skip with stride 2: `conv_1`, `conv_2`, `bn`."""

    def __init__(self, c_in, c_out):
        super().__init__()
        self.relu = nn.ReLU(inplace=False)
        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.conv_2 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        x = self.relu(x)
        a = self.conv_1(x)
        b = self.conv_2(x[:, :, 1:, 1:])
        if b.shape[2:] != a.shape[2:]:  # odd feature-map sizes: pad the shifted half
            b = F.pad(b, (0, a.shape[3] - b.shape[3], 0, a.shape[2] - b.shape[2]))
        return self.bn(torch.cat([a, b], dim=1))


class SepConv(nn.Module):
    """`op.1` depthwise, `op.2` pointwise, `op.3` BN, `op.5` depthwise, `op.6` pointwise,
    `op.7` BN."""

    def __init__(self, c_in, c_out, k, stride):
        super().__init__()
        p = k // 2
        self.op = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_in, k, stride, p, groups=c_in, bias=False),
            nn.Conv2d(c_in, c_in, 1, bias=False),
            nn.BatchNorm2d(c_in),
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_in, k, 1, p, groups=c_in, bias=False),
            nn.Conv2d(c_in, c_out, 1, bias=False),
            nn.BatchNorm2d(c_out),
        )

    def forward(self, x):
        return self.op(x)


class DilConv(nn.Module):
    """`op.1` depthwise (dilation 2), `op.2` pointwise, `op.3` BN."""

    def __init__(self, c_in, c_out, k, stride):
        super().__init__()
        self.op = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_in, k, stride, k - 1, dilation=2, groups=c_in, bias=False),
            nn.Conv2d(c_in, c_out, 1, bias=False),
            nn.BatchNorm2d(c_out),
        )

    def forward(self, x):
        return self.op(x)


def make_op(name, c_in, c_out, stride):
    if name == "skip":
        if stride == 2:
            return FactorizedReduce(c_in, c_out)
        return Identity() if c_in == c_out else Conv1x1(c_in, c_out)
    kind, k = name.rsplit("_", 1)[0], int(name[-1])
    conv = SepConv if kind == "sep_conv" else DilConv
    return conv(c_in, c_out, k, stride)


class SearchLayer(nn.Module):
    """The element-wise sum of the selected ops (`ops.K`, K counting only the selected ones)."""

    def __init__(self, bits, c_in, c_out, stride):
        super().__init__()
        self.ops = nn.ModuleList(
            make_op(name, c_in, c_out, stride) for name, bit in zip(OPS_NAME, bits) if bit == "1")

    def forward(self, x):
        out = self.ops[0](x)
        for op in self.ops[1:]:
            out = out + op(x)
        return out


class Network(nn.Module):
    def __init__(self, arch, in_channels=3, classes=100):
        super().__init__()
        layers = arch.split("-")
        if len(layers) != len(L_CFGS) or any(len(l) != 6 or set(l) - {"0", "1"} or "1" not in l
                                             for l in layers):
            raise ValueError(f"--arch ({arch}): must be 5 groups of 6 bits, each with a 1")
        self.first = ConvBNReLU6(in_channels, 16)
        stages, c_in = [], 16
        for bits, (c_out, stride) in zip(layers, L_CFGS):
            stages.append(SearchLayer(bits, c_in, c_out, stride))
            c_in = c_out
        self.stages = nn.Sequential(*stages)
        self.last_stage = nn.Sequential(
            nn.Conv2d(c_in, 1280, 1, bias=False), nn.BatchNorm2d(1280), nn.ReLU6(inplace=True))
        self.classifier = nn.Linear(1280, classes)

    def forward(self, x):
        x = self.last_stage(self.stages(self.first(x)))
        return self.classifier(F.adaptive_avg_pool2d(x, 1).flatten(1))


class CifarBinary(torch.utils.data.Dataset):
    """A CIFAR-100 binary file: per record coarse label, fine label, channels x size x size."""

    def __init__(self, path, transform, size=32, channels=3, limit=0):
        raw = np.fromfile(path, dtype=np.uint8)
        record = 2 + channels * size * size
        if raw.size == 0 or raw.size % record:
            raise ValueError(
                f"{path}: {raw.size} bytes is not a whole number of {record}-byte records")
        raw = raw.reshape(-1, record)
        if limit > 0:
            raw = raw[:limit]
        self.targets = raw[:, 1].astype(np.int64)
        self.data = raw[:, 2:].reshape(-1, channels, size, size).transpose(0, 2, 3, 1).copy()  # HWC
        if channels == 1:
            self.data = self.data[:, :, :, 0]
        self.transform = transform

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        return self.transform(Image.fromarray(self.data[i])), int(self.targets[i])


def check(args):
    d = torch.load(args.check)
    net = Network(args.arch, args.channels, args.classes)
    state = {k: v for k, v in d.items() if k not in ("input", "logits_eval", "logits_train")}
    # The test vectors carry no num_batches_tracked (unused: BatchNorm's momentum is set); every
    # other name and shape must match exactly, both ways.
    state.update({k: v for k, v in net.state_dict().items() if k.endswith("num_batches_tracked")})
    try:
        net.load_state_dict(state, strict=True)
    except RuntimeError as e:
        print(f"{args.check} with --arch {args.arch}: {e}", file=sys.stderr)
        return 1
    with torch.no_grad():
        diffs = {}
        for mode in ("eval", "train"):
            net.train(mode == "train")
            diffs[mode] = (net(d["input"]) - d["logits_" + mode]).abs().max().item()
    ok = all(v < 1e-5 for v in diffs.values())
    print(f"check {args.check} ({args.arch}): max abs difference eval {diffs['eval']:.3g} "
          f"train {diffs['train']:.3g} ({'ok' if ok else 'FAILED'}, limit 1e-5)")
    return 0 if ok else 1


def train(args):
    torch.set_num_threads(args.threads)
    mean = tuple(args.mean) if args.mean else MEAN[:args.channels]
    std = tuple(args.std) if args.std else STD[:args.channels]
    normalize = transforms.Normalize(mean, std)
    train_transform = transforms.Compose([
        transforms.RandomCrop(args.input_size, padding=args.padding),
        transforms.RandomHorizontalFlip(),
        transforms.ToTensor(),
        normalize,
    ])
    test_transform = transforms.Compose([transforms.ToTensor(), normalize])
    train_set = CifarBinary(args.data, train_transform, args.input_size, args.channels, args.subset)
    train_loader = torch.utils.data.DataLoader(
        train_set, batch_size=args.batch, shuffle=True, num_workers=args.workers)
    test_loader = None
    if args.test:
        test_set = CifarBinary(args.test, test_transform, args.input_size, args.channels,
                               args.test_subset)
        test_loader = torch.utils.data.DataLoader(
            test_set, batch_size=args.batch, shuffle=False, num_workers=args.workers)

    model = Network(args.arch, args.channels, args.classes)
    criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
    if args.optimizer == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9,
                                    weight_decay=args.weight_decay)
    for epoch in range(args.epochs):
        model.train()
        loss_sum, correct, seen = 0.0, 0, 0
        start = time.perf_counter()
        for inputs, targets in train_loader:
            outputs = model(inputs)
            loss = criterion(outputs, targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * targets.size(0)
            correct += (outputs.argmax(1) == targets).sum().item()
            seen += targets.size(0)
        train_seconds = time.perf_counter() - start
        top1 = float("nan")
        if test_loader is not None:
            model.eval()
            test_correct, test_seen = 0, 0
            with torch.no_grad():
                for inputs, targets in test_loader:
                    test_correct += (model(inputs).argmax(1) == targets).sum().item()
                    test_seen += targets.size(0)
            top1 = test_correct / test_seen
        print(f"epoch {epoch + 1}/{args.epochs}: images_per_second {seen / train_seconds:.1f} "
              f"train_loss {loss_sum / seen:.4f} train_top1 {correct / seen:.4f} "
              f"test_top1 {top1:.4f} ({seen} images, batch {args.batch}, "
              f"{args.threads} threads, {args.workers} workers, "
              f"{train_seconds:.1f} s)", flush=True)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", help="training file, CIFAR-100 binary layout (train.bin)")
    p.add_argument("--test", help="test file, same layout (test.bin); none: no test phase")
    p.add_argument("--subset", type=int, default=0, help="first N training images (0: all)")
    p.add_argument("--test-subset", type=int, default=0, help="first N test images (0: all)")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--arch", default=None, help=f"5 groups of 6 bits in ops_name order (default "
                   f"{SEARCHED}; with --check FILE ending in _all.pt every op everywhere)")
    p.add_argument("--input-size", type=int, default=32)
    p.add_argument("--channels", type=int, default=3)
    p.add_argument("--classes", type=int, default=100)
    p.add_argument("--mean", type=float, nargs="+", help="default DESIGN 1.5's")
    p.add_argument("--std", type=float, nargs="+", help="default DESIGN 1.5's")
    p.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd",
                   help="sgd (momentum 0.9, the original) or adam (the quickstart's)")
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--weight-decay", type=float, default=4e-4)
    p.add_argument("--padding", type=int, default=4, help="RandomCrop's zero padding")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument("--workers", type=int, default=2, help="DataLoader num_workers")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--check", metavar="FILE",
                   help="compare the network with a network_*.pt test vector")
    args = p.parse_args()
    if args.arch is None:
        args.arch = "-".join(["111111"] * 5) if args.check and args.check.endswith("_all.pt") \
            else SEARCHED
    if args.check:
        return check(args)
    if not args.data:
        p.error("--data FILE (or --check FILE) is required")
    if args.channels != 3 and not (args.mean and args.std):
        p.error(f"--channels ({args.channels}): needs --mean and --std "
                "(DESIGN's are for 3 channels)")
    return train(args)


if __name__ == "__main__":
    sys.exit(main())
