"""Batches and scale-out: a compiled model pickles (graph, schedule, plan) and runs the same after
unpickling, in this process or another one (multiprocessing); run_batch over two threads agrees
with one thread and with TFLite Micro."""
import multiprocessing
import pickle

import numpy as np

import tinycc
from tinycc.oracle import TFLM, random_inputs

from shared_models import model_path


def _shard(args):
    blob, xs = args
    m = pickle.loads(blob)
    return m.run_batch(xs)


def test_pickle_round_trip_and_processes():
    path = model_path("kws_ref_model")
    m = tinycc.compile(path)
    xs = np.stack([random_inputs(m.inputs, np.random.default_rng(i))[0] for i in range(8)])
    want = np.stack([TFLM(path)([x])[0] for x in xs])
    blob = pickle.dumps(m)
    m2 = pickle.loads(blob)
    assert m2.arena_bytes == m.arena_bytes and m2.isa == m.isa
    np.testing.assert_array_equal(m2.run_batch(xs), want)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        parts = pool.map(_shard, [(blob, xs[:4]), (blob, xs[4:])])
    np.testing.assert_array_equal(np.concatenate(parts), want)


def test_c_target_model_pickles():
    m = tinycc.compile(model_path("ad01_int8"), target="c")
    m2 = pickle.loads(pickle.dumps(m))
    assert m2.target == "c" and m2.plan.arena_bytes == m.plan.arena_bytes


def test_run_batch_threads_agree():
    path = model_path("vww_96_int8")
    m = tinycc.compile(path)
    xs = np.stack([random_inputs(m.inputs, np.random.default_rng(i))[0] for i in range(6)])
    np.testing.assert_array_equal(m.run_batch(xs, threads=2), m.run_batch(xs, threads=1))
    np.testing.assert_array_equal(m.run_batch(xs, threads=2)[0], TFLM(path)([xs[0]])[0])
