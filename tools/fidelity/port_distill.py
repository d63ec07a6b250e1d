# The PyTorch port of the paper's CIFAR recipe (../shared/tools/pytorch-recipe-port/ref_distill.py),
# budgeted by samples instead of seconds and evaluated on a chosen folder, so that its learning
# curve can be laid beside ours at equal samples (experiments/image/RESULTS.md, "fidelity").
# The training step is the port's, unchanged: flip, reflect pad 4 + one crop offset per batch,
# ImageNet mean/std, CutMix Beta(0.25) with the reversed batch, KL at T=8, Adam 1e-3, batch 128,
# batches drawn with replacement.
#
# usage: /usr/bin/python3 tools/fidelity/port_distill.py DATA_ROOT SAMPLES EVAL_EVERY_SAMPLES EVAL_DIR [SEED]
#   e.g. ... ../shared/data 300000 20000 cifar10/train-subset-jpeg 0
# env: PORT_DIR (default ../shared/tools/pytorch-recipe-port), SOURCE (default sources/animals.png),
#      PAD=reflect|zeros, CROP=batch|image (the port: reflect, batch)
import json, os, sys, time, random, tempfile
import numpy as np, torch, torch.nn.functional as F
from PIL import Image
import torchvision.transforms as T

DATA, SAMPLES, EVERY, EVAL_DIR = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
SEED = int(sys.argv[5]) if len(sys.argv) > 5 else 0
PORT = os.environ.get('PORT_DIR', os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../shared/tools/pytorch-recipe-port'))
sys.path.insert(0, PORT)
from cifar_resnet import ResNet  # noqa: E402

torch.set_num_threads(2)
random.seed(SEED); torch.manual_seed(SEED); np.random.seed(SEED)
B, N = 128, 50000
src = os.path.join(DATA, os.environ.get('SOURCE', 'sources/animals.png'))
pfile = os.path.join(tempfile.gettempdir(), f'patches_{os.path.basename(src)}_{N}.npy')  # the port's cache
if not os.path.exists(pfile):
    img = Image.open(src).convert('RGB'); s = int(0.5 * min(img.size))
    tf = T.Compose([T.RandomCrop(s), T.RandomResizedCrop(int(2 ** 0.5 * 32), scale=(1 / 500, 1), ratio=(3 / 4, 4 / 3), interpolation=T.InterpolationMode.BICUBIC),
                    T.RandomAffine(30, shear=30, interpolation=T.InterpolationMode.BILINEAR, fill=0), T.CenterCrop(32),
                    T.RandomApply([T.ColorJitter(0.4, 0.4, 0.4, 0.1)], p=0.5)])
    np.save(pfile, np.stack([np.asarray(tf(img)) for _ in range(N)]))
P = torch.tensor(np.load(pfile)).permute(0, 3, 1, 2).contiguous()
classes = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']
root = os.path.join(DATA, EVAL_DIR); X, Y = [], []
for ci, c in enumerate(classes):
    for f in sorted(os.listdir(f'{root}/{c}')):
        X.append(np.asarray(Image.open(f'{root}/{c}/{f}').convert('RGB'))); Y.append(ci)
mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1); std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
Xe = ((torch.tensor(np.stack(X)).permute(0, 3, 1, 2).float() / 255) - mean) / std; Ye = torch.tensor(Y)
ck = torch.load(f'{DATA}/teachers/cifar10-resnet-pytorch/resnet56-4bfd9763.th', map_location='cpu')
teacher = ResNet(9); teacher.load_state_dict({k.replace('module.', ''): v for k, v in ck['state_dict'].items()}); teacher.eval()
student = ResNet(3); opt = torch.optim.Adam(student.parameters(), 1e-3)
pad_mode, crop_mode = os.environ.get('PAD', 'reflect'), os.environ.get('CROP', 'batch')

def evaluate(m):
    m.eval()
    with torch.no_grad(): p = torch.cat([m(Xe[i:i + 500]).argmax(1) for i in range(0, len(Xe), 500)])
    m.train(); return (p == Ye).float().mean().item()

def cutmix(x):
    lam = np.random.beta(0.25, 0.25); H = x.shape[2]
    r = np.sqrt(1 - lam); ch, cw = int(H * r), int(H * r); cy, cx = np.random.randint(H), np.random.randint(H)
    y1, y2, x1, x2 = np.clip(cy - ch // 2, 0, H), np.clip(cy + ch // 2, 0, H), np.clip(cx - cw // 2, 0, H), np.clip(cx + cw // 2, 0, H)
    x = x.clone(); x[:, :, y1:y2, x1:x2] = torch.flip(x, [0])[:, :, y1:y2, x1:x2]; return x

t0 = time.time(); seen = 0
while True:
    if seen % EVERY < B or seen >= SAMPLES:
        print(json.dumps(dict(samples=seen, acc=evaluate(student), n=len(Ye), seconds=round(time.time() - t0, 1))), flush=True)
        if seen >= SAMPLES: break
    x = P[torch.randint(0, len(P), (B,))].float() / 255
    flip = torch.rand(B) < 0.5; x[flip] = x[flip].flip(3)
    x = F.pad(x, (4, 4, 4, 4), mode='reflect' if pad_mode == 'reflect' else 'constant')
    if crop_mode == 'batch':
        i, j = np.random.randint(9), np.random.randint(9); x = x[:, :, i:i + 32, j:j + 32]
    else:
        o = np.random.randint(9, size=(B, 2)); x = torch.stack([x[b, :, o[b, 0]:o[b, 0] + 32, o[b, 1]:o[b, 1] + 32] for b in range(B)])
    x = cutmix((x - mean) / std)
    with torch.no_grad(): tl = teacher(x)
    loss = F.kl_div(F.log_softmax(student(x) / 8, 1), F.softmax(tl / 8, 1), reduction='batchmean')
    opt.zero_grad(); loss.backward(); opt.step(); seen += B
print(json.dumps(dict(final=True, samples=seen, seconds=round(time.time() - t0, 1), img_s=round(seen / (time.time() - t0), 1))), flush=True)
