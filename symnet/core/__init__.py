"""The symbolic core: activations, neurons, the straight-line program, the derivative rule table,
network builders, losses and the reverse sweep (backprop). SymPy only: no NumPy, no printing, no parsing.

Lowest layer of symnet; it imports only ``symnet.errors`` and ``symnet.checks``.
"""
