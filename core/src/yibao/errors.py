"""The errors yibao reports to people: each names where the problem is and what was expected.

Every error carries its message in English (``str(exc)``, what logs and programs see)
and, where the raising code gives one, in Chinese (:attr:`YibaoError.zh`); a surface
picks one with :meth:`YibaoError.text` (the CLI by ``--lang`` or the locale). An error
without a Chinese text shows its English one in either language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from yibao.results import Step


SEP = " ‖ "
"""Between the English and the Chinese text of a :func:`bilingual` message."""


def bilingual(en: str, zh: str) -> ValueError:
    """A ``ValueError`` for a model check, carrying both texts (split by
    :func:`yibao.problems.field_problem`); here, beside the errors, so the model can
    raise it without importing the input checks that read the model."""
    return ValueError(f"{en}{SEP}{zh}")


def split(text: str) -> tuple[str, str]:
    """``(en, zh)`` of a message that may carry both (``zh`` empty when it does not)."""
    en, sep, zh = text.partition(SEP)
    return (en, zh) if sep else (text, "")


class YibaoError(Exception):
    """Base of the errors shown to a user as one clear message (never a traceback).

    ``YibaoError(message, zh=...)``: ``message`` in English, ``zh`` the same in Chinese.
    """

    zh: str = ""
    """The message in Chinese (empty: only the English one exists)."""

    def __init__(self, *args: object, zh: str = "") -> None:
        super().__init__(*args)
        if zh:
            self.zh = zh

    def text(self, lang: str) -> str:
        """The message in ``lang`` (``"zh"`` or ``"en"``); English where no Chinese is given."""
        if lang == "zh" and self.zh:
            return self.zh
        return str(self)


class InputError(YibaoError):
    """A file or field is malformed: ``where`` names the file and field path."""

    def __init__(self, where: str, expected: str, expected_zh: str = "") -> None:
        self.where = where
        self.expected = expected
        self.expected_zh = expected_zh
        """What was expected, in Chinese (empty: only the English text exists)."""
        super().__init__(
            f"{where}: {expected}", zh=f"{where}：{expected_zh}" if expected_zh else ""
        )

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, str]]:
        # Picklable as itself, so a batch worker's error reaches the user unchanged.
        return type(self), (self.where, self.expected, self.expected_zh)


class MalformedInput(InputError):
    """The input is not JSON, TOML or UTF-8 at all (rather than a field of the wrong
    shape): the HTTP service answers it with 400 instead of 422."""


class UnknownRegion(YibaoError):
    """A region code (or name) that no installed plugin provides; ``suggestions`` are the
    installed codes it most resembles ("did you mean …")."""

    def __init__(self, code: str, installed: list[str], suggestions: Iterable[str] = ()) -> None:
        self.code = code
        self.installed = installed
        self.suggestions = list(suggestions)
        listing = ", ".join(installed) or "none"
        hint = f"did you mean {' or '.join(self.suggestions)}? " if self.suggestions else ""
        hint_zh = f"是否要写 {' 或 '.join(self.suggestions)}？" if self.suggestions else ""
        super().__init__(
            f"unknown region {code!r}; {hint}installed regions: {listing}",
            zh=f"未知地区 {code!r}；{hint_zh}已安装的地区：{'、'.join(installed) or '无'}",
        )

    def __reduce__(self) -> tuple[type[UnknownRegion], tuple[str, list[str], list[str]]]:
        return UnknownRegion, (self.code, self.installed, self.suggestions)


class NotPublished(YibaoError):
    """A rule needs a value that no loaded source publishes for that date.

    An unpublished number stops only what depends on it: a rule that has worked out the
    published part of an answer (a rate, a bound, a cap's changes) before meeting the gap
    raises with those ``steps``, and the claim's answer shows them above the missing key
    (a *partial answer*, see :func:`yibao.engine._settle`).
    """

    def __init__(
        self,
        *,
        key: str,
        on: dt.date,
        reason: str,
        cite: str = "",
        reason_zh: str = "",
        steps: Iterable[Step] = (),
    ) -> None:
        self.key = key
        self.on = on
        self.reason = reason
        self.reason_zh = reason_zh
        """The reason in Chinese, where the rule gives one."""
        self.cite = cite
        self.steps: tuple[Step, ...] = tuple(steps)
        """What the rule worked out before the gap: the published steps of a partial answer."""
        super().__init__(
            f"not published in the loaded sources: {key} on {on} ({reason})"
            + (f" [{cite}]" if cite else "")
        )

    def with_steps(self, steps: Iterable[Step]) -> NotPublished:
        """The same gap, with ``steps`` (what is published) shown before it."""
        return NotPublished(
            key=self.key,
            on=self.on,
            reason=self.reason,
            cite=self.cite,
            reason_zh=self.reason_zh,
            steps=(*steps, *self.steps),
        )

    def followed_by(self, steps: Iterable[Step]) -> NotPublished:
        """The same gap, with ``steps`` (what else is published) shown after its own."""
        return NotPublished(
            key=self.key,
            on=self.on,
            reason=self.reason,
            cite=self.cite,
            reason_zh=self.reason_zh,
            steps=(*self.steps, *steps),
        )


class OutputError(YibaoError):
    """An output cannot be written where asked (a missing directory, a full disk, a
    read-only file system, a target that is not a regular file); ``where`` names it."""

    def __init__(self, where: str, problem: str, problem_zh: str = "") -> None:
        self.where = where
        self.problem = problem
        self.problem_zh = problem_zh
        super().__init__(f"{where}: {problem}", zh=f"{where}：{problem_zh}" if problem_zh else "")

    def __reduce__(self) -> tuple[type[OutputError], tuple[str, str, str]]:
        return OutputError, (self.where, self.problem, self.problem_zh)


class UnknownParameter(LookupError):
    """A rule read a parameter key that no parameter file defines and no
    ``[[unpublished]]`` entry declares: a misspelt key in the rule's code, not a gap in
    the sources. Not a :class:`YibaoError`: the engine reports it as a plugin error
    naming the layer and distribution, and it fails any test that reaches it."""

    def __init__(self, key: str, known: list[str]) -> None:
        self.key = key
        hint = f"; did you mean {', '.join(known)}?" if known else ""
        super().__init__(
            f"parameter key {key!r} is defined by no parameter file and declared unpublished "
            f"by none{hint}"
        )
