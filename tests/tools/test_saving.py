"""Save and load: bit-exact round trips, resumed training, atomic writes, refusals."""

import io
import json
import os
import pickle
import zipfile

import numpy as np
import pytest

import glassnet as gn
import glassnet.tools.saving as gio
from glassnet._files import atomic_write
from glassnet.activations import ACTIVATIONS
from glassnet.optimizers import OPTIMIZERS

# random targets beside bounded outputs (tanh, sigmoid) are on purpose here: these
# tests check dtypes and bit-identity, not fits, so fit's "cannot reach" warning is noise
pytestmark = pytest.mark.filterwarnings("ignore:y spans:UserWarning")

OPTIMIZER_NAMES = sorted({cls.name for cls in OPTIMIZERS.values()})  # without aliases


def _data(n=24, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, np.stack([np.tanh(X[:, 0]), X[:, 1] * X[:, 2] > 0], axis=1).astype(float)


def _net(activation="tanh", dtype="float64", seed=3, dropout=0.25):
    return gn.Network(
        [
            gn.Dense(3, 5, activation=activation),
            gn.Dropout(dropout),
            gn.Dense(5, 4, activation=activation, use_bias=False, init="glorot_uniform"),
            gn.Dense(4, 2, activation=activation),
        ],
        seed=seed,
        dtype=dtype,
    )


def _assert_same(a, b):
    assert [layer.get_config() for layer in a.layers] == [layer.get_config() for layer in b.layers]
    assert a.params.dtype == b.params.dtype
    assert a.params.tobytes() == b.params.tobytes()
    assert a.seed == b.seed and a.metadata == b.metadata
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    assert a.history.get_config() == b.history.get_config()
    assert (a.loss is None) == (b.loss is None)
    if a.loss is not None:
        assert type(a.loss) is type(b.loss)
    if a.optimizer is not None:
        assert type(a.optimizer) is type(b.optimizer)
        assert a.optimizer.get_config() == b.optimizer.get_config()
        assert a.optimizer.state.keys() == b.optimizer.state.keys()
        for i, state in a.optimizer.state.items():
            other = b.optimizer.state[i]
            assert state.keys() == other.keys()
            for key, value in state.items():
                if isinstance(value, np.ndarray):
                    assert value.dtype == other[key].dtype
                    assert value.tobytes() == other[key].tobytes()
                else:
                    assert value == other[key]


@pytest.mark.parametrize("optimizer", OPTIMIZER_NAMES)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_round_trip_is_bit_exact_for_every_activation_and_optimizer(
    tmp_path, activation, optimizer
):
    X, y = _data()
    net = _net(activation)
    net.fit(X, y, epochs=3, optimizer=optimizer, batch_size=8, shuffle=True, metrics=["mae"],
            validation_split=0.25)
    net.metadata = {"feature_names": ["a", "b", "c"], "note": "é", "nested": {"k": [1, 2.5]}}
    path = tmp_path / "model.gnet"
    net.save(path)
    loaded = gn.load(path)
    _assert_same(net, loaded)
    assert loaded.predict(X).tobytes() == net.predict(X).tobytes()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_trip_keeps_the_dtype_and_an_untrained_network(tmp_path, dtype):
    net = _net("leaky_relu", dtype=dtype, seed=None)
    net.layers[0].activation.alpha = 0.2
    path = tmp_path / "m.gnet"
    gio.save(net, path)
    loaded = gn.load(path)
    _assert_same(net, loaded)
    assert loaded.loss is None and loaded.optimizer is None
    assert loaded.layers[0].activation.alpha == 0.2


@pytest.mark.parametrize("optimizer", ["adam", "momentum"])
def test_resumed_training_equals_uninterrupted_training(tmp_path, optimizer):
    X, y = _data(30)
    kwargs = dict(epochs=4, lr=0.01, optimizer=optimizer, loss="mse", batch_size=7, shuffle=True,
                  validation_split=0.2, metrics=["r2"],
                  lr_schedule=gn.schedules.StepDecay(3, gamma=0.5))
    straight = _net("relu", dropout=0.3)
    straight.fit(X, y, **kwargs)
    straight.fit(X, y, **kwargs)

    first = _net("relu", dropout=0.3)
    first.fit(X, y, **kwargs)
    first.save(tmp_path / "half.gnet")
    resumed = gn.load(tmp_path / "half.gnet")
    resumed.fit(X, y, **kwargs)

    assert resumed.params.tobytes() == straight.params.tobytes()
    assert resumed.history.get_config() == straight.history.get_config()
    _assert_same(straight, resumed)


def test_a_failed_write_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.gnet"
    _net().save(path)
    before = path.read_bytes()
    trained = _net()
    trained.fit(*_data(), epochs=2, optimizer="adam")

    def broken(archive, name, array):
        raise OSError("disk full (injected)")

    monkeypatch.setattr(gio, "_write_array", broken)
    with pytest.raises(OSError, match="injected"):
        trained.save(path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.gnet"]  # no temporary file left behind


def test_unserialisable_metadata_is_refused_before_writing(tmp_path):
    net = _net()
    net.metadata = {"scaler": object()}
    with pytest.raises(TypeError, match="metadata must hold only JSON values"):
        net.save(tmp_path / "m.gnet")
    assert os.listdir(tmp_path) == []


def test_saving_into_a_missing_directory_says_so(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        _net().save(tmp_path / "nowhere" / "m.gnet")


def test_the_file_is_a_zip_with_readable_json_and_npy_members(tmp_path):
    path = tmp_path / "m.gnet"
    net = _net()
    net.fit(*_data(), epochs=1, optimizer="adam")
    net.save(path)
    with zipfile.ZipFile(path) as archive:
        doc = json.loads(archive.read("model.json"))
        names = set(archive.namelist())
        params = np.load(io.BytesIO(archive.read("arrays/params.npy")), allow_pickle=False)
    assert doc["format"] == "glassnet-model" and doc["format_version"] == 1
    assert [layer["type"] for layer in doc["network"]["layers"]] == ["Dense", "Dropout", "Dense",
                                                                     "Dense"]
    assert doc["optimizer"]["name"] == "adam" and doc["optimizer"]["state"]["0"]["t"] == 1
    assert names == {"model.json", "arrays/params.npy", "arrays/optimizer.0.m.npy",
                     "arrays/optimizer.0.v.npy"}
    np.testing.assert_array_equal(params, net.params)


# -- refusals -------------------------------------------------------------------
def _rewrite(src, dst, edit_doc=None, arrays=None, drop=()):
    """Copy a model file, editing its JSON and replacing raw array members."""
    with zipfile.ZipFile(src) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    doc = json.loads(members["model.json"])
    if edit_doc:
        edit_doc(doc)
    members["model.json"] = json.dumps(doc).encode()
    for name, data in (arrays or {}).items():
        members[name] = data
    with zipfile.ZipFile(dst, "w") as archive:
        for name, data in members.items():
            if name not in drop:
                archive.writestr(name, data)
    return dst


def _npy_bytes(array, allow_pickle=False):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


@pytest.fixture
def saved(tmp_path):
    net = _net()
    net.fit(*_data(), epochs=2, optimizer="adam")
    path = tmp_path / "good.gnet"
    net.save(path)
    return path


def test_a_truncated_file_is_refused(saved, tmp_path):
    data = saved.read_bytes()
    for cut in (len(data) // 2, len(data) - 30, 10):
        bad = tmp_path / f"cut{cut}.gnet"
        bad.write_bytes(data[:cut])
        with pytest.raises(ValueError, match="truncated or corrupted"):
            gn.load(bad)


def test_a_corrupted_file_is_refused(saved, tmp_path):
    data = bytearray(saved.read_bytes())
    with zipfile.ZipFile(saved) as archive:
        info = archive.getinfo("arrays/params.npy")
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle] ^= 0xFF
    bad = tmp_path / "flipped.gnet"
    bad.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="truncated or corrupted"):
        gn.load(bad)


def test_a_pickled_network_is_refused(tmp_path):
    path = tmp_path / "pickled.gnet"
    path.write_bytes(pickle.dumps(_net()))
    with pytest.raises(ValueError, match="not a readable zip archive"):
        gn.load(path)


def test_an_object_array_member_is_refused_not_unpickled(saved, tmp_path):
    evil = np.array([{"x": 1}, None], dtype=object)
    bad = _rewrite(saved, tmp_path / "obj.gnet",
                   arrays={"arrays/params.npy": _npy_bytes(evil, allow_pickle=True)})
    with pytest.raises(ValueError, match="cannot be read safely"):
        gn.load(bad)


def test_a_zip_that_is_not_a_model_is_refused(tmp_path):
    path = tmp_path / "weights.npz"
    np.savez(path, params=np.zeros(3))
    with pytest.raises(ValueError, match="has no model.json"):
        gn.load(path)
    path = tmp_path / "other.gnet"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("model.json", json.dumps({"format": "something-else"}))
    with pytest.raises(ValueError, match="format='glassnet-model'"):
        gn.load(path)


def test_a_future_format_version_is_refused(saved, tmp_path):
    bad = _rewrite(saved, tmp_path / "future.gnet",
                   edit_doc=lambda d: d.update(format_version=2))
    with pytest.raises(ValueError, match="format version 2, newer than the 1"):
        gn.load(bad)
    bad = _rewrite(saved, tmp_path / "odd.gnet", edit_doc=lambda d: d.update(format_version="1"))
    with pytest.raises(ValueError, match="not a whole number"):
        gn.load(bad)


def _set_first_layer(key, value):
    return lambda d: d["network"]["layers"][0].update({key: value})


@pytest.mark.parametrize(
    "edit, message",
    [
        (_set_first_layer("type", "os.system"), "unknown layer type 'os.system'"),
        (_set_first_layer("activation", "__import__"), "unknown activation '__import__'"),
        (_set_first_layer("activation_config", {"alpha": 1}), "does not accept config"),
        (_set_first_layer("init", "evil"), "unknown init 'evil'"),
        (lambda d: d["optimizer"].update(name="subprocess"), "unknown optimizer 'subprocess'"),
        (lambda d: d.update(loss={"name": "eval", "config": {}}), "unknown loss 'eval'"),
        (lambda d: d["network"].update(dtype="object"), "dtype must be"),
        (lambda d: d.update(rng={"bit_generator": "Nope", "state": {}}),
         "random generator state 'Nope'"),
        (lambda d: d["network"]["layers"][0].pop("n_units"), "lacks 'n_units'"),
        (lambda d: d.update(metadata=[1, 2]), "metadata must be a JSON object"),
    ],
)
def test_names_and_configs_outside_the_allow_list_are_refused(saved, tmp_path, edit, message):
    bad = _rewrite(saved, tmp_path / "edited.gnet", edit_doc=edit)
    with pytest.raises(ValueError, match=message):
        gn.load(bad)


def test_mismatched_shapes_are_refused(saved, tmp_path):
    # A consistent file whose params do not fit its layers.
    def widen(doc):
        doc["network"]["layers"][0]["n_units"] = 6
        doc["network"]["layers"][1]["n_units"] = 6
        doc["network"]["layers"][2]["n_inputs"] = 6

    with pytest.raises(ValueError, match="parameters"):
        gn.load(_rewrite(saved, tmp_path / "wide.gnet", edit_doc=widen))
    # An array that differs from what model.json lists.
    short = _npy_bytes(np.zeros(5))
    with pytest.raises(ValueError, match="but model.json lists"):
        gn.load(_rewrite(saved, tmp_path / "short.gnet", arrays={"arrays/params.npy": short}))
    # Optimizer state of the wrong size, listed consistently.
    def shrink(doc):
        doc["arrays"]["optimizer.0.m"]["shape"] = [5]

    with pytest.raises(ValueError, match="optimizer.state.0 is refused: the state 'm' must be"):
        gn.load(_rewrite(saved, tmp_path / "state.gnet", edit_doc=shrink,
                         arrays={"arrays/optimizer.0.m.npy": short}))
    # A listed array whose member is missing.
    with pytest.raises(ValueError, match="is missing"):
        gn.load(_rewrite(saved, tmp_path / "gone.gnet", drop={"arrays/optimizer.0.v.npy"}))


def test_invalid_json_and_missing_files_are_reported(saved, tmp_path):
    path = tmp_path / "badjson.gnet"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("model.json", "{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        gn.load(path)
    with pytest.raises(FileNotFoundError, match="No model file"):
        gn.load(tmp_path / "absent.gnet")


def test_atomic_write_keeps_the_old_content_when_the_body_fails(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(path, "w") as f:
        f.write("half")
        raise RuntimeError("stop")
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["out.csv"]


def test_atomic_write_gives_new_files_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        path = tmp_path / "m.gnet"
        _net().save(path)
        assert path.stat().st_mode & 0o777 == 0o644
        path.chmod(0o600)
        _net().save(path)  # an existing file keeps its permissions
        assert path.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(umask)


def test_every_refusal_is_the_public_model_file_error_with_path_and_reason(saved, tmp_path):
    """Issue 16: a non-model file raised the private ``_Refused``; callers catch
    ``gn.ModelFileError`` (still a ValueError) and read ``.path`` and ``.reason``."""
    text = tmp_path / "notes.txt"
    text.write_text("a,b\n1,2\n")
    cut = tmp_path / "cut.gnet"
    cut.write_bytes(saved.read_bytes()[:40])
    future = _rewrite(saved, tmp_path / "future.gnet",
                      edit_doc=lambda d: d.update(format_version=99))
    for path, reason in ((text, "not a readable zip archive"), (cut, "truncated"),
                         (future, "newer than")):
        with pytest.raises(gn.ModelFileError) as info:
            gn.load(path)
        assert type(info.value).__module__ == "glassnet.tools.saving"
        assert isinstance(info.value, ValueError)
        assert info.value.path == path and reason in info.value.reason
        assert str(info.value) == f"Cannot load {str(path)!r} as a glassnet model: " \
                                  f"{info.value.reason}"
    from glassnet.tools import saving

    assert "ModelFileError" in gn.__all__ and not hasattr(saving, "_Refused")
