"""Self-checking exercises: checkers a student calls on their own function or answer.

Every checker returns a :class:`Feedback`. It says, in the language chosen with
:func:`relulab.use_language`, what is wrong and on which input — or, when all is
right, which checks passed. It is never a bare ``False``::

    from relulab import exercises
    exercises.check_relu(my_relu)           # in a notebook the feedback shows itself
    print(exercises.check_relu(my_relu))    # anywhere else
    exercises.check_relu(my_relu).passed    # for an autograder: a bool

General checkers, for any chapter:

- :func:`check_elementwise` — a function meant to act element by element,
  against a reference: values on ordinary inputs (with a diagnosis of the slope
  on each side of 0), at 0, on ``nan`` and ``±inf``; shapes; dtypes; whether it
  changes or returns its input; names it must not use; with the torch backend,
  the gradient that autograd gets through it.
- :func:`check_answers` — numbers a student predicted against the values
  computed live (for "predict, then run" exercises);
- :func:`check_relu`, :func:`check_relu_grad` — the same with ReLU and its
  derivative as reference, and hints for the classic mistakes (off by one at 0,
  slope of the wrong sign, ``nan`` swallowed, in-place mutation, float64
  promotion).

Exercise checkers, one or two for each of the book's exercises (every page of
Chapters 1-6 and appendix A1), are listed in :data:`EXERCISES` under the label of
the exercise's ``{exercise}`` directive (a test checks that none is missing).

Layout: every name is imported from here (``exercises.check_...``); the code lives in

- :mod:`.core` — :class:`Feedback`, :class:`Problem`, the registry (:class:`Exercise`,
  :data:`EXERCISES`, :func:`register_exercise`), the time limit and sandboxing of a
  student's calls, the general checkers above, answer-reading helpers, shared messages;
- one module per chapter, with its checkers, their messages and their registration:
  :mod:`.definition` (01), :mod:`.derivative` (02), :mod:`.depth` (02a), :mod:`.propagation` (02b),
  :mod:`.sparsity` (03), :mod:`.dying` (04), :mod:`.domains` (05, 05b, 05c),
  :mod:`.variants` (06, 06b), :mod:`.cost` (A1).

To add a checker, open the chapter's module and

1. write ``check_<name>`` returning a :class:`Feedback` (build it with ``_feedback``;
   call the student's function through ``_call``, so the time limit applies), decorated
   with ``@_guarded`` so that a function that never returns gets feedback too;
2. add its name to the module's ``__all__`` (this package re-exports it);
3. add ``register_exercise("ex-<label>", "<chapter page>", check_<name>)`` to the
   module's registry section;
4. register its messages, in every language, in the module's :func:`relulab.i18n.register`
   call (keys ``exercises.<name>...``; a message several chapters use goes in :mod:`.core`).

A new chapter gets its own module, imported below.
"""

from __future__ import annotations

#: Seconds one call of a student's function may take before the checker gives up on it.
#: :mod:`.core` reads it here at each call, so ``exercises.STUDENT_TIME_LIMIT = 30`` takes effect at once.
STUDENT_TIME_LIMIT: float = 10.0

# Chapter order, which is also the order of EXERCISES.
from . import core, definition, derivative, depth, propagation, sparsity, dying, domains, variants, cost  # noqa: E402,I001
from .core import *  # noqa: E402,F401,F403
from .definition import *  # noqa: E402,F401,F403
from .derivative import *  # noqa: E402,F401,F403
from .depth import *  # noqa: E402,F401,F403
from .propagation import *  # noqa: E402,F401,F403
from .sparsity import *  # noqa: E402,F401,F403
from .dying import *  # noqa: E402,F401,F403
from .domains import *  # noqa: E402,F401,F403
from .variants import *  # noqa: E402,F401,F403
from .cost import *  # noqa: E402,F401,F403

__all__ = [
    *core.__all__,
    *definition.__all__,
    *derivative.__all__,
    *depth.__all__,
    *propagation.__all__,
    *sparsity.__all__,
    *dying.__all__,
    *domains.__all__,
    *variants.__all__,
    *cost.__all__,
]
