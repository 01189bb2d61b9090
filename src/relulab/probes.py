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

from collections.abc import Iterable

import torch
from torch import nn

__all__ = ["ACTIVATION_TYPES", "activation_layers", "ActivationRecorder"]

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
    types = tuple(types) if types is not None else ACTIVATION_TYPES
    if not types or not all(isinstance(k, type) and issubclass(k, nn.Module) for k in types):
        raise TypeError("types must be a non-empty collection of nn.Module subclasses")
    return {name: m for name, m in model.named_modules() if name and isinstance(m, types)}


class ActivationRecorder:
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
        available = dict(model.named_modules()) if isinstance(model, nn.Module) else None
        if available is None:
            raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
        if layers is None:
            chosen = activation_layers(model)
            if not chosen:
                raise ValueError("model has no activation layer; name the layers to record with layers=[...]")
        else:
            names = list(layers)
            unknown = [n for n in names if n not in available or n == ""]
            if unknown or not names:
                raise ValueError(
                    f"unknown layer names {unknown}; choose among {[n for n in available if n]}"
                )
            chosen = {n: available[n] for n in names}
        self.model = model
        self.layers = chosen
        self.keep = keep
        self._chunks: dict[str, list[torch.Tensor]] = {n: [] for n in chosen}
        self._handles: list = []

    def _hook(self, name: str):
        def hook(_module, _inputs, output):
            out = output.detach().to("cpu", copy=True)
            if self.keep == "last":
                self._chunks[name] = [out]
            else:
                self._chunks[name].append(out)

        return hook

    def __enter__(self) -> "ActivationRecorder":
        for name, module in self.layers.items():
            self._handles.append(module.register_forward_hook(self._hook(name)))
        return self

    def __exit__(self, *exc) -> None:
        for h in self._handles:
            h.remove()
        self._handles.clear()

    @property
    def outputs(self) -> dict[str, torch.Tensor]:
        """Recorded outputs by layer name (layers never run are left out)."""
        return {n: torch.cat(c, dim=0) for n, c in self._chunks.items() if c}
