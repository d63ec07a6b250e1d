# The same K steps as step-equivalence.mjs, in PyTorch: our initial weights (converted HWIO -> OIHW,
# [in,out] -> [out,in]), the same batches, the akamaster ResNet-56 teacher in eval mode, KL at T=8
# batchmean, Adam 1e-3. Prints both loss curves, the teacher-logit difference and weight drift.
# usage: /usr/bin/python3 step_reference.py K DATA_ROOT   (env OUT, PORT_DIR)
import json, os, sys, numpy as np, torch, torch.nn.functional as F
OUT = os.environ.get('OUT', '/tmp/augprior-fidelity')
sys.path.insert(0, os.environ.get('PORT_DIR', os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../shared/tools/pytorch-recipe-port')))
from cifar_resnet import ResNet
torch.set_num_threads(2)
K = int(sys.argv[1])
def load(path):
    d = json.load(open(path)); sd = {}
    for n, v in d.items():
        a = np.array(v['data'], dtype=np.float32).reshape(v['shape'])
        if a.ndim == 4: a = a.transpose(3, 2, 0, 1)   # HWIO -> OIHW
        elif a.ndim == 2: a = a.T                       # [in,out] -> [out,in]
        sd[n] = torch.tensor(np.ascontiguousarray(a))
    return sd
s = ResNet(3); init = load(f'{OUT}/init.json')
missing = s.load_state_dict(init, strict=False); print('load', missing)
DATA = sys.argv[2]
ck = torch.load(f'{DATA}/teachers/cifar10-resnet-pytorch/resnet56-4bfd9763.th', map_location='cpu')
t = ResNet(9); t.load_state_dict({k.replace('module.', ''): v for k, v in ck['state_dict'].items()}); t.eval()
mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1); std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
X = np.fromfile(f'{OUT}/batches.f32', dtype=np.float32).reshape(-1, 128, 32, 32, 3)
opt = torch.optim.Adam(s.parameters(), 1e-3); ours = json.load(open(f'{OUT}/ours.json')); losses = []
for k in range(K):
    x = (torch.tensor(X[k]).permute(0, 3, 1, 2) - mean) / std
    with torch.no_grad(): tl = t(x)
    if k == 0: print('teacher logits max diff', np.abs(tl.flatten()[:40].numpy() - np.array(ours['teacher0'])).max())
    loss = F.kl_div(F.log_softmax(s(x) / 8, 1), F.softmax(tl / 8, 1), reduction='batchmean')
    opt.zero_grad(); loss.backward(); opt.step(); losses.append(loss.item())
print('torch', ' '.join(f'{l:.5f}' for l in losses)); print('ours ', ' '.join(f'{l:.5f}' for l in ours['loss'][:K]))
fin = load(f'{OUT}/final.json'); sd = s.state_dict()
for n in list(fin)[:6] + list(fin)[-6:]:
    a, b = sd[n].float(), fin[n]; print(n, 'rel diff', ((a - b).norm() / (a.norm() + 1e-12)).item())
