import gzip
import struct
import sys

import numpy as np
import pytest
from sklearn import datasets as skd

from glassnet.tools import datasets as gd

# -- toy sets and generators ---------------------------------------------------


def test_toy_sets_are_the_tutorials_arrays():
    X, y = gd.ray()
    assert X.tolist() == [[1, 0, 1, 0], [1, 0, 1, 1], [0, 1, 0, 1]]
    assert y.tolist() == [[1], [1], [0]]
    assert gd.walkthrough().X.tolist() == [[1, 0, 0, 0], [1, 0, 1, 1], [0, 1, 0, 1]]
    X, y = gd.loy()
    assert X.tolist() == [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]]
    assert y.ravel().tolist() == [0, 1, 1, 0]


def test_toy_sets_are_copies():
    gd.ray().X[0, 0] = 99
    assert gd.ray().X[0, 0] == 1


def test_xor_truth_table_and_noise():
    X, y = gd.xor()
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == [0, 1, 1, 0]
    Xn, yn = gd.xor(400, noise=0.1, random_state=0)
    assert Xn.shape == (400, 2) and np.bincount(yn).tolist() == [200, 200]
    corner = np.rint(Xn)
    assert ((corner[:, 0] != corner[:, 1]) == yn.astype(bool)).mean() > 0.99


@pytest.mark.parametrize("n", [10, 11, 200])
def test_moons_match_scikit_learn_without_noise(n):
    X, y = gd.moons(n, shuffle=False)
    Xs, ys = skd.make_moons(n, shuffle=False)
    np.testing.assert_allclose(X, Xs, atol=1e-15)
    assert (y == ys).all()


@pytest.mark.parametrize("n", [10, 11, 200])
def test_circles_match_scikit_learn_without_noise(n):
    X, y = gd.circles(n, shuffle=False, factor=0.5)
    Xs, ys = skd.make_circles(n, shuffle=False, factor=0.5)
    np.testing.assert_allclose(X, Xs, atol=1e-15)
    assert (y == ys).all()


def test_generators_are_seeded_and_shuffled():
    a, b = gd.moons(100, noise=0.2, random_state=3), gd.moons(100, noise=0.2, random_state=3)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    c = gd.moons(100, noise=0.2, random_state=4)
    assert not np.array_equal(a.X, c.X)
    assert a.y[:50].tolist() != [0] * 50  # shuffled, not class 0 first
    noisy_radius = np.hypot(*gd.circles(400, noise=0.05, random_state=1).X.T)
    assert 0.05 < noisy_radius.std() < 0.2


def test_generators_leave_global_numpy_state_alone():
    np.random.seed(5)
    expected = np.random.uniform()
    np.random.seed(5)
    gd.moons(50, noise=0.1, random_state=1)
    gd.blobs(50, random_state=1)
    gd.spirals(50, noise=0.1, random_state=1)
    assert np.random.uniform() == expected


def test_blobs_counts_and_centres():
    centers = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    X, y = gd.blobs(301, centers=centers, cluster_std=0.5, random_state=0)
    assert np.bincount(y).tolist() == [101, 100, 100]
    for k in range(3):
        np.testing.assert_allclose(X[y == k].mean(axis=0), centers[k], atol=0.15)
        assert ((0.4 < X[y == k].std(axis=0)) & (X[y == k].std(axis=0) < 0.6)).all()
    data = gd.blobs(40, centers=4, n_features=5, random_state=1)
    assert data.X.shape == (40, 5) and data.n_classes == 4
    assert data.class_names == ("0", "1", "2", "3")


def test_spirals_radius_and_arms():
    X, y = gd.spirals(300, n_classes=3, shuffle=False)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.bincount(y).tolist() == [100, 100, 100]
    assert r.max() == pytest.approx(1.0) and r.min() > 0
    # arm k starts at angle 2πk/3 (t small, angle ≈ offset)
    first = [np.arctan2(X[y == k][0, 1], X[y == k][0, 0]) % (2 * np.pi) for k in range(3)]
    np.testing.assert_allclose(first, np.array([0, 2, 4]) * np.pi / 3 + 2 * np.pi / 100,
                               atol=1e-12)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: gd.moons(0), "n_samples"),
        (lambda: gd.moons(10, noise=-1), "noise"),
        (lambda: gd.circles(10, factor=1.5), "factor"),
        (lambda: gd.spirals(10, n_classes=1), "n_classes"),
        (lambda: gd.blobs(10, centers=np.zeros(3)), "centers"),
    ],
)
def test_generator_arguments_are_checked(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# -- scikit-learn's bundled sets -------------------------------------------------


@pytest.mark.parametrize(
    "name, shape, n_classes",
    [("iris", (150, 4), 3), ("digits", (1797, 64), 10), ("wine", (178, 13), 3),
     ("breast_cancer", (569, 30), 2), ("diabetes", (442, 10), None)],
)
def test_sklearn_sets(name, shape, n_classes):
    data = getattr(gd, name)()
    reference = getattr(skd, f"load_{name}")()
    assert data.X.shape == shape and data.n_classes == n_classes
    np.testing.assert_array_equal(data.X, reference.data)
    np.testing.assert_array_equal(data.y, reference.target)
    assert len(data.feature_names) == shape[1]


def test_sklearn_missing_gives_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(ImportError, match=r"pip install glassnet\[sklearn\]"):
        gd.iris()


# -- load_csv --------------------------------------------------------------------


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_string_labels_become_codes(tmp_path):
    path = write(tmp_path, "a,b,species\n1,2.5,setosa\n3,-4e-1,virginica\n\n5,6,setosa\n")
    data = gd.load_csv(path, target="species")
    assert data.X.tolist() == [[1, 2.5], [3, -0.4], [5, 6]]
    assert data.y.tolist() == [0, 1, 0] and data.y.dtype == np.int64
    assert data.class_names == ("setosa", "virginica")
    assert data.feature_names == ("a", "b") and data.target_name == "species"
    X, y = data
    assert X is data.X and y is data.y


def test_csv_numeric_target_default_last_column(tmp_path):
    path = write(tmp_path, "y,x1,x2\n0.5,1,2\n1.5,3,4\n")
    data = gd.load_csv(path)
    assert data.target_name == "x2" and data.y.tolist() == [2.0, 4.0]
    assert data.class_names is None
    data = gd.load_csv(path, target=0)
    assert data.y.tolist() == [0.5, 1.5] and data.X.tolist() == [[1, 2], [3, 4]]


def test_csv_numeric_labels_as_classes_sorted_numerically(tmp_path):
    path = write(tmp_path, "x,label\n1,10\n2,9\n3,10\n")
    data = gd.load_csv(path, target="label", categorical=True)
    assert data.class_names == ("9", "10") and data.y.tolist() == [1, 0, 1]


def test_csv_quoted_fields_and_other_delimiter(tmp_path):
    path = write(tmp_path, 'x;"the label"\n1;"a;b"\n2;c\n')
    data = gd.load_csv(path, target="the label", delimiter=";")
    assert data.class_names == ("a;b", "c")


@pytest.mark.parametrize(
    "text, kwargs, match",
    [
        ("", {}, "is empty: expected a header row"),
        ("\n\n", {}, "is empty"),
        ("a,b,c\n", {}, r"header row \(a, b, c\) but no data rows"),
        ("a,b\n1,2\n", {"target": "c"}, "has no column 'c'; its columns are a, b"),
        ("a,b\n1,2\n", {"target": 5}, "out of range"),
        ("a,b,c\n1,2,3\n4,5,6,7\n", {}, r"line 3, saw 4"),  # a short row: empty cells
        ("a,b,c\n1,2,3\n4,5\n", {}, r"line 3 \(data row 2\), column 3 \('c'\)"),
        ("a,b,c\n1,2,3\n4,x,6\n", {}, r"line 3 \(data row 2\), column 2 \('b'\) holds 'x'"),
        ("a,b,c\n1,,3\n", {}, r"line 2 \(data row 1\), column 2 \('b'\) is empty"),
        ("a,b,c\n1,nan,3\n", {}, r"column 2 \('b'\) holds 'nan', which is not a finite"),
        ("a,b,c\n\n1,2,3\n\n4,5,x\n", {"categorical": False},
         r"line 5 \(data row 2\), column 3 \('c'\)"),
        ("a,a,c\n1,2,3\n", {}, "more than once"),
        ("a\n1\n", {}, "only one column"),
    ],
)
def test_csv_errors_name_line_and_column(tmp_path, text, kwargs, match):
    with pytest.raises(ValueError, match=match):
        gd.load_csv(write(tmp_path, text), **kwargs)


def test_csv_empty_class_label(tmp_path):
    with pytest.raises(ValueError, match=r"line 3 \(data row 2\), column 2 \('k'\)"):
        gd.load_csv(write(tmp_path, "a,k\n1,x\n2,\n"), target="k")


def test_csv_target_type_checked(tmp_path):
    with pytest.raises(TypeError, match="column name or index"):
        gd.load_csv(write(tmp_path, "a,b\n1,2\n"), target=1.5)


# -- load_idx --------------------------------------------------------------------


def idx_bytes(array, type_byte):
    header = bytes([0, 0, type_byte, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.tobytes()


def test_idx_images_uint8(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    path = tmp_path / "images-idx3-ubyte"
    path.write_bytes(idx_bytes(images, 0x08))
    out = gd.load_idx(path)
    assert out.shape == (2, 3, 4) and out.dtype == np.uint8
    np.testing.assert_array_equal(out, images)


def test_idx_gzip_labels(tmp_path):
    labels = np.array([5, 0, 4, 1, 9], dtype=np.uint8)
    path = tmp_path / "labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(labels, 0x08)))
    assert gd.load_idx(path).tolist() == [5, 0, 4, 1, 9]


@pytest.mark.parametrize(
    "dtype, code",
    [(">i1", 0x09), (">i2", 0x0B), (">i4", 0x0C), (">f4", 0x0D), (">f8", 0x0E)],
)
def test_idx_big_endian_types(tmp_path, dtype, code):
    values = np.array([[-3, 2], [1000 if dtype != ">i1" else 100, -1]]).astype(dtype)
    path = tmp_path / "x.idx"
    path.write_bytes(idx_bytes(values, code))
    out = gd.load_idx(path)
    assert out.dtype.isnative and out.tolist() == values.tolist()


def test_idx_errors(tmp_path):
    bad = tmp_path / "bad"
    bad.write_bytes(b"PK\x03\x04junk")
    with pytest.raises(ValueError, match="is not an IDX file"):
        gd.load_idx(bad)
    short = tmp_path / "short"
    short.write_bytes(idx_bytes(np.zeros((2, 2), np.uint8), 0x08)[:-1])
    with pytest.raises(ValueError, match=r"declares shape \(2, 2\).*holds 3 bytes"):
        gd.load_idx(short)


def test_digits_images_are_the_digits_rows_as_nchw_images():
    rows, images = gd.digits(), gd.digits_images()
    assert images.X.shape == (1797, 1, 8, 8)
    np.testing.assert_array_equal(images.X.reshape(1797, 64), rows.X)
    np.testing.assert_array_equal(images.y, rows.y)
    assert images.class_names == rows.class_names


def test_tutorial_text_ships_with_the_package():
    text = gd.tutorial_text()
    assert 3000 < len(text) < 5000 and text.isascii()
    assert text.startswith("You can learn and practice a concept in two ways:")
