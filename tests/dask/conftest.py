"""One local Dask cluster for the Dask tests: two single-threaded worker processes (a
real worker can be killed), started once for the package."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="package")
def client():
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        yield client
