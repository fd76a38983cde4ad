"""A table's rows as dicts, exactly as ``DataFrame.to_dict("records")`` gives them, at a
fraction of its cost.

pandas builds each row through ``itertuples`` (a column selection per column per call)
and boxes every cell: about 20 ms for one KPI frame of 40 rows and 50 columns, which a
trust overview of 300 schools pays 600 times over. Reading each column once as a list
gives the same values (numpy scalars as Python numbers, a missing string as NaN, pandas'
NA as None), in the same order.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _native(value: Any) -> Any:
    """What pandas' ``maybe_box_native`` makes of an object column's cell."""
    if value is pd.NA:
        return None
    if isinstance(value, np.generic) and not isinstance(value, (np.datetime64,
                                                                np.timedelta64)):
        return value.item()
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame.to_dict("records")``: one dict per row, column order kept."""
    if frame.columns.has_duplicates or not len(frame.columns):
        return frame.to_dict("records")
    columns = list(frame.columns)
    data = []
    for i in range(len(columns)):
        col = frame[columns[i]]
        values = col.tolist()
        if col.dtype == object:
            values = [_native(v) for v in values]
        data.append(values)
    return [dict(zip(columns, row, strict=True)) for row in zip(*data, strict=True)]
