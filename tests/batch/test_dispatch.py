"""FastRelay calls hooks exactly as pluggy does: order, firstresult, wrappers, errors.

The layers here are FICTIONAL and carry no policy; they exercise the call mechanics.
"""

from __future__ import annotations

from types import SimpleNamespace

import pluggy
import pytest
from yibao import hookimpl, hookspecs
from yibao.dispatch import FastRelay, compile_hook, monitor, relay


def _pm(*plugins: object) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("yibao")
    pm.add_hookspecs(hookspecs)
    for i, plugin in enumerate(plugins):
        pm.register(plugin, name=f"layer{i}")
    return pm


def _answer(value):
    return hookimpl(lambda case: value)


def _same(pm: pluggy.PluginManager, name: str, **kwargs) -> object:
    """Call hook ``name`` through pluggy and through the fast relay; both must agree."""
    fast = getattr(FastRelay(pm), name)
    try:
        expected = getattr(pm.hook, name)(**kwargs)
    except Exception as exc:  # the same exception, with the same message
        with pytest.raises(type(exc), match=str(exc)):
            fast(**kwargs)
        return exc
    assert fast(**kwargs) == expected
    return expected


def test_first_result_top_layer_first_and_none_inherits() -> None:
    low = SimpleNamespace(yibao_category=_answer(("low", "", "")))
    top = SimpleNamespace(yibao_category=_answer(None))
    assert _same(_pm(low, top), "yibao_category", case=None) == ("low", "", "")
    assert _same(_pm(top, low), "yibao_category", case=None) == ("low", "", "")
    assert _same(_pm(top), "yibao_category", case=None) is None


def test_every_answer_hook_collects_non_none_answers_top_first() -> None:
    def layer(value):
        return SimpleNamespace(
            yibao_further_layers=hookimpl(lambda case, claim, ledger, remaining: value)
        )

    pm = _pm(layer([1]), layer(None), layer([2]))
    assert _same(pm, "yibao_further_layers", case=0, claim=0, ledger=0, remaining=0) == [[2], [1]]


def _add_one() -> SimpleNamespace:
    def add_one(case):
        below = yield
        return below + 1

    return SimpleNamespace(yibao_premium=hookimpl(wrapper=True)(add_one))


def test_wrappers_see_and_change_the_answer_and_exceptions() -> None:
    def rescue(case):
        try:
            return (yield)
        except ZeroDivisionError:
            return -1

    def broken(case):
        raise ZeroDivisionError("fictional bug")

    base = SimpleNamespace(yibao_premium=_answer(10))
    assert _same(_pm(base, _add_one(), _add_one()), "yibao_premium", case=None) == 12
    bad = SimpleNamespace(yibao_premium=hookimpl(broken))
    saver = SimpleNamespace(yibao_premium=hookimpl(wrapper=True)(rescue))
    assert _same(_pm(bad, saver), "yibao_premium", case=None) == -1
    assert isinstance(_same(_pm(bad, _add_one()), "yibao_premium", case=None), ZeroDivisionError)


def test_transparent_guard_converts_errors_like_pluggy() -> None:
    def guard(case):
        try:
            return (yield)
        except ZeroDivisionError as exc:
            raise ValueError(f"guarded: {exc}") from exc

    guard.yibao_transparent = True
    bad = SimpleNamespace(yibao_premium=hookimpl(lambda case: 1 / 0))
    good = SimpleNamespace(yibao_premium=_answer(5))
    wrapper = SimpleNamespace(yibao_premium=hookimpl(wrapper=True, tryfirst=True)(guard))
    assert _same(_pm(good, wrapper), "yibao_premium", case=None) == 5
    error = _same(_pm(bad, wrapper), "yibao_premium", case=None)
    assert isinstance(error, ValueError) and "guarded: division by zero" in str(error)


def test_old_style_hookwrappers_and_monitoring_keep_pluggy() -> None:
    def old(case):
        yield

    pm = _pm(SimpleNamespace(yibao_premium=hookimpl(hookwrapper=True)(old)))
    assert compile_hook(pm.hook.yibao_premium) is None
    assert isinstance(relay(pm), FastRelay)
    stop = monitor(pm, lambda *a: None, lambda *a: None)
    assert relay(pm) is pm.hook  # every call seen by the monitor
    stop()
    assert isinstance(relay(pm), FastRelay)


def test_relay_is_rebuilt_when_a_plugin_is_added() -> None:
    pm = _pm(SimpleNamespace(yibao_category=_answer(("a", "", ""))))
    first = relay(pm)
    assert relay(pm) is first
    pm.register(SimpleNamespace(yibao_category=_answer(("b", "", ""))), name="later")
    assert relay(pm) is not first
    assert relay(pm).yibao_category(case=None) == ("b", "", "")


def test_the_fast_relay_matches_the_oldest_supported_pluggy() -> None:
    """core pins pluggy>=1.5,<2: the same tests pass on 1.5.0 as on the installed one."""
    import os
    import shutil
    import subprocess
    from pathlib import Path

    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH")
    root = Path(__file__).parents[2]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    run = [uv, "run", "--isolated", "--with", "pluggy==1.5.0", "python", "-m", "pytest",
           "-q", "-p", "no:cacheprovider", "tests/batch/test_dispatch.py",
           "-k", "not oldest_supported"]  # fmt: skip
    out = subprocess.run(run, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
