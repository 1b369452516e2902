"""Exceptions raised by tinycc. Every user-facing failure is one of these."""


class TinyccError(Exception):
    """Base class of every error tinycc raises on bad input or unsupported models."""


class ModelFormatError(TinyccError):
    """The file is not a valid TFLite flatbuffer, or it is truncated or inconsistent."""


class UnsupportedError(TinyccError):
    """The model uses an operator, option, dtype or structure tinycc does not support."""


class InputError(TinyccError):
    """A run-time input has the wrong shape, dtype or count."""


class PlanError(TinyccError):
    """The memory plan or kernel plan is inconsistent (an internal invariant failed)."""


class IRError(TinyccError):
    """The graph IR failed verification (names the pass that broke it when known)."""
