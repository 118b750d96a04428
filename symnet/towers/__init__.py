"""Universal approximation: sigmoid steps, bumps and towers as networks, sums of towers that
approximate a 2-D function, and the error study.
"""
