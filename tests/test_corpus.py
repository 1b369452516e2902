"""The real-model corpus (tests/corpus.py): every model TensorFlow Lite Micro ships and the MLPerf
Tiny int8 models, on the host (the integer ones under every instruction set the CPU has) and on c,
cortex-m4, cortex-m55 and rv64gcv (models under 1 MB of weights), against TFLite Micro. Only models
with custom operators may be refused, naming them. The table is printed with `python -m pytest tests/test_corpus.py -s` or `python tests/corpus.py`."""
import corpus


def test_every_corpus_model_compiles_and_matches_tflm_on_every_target():
    lines = []
    rows = corpus.run(out=lines.append)
    print("\n".join(lines))
    targets = ("host", "host, every ISA") + tuple(t for t, _ in corpus.C_TARGETS)
    assert len(rows) >= 148
    bad = [r.name for r in rows if not r.ok(targets)]
    assert not bad, "\n".join(lines[-len(bad) - 8:])
    refused = [r.name for r in rows if r.refused_custom]
    assert refused == ["tflm/person_detect_vela.tflite"], refused  # Arm Ethos-U's ethos-u op
    # every model under 1 MB of weights ran on every C target; every integer model under every ISA
    small = [r for r in rows if r.compiled == "yes" and r.weights < corpus.WEIGHT_LIMIT]
    assert all(t in r.results for r in small for t in targets if t != "host, every ISA")
    assert all("host, every ISA" in r.results for r in rows if r.compiled == "yes" and not r.floats)
