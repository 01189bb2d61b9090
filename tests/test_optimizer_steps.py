"""training.train and images.cnn_digits write their optimizer steps out (creating a torch.optim optimizer imports
torch._dynamo, about a second per chapter): the steps must be torch.optim's, bit for bit."""

import pytest
import torch
from torch import nn

from relulab import training


def _reference_train(model, x, y, optimizer, lr, weight_decay, epochs, batch_size, seed):
    """relulab.training.train as it was written with torch.optim (the loop is the same)."""
    params = [p for p in model.parameters() if p.requires_grad]
    if optimizer == "adam":
        opt = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    else:
        opt = torch.optim.SGD(params, lr=lr, momentum=0.9 if optimizer == "momentum" else 0.0, weight_decay=weight_decay)
    gen = torch.Generator().manual_seed(seed)
    losses = []
    model.train()
    for _ in range(epochs):
        order = torch.randperm(x.shape[0], generator=gen)
        for i in range(0, x.shape[0], batch_size):
            idx = order[i : i + batch_size]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            losses.append(float(loss.detach()))
    return losses


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("weight_decay", [0.0, 0.01])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_train_steps_are_torch_optim_bit_for_bit(optimizer, weight_decay, dtype):
    g = torch.Generator().manual_seed(1)
    x = torch.randn(100, 6, generator=g, dtype=dtype)
    y = torch.randint(0, 3, (100,), generator=g)
    mine = training.mlp([6, 8, 8, 3], seed=0).to(dtype)
    ref = training.mlp([6, 8, 8, 3], seed=0).to(dtype)
    lr = 1e-2 if optimizer == "adam" else 0.1
    hist = training.train(mine, x, y, optimizer=optimizer, lr=lr, weight_decay=weight_decay, epochs=3, batch_size=16,
                          seed=5, track_accuracy=False)
    want = _reference_train(ref, x, y, optimizer, lr, weight_decay, epochs=3, batch_size=16, seed=5)
    assert hist.loss == want
    for a, b in zip(mine.parameters(), ref.parameters()):
        assert torch.equal(a, b)
    assert hist.loss[0] != hist.loss[-1]  # it did train


def test_optimizer_skips_parameters_without_gradient_as_torch_does():
    a, b = torch.ones(3, requires_grad=True), torch.ones(3, requires_grad=True)
    a_ref, b_ref = torch.ones(3, requires_grad=True), torch.ones(3, requires_grad=True)
    mine = training._Optimizer([a, b], "adam", lr=0.1)
    ref = torch.optim.Adam([a_ref, b_ref], lr=0.1)
    for k in range(3):
        for p, q in ((a, a_ref), (b, b_ref)):
            p.grad = q.grad = None
        (a * torch.arange(3.0)).sum().backward()
        (a_ref * torch.arange(3.0)).sum().backward()
        if k == 2:  # b gets its first gradient only now: its step count starts at 1
            (b * 2.0).sum().backward()
            (b_ref * 2.0).sum().backward()
        mine.step()
        ref.step()
        assert torch.equal(a, a_ref) and torch.equal(b, b_ref)
    assert not torch.equal(b, torch.ones(3))


def test_optimizer_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        training._Optimizer([torch.ones(1)], "rmsprop", lr=0.1)


def test_gradients_train_ensemble_steps_are_torch_sgd(monkeypatch):
    from relulab import data, gradients

    split = data.digits()
    xy = (split.x_train[:300], split.y_train[:300], split.x_test[:100], split.y_test[:100])

    def run():
        members = gradients.grid(["relu", "tanh"], ["he"], [0, 1])
        ens = gradients.MLPEnsemble([64, 16, 16, 10], members, batchnorm=True)
        return gradients.train_ensemble(ens, *xy, epochs=2, lr=0.05)

    mine = run()
    monkeypatch.setattr(gradients, "_Optimizer", lambda params, kind, lr, momentum: torch.optim.SGD(params, lr=lr, momentum=momentum))
    ref = run()
    for field in ("loss", "test_acc", "max_grad_norm"):
        a, b = getattr(mine, field, None), getattr(ref, field, None)
        assert a is not None and (a == b).all(), field


def test_gan_and_variants_training_does_not_import_dynamo():
    """Chapters 05c, 06 and 06b train with gan.train_gan(_arms) and variants.train_seeds: no torch.optim optimizer
    is created, so torch._dynamo (about a second of CPU) is never imported."""
    import subprocess
    import sys
    from pathlib import Path

    code = """
import sys
from relulab import gan, variants as V
from relulab.data import digits
gan.train_gan([0.0, 0.2], seeds=[0], steps=3, batch_size=8, hidden=4, every=1, n_eval=20)
gan.train_gan_arms([gan.GridArm(0.1, 1e-3)], seeds=[0], steps=3, batch_size=8, hidden=4, side=2, n_eval=20)
for opt in ("adam", "sgd", "momentum"):
    V.train_seeds(V.SeedBatchMLP([64, 4, 10], "prelu", [0]), digits(seed=0, n_train=50), optimizer=opt, epochs=1,
                  weight_decay=1e-3, decay_slopes=False)
print("torch._dynamo" in sys.modules)
"""
    src = Path(__file__).resolve().parent.parent / "src"
    env = {**__import__("os").environ, "PYTHONPATH": str(src)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[0] == "False", out.stdout
