"""relulab: the tested code behind the bilingual textbook on ReLU and its family.

Modules follow the book's table of contents:

- :mod:`relulab.activations` — ReLU (and its family) in numpy and torch;
- :mod:`relulab.ways` — the many ways of writing ReLU, and where they disagree;
- :mod:`relulab.expressivity` — piecewise-linear functions built from ReLUs;
- :mod:`relulab.moments` — ReLU of a Gaussian input (what He initialization rests on);
- :mod:`relulab.probes` — forward hooks that record activations;
- :mod:`relulab.plotting` — the house style of every figure;
- :mod:`relulab.i18n` — Italian or English labels from the same code;
- :mod:`relulab.seeding` — one call seeds Python, numpy and torch;
- :mod:`relulab.ledger` — the claims ledger (claims of the source notes and their verdicts).
"""

from .i18n import current_language, t, use_language
from .seeding import seed_everything

__all__ = ["use_language", "current_language", "t", "seed_everything"]
__version__ = "0.1.0"
