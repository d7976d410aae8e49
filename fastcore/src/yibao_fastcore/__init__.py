"""yibao's compiled batch core (optional).

``core`` is the compiled module, or ``None`` where it was not built (no C compiler at
install) or cannot be imported; yibao then uses its pure-Python fast path, which gives
the same bytes. Set ``YIBAO_NO_FASTCORE=1`` to leave it unused.
"""

from __future__ import annotations

import os
from types import ModuleType

core: ModuleType | None
if os.environ.get("YIBAO_NO_FASTCORE"):
    core = None
else:
    try:
        from yibao_fastcore import _core as core
    except ImportError:
        core = None
