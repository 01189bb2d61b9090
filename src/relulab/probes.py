"""Probes: forward hooks that record what activation layers output, without changing the model.

The chapters on sparsity and on dying ReLU build on :class:`ActivationRecorder`.

>>> import torch
>>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
>>> with ActivationRecorder(net) as rec:
...     _ = net(torch.ones(4, 2))
>>> list(rec.outputs)
['1']
>>> rec.outputs['1'].shape
torch.Size([4, 3])
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import torch
from torch import nn

from ._checks import check_inputs_fit

__all__ = ["ACTIVATION_TYPES", "activation_layers", "resolve_layers", "ForwardHooks", "ActivationRecorder", "record_activations"]

#: Module types that count as activation layers by default.
ACTIVATION_TYPES: tuple[type[nn.Module], ...] = (
    nn.ReLU,
    nn.LeakyReLU,
    nn.PReLU,
    nn.RReLU,
    nn.ELU,
    nn.CELU,
    nn.SELU,
    nn.GELU,
    nn.SiLU,
    nn.Mish,
    nn.Softplus,
    nn.ReLU6,
    nn.Hardswish,
    nn.Hardtanh,
    nn.Tanh,
    nn.Sigmoid,
)


def activation_layers(
    model: nn.Module, types: Iterable[type[nn.Module]] | None = None
) -> dict[str, nn.Module]:
    """The activation layers of ``model``, by qualified name, in forward-definition order."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if types is not None and (isinstance(types, (str, bytes)) or not isinstance(types, Iterable)):
        raise TypeError(f"types must be a collection of nn.Module subclasses, got {type(types).__name__}")
    types = tuple(types) if types is not None else ACTIVATION_TYPES
    if not types or not all(isinstance(k, type) and issubclass(k, nn.Module) for k in types):
        raise TypeError("types must be a non-empty collection of nn.Module subclasses")
    return {name: m for name, m in model.named_modules() if name and isinstance(m, types)}


def resolve_layers(model: nn.Module, layers: Iterable[str] | None = None) -> dict[str, nn.Module]:
    """The modules of ``model`` named in ``layers``, by name; by default every activation layer.

    Raises ``ValueError`` for an empty list or a name that is not a sub-module of ``model``.
    """
    if layers is None:
        return activation_layers(model)
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Iterable):
        raise TypeError(f"layers must be a list of layer names, got {type(layers).__name__} {layers!r}")
    available = dict(model.named_modules())
    names = list(layers)
    unknown = [n for n in names if not isinstance(n, str) or n not in available or n == ""]
    if unknown or not names:
        raise ValueError(f"layers: unknown layer names {unknown}; choose among {[n for n in available if n]}")
    return {n: available[n] for n in names}


class ForwardHooks:
    """Base of the probes that are context managers: on entry, ``self._hook(name)`` is
    registered as a forward hook on every module of ``self.layers`` (a name -> module
    dict); on exit every hook is removed."""

    layers: dict[str, nn.Module]

    def _hook(self, name: str):  # pragma: no cover - subclasses define it
        raise NotImplementedError

    def __enter__(self):
        self._handles = [m.register_forward_hook(self._hook(name)) for name, m in self.layers.items()]
        return self

    def __exit__(self, *exc) -> None:
        for h in getattr(self, "_handles", []):
            h.remove()
        self._handles = []


class ActivationRecorder(ForwardHooks):
    """Context manager that records the outputs of activation layers.

    Parameters
    ----------
    model:
        Any ``nn.Module``.
    layers:
        Names of the modules to record (see ``model.named_modules()``); by
        default every activation layer (:data:`ACTIVATION_TYPES`).
    keep:
        ``"last"`` keeps the output of the last forward pass of each layer;
        ``"all"`` concatenates the outputs of every pass along dimension 0
        (e.g. a whole data set seen in batches).

    Outputs are detached copies on the CPU; the model's results and gradients
    are unchanged. Hooks are removed when the ``with`` block ends.
    """

    def __init__(self, model: nn.Module, layers: Iterable[str] | None = None, *, keep: str = "last"):
        if keep not in ("last", "all"):
            raise ValueError(f"keep must be 'last' or 'all', got {keep!r}")
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
        chosen = resolve_layers(model, layers)
        if not chosen:
            raise ValueError("model has no activation layer; name the layers to record with layers=[...]")
        self.model = model
        self.layers = chosen
        self.keep = keep
        self._chunks: dict[str, list[torch.Tensor]] = {n: [] for n in chosen}

    def _hook(self, name: str):
        def hook(_module, _inputs, output):
            out = output.detach().to("cpu", copy=True)
            if self.keep == "last":
                self._chunks[name] = [out]
            else:
                self._chunks[name].append(out)

        return hook

    @property
    def outputs(self) -> dict[str, torch.Tensor]:
        """Recorded outputs by layer name (layers never run are left out)."""
        return {n: torch.cat(c, dim=0) for n, c in self._chunks.items() if c}


def _input_batches(data: object, batch_size: int | None) -> Iterator[torch.Tensor]:
    """Yield input tensors from a tensor (cut into ``batch_size`` rows) or an iterable of batches."""
    if isinstance(data, torch.Tensor):
        if data.ndim == 0 or data.shape[0] == 0:
            raise ValueError(f"data must hold at least one example along dimension 0, got shape {tuple(data.shape)}")
        if batch_size is None:
            yield data
            return
        if isinstance(batch_size, bool) or not isinstance(batch_size, int):
            raise TypeError(f"batch_size must be a positive integer or None, got {type(batch_size).__name__}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer or None, got {batch_size!r}")
        for i in range(0, data.shape[0], batch_size):
            yield data[i : i + batch_size]
        return
    if batch_size is not None:
        raise ValueError("batch_size applies only when data is a tensor; an iterable already comes in batches")
    if isinstance(data, (str, bytes)) or not isinstance(data, Iterable):
        raise TypeError(
            "data must be a tensor or an iterable of batches (tensors, or (inputs, labels) pairs "
            f"as a DataLoader yields them), got {type(data).__name__}"
        )
    seen = False
    for batch in data:
        if isinstance(batch, (tuple, list)) and batch:
            batch = batch[0]
        if not isinstance(batch, torch.Tensor):
            raise TypeError(f"every batch must be a tensor or a (tensor, ...) pair, got {type(batch).__name__}")
        seen = True
        yield batch
    if not seen:
        raise ValueError("data holds no batch")


def record_activations(
    model: nn.Module,
    data: object,
    *,
    layers: Iterable[str] | None = None,
    batch_size: int | None = None,
) -> dict[str, torch.Tensor]:
    """Outputs of the activation layers of ``model`` over a whole data set.

    Parameters
    ----------
    model:
        Any ``nn.Module``; it runs in evaluation mode (dropout off, batch norm
        with running statistics) under ``torch.no_grad()``, and its mode is
        restored afterwards. Parameters are not touched.
    data:
        A tensor of inputs (examples along dimension 0), or an iterable of
        batches: tensors, or tuples/lists whose first element is the input
        (what a ``torch.utils.data.DataLoader`` yields).
    layers:
        Names of the modules to record (default: every activation layer, see
        :class:`ActivationRecorder`).
    batch_size:
        With a tensor, run it through the model this many rows at a time
        (``None``: all at once).

    Returns
    -------
    dict[str, torch.Tensor]
        Layer name -> outputs for every example, concatenated along dimension 0
        in the order the data came (detached, on the CPU).

    >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    >>> record_activations(net, torch.ones(5, 2), batch_size=2)["1"].shape
    torch.Size([5, 3])
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if isinstance(data, torch.Tensor):
        check_inputs_fit(model, data, "data")
    was_training = model.training
    model.eval()
    try:
        with ActivationRecorder(model, layers, keep="all") as rec, torch.no_grad():
            for batch in _input_batches(data, batch_size):
                model(batch)
        return rec.outputs
    finally:
        model.train(was_training)
