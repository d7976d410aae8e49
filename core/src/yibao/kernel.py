"""Settlement kernels: a region's explanation-free fast path for ``yibao batch``.

The engine builds every answer with its explanation: about twenty steps, a dozen
Structs and seven hook calls for one inpatient claim. A batch run without
``--explain`` throws the steps away. A region may therefore offer a
:class:`SettlementKernel` (hook ``yibao_settlement_kernel``) that answers the cases it
knows how to answer — the commonest shapes — with the same exact ``Decimal``
arithmetic and rounding (:mod:`yibao.money`), but no steps:

- :meth:`SettlementKernel.phase_key` names what the case-level phases (category,
  eligibility, premium, cover) read, so the engine decides them once per key and
  reuses the answer;
- :meth:`SettlementKernel.settle` splits the claims between the payer layers.

Either may decline (``None``), and the engine then answers the case itself. A kernel's
answer must be the engine's answer byte for byte: ``tests/batch/test_kernel.py`` checks
this over generated populations and hand-made edge cases. A kernel is used only when
the layer that offers it is the top rule layer of the stack, so an overlay that changes
a rule switches its region back to the engine (see :func:`kernel_for`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from yibao.case import Case
    from yibao.model import Claim, Scenario
    from yibao.registry import Stack

LayerAmounts = tuple[tuple[str, Decimal], ...]
"""One claim's payments: ``(layer, amount)`` in the order the engine pays them
(basic fund, critical illness, medical assistance, further layers)."""

#: Hooks that describe a layer rather than settle anything: a layer above the kernel's
#: that implements only these leaves the kernel valid.
_DESCRIPTIVE = frozenset({"yibao_parameter_files", "yibao_example_scenarios"})


class SettlementKernel(Protocol):
    """What ``yibao_settlement_kernel`` returns (see :mod:`yibao.kernel`)."""

    def phase_key(self, scenario: Scenario) -> Hashable | None:
        """A key such that any two scenarios with equal keys get the same category,
        eligibility, premium, cover and notices from the stack — or ``None`` when the
        scenario is not a shape the kernel settles (it may look at the claims to say
        so, the cheapest place to decline; they are never part of the key, since the
        phases must not read them).
        """

    def settle(self, case: Case, claims: Sequence[Claim]) -> list[LayerAmounts] | None:
        """Each claim's layer payments, exactly as the stack's hooks pay them.

        ``case`` is the scenario's case with category and cover decided (the phases'
        answer for its key); ``claims`` are in settlement order (by date) and the
        engine has checked that each falls within cover. Return ``None`` to decline the
        whole case (any claim of a kind or shape the kernel does not settle, a value no
        source publishes, a gate that refuses, a yearly limit or cap used up — the
        engine's record lists those, a kernel's cannot): the engine then settles it,
        explained.
        """


def kernel_for(stack: Stack) -> SettlementKernel | None:
    """The stack's settlement kernel, or ``None`` when it has none or must not use it.

    The first non-``None`` answer to ``yibao_settlement_kernel`` wins, as for any
    first-result hook; it is used only when no layer above the one that gave it
    implements a rule hook (an overlay that changes a rule would be ignored by a kernel
    written for the layers below it).
    """
    impls = stack.pm.hook.yibao_settlement_kernel.get_hookimpls()
    for impl in reversed(impls):  # pluggy calls the last registered first
        if impl.wrapper or impl.hookwrapper:
            continue
        kernel = impl.function(params=stack.params)
        if kernel is not None:
            return kernel if _is_top_rule_layer(stack, impl.plugin) else None
    return None


def _is_top_rule_layer(stack: Stack, plugin: object) -> bool:
    plugins = [ref.plugin for ref in stack.layers]
    if plugin not in plugins:
        return False
    above = plugins[plugins.index(plugin) + 1 :]
    for hook_name in _rule_hooks(stack):
        for impl in getattr(stack.pm.hook, hook_name).get_hookimpls():
            if impl.plugin in above:
                return False
    return True


def _rule_hooks(stack: Stack) -> list[str]:
    return [
        name
        for name in dir(stack.pm.hook)
        if name.startswith("yibao_") and name not in _DESCRIPTIVE
    ]
