"""Living plans, the pure part: step states, recorded facts, re-planning with pins, change sets.

No I/O, no clock, no printing: the use cases (cartplan.services.plans) bring the stored plan,
the day and a solver; this package says what a fact changes and why.
"""
