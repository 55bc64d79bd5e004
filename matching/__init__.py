"""Matching clients and workplaces (DOMAIN.md, "Employers"): ranking with the reasons why
(`ranking.py`, distances in `travel.py`), and proposing a placement (`services.py`). It sits above
clients, employers and trajectories, which it combines."""
