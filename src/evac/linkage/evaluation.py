"""Measure linkage against a truth: pairwise precision, recall, F1, recall of blocking.

Also the two baselines every figure is set against: exact matching on the written fields, and
Splink with its default comparisons on raw names (no name preparation).
"""

import csv
import dataclasses
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink import comparison_library as cl

from evac.linkage.files import link_inputs, read_inputs
from evac.linkage.model import BLOCKING_RULES, FAMILY_RULE, LinkInput, prepare_frame
from evac.scenario.files import LINK_FILE, TRUTH_FILE


@dataclass(frozen=True)
class Quality:
    method: str
    precision: float
    recall: float
    f1: float
    seconds: float
    blocking_recall: float | None = None

    def row(self) -> str:
        blocking = f"{self.blocking_recall:.4f}" if self.blocking_recall is not None else "-"
        return (
            f"| {self.method} | {self.precision:.4f} | {self.recall:.4f} | {self.f1:.4f} "
            f"| {blocking} | {self.seconds:.1f} |"
        )


def pair_count(labels: Sequence) -> int:
    sizes: dict = defaultdict(int)
    for label in labels:
        sizes[label] += 1
    return sum(n * (n - 1) // 2 for n in sizes.values())


def pairwise_quality(predicted: Sequence, truth: Sequence) -> tuple[float, float, float]:
    """Precision, recall and F1 over all pairs of records, as the literature counts them."""
    both = pair_count([(p, t) for p, t in zip(predicted, truth, strict=True)])
    found, true = pair_count(predicted), pair_count(truth)
    precision = both / found if found else 1.0
    recall = both / true if true else 1.0
    f1 = 2 * both / (found + true) if found + true else 1.0
    return precision, recall, f1


def blocking_recall(frame: pd.DataFrame, truth: Sequence, rules: Iterable[str]) -> float:
    """The share of true pairs that at least one blocking rule puts up for comparison."""
    connection = duckdb.connect()
    records = frame.assign(entity=list(truth))
    connection.register("records", records)
    condition = " OR ".join(f"({rule})" for rule in rules)
    total, blocked = connection.execute(
        f"""
        SELECT count(*), count(*) FILTER (WHERE {condition})
        FROM records l JOIN records r ON l.entity = r.entity AND l.unique_id < r.unique_id
        """
    ).fetchone()
    connection.close()
    return blocked / total if total else 1.0


def _timed(method: str, truth: Sequence, run: Callable[[], Sequence]) -> Quality:
    started = time.perf_counter()
    predicted = run()
    seconds = time.perf_counter() - started
    return Quality(method, *pairwise_quality(predicted, truth), seconds)


def exact_match_clusters(inputs: Sequence[LinkInput]) -> list[str]:
    """Records equal in every written name field and date of birth are one person."""
    first: dict[tuple, str] = {}
    clusters = []
    for item in inputs:
        names = (item.given_name, item.father_name, item.family_name, item.full_name)
        key = (*((value or "").strip().lower() for value in names), item.birth)
        clusters.append(first.setdefault(key, item.record_id))
    return clusters


def splink_default_clusters(inputs: Sequence[LinkInput], *, threshold: float = 0.95) -> list:
    """Splink as its documentation sets it up: default comparisons on raw names, EM training."""
    frame = pd.DataFrame(
        {
            "unique_id": range(len(inputs)),
            "given_name": [(i.given_name or i.full_name or "").lower() or None for i in inputs],
            "father_name": [(i.father_name or "").lower() or None for i in inputs],
            "family_name": [(i.family_name or "").lower() or None for i in inputs],
            "birth_year": [i.birth.year_low if i.birth else None for i in inputs],
            "dob": [
                i.birth.exact.isoformat() if i.birth and i.birth.exact else None for i in inputs
            ],
            "phone": [i.phone for i in inputs],
            "document": [i.tazkira_number or i.passport_number for i in inputs],
        }
    )
    comparisons = [
        cl.NameComparison("given_name"),
        cl.NameComparison("father_name"),
        cl.NameComparison("family_name"),
        cl.ExactMatch("birth_year"),
        cl.ExactMatch("dob"),
        cl.ExactMatch("phone"),
        cl.ExactMatch("document"),
    ]
    # A family name alone blocks the commonest names (Ahmadi, Hotak) into quadratic blocks that
    # fill the disk at a million records: with the birth year, blocks stay small.
    rules = [block_on("given_name", "birth_year"), block_on("family_name", "birth_year"),
             block_on("phone"), block_on("document"), block_on("dob")]  # fmt: skip
    model = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
    )
    connection = duckdb.connect()
    linker = Linker(DuckDBAPI(connection=connection).register(frame), model, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("document")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name"))
    labels = splink_cluster_labels(linker, threshold=threshold, ids=range(len(inputs)))
    connection.close()
    return labels


def splink_cluster_labels(linker: Linker, *, threshold: float, ids: Iterable) -> list:
    """A trained Splink model's clusters at `threshold`: one label per id, in order (a record
    in no predicted pair is a cluster of its own)."""
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    ).as_pandas_dataframe()
    cluster_of = dict(zip(clusters["unique_id"], clusters["cluster_id"], strict=True))
    return [cluster_of.get(i, f"alone-{i}") for i in ids]


def _clusters_keeping(inputs: Sequence[LinkInput], kept: list) -> list[str]:
    """evac's cluster ids; the clustering behind them is appended to `kept`."""
    ids, clustering = link_inputs(list(inputs))
    kept.append(clustering)
    return ids


def compare_methods(
    inputs: Sequence[LinkInput], truth: Sequence, *, with_splink_default: bool = True
) -> list[Quality]:
    """evac linkage, exact matching and default Splink on the same records and truth."""
    clustering = []
    evac = _timed("evac linkage", truth, lambda: _clusters_keeping(inputs, clustering))
    frame, family = prepare_frame(inputs), clustering[0].family
    # The family rule joins on exploded keys; here the lists themselves are compared.
    family_rule = FAMILY_RULE.replace("l.family = r.family", "list_has_any(l.family, r.family)")
    rules = BLOCKING_RULES if family is None else [*BLOCKING_RULES, family_rule]
    recall = blocking_recall(frame.assign(family=family), truth, rules)
    results = [
        Quality(**{**evac.__dict__, "blocking_recall": recall}),
        _timed("exact match on written fields", truth, lambda: exact_match_clusters(inputs)),
    ]
    if with_splink_default:
        results.append(
            _timed(
                "Splink defaults, no name preparation",
                truth,
                lambda: splink_default_clusters(inputs),
            )
        )
    return results


def scenario_files(folder: Path) -> tuple[Path, Path]:
    """The linkage input and the truth that `evac scenario generate --out` wrote into `folder`.

    Only those two files by name: the partner files under sources/ are in other encodings
    (Windows-1252 among them) and are not linkage input.
    """
    linkage_input, truth = folder / LINK_FILE, folder / TRUTH_FILE
    missing = [path.name for path in (linkage_input, truth) if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"no {' or '.join(missing)} in {folder}")
    return linkage_input, truth


def read_truth(path: Path, record_ids: Sequence[str]) -> list[str]:
    """The true person of each record, in the order of `record_ids`."""
    with path.open(encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        column = (
            "person_id" if "person_id" in columns else next(c for c in columns if c != "record_id")
        )
        person = {row["record_id"]: row[column] for row in reader}
    return [person[record_id] for record_id in record_ids]


def generate_scenario(registrations: int, folder: Path, *, seed: int = 2021) -> tuple[Path, Path]:
    """Scenario data with about `registrations` rows: the persons count is scaled from a pilot."""
    pilot = folder / "pilot"
    _generate(2000, pilot, seed)
    rows = sum(1 for _ in scenario_files(pilot)[0].open(encoding="utf-8")) - 1
    persons = max(1, round(registrations * 2000 / rows))
    _generate(persons, folder / "full", seed)
    return scenario_files(folder / "full")


def _generate(persons: int, out: Path, seed: int) -> None:
    evac = Path(sys.executable).parent / "evac"  # the console script of this environment
    command = [str(evac), "scenario", "generate", "--persons", str(persons), "--seed", str(seed),
               "--out", str(out)]  # fmt: skip
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def without_households(inputs: Sequence[LinkInput]) -> list[LinkInput]:
    """The records as a file in the documented format gives them: no `household_id`."""
    return [dataclasses.replace(item, household=None) for item in inputs]


def scenario_benchmark(
    registrations: int, *, with_splink_default: bool = True, households: bool = True
) -> None:
    """Print the quality table of evac linkage and the baselines on scenario data.

    `households=False` drops the scenario's `household_id` column, which the documented file
    format does not have: no family pass, no refusal of two members of one listed family."""
    with tempfile.TemporaryDirectory() as folder:
        linkage_input, truth_file = generate_scenario(registrations, Path(folder))
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        inputs, problems = read_inputs(linkage_input)
        if not households:
            inputs = without_households(inputs)
        truth = read_truth(truth_file, [i.record_id for i in inputs])
        results = compare_methods(inputs, truth, with_splink_default=with_splink_default)
    print(f"scenario, {len(inputs):,} registrations of {len(set(truth)):,} persons, "
          f"{len(problems)} unreadable dates, household ids {'used' if households else 'removed'}, "
          f"run {started}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")  # fmt: skip
    print_table(results)
    evac, exact = results[0], results[1]
    print(f"F1 {evac.f1:.4f} in {evac.seconds:.0f} s; F1 ratio to the exact-match anchor "
          f"{evac.f1 / exact.f1:.2f}x")  # fmt: skip


def print_table(results: list[Quality]) -> None:
    print("| method | precision | recall | F1 | blocking recall | seconds |")
    print("|---|---|---|---|---|---|")
    for result in results:
        print(result.row())
