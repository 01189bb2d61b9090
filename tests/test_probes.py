"""relulab.probes: forward hooks that record activations, checked on hand-built models with known answers."""

from collections import OrderedDict

import pytest
import torch
from torch import nn

from relulab.probes import ActivationRecorder, activation_layers, record_activations
from relulab.training import mlp


def hand_built() -> nn.Sequential:
    """Linear(2 -> 3) with weights [[1, 0], [0, 1], [-1, -1]] and bias [0, 0, 0.5], then ReLU, then Linear(3 -> 1) summing."""
    net = nn.Sequential(OrderedDict(fc=nn.Linear(2, 3), act=nn.ReLU(), out=nn.Linear(3, 1))).double()
    with torch.no_grad():
        net.fc.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]))
        net.fc.bias.copy_(torch.tensor([0.0, 0.0, 0.5]))
        net.out.weight.fill_(1.0)
        net.out.bias.zero_()
    return net


X = torch.tensor([[1.0, 2.0], [-1.0, 1.0], [-2.0, -3.0]], dtype=torch.float64)
# pre-activations: [1, 2, -2.5], [-1, 1, 0.5], [-2, -3, 5.5]
EXPECTED = torch.tensor([[1.0, 2.0, 0.0], [0.0, 1.0, 0.5], [0.0, 0.0, 5.5]], dtype=torch.float64)


def test_recorder_gives_the_known_outputs():
    net = hand_built()
    with ActivationRecorder(net) as rec:
        y = net(X)
    assert list(rec.outputs) == ["act"]
    torch.testing.assert_close(rec.outputs["act"], EXPECTED, rtol=0, atol=0)
    torch.testing.assert_close(y.squeeze(1), EXPECTED.sum(dim=1), rtol=0, atol=0)


def test_recorder_does_not_change_outputs_or_gradients_and_removes_its_hooks():
    net = hand_built()
    plain = net(X).sum()
    plain.backward()
    grads = [p.grad.clone() for p in net.parameters()]
    net.zero_grad()
    with ActivationRecorder(net) as rec:
        hooked = net(X).sum()
        hooked.backward()
    assert torch.equal(plain, hooked)
    for g, p in zip(grads, net.parameters()):
        assert torch.equal(g, p.grad)
    assert not net.act._forward_hooks, "hooks must be removed when the with-block ends"
    out = rec.outputs["act"]
    assert not out.requires_grad
    out.zero_()  # a copy: changing it changes nothing in a new pass
    with ActivationRecorder(net) as rec2:
        net(X)
    torch.testing.assert_close(rec2.outputs["act"], EXPECTED, rtol=0, atol=0)


def test_keep_last_and_keep_all():
    net = hand_built()
    with ActivationRecorder(net, keep="last") as last, ActivationRecorder(net, keep="all") as every:
        net(X[:2])
        net(X[2:])
    torch.testing.assert_close(last.outputs["act"], EXPECTED[2:], rtol=0, atol=0)
    torch.testing.assert_close(every.outputs["act"], EXPECTED, rtol=0, atol=0)


def test_named_layers_and_activation_layers_of_an_mlp():
    net = mlp([4, 5, 6, 3], seed=0)
    assert list(activation_layers(net)) == ["act1", "act2"]
    with ActivationRecorder(net, layers=["fc2", "act2"]) as rec:
        net(torch.ones(7, 4))
    pre, post = rec.outputs["fc2"], rec.outputs["act2"]
    torch.testing.assert_close(post, torch.relu(pre))
    nested = mlp([4, 5, 3], lambda: nn.Sequential(nn.ReLU(), nn.Dropout(0.5)), seed=0)
    assert list(activation_layers(nested)) == ["act1.0"]
    assert activation_layers(net, types=[nn.Linear]).keys() == {"fc1", "fc2", "out"}


def test_layers_never_run_are_left_out():
    net = hand_built()
    with ActivationRecorder(net) as rec:
        pass
    assert rec.outputs == {}


def test_recorder_errors_say_what_is_allowed():
    net = hand_built()
    with pytest.raises(ValueError, match="keep must be"):
        ActivationRecorder(net, keep="first")
    with pytest.raises(ValueError, match="unknown layer names"):
        ActivationRecorder(net, layers=["nope"])
    with pytest.raises(TypeError, match="torch.nn.Module"):
        ActivationRecorder("net")
    with pytest.raises(ValueError, match="no activation layer"):
        ActivationRecorder(nn.Linear(2, 2))
    with pytest.raises(TypeError, match="nn.Module subclasses"):
        activation_layers(net, types=[int])


def test_record_activations_over_batches_and_loaders():
    net = hand_built()
    whole = record_activations(net, X)["act"]
    torch.testing.assert_close(whole, EXPECTED, rtol=0, atol=0)
    torch.testing.assert_close(record_activations(net, X, batch_size=2)["act"], EXPECTED, rtol=0, atol=0)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, torch.zeros(3)), batch_size=2)
    torch.testing.assert_close(record_activations(net, loader)["act"], EXPECTED, rtol=0, atol=0)
    torch.testing.assert_close(record_activations(net, [X[:1], X[1:]])["act"], EXPECTED, rtol=0, atol=0)
    assert list(record_activations(net, X, layers=["fc"])) == ["fc"]


def test_record_activations_runs_in_eval_mode_and_restores_it():
    net = mlp([4, 50, 3], lambda: nn.Sequential(nn.ReLU(), nn.Dropout(0.5)), seed=0)
    net.train()
    x = torch.randn(20, 4, generator=torch.Generator().manual_seed(0))
    a = record_activations(net, x, layers=["act1"])["act1"]
    b = record_activations(net, x, layers=["act1"])["act1"]
    assert torch.equal(a, b), "dropout must be off while recording"
    assert net.training, "the training mode must be restored"
    net.eval()
    record_activations(net, x)
    assert not net.training


def test_record_activations_errors():
    net = hand_built()
    with pytest.raises(TypeError, match="torch.nn.Module"):
        record_activations(object(), X)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        record_activations(net, X, batch_size=0)
    with pytest.raises(ValueError, match="only when data is a tensor"):
        record_activations(net, [X], batch_size=2)
    with pytest.raises(ValueError, match="at least one example"):
        record_activations(net, X[:0])
    with pytest.raises(ValueError, match="no batch"):
        record_activations(net, [])
    with pytest.raises(TypeError, match="every batch must be a tensor"):
        record_activations(net, [[1.0, 2.0]])
    with pytest.raises(TypeError, match="iterable of batches"):
        record_activations(net, 3.0)
