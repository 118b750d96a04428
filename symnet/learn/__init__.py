"""Learning from data: data sets, optimisers, training loops, 1-D gradient descent and model files.
"""
