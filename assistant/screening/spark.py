"""The same columnar engine on Spark: each partition of persons settled by `settle_table`.

Visits are shuffled so that every person's visits land in one partition (`repartition` on the
person), sorted there by person, date and the order they had in the input (a same-day tie keeps
its order, as the core keeps it), and handed to the engine as Arrow with `mapInArrow`. The
executors need this package and its knowledge files (ship the wheel, or `--py-files`); the rules
and numbers come from the packs there, exactly as on one machine. docs/SPARK.md says how to run it.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pyarrow as pa

SEQ = "_input_order"


def _spark_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_int64(arrow_type):
        return "bigint"
    if pa.types.is_int32(arrow_type):
        return "int"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_string(arrow_type):
        return "string"
    raise TypeError(arrow_type)


def output_ddl() -> str:
    from .engine import output_schema
    return ", ".join(f"`{field.name}` {_spark_type(field.type)}" for field in output_schema())


def _settle_partition(batches):
    """mapInArrow's function: the partition's visits (whole persons) in, person-years out."""
    from .engine import INPUT_SCHEMA, settle_table
    from .parquet import tune_allocator
    tune_allocator()
    batches = list(batches)
    if not batches:
        return
    table = pa.Table.from_batches(batches).drop_columns([SEQ])
    table = table.cast(pa.schema([INPUT_SCHEMA.field(name) for name in table.column_names]))
    yield from settle_table(table).to_batches()


def java_home() -> str | None:
    """JAVA_HOME if set, else the Debian Java 17 (Spark 4 needs 17 or newer)."""
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    for folder in sorted(Path("/usr/lib/jvm").glob("java-17-openjdk*")) + sorted(Path("/usr/lib/jvm").glob("*")):
        if (folder / "bin" / "java").exists():
            return str(folder)
    return None


def local_session(cores: int | None = None, app: str = "sanchong-screen"):
    """A local-mode SparkSession (one machine); on a cluster, get the session the platform gives."""
    home = java_home()
    if home:
        os.environ["JAVA_HOME"] = home
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the workers need this environment's packages
    from pyspark.sql import SparkSession
    return (SparkSession.builder.master(f"local[{cores or '*'}]").appName(app)
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "100000")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", str(max(2, (cores or os.cpu_count() or 2))))
            .getOrCreate())


def screen_dataframe(visits, partitions: int | None = None):
    """A DataFrame of visits (INPUT_SCHEMA's columns) → a DataFrame of person-years (output_schema)."""
    from pyspark.sql import functions as F
    ordered = visits.withColumn(SEQ, F.monotonically_increasing_id())  # the input's order, before shuffling
    spread = ordered.repartition(partitions, "person") if partitions else ordered.repartition("person")
    spread = spread.sortWithinPartitions("person", "date", SEQ)
    return spread.mapInArrow(_settle_partition, output_ddl())


def screen_parquet_spark(source, target, spark=None, partitions: int | None = None) -> None:
    """Parquet of visits → Parquet (a folder of parts, as Spark writes) of person-years."""
    spark = spark or local_session()
    visits = spark.read.parquet(str(source))
    screen_dataframe(visits, partitions).write.mode("overwrite").parquet(str(target))
