"""Hostile model files beyond tests/tools/test_saving.py: zip bombs and lying headers,
path-traversal names, names that must never be imported, forged zip flags, and
a save interrupted half-way through writing an array.

test_saving.py already covers: a pickle instead of a zip, an object-array member,
truncated and bit-flipped files, wrong/future/odd format versions, names outside
the registries, JSON-vs-array shape and dtype mismatches, a missing member, a
zip that is not a model, invalid JSON, and an injected failure during save.
"""

import io
import json
import os
import struct
import sys
import zipfile

import numpy as np
import pytest

import glassnet as gn
import glassnet.tools.saving as gio
from glassnet import resources


def _model(tmp_path):
    net = gn.Network([gn.Dense(3, 4, "tanh"), gn.Dropout(0.5), gn.Dense(4, 2)], seed=1)
    net.fit(np.ones((4, 3)), np.zeros((4, 2)), epochs=1, optimizer="adam")
    path = tmp_path / "good.gnet"
    net.save(path)
    return net, path


def _members(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _npy_header(shape, dtype="<f8"):
    """A valid .npy header declaring ``shape``, without the data."""
    buffer = io.BytesIO()
    header = {"descr": dtype, "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(buffer, header)
    return buffer.getvalue()


def test_a_header_declaring_terabytes_over_a_few_bytes_is_refused_before_allocating(tmp_path):
    _, good = _model(tmp_path)
    members = _members(good)
    doc = json.loads(members["model.json"])
    doc["arrays"]["params"]["shape"] = [2**40]  # the JSON agrees with the lying header
    members["model.json"] = json.dumps(doc)
    members["arrays/params.npy"] = _npy_header((2**40,)) + b"\0" * 64
    with pytest.raises(ValueError) as err:
        gn.load(_write(tmp_path / "liar.gnet", members))
    message = str(err.value)
    assert "declares shape (1099511627776,)" in message
    assert "8,796,093,022,208 bytes of data" in message and "holds 64 bytes" in message


def test_a_member_too_big_for_memory_is_refused_with_its_size(tmp_path, monkeypatch):
    # A real zip bomb: 64 MiB of zeros that deflate to about 64 KiB. The memory
    # budget is shrunk so the guard trips without needing gigabytes.
    _, good = _model(tmp_path)
    members = _members(good)
    n = 8 * 2**20
    doc = json.loads(members["model.json"])
    doc["arrays"]["params"]["shape"] = [n]
    members["model.json"] = json.dumps(doc)
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.zeros(n))
    members["arrays/params.npy"] = buffer.getvalue()
    bomb = _write(tmp_path / "bomb.gnet", members)
    assert bomb.stat().st_size < 2**20
    monkeypatch.setattr(resources, "MIN_BUDGET_BYTES", 0)
    monkeypatch.setattr(resources, "available_bytes", lambda: 2**20)
    with pytest.raises(ValueError, match=r"arrays/params.npy would need about 64.0 MiB.*1.0 MiB"):
        gn.load(bomb)


def test_a_huge_model_json_is_refused_before_it_is_read(tmp_path, monkeypatch):
    _, good = _model(tmp_path)
    members = _members(good)
    doc = json.loads(members["model.json"])
    doc["metadata"] = {"padding": " " * (4 * 2**20)}
    members["model.json"] = json.dumps(doc)
    path = _write(tmp_path / "fat.gnet", members)
    monkeypatch.setattr(resources, "MIN_BUDGET_BYTES", 0)
    monkeypatch.setattr(resources, "available_bytes", lambda: 2**20)
    with pytest.raises(ValueError, match="model.json would need about 4.0 MiB"):
        gn.load(path)


@pytest.mark.parametrize("name", ["../../evil", "/etc/passwd", "a/../../b", "..", "x\\..\\y"])
def test_array_names_that_are_paths_are_refused(tmp_path, name):
    _, good = _model(tmp_path)
    members = _members(good)
    doc = json.loads(members["model.json"])
    doc["arrays"][name] = {"dtype": "<f8", "shape": [1]}
    members["model.json"] = json.dumps(doc)
    members[f"arrays/{name}.npy"] = members["arrays/params.npy"]
    with pytest.raises(ValueError, match="is not a plain name like 'params'"):
        gn.load(_write(tmp_path / "traversal.gnet", members))


def test_path_traversal_members_are_never_extracted(tmp_path):
    # load reads members into memory and never writes to disk: extra members
    # named like paths out of the folder are refused, and nothing appears there.
    net, good = _model(tmp_path)
    inner = tmp_path / "inner"
    inner.mkdir()
    members = _members(good)
    target = tmp_path / "escaped.txt"
    members["../escaped.txt"] = b"owned"
    members[str(target)] = b"owned"
    path = _write(inner / "traversal.gnet", members)
    before = sorted(os.listdir(tmp_path)), sorted(os.listdir(inner))
    with pytest.raises(ValueError, match="member '../escaped.txt' that is not part of"):
        gn.load(path)
    assert (sorted(os.listdir(tmp_path)), sorted(os.listdir(inner))) == before
    assert not target.exists()


PROBE = "glassnet_hostile_probe"


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["network"]["layers"][0].update(type=PROBE),
        lambda d: d["network"]["layers"][0].update(type=f"{PROBE}.Layer"),
        lambda d: d["network"]["layers"][0].update(activation=f"{PROBE}.act"),
        lambda d: d["network"]["layers"][0].update(init=PROBE),
        lambda d: d.update(loss={"name": PROBE, "config": {}}),
        lambda d: d["optimizer"].update(name=f"{PROBE}:Opt"),
    ],
    ids=["layer", "dotted-layer", "activation", "init", "loss", "optimizer"],
)
def test_unknown_names_are_refused_and_never_imported(tmp_path, monkeypatch, edit):
    # A module that would leave a mark if anything imported it.
    mark = tmp_path / "imported.txt"
    (tmp_path / f"{PROBE}.py").write_text(
        f"open({str(mark)!r}, 'w').write('imported')\nclass Layer: pass\n"
        "def act(z): return z\nclass Opt: pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    _, good = _model(tmp_path)
    members = _members(good)
    doc = json.loads(members["model.json"])
    edit(doc)
    members["model.json"] = json.dumps(doc)
    with pytest.raises(ValueError, match=PROBE):
        gn.load(_write(tmp_path / "probe.gnet", members))
    assert PROBE not in sys.modules
    assert not mark.exists()


def test_structured_and_string_arrays_are_refused(tmp_path):
    _, good = _model(tmp_path)
    members = _members(good)
    doc = json.loads(members["model.json"])
    for i, array in enumerate([np.zeros(3, dtype=[("a", "<f8")]), np.array(["1.0", "2.0"])]):
        buffer = io.BytesIO()
        np.lib.format.write_array(buffer, array)
        doc["arrays"]["params"] = {"dtype": array.dtype.str, "shape": list(array.shape)}
        members["model.json"] = json.dumps(doc)
        members["arrays/params.npy"] = buffer.getvalue()
        with pytest.raises(ValueError, match="cannot be read safely.*not numbers"):
            gn.load(_write(tmp_path / f"odd{i}.gnet", members))


def _set_flag_and_method(data, member, flag=0, method=None):
    """Forge a member's general-purpose flags / compression method in both headers."""
    data = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(member)
    local = info.header_offset
    central = next(
        i for i in range(len(data)) if data.startswith(b"PK\x01\x02", i)
        and data[i + 46 : i + 46 + len(member)] == member.encode()
    )
    for offset, flag_at, method_at in ((local, 6, 8), (central, 8, 10)):
        old_flag = struct.unpack_from("<H", data, offset + flag_at)[0]
        struct.pack_into("<H", data, offset + flag_at, old_flag | flag)
        if method is not None:
            struct.pack_into("<H", data, offset + method_at, method)
    return bytes(data)


@pytest.mark.parametrize("forge", [{"flag": 0x1}, {"method": 99}], ids=["encrypted", "method-99"])
def test_forged_zip_flags_are_refused_with_a_sentence(tmp_path, forge):
    _, good = _model(tmp_path)
    bad = tmp_path / "forged.gnet"
    bad.write_bytes(_set_flag_and_method(good.read_bytes(), "model.json", **forge))
    with pytest.raises(ValueError, match="its zip archive cannot be read"):
        gn.load(bad)


@pytest.mark.parametrize("when", [1, 2, 3])
def test_a_save_interrupted_mid_array_leaves_the_old_file(tmp_path, monkeypatch, when):
    net, path = _model(tmp_path)
    before = path.read_bytes()
    net.fit(np.ones((4, 3)), np.ones((4, 2)), epochs=3, optimizer="adam")
    real_write_array = np.lib.format.write_array
    calls = []

    def interrupted(f, array, *args, **kwargs):
        calls.append(1)
        if len(calls) == when:  # half the bytes of this array, then Ctrl-C
            f.write(np.ascontiguousarray(array).tobytes()[: array.nbytes // 2])
            raise KeyboardInterrupt
        return real_write_array(f, array, *args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", interrupted)
    with pytest.raises(KeyboardInterrupt):
        net.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["good.gnet"]
    assert gio.load(path).params.tobytes() != net.params.tobytes()  # still the old model
