"""Every matplotlib figure symnet draws, one module per topic (graph, training, towers).

Functions take an optional ``ax`` and return it; they never call ``plt.show()``. Importing this
package does not import pyplot; each module imports matplotlib when it is used.
"""
