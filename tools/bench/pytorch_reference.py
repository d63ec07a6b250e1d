#!/usr/bin/env python3
"""PyTorch twin of augprior's reference throughput workload (`augprior bench`).

Student ResNet-20 + teacher ResNet-56 forward (CIFAR, option-A shortcuts, He et al. 2016, as in
akamaster/pytorch_resnet_cifar10), input 32x32x3, batch 128, KL(softmax(t/T) || softmax(s/T)) at
T = 8 (batchmean, no T^2), Adam 1e-3. One step = teacher forward + student forward/backward +
update; the figure is the median of `--steps` steps after `--warmup` steps. Eval = ResNet-56
forward at batch 500. Prints ONE JSON object: {"train_img_s", "eval_img_s", ...}.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LambdaLayer(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


class BasicBlock(nn.Module):
    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            pad = planes // 4
            self.shortcut = LambdaLayer(lambda x: F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, pad, pad), "constant", 0))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self, n, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        layers, in_planes = [], 16
        for stage, planes in enumerate([16, 32, 64]):
            blocks = []
            for i in range(n):
                blocks.append(BasicBlock(in_planes, planes, 2 if stage > 0 and i == 0 else 1))
                in_planes = planes
            layers.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = layers
        self.linear = nn.Linear(64, num_classes)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        return self.linear(F.adaptive_avg_pool2d(out, 1).flatten(1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--student-blocks", type=int, default=3, help="CIFAR ResNet blocks per stage (3 = ResNet-20)")
    p.add_argument("--teacher-blocks", type=int, default=9, help="9 = ResNet-56")
    p.add_argument("--num-classes", type=int, default=10)
    p.add_argument("--input-size", type=int, default=32)
    p.add_argument("--temperature", type=float, default=8.0)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--eval-batch-size", type=int, default=500)
    p.add_argument("--eval-repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=0, help="0 = all cores")
    p.add_argument("--device", default="cpu")
    p.add_argument("--channels-last", action="store_true")
    args = p.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    else:
        import os
        torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(0)
    dev = torch.device(args.device)
    fmt = torch.channels_last if args.channels_last else torch.contiguous_format
    student = ResNet(args.student_blocks, args.num_classes).to(dev, memory_format=fmt)
    teacher = ResNet(args.teacher_blocks, args.num_classes).to(dev, memory_format=fmt).eval()
    opt = torch.optim.Adam(student.parameters(), lr=args.lr)
    T = args.temperature
    size = args.input_size

    def sync():
        if dev.type == "cuda":
            torch.cuda.synchronize()

    step_ms = []
    for i in range(args.warmup + args.steps):
        x = torch.randn(args.batch_size, 3, size, size, device=dev).contiguous(memory_format=fmt)
        sync()
        t0 = time.perf_counter()
        with torch.no_grad():
            t_logits = teacher(x)
        s_logits = student(x)
        loss = F.kl_div(F.log_softmax(s_logits / T, 1), F.log_softmax(t_logits / T, 1), reduction="batchmean", log_target=True)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        loss.item()
        sync()
        if i >= args.warmup:
            step_ms.append((time.perf_counter() - t0) * 1000)

    eval_ms = []
    with torch.no_grad():
        for i in range(args.eval_repeats + 1):
            x = torch.randn(args.eval_batch_size, 3, size, size, device=dev).contiguous(memory_format=fmt)
            sync()
            t0 = time.perf_counter()
            teacher(x).cpu()
            sync()
            if i > 0:
                eval_ms.append((time.perf_counter() - t0) * 1000)

    step = statistics.median(step_ms)
    ev = statistics.median(eval_ms)
    print(json.dumps({
        "train_img_s": round(args.batch_size * 1000 / step, 2),
        "eval_img_s": round(args.eval_batch_size * 1000 / ev, 2),
        "step_ms_median": round(step, 2),
        "eval_ms_median": round(ev, 2),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "device": str(dev),
        "gpu": torch.cuda.get_device_name(0) if dev.type == "cuda" else None,
        "channels_last": args.channels_last,
    }))


if __name__ == "__main__":
    main()
