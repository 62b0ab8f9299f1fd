"""The status page ``syncd run`` serves at ``/status``: read-only, server-rendered, no script.

Pure parts: ``access`` (who may see it), ``view`` (what it shows, from judged items and the
daily snapshots), ``charts`` (inline SVG) and ``render`` (escaped HTML). ``pages`` is the edge
that reads the store and answers requests.
"""
