"""The domain of ringcheck: types (`model`), name comparison (`names`), the delivery rules
(`delivery`) and the verdict (`judge`). Imports nothing of ours outside this package and does
no I/O; import from the submodules.
"""
