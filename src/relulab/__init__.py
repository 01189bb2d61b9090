"""relulab: the tested code behind the bilingual textbook on ReLU and its family.

Modules follow the book's table of contents:

- :mod:`relulab.activations` — ReLU and every member of its family, in numpy and torch;
- chapter 1, definition: :mod:`relulab.ways` (the ways of writing ReLU and where they disagree),
  :mod:`relulab.expressivity` (piecewise-linear functions from ReLUs), :mod:`relulab.moments`
  (ReLU of a Gaussian input);
- chapter 2, derivative: :mod:`relulab.gradients`, :mod:`relulab.conventions` (what PyTorch
  returns at the kinks);
- chapter 3, sparsity: :mod:`relulab.sparsity`, built on :mod:`relulab.probes` (forward hooks);
- chapter 4, dying ReLU: :mod:`relulab.dying`;
- chapter 5, domains: :mod:`relulab.heterogeneity`, :mod:`relulab.images`, :mod:`relulab.text`,
  :mod:`relulab.domains` (the same protocol on image patches and text), :mod:`relulab.transformer`
  (a tiny language model), :mod:`relulab.gan`;
- chapter 6, the family: :mod:`relulab.variants`;
- appendix, cost: :mod:`relulab.bench` (an activation's time as a ratio to a copy);
- shared: :mod:`relulab.data` (digits shipped with scikit-learn), :mod:`relulab.training`
  (models and the training loop), :mod:`relulab.plotting` (the house style),
  :mod:`relulab.tables` (printed tables), :mod:`relulab.i18n` (Italian or English labels),
  :mod:`relulab.seeding` (one call seeds Python, numpy and torch);
- teaching: :mod:`relulab.exercises` (self-checking exercises), :mod:`relulab.ledger` (the claims
  ledger: claims of the source notes and their verdicts).
"""

from .i18n import current_language, echo, t, use_language
from .seeding import seed_everything

__all__ = ["use_language", "current_language", "t", "echo", "seed_everything"]
__version__ = "0.1.0"
