"""The names the layer gradient check went by, now ``gradcheck.check_grads`` for every network.

Kept only so that modules not yet moved to the one checker (the CLI's ``check`` and the layer
derivation's self-check) import as before; new code calls ``check_grads``.
"""

from symnet.numeric.gradcheck import LAYER_METHODS as METHODS  # noqa: F401
from symnet.numeric.gradcheck import LOWER_MAX_PARAMS, SAMPLE, random_layer_point  # noqa: F401
from symnet.numeric.gradcheck import check_grads as check_layer_grads  # noqa: F401
from symnet.numeric.codegen import is_layer_target  # noqa: F401
