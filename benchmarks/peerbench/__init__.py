"""The modules of ``benchmarks/peers.py``: problems, peer runs, checkers, running, targets, the report."""
