import numpy as np
import pytest

from shared_models import FLOAT_MODELS, HYBRID_MODELS, INT8_MODELS, MODELS, model_path  # noqa: F401


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
