"""The Spark engine runs the DuckDB engine's model: same pairs, same scores, same persons."""

import csv
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from evac.auth.permissions import cli_actor
from evac.cli import app
from evac.linkage.cluster import cluster
from evac.linkage.evaluation import pairwise_quality, read_truth
from evac.linkage.files import read_inputs
from evac.linkage.model import ScoredPairs, explain, prepare_frame, score
from evac.linkage.service import run_linkage
from evac.linkage.spark import SparkUnavailable, local_session, require_spark
from tests.linkage.test_resolution import crowd, person_of, register


@pytest.fixture(scope="session")
def spark():
    """One local Spark for the test session: each JVM start costs many seconds."""
    return local_session()


# One man six times, to reach every level whose SQL differs between the engines: Tamim and
# Tamin are near only by Jaro-Winkler (Jaro 0.87), the tazkiras two transpositions apart
# (Damerau-Levenshtein 2, Levenshtein 4), word sets overlap, swap fields or hold the given name.
SAME_MAN = [
    dict(given_name="Tamim", father_name="Sharifullah", family_name="Stanekzai", sex="M",
         date_of_birth="1990-03-04", phone="+93700111999", tazkira_number="1537264"),
    dict(given_name="Tamin", father_name="Sharafullah", family_name="Stanekzai", sex="M",
         date_of_birth="1990-03-04", phone="0700111999", tazkira_number="5137624"),
    dict(given_name="Mohammad Tamim", father_name="Sharifullah", date_of_birth="1369",
         family_name="Stanekzai Ahmadzai", full_name_native="محمد تمیم", phone="0700111999"),
    dict(given_name="Stanakzai", family_name="Tamin", full_name_native="تمیم",
         date_of_birth="1990", phone="0093700111999"),  # swapped, each a little misspelt
    dict(family_name="Tamim", father_name="Sharifullah", date_of_birth="1990-03-04",
         phone="0700111999"),
    dict(given_name="Tamim Naweed", father_name="Sharifullah", date_of_birth="1990-03-04"),
]  # fmt: skip


def append_rows(path: Path, rows: list[dict]) -> None:
    with path.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with path.open("a", newline="", encoding="utf-8") as handle:
        csv.DictWriter(handle, header, restval="").writerows(rows)


@pytest.fixture(scope="module")
def labelled(tmp_path_factory) -> Path:
    """A few dozen synthetic registrations with their truth: spellings, calendars, typos."""
    folder = tmp_path_factory.mktemp("scenario")
    result = CliRunner().invoke(
        app, ["scenario", "generate", "--persons", "40", "--seed", "5", "--out", str(folder)]
    )
    assert result.exit_code == 0, result.output
    ids = [f"same-man-{n}" for n in range(len(SAME_MAN))]
    append_rows(
        folder / "linkage-input.csv",
        [{"record_id": i, **r} for i, r in zip(ids, SAME_MAN, strict=True)],
    )
    append_rows(folder / "truth.csv", [{"record_id": i, "person_id": "same-man"} for i in ids])
    return folder


@pytest.fixture(scope="module")
def scored(labelled, spark) -> tuple[pd.DataFrame, ScoredPairs, ScoredPairs]:
    """The prepared records, scored by DuckDB and by Spark."""
    inputs, _ = read_inputs(labelled / "linkage-input.csv")
    frame = prepare_frame(inputs)
    return frame, score(frame), score(frame, engine="spark")


def pairs(scored: ScoredPairs) -> pd.DataFrame:
    table = scored.connection.execute(f"SELECT * FROM {scored.table}").df()
    return table.sort_values(["unique_id_l", "unique_id_r"], ignore_index=True)


def test_spark_scores_every_candidate_pair_as_duckdb_does(scored):
    _, duck, spark = scored
    on_duckdb, on_spark = pairs(duck), pairs(spark)
    assert len(on_duckdb) > 10, "too few candidate pairs to compare the engines"
    assert list(on_spark.columns) == list(on_duckdb.columns)
    pd.testing.assert_frame_equal(
        on_spark[["unique_id_l", "unique_id_r"]], on_duckdb[["unique_id_l", "unique_id_r"]]
    )
    # Every comparison level reached (jaro_winkler, damerau_levenshtein, array overlap) agrees.
    levels = [c for c in on_duckdb.columns if c.startswith("gamma_")]
    pd.testing.assert_frame_equal(on_spark[levels], on_duckdb[levels], check_dtype=False)
    # Under 1,000 records u keeps its priors, so the weights agree to rounding.
    assert on_spark["match_weight"].to_numpy() == pytest.approx(on_duckdb["match_weight"], abs=1e-6)
    wanted = list(zip(on_duckdb["unique_id_l"], on_duckdb["unique_id_r"], strict=True))
    explained = explain(duck, wanted)
    assert explain(spark, wanted) == explained
    reached = {(name, e["level"]) for pair in explained.values() for name, e in pair.items()}
    assert {
        ("given_key", "near spelling"),  # jaro_winkler_similarity / jaro_winkler
        ("given_key", "a word in common"),  # list_has_any / arrays_overlap
        ("given_key", "given and family name swapped"),
        ("given_key", "given name found in another field or glued"),  # list_has_all
        ("native_key", "a word in common"),
        ("tazkira", "a typing error apart"),  # damerau_levenshtein on both
    } <= reached, "the data no longer reaches the levels whose SQL differs between engines"


def test_spark_finds_the_same_persons_as_duckdb(scored, labelled):
    frame, duck, spark = scored
    persons = {
        name: cluster(s, frame).cluster_of for name, s in [("duckdb", duck), ("spark", spark)]
    }
    assert persons["spark"] == persons["duckdb"]
    truth = read_truth(labelled / "truth.csv", list(frame["record_id"]))
    _, _, f1 = pairwise_quality(persons["spark"], truth)
    assert f1 > 0.7  # 0.86 on this file; far lower would mean both engines compare nothing
    same_man = frame.index[frame["record_id"].str.startswith("same-man")]
    assert len({persons["spark"][n] for n in same_man}) == 1


def clusters_written(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {row["record_id"]: row["cluster_id"] for row in csv.DictReader(handle)}


def test_link_file_with_engine_spark_writes_the_duckdb_clusters(labelled, spark, tmp_path):
    source = labelled / "linkage-input.csv"
    runner = CliRunner()
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"{engine}.csv"
        result = runner.invoke(
            app, ["link", "file", str(source), "--out", str(out), "--engine", engine]
        )
        assert result.exit_code == 0, result.output
    written = clusters_written(tmp_path / "spark.csv")
    inputs, _ = read_inputs(source)
    assert sorted(written) == sorted(i.record_id for i in inputs)
    assert written == clusters_written(tmp_path / "duckdb.csv")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # Spark is the subject
def test_incremental_link_run_on_spark_joins_the_known_person(session, cipher, spark):
    actor = cli_actor()
    crowd(session, cipher)
    known = register(session, cipher, "ngo", given_name="Mohammad", father_name="Abdul Rahman",
                     sex="M", birth_year=1986, tazkira_number="1365-0401-12345")  # fmt: skip
    session.commit()
    run_linkage(session, cipher=cipher, actor=actor)
    again = register(session, cipher, "self", given_name="Haji Mohammed",
                     father_name="Abdorrahman", sex="M", birth_year=1986,
                     tazkira_number="1365 0401 12345")  # fmt: skip
    session.commit()
    # Only pairs touching the new registration are scored (`is_new` in the blocking rules).
    summary = run_linkage(session, cipher=cipher, actor=actor, engine="spark")
    session.commit()
    assert (summary.new_registrations, summary.persons_created) == (1, 0)
    assert person_of(session, again) == person_of(session, known) is not None


def test_engine_spark_without_java_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))  # no bin/java there
    source = tmp_path / "in.csv"
    source.write_text("record_id,given_name\n1,Zaman\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["link", "file", str(source), "--out", str(tmp_path / "o.csv"), "--engine", "spark"]
    )
    assert result.exit_code == 2
    assert "pip install 'evac[spark]'" in result.output and "Java" in result.output
    assert not (tmp_path / "o.csv").exists()


def test_engine_spark_without_pyspark_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # `import pyspark` now fails
    with pytest.raises(SparkUnavailable, match=r"needs pyspark: pip install 'evac\[spark\]'"):
        require_spark()
