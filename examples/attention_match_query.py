"""One attention head learns to find the candidate that matches a query, and we look at where it attends.

Each sequence is a query token and 5 candidates (a key and a class each); the label is the class of the
candidate whose key is most similar to the query's. The model is a formula symnet prints, derives and compiles:
Q = X W_Q, K = X W_K, V = X W_V, A = softmax(QKᵀ/√d_k) by rows, O = A V, z = W_o (first row of O) + b_o.
Run: python examples/attention_match_query.py [OUT_DIR]
"""

import sys
import tempfile
from pathlib import Path

import numpy as np

import symnet
from symnet.core.attention_model import attention
from symnet.learn.sequences import match_query
from symnet.plot.attention import plot_attention
from symnet.plot.training import save_figure

X, y = match_query(3000, seed=0)            # 3000 sequences, 6 tokens × 9 features
X_test, y_test = match_query(1000, seed=1)
net = attention(6, 9, 8, classes=4, echo=True)   # prints the steps and z as one formula

print(symnet.check_grads(net).ok)               # four gradients agree (matrix, lowered, numeric, differences)
result = symnet.train(net, (X.reshape(len(X), -1), y), epochs=30, batch_size=64, learning_rate=0.02, seed=0,
                      progress=False)
fn = result.compiled
predicted = fn.predict(result.theta, X_test).argmax(axis=1)
print(f"test accuracy {np.mean(predicted == y_test):.3f}")

first = X_test[:4]
weights = fn.layout.attention_weights(fn, result.theta, first)
keys = first[:, :, :4]
match = 1 + np.einsum("nk,nmk->nm", keys[:, 0], keys[:, 1:]).argmax(axis=1)   # the most similar candidate
fig = plot_attention(weights, y_test[:4], predicted[:4], match)
out = Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp())
out.mkdir(parents=True, exist_ok=True)
print("wrote", save_figure(fig, out / "attention_weights.png"))
