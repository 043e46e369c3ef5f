"""The centre's view, pure: per-day resource load from event spans, clashes, and the earliest
start where a new plan fits every resource's capacity. No I/O, no clock, no words: the store
hands over spans, the site file capacities, and messages are codes (cartplan.messages)."""
