# K batches of 128 made with the PyTorch port's augmentation (flip, reflect pad 4 + crop, CutMix
# Beta(0.25) with the reversed batch) from the port's 50,000 patches, written as [0,1] NHWC float32
# to $OUT/batches.f32: the identical input both trainers' steps are run on (step-equivalence.sh).
# usage: /usr/bin/python3 port_batches.py K   (env OUT, default /tmp/augprior-fidelity)
import os, sys
import numpy as np, torch, torch.nn.functional as F
OUT = os.environ.get('OUT', '/tmp/augprior-fidelity')
torch.manual_seed(0); np.random.seed(0)
P = torch.tensor(np.load('/tmp/patches_animals.png_50000.npy')).permute(0, 3, 1, 2).contiguous()
K, B = int(sys.argv[1]), 128
out = []
for k in range(K):
    bi = torch.randint(0, len(P), (B,)); x = P[bi].float() / 255
    flip = torch.rand(B) < 0.5; x[flip] = x[flip].flip(3)
    x = F.pad(x, (4, 4, 4, 4), mode='reflect'); i, j = np.random.randint(9), np.random.randint(9); x = x[:, :, i:i + 32, j:j + 32]
    lam = np.random.beta(0.25, 0.25); H = 32; r = np.sqrt(1 - lam); ch = cw = int(H * r); cy, cx = np.random.randint(H), np.random.randint(H)
    y1, y2, x1, x2 = np.clip(cy - ch // 2, 0, H), np.clip(cy + ch // 2, 0, H), np.clip(cx - cw // 2, 0, H), np.clip(cx + cw // 2, 0, H)
    x = x.clone(); x[:, :, y1:y2, x1:x2] = torch.flip(x, [0])[:, :, y1:y2, x1:x2]
    out.append(x.permute(0, 2, 3, 1).contiguous().numpy())
np.stack(out).astype(np.float32).tofile(f'{OUT}/batches.f32'); print('batches', K)
