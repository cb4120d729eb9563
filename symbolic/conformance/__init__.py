"""`symbolic conformance`: the matrix functions × implementations × dtypes × directions,
each cell graded exactly as `symbolic grade` grades it, as chunk tasks on Dask.

The stages, one module each: `cells` (the plan: which cells, which are n/a and why, the
parameters that decide a cell's result, how a cell is cut into chunks), `tasks` (what a
Dask worker runs: one chunk, then the merge of a cell's chunks in chunk order), `store`
(cells written atomically, and found again when a run is resumed), `engine` (the Dask
client: a local cluster or an existing scheduler, submission, progress) and `report` (the
report model, the Jinja2 rendering, the summary JSON).
"""
