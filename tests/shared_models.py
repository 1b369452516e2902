"""Where the shared MLPerf Tiny models are, and which is which (tests and benches)."""
import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODELS = pathlib.Path(os.environ.get("TINYCC_MODELS", ROOT.parent / "shared" / "models"))

INT8_MODELS = ["kws_ref_model", "vww_96_int8", "pretrainedResnet_quant", "ad01_int8", "str_ww_ref_model"]
FLOAT_MODELS = ["vww_96_float", "pretrainedResnet", "ad01_fp32"]
HYBRID_MODELS = ["kws_ref_model_float32"]
ALL_MODELS = INT8_MODELS + FLOAT_MODELS + HYBRID_MODELS


def model_path(name: str) -> pathlib.Path:
    p = MODELS / f"{name}.tflite"
    if not p.exists():
        # a missing model is a broken checkout, not a reason to skip
        raise FileNotFoundError(f"shared model {p} not found; set TINYCC_MODELS to the models directory")
    return p
