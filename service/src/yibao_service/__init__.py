"""yibao over HTTP (``yibao serve``): the engine's answers for other programs.

:func:`yibao_service.app.make_app` builds the ASGI application; it only renders what
:mod:`yibao.api` returns, so every answer is byte for byte what ``yibao … --json``
prints. See docs/service.md.
"""
