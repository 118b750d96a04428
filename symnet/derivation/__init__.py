"""Chain-rule derivations as data: every path through the DAG, one factor per hop with the rule
that gives it, the abstract f-form, and numbers at a point. Builds on core, io and numeric; prints nothing.
"""
