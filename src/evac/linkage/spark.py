"""The model of `model.py` on Splink's Spark backend (`--engine spark`).

pyspark is an optional extra (`pip install 'evac[spark]'`) and needs a Java 17 runtime. The
model's SQL is DuckDB's; the few functions Spark writes otherwise (`SPARK_FUNCTIONS`) are
rewritten in every statement Splink sends, so there is one definition of the model for both
engines. The scored pairs come back to DuckDB (`model._in_duckdb`).
"""

import atexit
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from functools import cache

import pandas as pd
import pyarrow as pa
import sqlglot
from splink import Linker
from sqlglot import exp

from evac.linkage.dates import parse_birth_date
from evac.linkage.model import SPARK_FUNCTIONS, LinkInput, prepare_frame, settings

INSTALL = (
    "pip install 'evac[spark]' and a Java 17 runtime "
    "(Debian: apt-get install openjdk-17-jre-headless)"
)
JAVA_NEEDED = 17  # Spark 4 runs on Java 17 or later


class SparkUnavailable(RuntimeError):
    """pyspark or Java is missing; the message says what to install."""


def _java_version(java: str) -> int | None:
    """The major version of a `java` binary (8 for "1.8.0_292", 17 for "17.0.15")."""
    try:
        shown = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', shown.stderr + shown.stdout)
    if not found:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def require_spark() -> None:
    """Raise SparkUnavailable unless pyspark imports and a recent enough Java is there."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise SparkUnavailable(f"The Spark engine needs pyspark: {INSTALL}.") from None
    # pyspark starts $JAVA_HOME/bin/java, or the java on the PATH.
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    version = _java_version(java) if java else None
    if version is None:
        raise SparkUnavailable(f"The Spark engine needs Java, which was not found: {INSTALL}.")
    if version < JAVA_NEEDED:
        raise SparkUnavailable(
            f"The Spark engine needs Java {JAVA_NEEDED} or later, found {version}: {INSTALL}."
        )


@cache
def local_session():
    """One small local Spark for the process: starting its JVM takes seconds."""
    require_spark()
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    scratch = tempfile.mkdtemp(prefix="evac-spark-")
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("evac-linkage")
        .config("spark.jars", similarity_jar_location())  # jaro_winkler, damerau_levenshtein
        .config("spark.driver.memory", "1g")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))  # not in the cwd
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    # Splink writes each intermediate table to parquet here to cut Spark's lineage.
    spark.sparkContext.setCheckpointDir(os.path.join(scratch, "checkpoints"))
    return spark


_DUCKDB_ONLY = re.compile(rf"\b({'|'.join(SPARK_FUNCTIONS)})\s*\(", re.IGNORECASE)


def _in_spark(node: exp.Expression) -> exp.Expression:
    template = SPARK_FUNCTIONS.get(node.name.lower()) if isinstance(node, exp.Anonymous) else None
    if template is None:
        return node
    arguments = [argument.sql(dialect="spark") for argument in node.expressions]
    return exp.paren(sqlglot.parse_one(template.format(*arguments), read="spark"), copy=False)


def spark_sql(sql: str) -> str:
    """The model's DuckDB SQL, with Spark's forms of the functions the two write differently."""
    if not _DUCKDB_ONLY.search(sql):  # most of Splink's statements: leave them as they are
        return sql
    return sqlglot.parse_one(sql, read="spark").transform(_in_spark).sql(dialect="spark")


def _api(spark):
    from splink.backends.spark import SparkAPI

    class ModelSparkAPI(SparkAPI):
        """Splink's SparkAPI for the model: its DuckDB SQL rewritten, its frames typed."""

        def _setup_for_execute_sql(self, sql: str, physical_name: str) -> str:
            return super()._setup_for_execute_sql(spark_sql(sql), physical_name)

        def _table_registration(self, input, table_name: str) -> None:
            if isinstance(input, pd.DataFrame):  # Spark cannot type a column of nothing but None
                input = _from_parquet(self.spark, arrow_records(input), table_name)
            super()._table_registration(input, table_name)

    return ModelSparkAPI(spark_session=spark)


# Every field filled: the types Spark needs for a column that no record of an input fills.
# Real-looking values: names long enough to have their consonants compared (MIN_CONSONANTS);
# no placeholder (P1, +93700000000 are read as empty, and typeless); a date either way round
# (02/01/1990), so that its other reading has a type too; a paper tazkira, so that its
# registration number has one.
_FULL = LinkInput(
    "full", given_name="Rahmatullah", father_name="Abdulrahim", family_name="Shinwari",
    name_native="زمان ولد نبی", sex="M", birth=parse_birth_date("02/01/1990"), phone="+93700123456",
    passport_number="P04412345", tazkira_number="74/146/2401", province="Kabul",
    email="zaman@mail.af", household="h", siv_case="KBL2021123456",
)  # fmt: skip


def _from_parquet(spark, table: pa.Table, name: str):
    """The table as a Spark frame read from parquet in the checkpoint folder.

    A frame made in the driver stays a local relation that Spark copies whole into its plans:
    at 100,000 records that ran out of a 1 GB heap.
    """
    frame = spark.createDataFrame(table)
    folder = spark.sparkContext.getCheckpointDir()
    if folder is None:  # a session from elsewhere, without a checkpoint folder
        return frame
    path = f"{folder}/{name}-{uuid.uuid4().hex}"
    frame.write.parquet(path)
    return spark.read.parquet(path)


def arrow_records(frame: pd.DataFrame) -> pa.Table:
    """The prepared records with the types a full record has (an all-empty column has none)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    full = pa.Table.from_pandas(prepare_frame([_FULL]), preserve_index=False).schema
    schema = pa.schema(
        full.field(name) if name in full.names else table.schema.field(name)
        for name in table.column_names
    )
    return table.cast(schema)


def spark_linker(frame: pd.DataFrame, *, blocking_rules: list[str] | None = None, spark=None):
    """A Linker of the prepared records on Spark (the local one unless `spark` is given)."""
    # A session of its own: its tables do not meet those of an earlier run in this process.
    spark = (spark or local_session()).newSession()
    records = _api(spark).register(frame, table_name="link_records")
    return Linker(records, settings(blocking_rules=blocking_rules), log_level=None)
