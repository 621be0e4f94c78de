"""State files written chunk by chunk: Parquet, CSV and NPZ, atomically.

Parquet and CSV hold one row per (object, time): ``norad_id``, ``time_utc``,
the frame's columns (see ``orbops.frames.express``) and ``code`` (the SGP4
error code; failed samples have empty/NaN values). NPZ holds arrays
``norad_id (n_sat,)``, ``name (n_sat,)``, ``time_utc (n_time,)`` and each
column shaped ``(n_sat, n_time)`` plus ``code``. Chunks must arrive
satellite-major (as ``orbops.propagation.stream`` yields them).
"""

from __future__ import annotations

import contextlib
import os
import zipfile
from pathlib import Path

import numpy as np

from ..errors import OrbopsError
from .atomic import atomic_path

__all__ = ["STATE_FORMATS", "state_format_of", "open_state_writer"]

STATE_FORMATS = ("parquet", "csv", "npz")


def state_format_of(path: str | os.PathLike, fmt: str | None = None) -> str:
    """The output format: ``fmt`` if given, else from the file extension."""
    if fmt:
        if fmt not in STATE_FORMATS:
            raise OrbopsError(f"unknown output format {fmt!r}: expected one of {', '.join(STATE_FORMATS)}")
        return fmt
    ext = Path(path).suffix.lower().lstrip(".")
    if ext in ("parquet", "pq"):
        return "parquet"
    if ext in STATE_FORMATS:
        return ext
    raise OrbopsError(f"cannot tell the output format of {str(path)!r}: use a .parquet, .csv or .npz "
                      "name, or --format")


class _TableWriter:
    """Long tables (Parquet or CSV) through pyarrow, one batch per chunk."""

    def __init__(self, tmp: Path, fmt: str, columns: list[str], norad_ids, times) -> None:
        import pyarrow as pa

        self.pa = pa
        self.norad_ids = np.asarray(norad_ids, dtype=np.int64)
        self.times = np.asarray(times, dtype="datetime64[ns]")
        fields = [pa.field("norad_id", pa.int64()), pa.field("time_utc", pa.timestamp("ns", tz="UTC"))]
        fields += [pa.field(c, pa.float64()) for c in columns] + [pa.field("code", pa.uint8())]
        self.schema = pa.schema(fields)
        self.columns = columns
        if fmt == "parquet":
            import pyarrow.parquet as pq

            # dictionaries only where they pay (ids and codes: one over float states is tried, found useless and
            # dropped, at the cost of the whole write again); LZ4, as small as zstd on states and twice as fast
            self.writer = pq.ParquetWriter(tmp, self.schema, compression="lz4", use_dictionary=["norad_id", "code"],
                                           write_statistics=["norad_id", "time_utc", "code"])
        else:
            import pyarrow.csv as pcsv

            self.writer = pcsv.CSVWriter(tmp, self.schema)

    def write(self, sats: slice, cols: slice, values: dict[str, np.ndarray], codes: np.ndarray) -> None:
        n_sat, n_time = codes.shape
        pa = self.pa
        times = self.times[sats, cols] if self.times.ndim == 2 else self.times[cols]
        t = np.broadcast_to(times, (n_sat, n_time)).reshape(-1)
        arrays = [pa.array(np.repeat(self.norad_ids[sats], n_time)),
                  pa.array(t, type=pa.timestamp("ns", tz="UTC"))]
        for c in self.columns:
            arrays.append(_nullable(pa, values[c].reshape(-1)))
        arrays.append(pa.array(codes.reshape(-1)))
        self.writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))

    def close(self) -> None:
        self.writer.close()


def _nullable(pa, values: np.ndarray):
    """A float64 arrow array with NaN as null (failed samples): the validity bitmap packed by numpy, the values
    shared (``pa.array(mask=...)`` is ten times slower); no bitmap at all when nothing is missing."""
    flat = np.ascontiguousarray(values, dtype=np.float64)
    missing = np.isnan(flat)
    count = int(missing.sum())
    if count == 0:
        return pa.array(flat)
    valid = np.packbits(~missing, bitorder="little")
    return pa.Array.from_buffers(pa.float64(), len(flat), [pa.py_buffer(valid), pa.py_buffer(flat)], null_count=count)


class _NpzWriter:
    """NPZ built from .npy members that grow chunk by chunk (C order, satellite-major)."""

    def __init__(self, tmp: Path, columns: list[str], norad_ids, names, times) -> None:
        self.tmp = tmp
        self.small = {"norad_id": np.asarray(norad_ids, dtype=np.int64),
                      "name": np.asarray(names, dtype=str),
                      "time_utc": np.asarray(times, dtype="datetime64[ns]")}
        shape = (len(self.small["norad_id"]), self.small["time_utc"].shape[-1])
        self.dir = Path(str(tmp) + ".parts")
        self.dir.mkdir()
        self.files = {}
        for name, dtype in [(c, np.float64) for c in columns] + [("code", np.uint8)]:
            fh = open(self.dir / f"{name}.npy", "wb")
            header = {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False,
                      "shape": shape}
            np.lib.format.write_array_header_2_0(fh, header)
            self.files[name] = (fh, dtype)

    def write(self, sats: slice, cols: slice, values: dict[str, np.ndarray], codes: np.ndarray) -> None:
        for name, (fh, dtype) in self.files.items():
            data = codes if name == "code" else values[name]
            fh.write(np.ascontiguousarray(data, dtype=dtype).tobytes())

    def close(self) -> None:
        for fh, _ in self.files.values():
            fh.close()
        with zipfile.ZipFile(self.tmp, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for name in self.files:
                zf.write(self.dir / f"{name}.npy", f"{name}.npy")
            for name, arr in self.small.items():
                with zf.open(f"{name}.npy", "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, arr, allow_pickle=False)

    def cleanup(self) -> None:
        for fh, _ in self.files.values():
            fh.close()
        for f in self.dir.glob("*"):
            f.unlink()
        self.dir.rmdir()


@contextlib.contextmanager
def open_state_writer(path, fmt: str, columns: list[str], norad_ids, names, times):
    """A writer with ``write(sat_slice, time_slice, values, codes)``, fed satellite-major.

    ``values`` maps each of ``columns`` to an ``(n, m)`` array for the chunk.
    The file appears at ``path`` atomically when the block ends without error.
    """
    with atomic_path(path) as tmp:
        if fmt == "npz":
            writer = _NpzWriter(tmp, columns, norad_ids, names, times)
            try:
                yield writer
                writer.close()
            finally:
                writer.cleanup()
        else:
            writer = _TableWriter(tmp, fmt, columns, norad_ids, times)
            try:
                yield writer
            finally:
                writer.close()
