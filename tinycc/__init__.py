"""tinycc: a TinyML compiler. TFLite in; bit-exact host execution and microcontroller C out.

    import tinycc
    m = tinycc.compile("kws.tflite")
    y = m(x)
"""
from .compiler import TARGETS, compile
from .errors import (InputError, IRError, ModelFormatError, PlanError, TinyccError,
                     UnsupportedError)

__all__ = ["compile", "TARGETS", "TinyccError", "ModelFormatError", "UnsupportedError", "InputError",
           "PlanError", "IRError"]
__version__ = "0.1.0"
