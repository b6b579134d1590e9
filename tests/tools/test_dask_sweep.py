"""A hyper-parameter sweep beyond one machine: GridSearchCV through joblib's
Dask backend on a two-worker LocalCluster, compared with a serial run.

The recipe is documented in docs/sklearn.md ("Sweeps on a Dask cluster").
"""

import joblib
import numpy as np
from dask.distributed import Client, LocalCluster
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from glassnet.tools.sklearn import GlassClassifier

GRID = {
    "glassclassifier__hidden_layer_sizes": [(2,), (12,)],
    "glassclassifier__lr": [1e-4, 0.03],
}


def _search() -> GridSearchCV:
    pipe = make_pipeline(StandardScaler(), GlassClassifier(epochs=30, random_state=0))
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    return GridSearchCV(pipe, GRID, cv=cv, n_jobs=-1)


def test_dask_grid_search_matches_serial_run():
    X, y = load_iris(return_X_y=True)
    serial = _search().set_params(n_jobs=1).fit(X, y)

    with LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        dashboard_address=":0",  # any free port: a fixed 8787 fails when another run holds it
        memory_limit=0,
    ) as cluster, Client(cluster) as client:
        with joblib.parallel_backend("dask"):
            distributed_search = _search().fit(X, y)
        workers_used = len(client.scheduler_info()["workers"])

    assert workers_used == 2
    assert distributed_search.best_params_ == serial.best_params_
    # each fit is seeded, so every fold's score is the same number on either engine
    np.testing.assert_array_equal(
        distributed_search.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"]
    )
    assert serial.best_params_["glassclassifier__lr"] == 0.03
